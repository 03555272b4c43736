"""The code of a Synapses' parts reads the Synapses' ``t``, ``dt`` and ``t_in_timesteps``
(Brian2 resolves them among the Synapses' variables), although a pathway ticks with the group
whose events it delivers and a summed variable with its target. brianjit read the clock the
part ticks with.

Expected values measured with Brian2 2.9.0 (numpy and cython targets agree); the scripts are
these tests with ``brian2`` imported. StateMonitors record at ``start``: index ``k`` shows what
step ``k - 1`` wrote.
"""
from default_dt import at_default_dt_of_0_1_ms  # noqa: F401

from brianjit import Network, NeuronGroup, StateMonitor, Synapses, ms


def _summed(synapses_dt):
    P = NeuronGroup(1, "dummy : 1", dt=0.1 * ms)
    Q = NeuronGroup(1, "a : 1\nb : 1\nc : 1", dt=0.1 * ms)
    S = Synapses(P, Q, """w : 1
                          a_post = t/ms + w : 1 (summed)
                          b_post = dt/ms + w : 1 (summed)
                          c_post = t_in_timesteps + w : 1 (summed)""", dt=synapses_dt)
    S.connect()
    M = StateMonitor(Q, ["a", "b", "c"], record=0)
    Network(P, Q, S, M).run(1.2 * ms)
    return [repr(float(v)) for v in M.a[0]], [float(v) for v in M.b[0]], list(M.c[0])


def test_summed_variable_with_slower_synapses():
    a, b, c = _summed(0.3 * ms)
    assert a == ["0.0", "0.0", "0.3", "0.3", "0.3", "0.6", "0.6", "0.6", "0.8999999999999999",
                 "0.8999999999999999", "0.8999999999999999", "1.2"]
    assert b == [0.0] + [0.3] * 11
    assert c == [0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4]


def test_summed_variable_with_faster_synapses():
    a, b, c = _summed(0.05 * ms)
    assert a == ["0.0", "0.0", "0.1", "0.2", "0.30000000000000004", "0.4", "0.5",
                 "0.6000000000000001", "0.7", "0.8", "0.9", "1.0"]
    assert b == [0.0] + [0.05] * 11
    assert c == [0, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20]


def test_pathways_of_slower_synapses_and_their_run_regularly():
    P = NeuronGroup(1, "dummy : 1", threshold="True", dt=0.1 * ms)
    Q = NeuronGroup(2, "a : 1\nb : 1\nc : second", threshold="t_in_timesteps % 4 == i",
                    dt=0.1 * ms)
    S = Synapses(P, Q, "w : 1\nq : 1\nr : 1",
                 on_pre="a_post += t_in_timesteps\nc_post = t",
                 on_post="b_post += t/dt\nq += 1", dt=0.3 * ms)
    S.connect()
    S.run_regularly("r = t_in_timesteps + t/dt", dt=0.6 * ms)
    G = NeuronGroup(4, "k : 1\nm : second", dt=0.2 * ms)
    G[1:3].run_regularly("k = t_in_timesteps\nm = t", dt=0.1 * ms)
    Network(P, Q, S, G).run(2 * ms)
    assert Q.a[:].tolist() == [70.0, 70.0]
    assert Q.b[:].tolist() == [15.0, 17.0]
    assert [repr(float(v)) for v in Q.c[:]] == ["0.0021", "0.0021"]
    assert S.q[:].tolist() == [5.0, 5.0]
    assert S.r[:].tolist() == [12.0, 12.0]
    assert G.k[:].tolist() == [0.0, 10.0, 10.0, 0.0]
    assert [repr(float(v)) for v in G.m[:]] == ["0.0", "0.002", "0.002", "0.0"]
