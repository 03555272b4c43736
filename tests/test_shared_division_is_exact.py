"""A division whose operands are all shared (the same for every element: ``t``, ``dt``,
``t_in_timesteps``, shared variables, constants) is an exact IEEE division, as in Brian2: its
loop-invariant optimisation computes such an expression once, as written, and only replaces a
division of a per-element value by a shared divisor with a multiplication by the reciprocal.
brianjit let LLVM compute every division as ``x*(1/y)`` (``arcp``), so ``int(t/dt)`` was the
step where Brian2 gives one less (49 * 0.1 ms / 0.1 ms is 48.99999999999999) and ``t/dt`` in a
reset came out 3.0000000000000004 where Brian2 gives 3.0.

Expected values measured with Brian2 2.9.0's numpy target (its Cython target compiles with
``-ffast-math``, which lets the C compiler take reciprocals too) for ``run_regularly('k =
int(t/dt) ...')`` at dt = 0.1 ms over 200 steps: ``k`` differs from the step exactly where
numpy's ``(s*dt)/dt`` does.
"""
import numpy as np
from default_dt import at_default_dt_of_0_1_ms  # noqa: F401

from brianjit import Network, NeuronGroup, StateMonitor, ms


def test_int_of_t_over_dt_is_brian2s():
    G = NeuronGroup(2, "k : integer\nq : 1")
    G.run_regularly("k = int(t/dt)\nq = (t - 0.3*ms)/dt")
    M = StateMonitor(G, ["k", "q"], record=0)
    Network(G, M).run(20 * ms)
    steps = np.arange(200)
    # Brian2 2.9.0 (numpy target)
    assert [int(s) for s in steps[M.k[0] != steps]] == [49, 59, 81, 98, 115, 118, 162, 173, 179,
                                                         196]
    assert [repr(float(x)) for x in M.q[0][45:52]] == ["42.00000000000001", "43.0", "44.0",
                                                        "45.0", "46.0", "47.0", "48.0"]
    # the numpy reference of the same
    dt = float(0.1 * ms)
    np.testing.assert_array_equal(M.k[0], ((steps * dt) / dt).astype(int))


def test_a_shared_expression_in_a_reset_and_a_threshold():
    G = NeuronGroup(1, "z : 1\nn : integer", threshold="int(t/dt) == 49",
                    reset="z = t/dt\nn += 1")
    Network(G).run(10 * ms)
    # int(t/dt) is 48 at step 49 (Brian2 2.9.0, numpy target): no spike there
    assert G.n[0] == 0
    G2 = NeuronGroup(1, "z : 1", threshold="t_in_timesteps == 3", reset="z = t/dt",
                     dt=0.2 * ms)
    Network(G2).run(1 * ms)
    assert G2.z[0] == 3.0   # Brian2 2.9.0; 3 * 0.2 ms * (1/0.2 ms) is 3.0000000000000004
