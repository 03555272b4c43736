"""Ctrl-C while a network's parts compile on threads (``compile_threads.map_on_threads``): the
run ends with ``KeyboardInterrupt``, no compiling thread outlives it, nothing crashes, and running
the same network again computes what an uninterrupted process computes.

SIGINT is sent to the process (as a terminal's Ctrl-C is) from inside LLVM's optimisation of one
part: of a part on another thread, or of part 0 on the calling thread. Each subprocess first
gives SIGINT Python's own handler (a background process may inherit it ignored)."""
import json
import os
import subprocess
import sys

import pytest

_SCRIPT = r"""
import json, os, signal, sys, threading, time
signal.signal(signal.SIGINT, signal.default_int_handler)
from llvmlite.binding.newpassmanagers import ModulePassManager
from brianjit import *

where = sys.argv[1]
original = ModulePassManager.run
fired = []


def run(self, *args, **kwargs):
    on_main = threading.current_thread() is threading.main_thread()
    if where != "none" and not fired and on_main == (where == "main"):
        fired.append(True)
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)  # the other threads are well inside their parts
    return original(self, *args, **kwargs)


ModulePassManager.run = run
seed(3)
G = NeuronGroup(200, '''dv/dt = (g*(1 - v) - v + I)/(10*ms) : 1
                        dg/dt = -g/(5*ms) : 1
                        I : 1''', threshold="v > 0.8", reset="v = 0", method="euler")
G.I = "1.2*i/200"
S = Synapses(G, G, "w : 1", on_pre="g += w")
S.connect(p=0.1)
S.w = "0.2*rand()"
net = Network(G, S)
try:
    net.run(10*ms)
    interrupted = False
except KeyboardInterrupt:
    interrupted = True
compiling = [t.name for t in threading.enumerate() if t.name.startswith("brianjit-compile")]
if interrupted:
    net.run(10*ms)
print(json.dumps({"interrupted": interrupted, "fired": bool(fired), "compiling": compiling,
                  "v": G.v_[:].tolist()}))
"""


def _run(where, threads):
    env = dict(os.environ, BRIANJIT_CACHE="0", BRIANJIT_COMPILE_THREADS=str(threads))
    out = subprocess.run([sys.executable, "-c", _SCRIPT, where], env=env, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("where", ["thread", "main"])
def test_ctrl_c_during_a_parallel_compile_ends_in_keyboard_interrupt(where):
    reference = _run("none", 1)
    outcome = _run(where, 4)
    assert outcome["fired"] and outcome["interrupted"]
    assert outcome["compiling"] == []
    assert outcome["v"] == reference["v"]
