"""get_states() of a group with noise: the noise variables (Brian2's auxiliary variables, which have
no value outside a time step) are not among the default names, as in Brian2."""
import numpy as np

from brianjit import Network, NeuronGroup, ms, seed


def test_get_states_and_set_states_of_a_noisy_group():
    seed(5)
    G = NeuronGroup(4, """dv/dt = -v/(10*ms) + xi/sqrt(ms) : 1
                          du/dt = -u/(10*ms) + 0.1*xi_2/sqrt(ms) : 1""", method="euler")
    Network(G).run(1 * ms)
    states = G.get_states()
    assert sorted(states) == ["N", "dt", "i", "t", "t_in_timesteps", "u", "v"]
    assert np.array_equal(states["v"], G.v[:])
    G.v = 0
    G.set_states({"v": states["v"], "u": states["u"]})
    assert np.array_equal(G.v[:], states["v"]) and np.array_equal(G.u[:], states["u"])
