"""A network built from a stored front entry (``objects/front_network.py``) gives the warnings
and errors a build that makes its kernels gives, and a damaged entry is a miss, never a crash.

A fresh interpreter fills a cache folder once for the module; each case copies it, and its next
builds run the same script again (after the entries were damaged, for the last tests): a warm
build in a fresh interpreter for the warnings, and the others forked from one driver process that
imported brianjit and numpy only (what a fresh process has after its imports: no sympy, empty
in-memory caches), two at a time. A build that crashes fails its case with the child's
traceback and status; it never takes the run down."""
import json
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

from fresh_runs import fork_stages

_SCRIPT = r"""
import hashlib, json, logging, sys
import numpy as np
from brianjit import *
from brianjit.utils.logger import catch_logs
case = sys.argv[1]
prefs["brianjit.threads"] = 1
G = NeuronGroup(5, '''dv/dt = -v/tau : 1
                      u : 1''', threshold='v > 0.5', reset='v = 0', method='exact',
                namespace={'tau': 10*ms})
G.v = np.linspace(0, 1, 5)
tau = 20*ms   # another tau in the run's namespace: Brian2's resolution conflict, every run
S = Synapses(G, G, 'w : 1', on_pre='v_post += 1\nw = v_post', dt=0.2*ms)   # dt mismatch too
if case != "unconnected":
    S.connect(i=[0, 1, 2], j=[1, 2, 3])
if case == "unset_link":
    H = NeuronGroup(2, 'x : 1 (linked)')
mon = StateMonitor(G, 'v', record=[0, 4])
net = Network(collect())
out = {}
with catch_logs(log_level=logging.INFO) as logs:
    try:
        net.run(1*ms)
        net.run(1*ms)   # a second run warns again, and builds nothing
        out["state"] = hashlib.sha256(G.v_[:].tobytes() + S.w_[:].tobytes()
                                      + mon.v_[:].tobytes()).hexdigest()
    except Exception as error:
        out["error"] = f"{type(error).__name__}: {error}"
from brianjit.objects.front_network import front_counts
out["logs"] = [(entry[1], entry[2]) for entry in logs]
out["front"] = front_counts()
out["sympy"] = "sympy" in sys.modules
print(json.dumps(out))
"""




def _run(cache, case="plain"):
    """One build in a fresh interpreter."""
    env = dict(os.environ, BRIANJIT_CACHE_DIR=str(cache))
    out = subprocess.run([sys.executable, "-c", _SCRIPT, case], env=env, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def _run_forked(tmp_path, jobs):
    """Builds ``(cache, case, label)`` side by side, forked from one driver; a build that
    fails or crashes fails the case, with its label."""
    # no forked case checks anything about sympy: the driver imports it once for them all
    done, = fork_stages(tmp_path / "forker", _SCRIPT,
                        [[{"env": {"BRIANJIT_CACHE_DIR": str(cache)}, "arg": case}
                          for cache, case, _ in jobs]], sympy_loaded=True)
    for (_, _, label), result in zip(jobs, done):
        assert result["ok"], (label, result["status"], result["stderr"])
    return [result["result"] for result in done]


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    """A cache filled by the plain case in a fresh interpreter, and what that cold build
    reported; cases copy the folder."""
    cache = tmp_path_factory.mktemp("plain-filled")
    return cache, _run(cache)


def _copy(filled, target):
    shutil.copytree(filled[0], target)
    return target


def test_a_hit_warns_as_the_miss_path_did(tmp_path, filled):
    cold, warm = filled[1], _run(_copy(filled, tmp_path / "plain"))
    assert cold["front"]["stored"] == 1 and warm["front"]["hit"] == 1
    assert not warm["sympy"]
    loggers = {logger for logger, _ in cold["logs"]}
    assert {"brian2.codegen.generators.base", "brian2.synapses.synapses.synapses_dt_mismatch",
            "brian2.groups.group.Group.resolve.resolution_conflict"} <= loggers
    assert warm["logs"] == cold["logs"] and warm["state"] == cold["state"]


def test_errors_of_the_objects_state_are_raised_on_a_hit_too(tmp_path, filled):
    cases = (("unconnected", "has not created synapses"),
             ("unset_link", "Link target for variable 'x'"))
    jobs = []
    for case, _ in cases:
        jobs.append((tmp_path / case, case, f"{case}, cold"))
        # the entry of the plain case
        jobs.append((_copy(filled, tmp_path / f"plain-{case}"), case, f"{case}, warm"))
    results = _run_forked(tmp_path, jobs)
    for (case, message), cold, warm in zip(cases, results[0::2], results[1::2]):
        assert message in cold["error"], case
        assert warm["error"] == cold["error"], case


def _entries(cache):
    return sorted(pathlib.Path(cache).glob("*.bjo"))


def test_damaged_entries_are_misses(tmp_path, filled):
    cold = filled[1]
    damages = ("flip", "truncate", "empty")
    for damage in damages:
        cache = _copy(filled, tmp_path / damage)
        for path in _entries(cache):
            data = path.read_bytes()
            if damage == "flip":
                data = data[:-10] + bytes(b ^ 0x55 for b in data[-10:])
            elif damage == "truncate":
                data = data[:len(data) // 2]
            else:
                data = b""
            path.write_bytes(data)
    results = _run_forked(tmp_path, [(tmp_path / d, "plain", d) for d in damages])
    for damage, again in zip(damages, results):
        assert again["front"]["hit"] == 0 and again["front"]["miss"] == 1, damage
        assert again["state"] == cold["state"] and again["logs"] == cold["logs"], damage


# Edits the front entries of each (cache folder, edit) pair given, in one process:
# ``diskcache.cache_dir()`` reads BRIANJIT_CACHE_DIR at every call.
_EDIT = r"""
import json, os, sys
from brianjit import diskcache
import pathlib
for cache, edit in json.loads(sys.argv[1]):
    os.environ["BRIANJIT_CACHE_DIR"] = cache
    assert pathlib.Path(diskcache.cache_dir()) == pathlib.Path(cache)
    edited = 0
    for path in pathlib.Path(cache).glob("*.bjo"):
        key = path.stem
        entry = diskcache.load(key)
        if entry is None or entry[0] != b"front":
            continue
        fields = json.loads(entry[1])
        if edit == "json":
            text = entry[1][:-5]
        else:
            if edit == "slots":
                fields["slots"] = fields["slots"][:-1]
            elif edit == "roles":
                fields["slots"][0][0][0][0] = ["obj", 99, "var:v"]
            elif edit == "kernel":
                fields["kernels"][0][0] = 99
            elif edit == "names":
                fields["names"] = fields["names"][:1]
            elif edit == "types":
                fields["kernels"][0][4] = "one"
            elif edit == "structure":
                fields["structure"] = "0" * 64
            text = json.dumps(fields)
        diskcache.store(key, b"front", text)   # authenticated: the cache wrote it
"""


def test_edited_entries_are_misses_never_crashes(tmp_path, filled):
    cold = filled[1]
    edits = ("json", "slots", "roles", "kernel", "names", "types", "structure")
    pairs = [(str(_copy(filled, tmp_path / edit)), edit) for edit in edits]
    subprocess.run([sys.executable, "-c", _EDIT, json.dumps(pairs)], check=True, timeout=300)
    results = _run_forked(tmp_path, [(tmp_path / edit, "plain", edit) for edit in edits])
    for edit, again in zip(edits, results):
        assert again["front"]["hit"] == 0 and again["front"]["miss"] == 1, edit
        assert again["state"] == cold["state"], edit
