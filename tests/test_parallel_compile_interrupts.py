"""Ctrl-C while a network's parts compile in forked processes (``forked_map``): the run ends with
``KeyboardInterrupt``, no child outlives it (all reaped), nothing crashes, and running the same
network again computes what an uninterrupted process computes.

SIGINT goes to the whole process group, as a terminal's Ctrl-C does, from inside LLVM's
optimisation of a part: of part 0 in the process itself, or of another part in its child (which
blocks SIGINT, so only the process is interrupted). Each subprocess runs in a session of its own
(the group signalled is its own) and first gives SIGINT Python's own handler (a background
process may inherit it ignored)."""
import json
import os
import subprocess
import sys

import pytest

_SCRIPT = r"""
import json, os, signal, sys, time
signal.signal(signal.SIGINT, signal.default_int_handler)
from llvmlite.binding.newpassmanagers import ModulePassManager
from brianjit import *

where = sys.argv[1]
parent = os.getpid()
original = ModulePassManager.run
fired, armed = [], []  # armed for the network's first build only


def run(self, *args, **kwargs):
    in_child = os.getpid() != parent
    if armed and where != "none" and not fired and in_child == (where == "child"):
        fired.append(True)
        os.killpg(os.getpgid(0), signal.SIGINT)
        time.sleep(0.05)  # the other processes are well inside their parts
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
armed.append(True)
try:
    net.run(10*ms)
    interrupted = False
except KeyboardInterrupt:
    interrupted = True
armed.clear()
try:
    os.waitpid(-1, os.WNOHANG)
    children_left = True
except ChildProcessError:
    children_left = False
if interrupted:
    net.run(10*ms)
print(json.dumps({"interrupted": interrupted, "children_left": children_left,
                  "v": G.v_[:].tolist()}))
"""


def _run(where, parts):
    env = dict(os.environ, BRIANJIT_CACHE="0", BRIANJIT_COMPILE_PARTS=str(parts))
    out = subprocess.run([sys.executable, "-c", _SCRIPT, where], env=env, capture_output=True,
                         text=True, timeout=300, start_new_session=True)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def reference():
    """The same script compiled whole and not interrupted."""
    return _run("none", 1)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parts fork on Linux only")
@pytest.mark.parametrize("where", ["child", "process"])
def test_ctrl_c_during_a_parallel_compile_ends_in_keyboard_interrupt(where, reference):
    outcome = _run(where, 3)
    assert outcome["interrupted"]
    assert not outcome["children_left"]
    assert outcome["v"] == reference["v"]
