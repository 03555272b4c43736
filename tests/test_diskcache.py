"""The disk cache of machine code: a later process reuses it, and a damaged entry is never loaded."""
import json
import os
import pathlib
import subprocess
import sys

import pytest

from brianjit import diskcache

_SCRIPT = r"""
import json
from brianjit import *
from brianjit import jit
seed(3)
G = NeuronGroup(20, 'dv/dt = (1.2 - v)/(10*ms) + 0.1*xi/sqrt(ms) : 1', threshold='v > 1',
                reset='v = 0', method='euler')
S = SpikeMonitor(G)
net = Network(G, S)
net.run(50*ms)
print(json.dumps({"from_disk": net._program.compiled.from_disk, "i": S.i.tolist(),
                  "t": S.t_.tolist(), "optimise": net.timings["optimise"]}))
"""


def _run(cache_dir, **env):
    environment = dict(os.environ, BRIANJIT_CACHE_DIR=str(cache_dir), **env)
    out = subprocess.run([sys.executable, "-c", _SCRIPT], env=environment, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def _entries(cache_dir):
    return sorted(pathlib.Path(cache_dir).glob("*.bjo"))


def test_a_later_process_uses_the_cached_machine_code(tmp_path):
    first = _run(tmp_path)
    second = _run(tmp_path)
    assert not first["from_disk"] and second["from_disk"]
    assert second["i"] == first["i"] and second["t"] == first["t"] and len(first["i"]) > 10
    assert _entries(tmp_path)


@pytest.mark.parametrize("damage", ["flip", "truncate", "garbage"])
def test_a_damaged_entry_is_ignored_and_replaced(tmp_path, damage):
    reference = _run(tmp_path)
    for entry in _entries(tmp_path):
        blob = bytearray(entry.read_bytes())
        if damage == "flip":
            blob[len(blob) // 2] ^= 0xFF
        elif damage == "truncate":
            blob = blob[: len(blob) // 3]
        else:
            blob = bytearray(b"not an object file")
        entry.write_bytes(bytes(blob))
    again = _run(tmp_path)
    assert not again["from_disk"]
    assert again["i"] == reference["i"] and again["t"] == reference["t"]
    assert _run(tmp_path)["from_disk"]  # the entry was written anew


def test_the_cache_can_be_turned_off(tmp_path):
    assert not _run(tmp_path, BRIANJIT_CACHE="0")["from_disk"]
    assert not _entries(tmp_path)


def test_load_checks_the_checksum(tmp_path, monkeypatch):
    monkeypatch.setenv("BRIANJIT_CACHE_DIR", str(tmp_path))
    diskcache.store("ab" * 32, b"\x7fELF-object", "define void @f() { ret void }")
    assert diskcache.load("ab" * 32) == (b"\x7fELF-object", "define void @f() { ret void }")
    assert diskcache.load("missing") is None
