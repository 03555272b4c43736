"""The cyclic garbage collector does not run inside a network's build (``brianjit/gc_pause.py``),
and the collector's state is the user's again afterwards."""
import gc
import sys

import numpy as np
import pytest

import brianjit as bj
from brianjit.gc_pause import gc_paused


@pytest.fixture
def collections_in_build():
    """Collections the collector starts while ``Network._build`` is on the stack, with every
    allocation made a candidate for a collection (threshold 1) for the test's duration."""
    found = []

    def callback(phase, info):
        if phase != "start":
            return
        frame = sys._getframe()
        while frame is not None:
            if frame.f_code.co_name == "_build" and "network" in frame.f_code.co_filename:
                found.append(info["generation"])
                return
            frame = frame.f_back

    thresholds = gc.get_threshold()
    gc.set_threshold(1, 1, 1)
    gc.callbacks.append(callback)
    try:
        yield found
    finally:
        gc.callbacks.remove(callback)
        gc.set_threshold(*thresholds)


def _network():
    bj.start_scope()
    group = bj.NeuronGroup(5, "dv/dt = (1 - v)/(10*ms) : 1", threshold="v > 0.8", reset="v = 0",
                           method="exact")
    synapses = bj.Synapses(group, group, "w : 1", on_pre="v += w")
    synapses.connect(j="i")
    group.v = "i / 5.0"
    return bj.Network(group, synapses, bj.SpikeMonitor(group)), group


def test_no_collection_inside_a_build(collections_in_build):
    net, _ = _network()
    net.run(1 * bj.ms)
    assert collections_in_build == []
    assert gc.isenabled()


def test_results_do_not_depend_on_the_collector():
    net, group = _network()
    net.run(5 * bj.ms)
    first = np.asarray(group.v[:]).copy()
    gc.disable()
    try:
        again, group = _network()
        again.run(5 * bj.ms)
    finally:
        gc.enable()
    assert np.array_equal(np.asarray(group.v[:]), first)
    assert gc.isenabled()


def test_user_state_restored():
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():  # nested: still paused after the inner block
            pass
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ZeroDivisionError):
        with gc_paused():
            1 / 0
    assert gc.isenabled()
    gc.disable()  # a program that turned the collector off keeps it off
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
        net, _ = _network()
        net.run(1 * bj.ms)
        assert not gc.isenabled()
    finally:
        gc.enable()
