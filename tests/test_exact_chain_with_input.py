"""``exact`` on a triangular linear system whose upstream variables have a constant input.

The matrix exponential of an upper triangular system is built by Parlett's recurrence
(``model/exact.py: _triangular_exp``); its sum over intermediate indices had the wrong sign,
so ``dx/dt = (y - x)/tau``, ``dy/dt = (I - y)/(2*tau)`` gave a wrong constant term for ``x``
(negative values from 0 where ``x`` must grow): silently wrong numbers whenever a variable that
drives another has a constant input of its own. Checked against the closed form, numpy's
eigendecomposition and Brian2 2.9.0's values (numpy target, the script in
``test_three_variable_chain_matches_brian2``)."""
import numpy as np
import sympy
from hypothesis import given, strategies as st

from brianjit import NeuronGroup, Network, StateMonitor, defaultclock, ms
from brianjit.model.exact import _triangular_exp


def _expm_by_eigenvectors(matrix):
    values, vectors = np.linalg.eig(matrix)
    return (vectors @ np.diag(np.exp(values)) @ np.linalg.inv(vectors)).real


@given(st.lists(st.integers(-4, 4), min_size=6, max_size=6),
       st.permutations([-3, -1, 0, 2]))
def test_triangular_exponential_matches_numpy(upper, diagonal):
    n = 4
    matrix = np.zeros((n, n))
    matrix[np.triu_indices(n, 1)] = np.array(upper) / 4
    matrix[np.diag_indices(n)] = np.array(diagonal) / 2
    exact = _triangular_exp(sympy.Matrix(matrix.tolist()).applyfunc(sympy.nsimplify))
    np.testing.assert_allclose(np.array(exact.evalf(), dtype=float),
                               _expm_by_eigenvectors(matrix), rtol=1e-10, atol=1e-12)


def test_two_variable_chain_with_input_matches_closed_form():
    defaultclock.dt = 0.1 * ms
    G = NeuronGroup(1, """dx/dt = (y - x)/tau : 1
                          dy/dt = (I - y)/(2*tau) : 1
                          I : 1
                          tau : second""", method="exact")
    G.I, G.tau = 0.5, 2 * ms
    M = StateMonitor(G, ["x", "y"], record=True)
    Network(G, M).run(1 * ms)
    t, tau, I = np.asarray(M.t), 2e-3, 0.5
    np.testing.assert_allclose(M.y[0], I * (1 - np.exp(-t / (2 * tau))), rtol=1e-12, atol=1e-15)
    x = I * (1 - 2 * np.exp(-t / (2 * tau)) + np.exp(-t / tau))
    np.testing.assert_allclose(M.x[0], x, rtol=1e-11, atol=1e-15)


def test_three_variable_chain_matches_brian2():
    defaultclock.dt = 0.1 * ms
    G = NeuronGroup(2, """dx/dt = (y - x)/(3*ms) : 1
                          dy/dt = (z - y)/(2*ms) + 0.5/ms : 1
                          dz/dt = (c - z)/tau : 1
                          c : 1
                          tau : second""", method="exact")
    G.c, G.tau, G.x, G.y = [1, -2], [1, 5] * ms, [0.1, 0], [0, 0.3]
    Network(G).run(1 * ms)
    # Brian2 2.9.0, numpy target: the same script, then G.x[:], G.y[:], G.z[:]
    np.testing.assert_allclose(G.x[:], [0.15291253944403516, 0.12085735127337194], rtol=1e-11)
    np.testing.assert_allclose(G.y[:], [0.5482874620335416, 0.4958235021775874], rtol=1e-11)
    np.testing.assert_allclose(G.z[:], [0.6321205588285579, -0.36253849384403725], rtol=1e-11)
