"""``dt`` in the code of a ``run_regularly`` with a dt of its own is the group's dt, as in
Brian2 (it resolves ``dt`` among the group's variables; numpy and Cython targets agree): the
kernel steps with the operation's clock but reads the group's ``dt``. brianjit read the
operation's dt, so ``f = t/dt`` was 1, 2, 3 ... where Brian2 gives 3, 6, 9 ... (measured with
Brian2 2.9.0 on this script)."""
import numpy as np

from brianjit import Network, NeuronGroup, StateMonitor, defaultclock, ms


def test_code_reads_the_groups_dt():
    defaultclock.dt = 0.1 * ms
    G = NeuronGroup(1, """f : 1
                          n : 1
                          step : second""", dt=0.1 * ms)
    G.run_regularly("f = t/dt", dt=0.3 * ms)
    G.run_regularly("n += 1", dt=0.3 * ms)
    G.run_regularly("step = dt", dt=0.3 * ms)
    M = StateMonitor(G, ["f", "n", "step"], record=0)
    Network(G, M).run(1.5 * ms)
    # Brian2 2.9.0 (numpy and cython targets)
    np.testing.assert_allclose(M.f[0], [0, 0, 0, 3, 3, 3, 6, 6, 6, 9, 9, 9, 12, 12, 12],
                               rtol=1e-12)
    np.testing.assert_array_equal(M.n[0], [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5])
    np.testing.assert_allclose(np.asarray(M.step[0]), 1e-4, rtol=1e-12)


def test_the_groups_own_clock_is_unchanged():
    defaultclock.dt = 0.1 * ms
    G = NeuronGroup(1, "f : 1", dt=0.1 * ms)
    G.run_regularly("f = t/dt")
    M = StateMonitor(G, "f", record=0)
    Network(G, M).run(0.5 * ms)
    np.testing.assert_allclose(M.f[0], [0, 1, 2, 3, 4], rtol=1e-12)
