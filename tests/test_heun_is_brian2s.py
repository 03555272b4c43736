"""``method='heun'`` is Brian2's stochastic Heun (the Euler-Heun scheme): the drift is an Euler
step and only the noise is averaged, over x and a support point reached by the noise alone. So
on equations whose noise is zero it computes exactly what euler computes (Brian2's
test_multiple_noise_variables_* check this), and with noise it follows Brian2's formula."""
import numpy as np
import pytest

from brianjit import Hz, Network, NeuronGroup, StateMonitor, ms, second

_DETERMINISTIC = """
dx/dt = y : 1
dy/dt = -y/(1*ms) - 40*ms**-2*x : Hz
"""

_ZERO_NOISE = """
dx/dt = y + noise*ms**-0.5*xi_1 : 1
dy/dt = -y/(1*ms) - 40*ms**-2*x + noise*ms**-1.5*xi_2 : Hz
"""


def _trajectory(eqs, method, namespace=None):
    G = NeuronGroup(2, eqs, method=method)
    G.x = [0.5, 1]
    G.y = [0, 0.5] * Hz
    mon = StateMonitor(G, ["x", "y"], record=True)
    Network(G, mon).run(2 * ms, namespace=namespace)
    return mon.x_[:], mon.y_[:]


def _euler_by_hand(n_steps, dt=1e-4):
    x, y = np.array([0.5, 1.0]), np.array([0.0, 0.5])
    xs, ys = [], []
    for _ in range(n_steps):
        xs.append(x.copy())
        ys.append(y.copy())
        x, y = x + dt * y, y + dt * (-y / 1e-3 - 40e6 * x)
    return np.array(xs).T, np.array(ys).T


def test_heun_on_deterministic_equations_is_euler():
    x, y = _trajectory(_DETERMINISTIC, "heun")
    ex, ey = _euler_by_hand(20)
    np.testing.assert_allclose(x, ex, rtol=1e-12)
    np.testing.assert_allclose(y, ey, rtol=1e-12)
    x_euler, y_euler = _trajectory(_DETERMINISTIC, "euler")
    np.testing.assert_array_equal(x, x_euler)
    np.testing.assert_array_equal(y, y_euler)


def test_heun_with_zero_noise_is_euler_without_noise():
    x, y = _trajectory(_ZERO_NOISE, "heun", namespace={"noise": 0.0})
    ex, ey = _euler_by_hand(20)
    np.testing.assert_allclose(x, ex, rtol=1e-12)
    np.testing.assert_allclose(y, ey, rtol=1e-12)


def test_heun_step_with_multiplicative_noise_is_brian2s_formula():
    """One step of dv = a*v dt + s*v dW: Brian2's x_support = v + s*v*dW,
    v_new = v + dt*a*v + dW/2*(s*v + s*x_support); dW read back from an additive twin."""
    from brianjit import seed
    eqs = """
    dv/dt = a*v + s*v*xi_1*second**-0.5 : 1
    dw/dt = xi_1*second**-0.5 : 1
    """
    a, s = -13 / second, 0.8
    seed(4)
    G = NeuronGroup(3, eqs, method="heun", namespace={"a": a, "s": s})
    G.v = [0.5, 1.0, -2.0]
    Network(G).run(0.1 * ms)
    dW = G.w[:]         # w started at 0: after one step it is the Wiener increment itself
    v0 = np.array([0.5, 1.0, -2.0])
    support = v0 + s * v0 * dW
    expected = v0 + 1e-4 * float(a) * v0 + dW / 2 * (s * v0 + s * support)
    assert np.all(dW != 0)
    np.testing.assert_allclose(G.v[:], expected, rtol=1e-12)
