"""A failed connect() leaves every synaptic array as it was (i, j, w, delays, counts): nothing
half-made stays behind for the next run() to read past the end of. Memory exhaustion is tested in
a subprocess under an address-space limit, so a crash fails the test instead of the run."""
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from brianjit.memory import DynamicArray
from brianjit.only import *  # noqa: F401,F403


def _network():
    start_scope()
    G = NeuronGroup(20, "v : 1", threshold="v > 1", reset="v = 0")
    S = Synapses(G, G, "w : 1", on_pre="v_post += w", multisynaptic_index="k")
    S.connect(i=[0, 1, 1], j=[1, 2, 2])
    S.w = [0.25, 0.5, 0.75]
    S.delay = [1, 2, 3] * ms
    return G, S


def _per_synapse(S):
    return {name: getattr(S, name)[:].copy() for name in ("i", "j", "w", "delay", "k")}


def _same(before, S):
    after = _per_synapse(S)
    return all(np.array_equal(before[name], after[name]) for name in before)


@pytest.mark.parametrize("call, error", [
    (dict(j="i + 5"), IndexError),  # a generated target out of range, after valid ones
    (dict(i=[0, 3], j=[1, 99]), IndexError),
    (dict(condition="i > undefined_name"), KeyError),
    (dict(condition="v_post > 1*mV"), Exception),  # units do not match
    (dict(j="k for k in range(i, i + 3)", p="rand() < 2*mV"), Exception),
])
def test_connect_that_raises_changes_nothing(call, error):
    G, S = _network()
    before = _per_synapse(S)
    with pytest.raises(error):
        S.connect(**call)
    assert _same(before, S)
    G.v = 2
    run(5 * ms)  # the pathway reads consistent arrays
    assert len(S) == 3


def test_memory_running_out_after_the_pairs_were_made_changes_nothing(monkeypatch):
    G, S = _network()
    before = _per_synapse(S)
    real_resize = DynamicArray.resize
    w_array = S.variables["w"].array

    def failing_resize(self, newshape):
        if self is w_array and newshape > len(self):
            raise MemoryError("no room for w")
        return real_resize(self, newshape)
    monkeypatch.setattr(DynamicArray, "resize", failing_resize)
    with pytest.raises(MemoryError):
        S.connect(j="i")
    monkeypatch.undo()
    assert _same(before, S)
    assert S.connect(j="i") == 20  # and a later connect() works
    assert len(S.w[:]) == len(S.i[:]) == 23


def test_native_connect_running_out_of_memory_in_a_subprocess():
    script = textwrap.dedent("""
        import resource
        from brianjit.only import *
        G = NeuronGroup(100000, "v : 1", threshold="v > 1", reset="v = 0")
        S = Synapses(G, G, "w : 1", on_pre="v += w")
        S.connect(i=[0, 1], j=[1, 2])
        S.w = 0.5
        net = Network(G, S)
        net.run(defaultclock.dt)  # compiled while memory is plentiful
        resource.setrlimit(resource.RLIMIT_AS, (900 * 2**20, resource.RLIM_INFINITY))
        try:
            S.connect(p=1)  # 10**10 synapses
        except MemoryError:
            print("MemoryError")
        print(len(S.i[:]), len(S.j[:]), len(S.w[:]), len(S.delay[:]))
        G.v = 2
        net.run(defaultclock.dt)
        print(S.w[:].tolist())
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:3] == ["MemoryError", "2 2 2 2", "[0.5, 0.5]"]
