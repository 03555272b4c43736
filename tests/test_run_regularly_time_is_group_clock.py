"""``t`` and ``t_in_timesteps`` in the code of a ``run_regularly`` with a dt of its own are the
*group's* clock's: its step times its dt, as Brian2 resolves both among the group's variables.
brianjit computed ``t`` as the operation's step times the operation's dt, which differs in the
last bit (3 * 0.3 ms is 0.0009 but 9 * 0.1 ms is 0.0009000000000000001), so ``int(t/dt)``,
comparisons and TimedArray reads at ``t`` came out otherwise.

Expected values measured with Brian2 2.9.0 (numpy and cython targets agree) on
``G = NeuronGroup(1, ..., dt=group_dt); G.run_regularly(code, dt=op_dt)`` with a StateMonitor at
the operation's dt, printing ``repr(float(x))``. Where the group's clock is the slower one, the
operation between two of its ticks reads the tick to come (Brian2 moves a clock's ``t`` once all
objects of that step ran).
"""
import numpy as np
import pytest
from default_dt import at_default_dt_of_0_1_ms  # noqa: F401

from brianjit import Network, NeuronGroup, StateMonitor, defaultclock, ms

CODE = "x = t\nk = int(t/dt)\nc = t_in_timesteps"


def _run(group_dt, op_dt, durations, default_dt=None):
    defaultclock.dt = default_dt if default_dt is not None else group_dt
    G = NeuronGroup(1, "x : second\nk : 1\nc : 1", dt=group_dt)
    G.run_regularly(CODE, dt=op_dt)
    M = StateMonitor(G, ["x", "k", "c"], record=0, dt=op_dt)
    net = Network(G, M)
    for duration in durations:
        net.run(duration)
    return [float(v) for v in np.asarray(M.x[0])], list(M.k[0]), list(M.c[0])


def test_t_is_the_groups_step_times_its_dt():
    x, k, c = _run(0.1 * ms, 0.3 * ms, [3 * ms])
    assert [repr(v) for v in x[:6]] == ["0.0", "0.00030000000000000003", "0.0006000000000000001",
                                        "0.0009000000000000001", "0.0012000000000000001",
                                        "0.0015"]   # Brian2 2.9.0
    assert x == [3 * n * 1e-4 for n in range(10)]
    assert k == [3 * n for n in range(10)]
    assert c == [3 * n for n in range(10)]


@pytest.mark.parametrize("group_dt, op_dt, ratio, duration", [
    (0.1 * ms, 0.7 * ms, 7, 7 * ms), (0.1 * ms, 1 * ms, 10, 10 * ms),
    (0.05 * ms, 0.15 * ms, 3, 3 * ms)])
def test_other_ratios(group_dt, op_dt, ratio, duration):
    x, k, c = _run(group_dt, op_dt, [duration])
    steps = [ratio * n for n in range(len(x))]
    assert x == [s * float(group_dt) for s in steps]
    assert c == steps
    # Brian2 2.9.0: int(t/dt) with an exact division (49 * 0.1 ms / 0.1 ms = 48.99999999999999)
    expected_k = {7: [0, 7, 14, 21, 28, 35, 42, 48, 56, 63], 10: steps}.get(ratio, steps)
    assert k == expected_k


def test_continued_runs_and_a_group_dt_other_than_defaultclock():
    x, k, c = _run(0.1 * ms, 0.3 * ms, [1.2 * ms, 0.9 * ms, 1.5 * ms])
    assert x == [3 * n * 1e-4 for n in range(12)]
    assert c == [3 * n for n in range(12)]
    x, k, c = _run(0.1 * ms, 0.3 * ms, [3 * ms], default_dt=0.05 * ms)
    assert x == [3 * n * 1e-4 for n in range(10)]
    assert k == [3 * n for n in range(10)]


def test_a_faster_operation_reads_the_groups_next_tick():
    x, k, c = _run(0.3 * ms, 0.1 * ms, [3 * ms], default_dt=0.1 * ms)
    # Brian2 2.9.0: 0, then each group tick three times
    steps = [0] + [(n + 2) // 3 for n in range(1, 30)]
    assert c == steps
    assert k == steps
    assert [repr(v) for v in x[12:16]] == ["0.0012", "0.0014999999999999998",
                                           "0.0014999999999999998", "0.0014999999999999998"]
    assert x == [s * 3e-4 for s in steps]


def test_periods_in_ratio_three_to_two_over_runs_of_odd_lengths():
    defaultclock.dt = 0.1 * ms
    G = NeuronGroup(1, "x : second\nc : 1", dt=0.2 * ms)
    G.run_regularly("x = t\nc = t_in_timesteps", dt=0.3 * ms)
    M = StateMonitor(G, ["x", "c"], record=0, dt=0.1 * ms, when="end")
    net = Network(G, M)
    for duration in [0.5 * ms, 0.5 * ms, 1.3 * ms, 2.1 * ms]:
        net.run(duration)
    # Brian2 2.9.0: at the operation's n-th tick (0.3 ms apart) the group's clock (0.2 ms) is
    # at step ceil(3n/2): 0, 2, 3, 5, 6, ...; each value held for three 0.1 ms records
    steps = [-(-3 * n // 2) for n in range(15)]
    assert list(M.c[0]) == [s for s in steps for _ in range(3)][:44]
    assert [float(v) for v in np.asarray(M.x[0])] == [s * 2e-4 for s in steps
                                                      for _ in range(3)][:44]
    assert repr(float(M.x[0][6])) == "0.0006000000000000001"


def test_shared_statements_read_the_groups_time_too():
    defaultclock.dt = 0.1 * ms
    G = NeuronGroup(2, "x : second (shared)\nc : 1 (shared)", dt=0.1 * ms)
    G.run_regularly("x = t\nc = t_in_timesteps", dt=0.3 * ms)
    M = StateMonitor(G, ["x", "c"], record=0, dt=0.3 * ms)
    Network(G, M).run(3 * ms)
    assert [float(v) for v in np.asarray(M.x[0])] == [3 * n * 1e-4 for n in range(10)]
    assert list(M.c[0]) == [3 * n for n in range(10)]


def test_an_operation_in_a_network_without_its_group():
    G = NeuronGroup(1, "x : second\nn : 1", dt=0.2 * ms)
    counting = G.run_regularly("n += 1", dt=0.3 * ms)
    Network(counting).run(1 * ms)
    assert G.n[0] == 4   # the code reads no time: it runs as in Brian2
    reading = G.run_regularly("x = t", dt=0.3 * ms)
    # Brian2 2.9.0 reads the group's clock, which does not run, frozen (x = 0); brianjit
    # refuses rather than give another time
    with pytest.raises(NotImplementedError, match="add the group"):
        Network(reading).run(1 * ms)
