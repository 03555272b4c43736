"""Disk-cache entries of modules compiled in parts (``jit._to_disk``): a later process links every
part's object from the disk and computes what the compiling process computed; an entry in the
layout of an earlier brianjit (one object, then the optimised IR, the IR and the names) is a miss
that is compiled again and replaced, never loaded, whatever its object holds."""
import json
import os
import subprocess
import sys

_SCRIPT = r"""
import json, sys
import numpy as np
from brianjit import *
from brianjit import diskcache, jit

mode = sys.argv[1]
if mode == "make-old":  # rewrite every entry in the layout of an earlier brianjit
    for path in diskcache.cache_dir().glob("*.bjo"):
        key = path.stem
        entry = diskcache.load(key)
        if entry is None or len(entry) < 2 or not entry[1].startswith("parts-v1 "):
            continue  # not a module's entry (the front end keeps its own there)
        blob, layout, *texts = entry
        first = int(layout.split()[1])
        # the first part's object, as if it were a whole module (calls into the other parts)
        diskcache.store(key, blob[:first], texts[0], texts[-2], texts[-1])
    print(json.dumps({}))
    sys.exit()
seed(7)
G = NeuronGroup(300, '''dv/dt = (g*(1 - v) - v + I)/(10*ms) : 1
                        dg/dt = -g/(5*ms) : 1
                        I : 1''', threshold="v > 0.8", reset="v = 0", method="euler")
G.I = "1.2*i/300"
S = Synapses(G, G, "w : 1", on_pre="g += w")
S.connect(p=0.1)
S.w = "0.2*rand()"
M = SpikeMonitor(G)
net = Network(G, S, M)
net.run(20*ms)
print(json.dumps({"v": G.v_[:].tolist(), "spikes": int(M.num_spikes),
                  "parts": len(net._program.compiled.optimized_parts),
                  "from_disk": net._program.compiled.from_disk}))
"""


def _run(mode, cache, threads=3):
    env = dict(os.environ, BRIANJIT_CACHE="1", BRIANJIT_CACHE_DIR=str(cache),
               BRIANJIT_COMPILE_PARTS=str(threads))
    out = subprocess.run([sys.executable, "-c", _SCRIPT, mode], env=env, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_parts_come_back_from_the_disk_and_old_entries_are_compiled_again(tmp_path):
    cache = tmp_path / "cache"
    first = _run("run", cache)
    assert first["parts"] > 1 and not first["from_disk"] and first["spikes"] > 0
    second = _run("run", cache, threads=1)  # parts from the disk, whatever this process's split
    assert second["from_disk"] and second["parts"] == first["parts"]
    assert second["v"] == first["v"] and second["spikes"] == first["spikes"]
    _run("make-old", cache)
    third = _run("run", cache)  # a miss: compiled again, not loaded
    assert not third["from_disk"] and third["parts"] > 1
    assert third["v"] == first["v"] and third["spikes"] == first["spikes"]
    fourth = _run("run", cache)  # the entry was replaced
    assert fourth["from_disk"] and fourth["v"] == first["v"]


def test_an_old_entry_with_a_broken_object_is_a_miss_not_a_crash(tmp_path):
    script = r'''
import ctypes, json
from brianjit import diskcache, jit
text = 'define i64 @"twice"(i64 %x) {\n  %y = add i64 %x, %x\n  ret i64 %y\n}\n'
with jit._lock:
    key = jit._full_key("ir", text)
diskcache.store(key, b"\x7fELF not an object", "optimised", text, "twice__x twice")
module = jit.compile_ir(text)
print(json.dumps({"value": module.cfunc("twice", ctypes.c_int64, ctypes.c_int64)(21),
                  "counts": jit.compile_counts()}))
'''
    env = dict(os.environ, BRIANJIT_CACHE="1", BRIANJIT_CACHE_DIR=str(tmp_path / "cache"))
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result == {"value": 42, "counts": {"memory": 0, "disk": 0, "compiled": 1}}
