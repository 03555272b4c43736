"""Ctrl-C during a compilation: the build completes or nothing of it is used, the interrupt always
reaches the user, and the next run computes exactly what an uninterrupted build computes.

A Ctrl-C is simulated by sending SIGINT to the process just before or just after each step of
``compile_ir`` that calls into LLVM or the disk cache (patched in a subprocess), for builds that
miss the disk cache and builds that hit it (the case where an interrupted build used to leave the
unoptimised module in the engine).

Every test first gives SIGINT Python's own handler, as at a terminal: a process started in the
background by a non-interactive shell inherits SIGINT ignored, and then there is nothing to
deliver (``sigint_deferred`` leaves an ignored SIGINT alone)."""
import json
import os
import signal
import subprocess
import sys

import pytest

from brianjit.interrupts import sigint_deferred

_SCRIPT = r"""
import json, os, signal, sys
signal.signal(signal.SIGINT, signal.default_int_handler)
import numpy as np
import llvmlite.binding as llvm
from llvmlite.binding.newpassmanagers import ModulePassManager
from brianjit import *
from brianjit import diskcache

POINTS = {"parse": (llvm, "parse_assembly"), "optimise": (ModulePassManager, "run"),
          "emit_object": (llvm.TargetMachine, "emit_object"),
          "disk_load": (diskcache, "load"), "disk_store": (diskcache, "store"),
          "add_object": (llvm.ExecutionEngine, "add_object_file"),
          "add_module": (llvm.ExecutionEngine, "add_module"),
          "finalize": (llvm.ExecutionEngine, "finalize_object"),
          "address": (llvm.ExecutionEngine, "get_function_address")}
armed = {}


def patch(point, owner, attribute):
    original = getattr(owner, attribute)

    def wrapper(*args, **kwargs):
        if armed.get("point") == point and armed["when"] == "before":
            armed.clear(); fired.append(point)
            os.kill(os.getpid(), signal.SIGINT)
        result = original(*args, **kwargs)
        if armed.get("point") == point and armed["when"] == "after":
            armed.clear(); fired.append(point)
            os.kill(os.getpid(), signal.SIGINT)
        return result
    setattr(owner, attribute, wrapper)


for point, (owner, attribute) in POINTS.items():
    patch(point, owner, attribute)


def simulate(name, size):
    # compiled code is shared by networks of the same structure, whatever their names: a size
    # of its own makes each scenario a build of its own
    G = NeuronGroup(size, "dv/dt = (1 - v)/(10*ms) + 0.1*exp(-v)/ms : 1", method="euler",
                    name="g_" + name.replace("-", "_"))
    G.v = np.arange(size) / size
    net = Network(G, name="net_" + name.replace("-", "_"))
    return net, G


mode = sys.argv[1]
results = {}
for size, name in enumerate(sys.argv[2:], start=64):
    fired = []
    net, G = simulate(name, size)
    point, when, cache = name.split("-")
    if mode == "interrupt":
        armed.update(point=point, when=when)
    else:  # the references of the builds that must miss the disk cache are not kept there
        os.environ["BRIANJIT_CACHE"] = "0" if cache == "miss" else "1"
    try:
        net.run(2 * ms)
        interrupted = False
    except KeyboardInterrupt:
        interrupted = True
        armed.clear()
        net.run(2 * ms)  # the same network again, now uninterrupted
    results[name] = {"fired": bool(fired), "interrupted": interrupted,
                     "v": G.v_[:].tolist(), "t": float(net.t_)}
print(json.dumps(results))
"""

@pytest.fixture(autouse=True)
def python_handles_sigint():
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


_POINTS = ["parse", "optimise", "emit_object", "disk_load", "disk_store", "add_object",
           "add_module", "finalize", "address"]


def _run(mode, names, cache_dir, **env):
    environment = dict(os.environ, BRIANJIT_CACHE_DIR=str(cache_dir), **env)
    out = subprocess.run([sys.executable, "-c", _SCRIPT, mode, *names], env=environment,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_ctrl_c_at_any_point_of_a_build_reaches_the_user_and_leaves_nothing_behind(tmp_path):
    hits = [f"{p}-{w}-hit" for p in _POINTS for w in ("before", "after")]
    misses = [f"{p}-{w}-miss" for p in _POINTS for w in ("before", "after")]
    cache = tmp_path / "cache"
    reference = _run("reference", hits + misses, cache)  # uninterrupted
    interrupted = _run("interrupt", hits + misses, cache)
    fired = 0
    for name, outcome in interrupted.items():
        assert outcome["interrupted"] == outcome["fired"], (name, outcome)  # never swallowed
        assert outcome["v"] == reference[name]["v"] and outcome["t"] == reference[name]["t"], name
        fired += outcome["fired"]
    # every step that a hit or a miss goes through was interrupted at least once
    assert {n.split("-")[0] for n, o in interrupted.items() if o["fired"]} >= (
        set(_POINTS) - {"add_module"})
    assert fired >= 24


def test_sigint_inside_a_deferred_section_arrives_right_after_it():
    finished = []
    with pytest.raises(KeyboardInterrupt):
        with sigint_deferred():
            os.kill(os.getpid(), signal.SIGINT)
            sum(range(10_000))  # the interpreter would have raised here
            finished.append(True)
    assert finished and signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_failing_deferred_section_still_delivers_the_interrupt():
    with pytest.raises(KeyboardInterrupt) as caught:
        with sigint_deferred():
            os.kill(os.getpid(), signal.SIGINT)
            raise ValueError("the section failed")
    assert isinstance(caught.value.__context__, ValueError)
