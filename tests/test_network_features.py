"""Network features: network_operation, run_regularly, several clocks, the schedule, Ctrl-C and
reports with operations. Golden values were produced by Brian2 2.9 (numpy target) running the
same scripts."""
import textwrap

import numpy as np
import pytest

from brianjit import (Clock, Network, NetworkOperation, NeuronGroup, PopulationRateMonitor,
                      SpikeMonitor, StateMonitor, ms, mV, network_operation, run,
                      seed, start_scope)
from brianjit.objects.magic import magic_network
from interrupting import run_and_interrupt


def _ramp(n=2):
    """v grows by exactly 0.1 per 0.1 ms step."""
    return NeuronGroup(n, "dv/dt = 1/ms : 1", method="euler")


# ---- network_operation ---------------------------------------------------------------------------

def test_operation_times_writes_and_schedule_match_brian2():
    """An operation at 0.5 ms after the state update, run_regularly at 0.3 ms before it, monitors
    at 'start', 'end' and at 0.4 ms 'after_groups' (ties in a slot go by name, as in Brian2)."""
    G = _ramp()
    Ms = StateMonitor(G, "v", record=0, when="start")
    Me = StateMonitor(G, "v", record=0, when="end")
    Mslow = StateMonitor(G, "v", record=1, dt=0.4 * ms, when="after_groups")
    times = []

    @network_operation(dt=0.5 * ms, when="after_groups")
    def op(t):
        times.append(float(t / ms))
        G.v += 1

    G.run_regularly("v = v*2", dt=0.3 * ms, when="before_groups")
    net = Network(G, Ms, Me, Mslow, op)
    net.run(1.2 * ms)
    # Brian2 2.9, same script
    start = [0.0, 1.1, 1.2, 1.3, 2.7, 2.8, 3.9, 7.9, 8.0, 8.1, 16.3, 17.4]
    assert times == [0.0, 0.5, 1.0]
    assert np.allclose(Ms.v[0], start, rtol=1e-12)
    assert np.allclose(Me.v[0], start[1:] + [17.5], rtol=1e-12)
    assert np.allclose(Mslow.v[0], [1.1, 2.8, 8.1], rtol=1e-12)
    assert np.array_equal(Mslow.t_, np.array([0, 4, 8]) * 1e-4)
    assert np.allclose(G.v[:], 17.5)


def test_operation_forms_and_call_counts():
    G = _ramp(1)
    calls = {"plain": 0, "cls": [], "deco": []}

    @network_operation
    def plain():
        calls["plain"] += 1

    def with_t(t):
        calls["cls"].append(t)

    op = NetworkOperation(with_t, dt=0.2 * ms, when="end", order=3)
    deco = network_operation(lambda t: calls["deco"].append(float(t / ms)), clock=Clock(1 * ms))
    net = Network(G, plain, op, deco)
    net.run(2 * ms)
    assert calls["plain"] == 20
    assert np.allclose([float(t / ms) for t in calls["cls"]], np.arange(10) * 0.2)
    assert calls["deco"] == [0.0, 1.0]
    net.run(1 * ms)  # continues: the next calls are at the following steps only
    assert calls["plain"] == 30 and calls["deco"] == [0.0, 1.0, 2.0]
    assert op(0 * ms) is None  # still callable as the function


def test_operation_sees_clocks_and_network_time():
    G = _ramp(1)
    slow = Clock(1 * ms)
    seen = []

    @network_operation(when="end")
    def op(t):
        seen.append((round(float(t / ms), 9), round(float(slow.t / ms), 9),
                     round(float(net.t / ms), 9), round(float(G.t / ms), 9)))
    mon = StateMonitor(G, "v", record=0, clock=slow)
    net = Network(G, op, mon)
    net.run(1.3 * ms)
    # Brian2: a slower clock shows its next tick between its ticks
    assert seen[0] == (0.0, 0.0, 0.0, 0.0)
    assert seen[1] == (0.1, 1.0, 0.1, 0.1)
    assert seen[10] == (1.0, 1.0, 1.0, 1.0)
    assert seen[11] == (1.1, 2.0, 1.1, 1.1)
    assert len(seen) == 13 and slow.t == 2 * ms and net.t == pytest.approx(1.3 * ms)


def test_operation_writes_are_seen_by_native_code():
    """An input switched by Python every 1 ms drives the equation: v(t) is piecewise linear."""
    G = NeuronGroup(1, "dv/dt = I/ms : 1\nI : 1", method="euler")
    M = StateMonitor(G, "v", record=0, when="end")

    @network_operation(dt=1 * ms)
    def switch(t):
        G.I = 1.0 if int(round(float(t / ms))) % 2 == 0 else -2.0

    Network(G, M, switch).run(4 * ms)
    expected = np.cumsum(np.repeat([1.0, -2.0, 1.0, -2.0], 10) * 0.1)
    assert np.allclose(M.v[0], expected, rtol=0, atol=1e-12)


def test_operations_do_not_change_native_results():
    """Stopping in the middle of steps (an operation every step at 'thresholds', one doing
    nothing at 'after_resets') gives bit-identical results to the plain native loop."""
    def build():
        G = NeuronGroup(20, "dv/dt = (1.2 - v)/(10*ms) + 0.3*xi/sqrt(ms) : 1", threshold="v > 1",
                        reset="v = 0", refractory=2 * ms, method="euler", name="noisy*")
        return G, SpikeMonitor(G), StateMonitor(G, "v", record=[0, 7])
    seed(3)
    G1, S1, M1 = build()
    Network(G1, S1, M1).run(20 * ms)
    seed(3)
    G2, S2, M2 = build()
    ops = [NetworkOperation(lambda: None, when="thresholds"),
           NetworkOperation(lambda t: None, dt=0.7 * ms, when="after_resets")]
    Network(G2, S2, M2, *ops).run(20 * ms)
    assert np.array_equal(S1.i, S2.i) and np.array_equal(S1.t_, S2.t_)
    assert np.array_equal(M1.v_, M2.v_) and np.array_equal(G1.v_, G2.v_)


def test_magic_run_collects_operations():
    start_scope()
    G = _ramp(1)
    count = []

    @network_operation(dt=1 * ms)
    def tick():
        count.append(1)
    run(3 * ms)
    assert len(count) == 3 and tick._network == magic_network.id


def test_bad_operations():
    with pytest.raises(TypeError, match="'two'.*2: a, b"):
        def two(a, b):
            pass
        NetworkOperation(two)
    with pytest.raises(TypeError, match="function"):
        NetworkOperation(42)
    with pytest.raises(ValueError, match="when"):
        NetworkOperation(lambda: None, when="no such slot!")
    G = _ramp(1)

    def boom(t):
        if t > 0.45 * ms:
            raise RuntimeError("from the operation")
    net = Network(G, NetworkOperation(boom))
    with pytest.raises(RuntimeError, match="from the operation"):
        net.run(1 * ms)
    # the network stopped at the operation's step: t and the state agree
    assert net.t == pytest.approx(0.5 * ms) and G.v[0] == pytest.approx(0.5)


# ---- run_regularly -------------------------------------------------------------------------------

def test_run_regularly_against_hand_computation():
    G = NeuronGroup(4, "dv/dt = -v/(10*ms) : volt\nk : 1", method="exact")
    G.k = [1, 2, 3, 4]
    kick = 2 * mV
    op = G.run_regularly("v += k*kick + i*mV", dt=1 * ms)
    assert op in G.contained_objects and op.clock.dt == 1 * ms and op.when == "start"
    M = StateMonitor(G, "v", record=True, when="end")
    net = Network(G, M)
    net.run(5 * ms)
    decay = np.exp(-0.1 / 10)
    v = np.zeros(4)
    expected = []
    for step in range(50):
        if step % 10 == 0:
            v = v + (np.arange(1, 5) * 2e-3 + np.arange(4) * 1e-3)
        v = v * decay
        expected.append(v.copy())
    assert np.allclose(M.v_.T, expected, rtol=1e-12, atol=0)
    kick = 0 * mV  # a new value is picked up at the next run without recompiling
    program = net._program
    net.run(1 * ms)
    assert net._program is program
    assert np.allclose(M.v_[:, -1], expected[-1] * decay ** 10 + np.arange(4) * 1e-3 * decay ** 10)


def test_run_regularly_on_subgroup_with_rand_and_temporaries():
    seed(5)
    G = NeuronGroup(10, "x : 1\ny : 1")
    G[4:8].run_regularly("tmp = 2*i + 1\nx += tmp\ny = rand()", name="sub_rr")
    net = Network(G)
    net.run(0.3 * ms)
    assert np.array_equal(G.x[:], [0, 0, 0, 0, 3, 9, 15, 21, 0, 0])
    y = G.y[:]
    assert np.all(y[[0, 1, 2, 3, 8, 9]] == 0) and np.all((y[4:8] > 0) & (y[4:8] < 1))
    assert len(set(y[4:8])) == 4


def test_run_regularly_bad_input():
    G = NeuronGroup(2, "v : volt\ns : 1 (shared)\nw = 2*v : volt")
    with pytest.raises(SyntaxError, match="'s = v/volt'.*shared"):   # Brian2: SyntaxError
        G.run_regularly("s = v/volt")
    with pytest.raises(TypeError, match="'w = v'.*read-only"):
        G.run_regularly("w = v")
    with pytest.raises(SyntaxError):
        G.run_regularly("v = = 1")
    with pytest.raises(TypeError, match="string"):
        G.run_regularly(42)
    H = NeuronGroup(2, "v : volt")
    H.run_regularly("v += 3", name="unit_error_rr")
    with pytest.raises(Exception, match="v \\+= 3"):
        Network(H).run(0.1 * ms)
    K = NeuronGroup(2, "v : volt")
    K.run_regularly("v += nobody_knows_me")
    with pytest.raises(KeyError, match="nobody_knows_me"):
        Network(K).run(0.1 * ms)


# ---- several clocks ------------------------------------------------------------------------------

def test_monitor_at_a_slower_clock_records_every_tenth_step():
    G = NeuronGroup(3, "dv/dt = (i + 1)/ms : 1", method="euler", dt=0.1 * ms,
                    threshold="v < 0")   # no spikes: a PopulationRateMonitor needs a threshold
    fast = StateMonitor(G, "v", record=True)
    slow = StateMonitor(G, "v", record=True, dt=1 * ms)
    rate = PopulationRateMonitor(G)
    net = Network(G, fast, slow, rate)
    net.run(10 * ms)
    assert fast.v.shape == (3, 100) and slow.v.shape == (3, 10)
    assert np.array_equal(slow.t_, np.arange(10) * 1e-3)
    assert np.array_equal(slow.v_, fast.v_[:, ::10])
    net.run(2.5 * ms)  # continues on the same grid; the slow clock ticks at 10, 11, 12 ms
    assert np.array_equal(slow.t_[-3:], np.array([10, 11, 12]) * 1e-3)
    assert np.array_equal(slow.v_, fast.v_[:, ::10])


def test_groups_on_three_clocks():
    a = NeuronGroup(1, "dv/dt = 1/ms : 1", method="euler", dt=0.1 * ms)
    b = NeuronGroup(1, "dv/dt = 1/ms : 1", method="euler", dt=0.5 * ms)
    c = NeuronGroup(1, "dv/dt = 1/ms : 1", method="euler", dt=2 * ms)
    Mc = StateMonitor(c, "v", record=0)
    net = Network(a, b, c, Mc)
    net.run(6 * ms)
    assert a.v[0] == pytest.approx(6) and b.v[0] == pytest.approx(6) and c.v[0] == pytest.approx(6)
    assert np.array_equal(Mc.t_, [0, 2e-3, 4e-3]) and np.allclose(Mc.v_[0], [0, 2, 4])
    assert b.t == 6 * ms and c.t == 6 * ms
    d = NeuronGroup(1, "v : 1", dt=0.25 * ms)
    with pytest.raises(NotImplementedError, match="integer multiple"):
        Network(NeuronGroup(1, "v : 1", dt=0.1 * ms), d).run(1 * ms)


# ---- schedule ------------------------------------------------------------------------------------

def test_monitor_slot_decides_before_or_after_the_update():
    G = _ramp(1)
    at_start = StateMonitor(G, "v", record=0, when="start")
    at_end = StateMonitor(G, "v", record=0, when="end")
    net = Network(G, at_start, at_end)
    net.run(0.3 * ms)
    assert np.allclose(at_start.v[0], [0, 0.1, 0.2]) and np.allclose(at_end.v[0], [0.1, 0.2, 0.3])


def test_custom_schedule_reorders_and_rebuilds():
    G = _ramp(1)
    at_end = StateMonitor(G, "v", record=0, when="end")
    custom = StateMonitor(G, "v", record=0, when="mine")
    net = Network(G, at_end)
    assert net.schedule == ["start", "groups", "thresholds", "synapses", "resets", "end"]
    net.schedule = ["start", "end", "groups", "thresholds", "synapses", "resets"]
    net.run(0.2 * ms)
    assert np.allclose(at_end.v[0], [0, 0.1])  # 'end' now comes before the update
    net.schedule = None
    net.run(0.2 * ms)
    assert np.allclose(at_end.v[0], [0, 0.1, 0.3, 0.4])
    net.add(custom)
    with pytest.raises(ValueError, match="'mine'"):
        net.run(0.1 * ms)
    net.schedule = ["start", "groups", "mine", "thresholds", "synapses", "resets", "end"]
    net.run(0.1 * ms)
    assert np.allclose(custom.v[0], [0.5])


@pytest.mark.parametrize("schedule, error", [
    ("start", TypeError), (["start", 3], TypeError), (["start", "before_groups"], ValueError),
    (["start", "groups", "start"], ValueError), (["a b"], TypeError), (5, TypeError),
])
def test_invalid_schedules(schedule, error):
    net = Network()
    with pytest.raises(error):
        net.schedule = schedule
    assert net.schedule[0] == "start"


def test_scheduling_summary_lists_objects_in_execution_order():
    G = NeuronGroup(1, "v : 1", threshold="v > 1", name="sumgroup")
    op = NetworkOperation(lambda: None, dt=1 * ms, when="end", name="sumop")
    M = StateMonitor(G, "v", record=0, name="summon")
    G.run_regularly("v = 0", dt=0.5 * ms, name="sumrr")
    text = repr(Network(G, op, M).scheduling_summary())
    order = [text.index(name) for name in ("summon", "sumrr", "sumgroup", "sumop")]
    assert order == sorted(order)
    assert "every 10 steps" in text and "NetworkOperation" in text


# ---- run control with operations -----------------------------------------------------------------

def test_reports_with_operations():
    calls = []
    G = _ramp(1)
    net = Network(G, NetworkOperation(lambda: None, dt=0.5 * ms))
    net.run(2 * ms, report=lambda *args: calls.append(args[1]))
    assert calls[0] == 0.0 and calls[-1] == 1.0


_INTERRUPTED_SCRIPT = textwrap.dedent("""
    from brianjit import *
    G = NeuronGroup(50, 'dv/dt = (2 - v)/(10*ms) : 1', threshold='v > 1', reset='v = 0',
                    method='exact')
    M = StateMonitor(G, 'v', record=[0, 1])
    calls = []
    @network_operation(when='after_groups')
    def op(t):
        calls.append(t)
    run(1*ms)  # builds: the Ctrl-C below lands in the long run, not in LLVM (the same program)
    print('READY', flush=True)
    try:
        run(3000*second)  # long enough to interrupt; monitors reserve room for all of it
    except KeyboardInterrupt:
        steps = round(defaultclock.t_ / defaultclock.dt_)
        assert 0 < steps < 10**9
        assert len(M.t) == M.v.shape[1] == len(calls) == steps, (len(M.t), len(calls), steps)
        run(1*ms)
        assert len(M.t) == len(calls) == steps + 10
        print('CONSISTENT', steps, flush=True)
""")


def test_ctrl_c_with_operations_stops_at_a_step_boundary():
    assert "CONSISTENT" in run_and_interrupt(_INTERRUPTED_SCRIPT)
