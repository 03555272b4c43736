"""``exact`` (and the other methods) treat a 2-D TimedArray call ``ta2(t, i)`` as constant
during a step, as Brian2's ``is_constant_over_dt`` does (``t`` is an argument of a locally
constant function, the other arguments do not use ``t``); ``exact`` refused it ("depends on
time t as well as on state variables"). Expected values: Brian2 2.9.0, numpy target, the same
script (``M.v[:, -1]``, ``M.w[:, -1]``, ``M.w[:, 7]``)."""
import numpy as np
import pytest

from brianjit import (NeuronGroup, Network, StateMonitor, TimedArray, defaultclock, ms)
from brianjit.model.methods import UnsupportedEquationsException


def _run(method, model):
    defaultclock.dt = 0.1 * ms
    ta = TimedArray(np.array([0.5, 2.0, -1.0, 3.0, 0.0]), dt=1 * ms)
    ta2 = TimedArray(np.array([[1.0, 2.0], [3.0, -4.0], [0.5, 0.25]]), dt=0.5 * ms)
    G = NeuronGroup(2, model, method=method, namespace={"ta": ta, "ta2": ta2})
    G.tau = [2, 5] * ms
    M = StateMonitor(G, ["v", "w"], record=True)
    Network(G, M).run(5 * ms)
    return M


def test_exact_with_a_two_d_timedarray_matches_brian2():
    M = _run("exact", """dv/dt = (ta(t) - v)/tau : 1
                          dw/dt = (v - w + ta2(t, i))/(3*ms) : 1
                          tau : second""")
    np.testing.assert_allclose(M.v[:, -1], [0.8130733246992535, 0.5747955306970652], rtol=1e-11)
    np.testing.assert_allclose(M.w[:, -1], [1.0998788816289495, 0.4216526863124948], rtol=1e-11)
    np.testing.assert_allclose(M.w[:, 7], [0.3539502038135228, 0.0364821580202233], rtol=1e-11)


def test_a_call_with_t_inside_another_argument_still_varies():
    with pytest.raises(UnsupportedEquationsException, match="depends on time t"):
        _run("exact", """dv/dt = (ta(t) - v)/tau : 1
                         dw/dt = (v - w + ta2(t, int(t/ms)))/(3*ms) : 1
                         tau : second""")
