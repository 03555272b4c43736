"""Refractoriness blocks writes: code changes an ``(unless refractory)`` variable only where the
neuron is not refractory (Brian2's conditional write), except in the reset and in plain numeric
assignments. Golden values measured with Brian2 2.9.0 (numpy target)."""
import numpy as np
import pytest

from brianjit.only import *  # noqa: F401,F403

GATED = "dv/dt = 0/second : 1 (unless refractory)"


def test_on_pre_does_not_change_refractory_targets():
    start_scope()
    source = NeuronGroup(10, "", threshold="True")
    target = NeuronGroup(10, GATED, threshold="i>=5", refractory=defaultclock.dt)
    S = Synapses(source, target, on_pre="v += 1")
    S.connect(j="i")
    run(defaultclock.dt)
    assert target.v[:].tolist() == [1, 1, 1, 1, 1, 0, 0, 0, 0, 0]


def test_on_post_gates_the_presynaptic_subgroup_per_variable():
    start_scope()
    pre = NeuronGroup(6, GATED + "\ndw/dt = 0/second : 1", threshold="i % 2 == 0",
                      refractory=2 * defaultclock.dt)
    post = NeuronGroup(3, "", threshold="True")
    S = Synapses(pre[2:6], post, on_post="v_pre += 1\nw_pre += 1")
    S.connect(j="i % 3")
    run(3 * defaultclock.dt)
    assert pre.v[:].tolist() == [0, 0, 0, 3, 0, 3]
    assert pre.w[:].tolist() == [0, 0, 3, 3, 3, 3]  # w is not "(unless refractory)"


def test_synapse_code_reads_the_unchanged_value_after_a_blocked_write():
    start_scope()
    source = NeuronGroup(2, "", threshold="True")
    target = NeuronGroup(2, GATED + "\ncopy : 1", threshold="i == 1",
                         refractory=defaultclock.dt)
    S = Synapses(source, target, on_pre="v += 1\ncopy_post = v_post")
    S.connect(j="i")
    run(defaultclock.dt)
    assert target.v[:].tolist() == [1, 0]
    assert target.copy[:].tolist() == [1, 0]


def test_poissoninput_waits_for_the_end_of_refractoriness():
    start_scope()
    G = NeuronGroup(10, GATED, reset="v=0", threshold="v>4.5", refractory=5 * defaultclock.dt)
    P = PoissonInput(G, "v", 1, 1 / defaultclock.dt, weight=1.0)  # noqa: F841
    mon = StateMonitor(G, "v", record=5)
    run(10 * defaultclock.dt)
    assert mon[5].v[:].tolist() == [0, 1, 2, 3, 4, 5, 0, 0, 0, 0]


def test_run_regularly_and_string_assignments_are_gated_numbers_are_not():
    start_scope()
    G = NeuronGroup(4, "dv/dt = -v/(10*ms) : 1 (unless refractory)\nx : 1", threshold="v>1",
                    reset="v=0", refractory=5 * ms)
    G.v = [2, 0, 2, 0]
    G.run_regularly("v = 5", dt=0.1 * ms, when="end")
    run(0.1 * ms)
    assert G.not_refractory[:].tolist() == [False, True, False, True]
    assert G.v[:].tolist() == [0, 5, 0, 5]
    G.v[1:3] = "11"
    assert G.v[:].tolist() == [0, 11, 0, 5]
    G[0:2].v = "12"
    assert G.v[:].tolist() == [0, 12, 0, 5]
    G.v["i < 4"] = "8"
    assert G.v[:].tolist() == [0, 8, 0, 8]
    G.x = "3"  # not "(unless refractory)"
    assert G.x[:].tolist() == [3, 3, 3, 3]
    G.v = 9
    assert G.v[:].tolist() == [9, 9, 9, 9]


def test_reset_writes_despite_refractoriness_and_synapses_do_not():
    """Brian2's test_conditional_write_behaviour, with its exact numbers."""
    start_scope()
    H = NeuronGroup(1, "v:1", threshold="v>-1")
    tau = 1 * ms
    G = NeuronGroup(1, """dv/dt = (2-v)/tau : 1 (unless refractory)
                          dx/dt = 0/tau : 1 (unless refractory)
                          dy/dt = 0/tau : 1""",
                    threshold="v>1", reset="v = 0\nx -= 0.05\ny -= 0.05", refractory=1 * ms)
    Sx = Synapses(H, G, on_pre="x += dt*100*Hz")
    Sx.connect(True)
    Sy = Synapses(H, G, on_pre="y += dt*100*Hz")
    Sy.connect(True)
    run(10 * ms)
    assert G.x[0] == pytest.approx(0.1, abs=1e-12)
    assert G.y[0] == pytest.approx(0.7, abs=1e-12)


def test_without_refractoriness_the_flag_gates_nothing():
    start_scope()
    source = NeuronGroup(3, "", threshold="True")
    target = NeuronGroup(3, GATED, threshold="True")  # no refractory argument
    S = Synapses(source, target, on_pre="v += 1")
    S.connect(j="i")
    run(2 * defaultclock.dt)
    assert target.v[:].tolist() == [2, 2, 2]


def test_a_condition_as_refractoriness_gates_like_brian2():
    """Brian2's test_conditional_write_automatic_and_manual."""
    start_scope()
    source = NeuronGroup(1, "", threshold="True")
    target = NeuronGroup(2, "dv/dt = 0/ms : 1 (unless refractory)\ndw/dt = 0/ms : 1",
                         threshold="t == 0*ms", refractory="False")
    syn = Synapses(source, target, on_pre="v += 1\nw += 1 * int(not_refractory_post)")
    syn.connect()
    mon = StateMonitor(target, ["v", "w"], record=True, when="end")
    run(2 * defaultclock.dt)
    assert np.array_equal(mon.v[:], [[0, 1], [0, 1]])
    assert np.array_equal(mon.w[:], [[0, 1], [0, 1]])
