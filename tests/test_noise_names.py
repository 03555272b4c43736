"""Only ``xi`` and ``xi_<suffix>`` are white noise; other names starting with ``xi`` (``xinput``,
``xi2``) are ordinary constants and variables, as in Brian2."""
import numpy as np
import pytest

from brianjit import NeuronGroup, Network, Synapses, ms
from brianjit.model.symbols import is_noise_name


@pytest.mark.parametrize("name, noise", [("xi", True), ("xi_1", True), ("xi_syn", True),
                                         ("xinput", False), ("xi2", False), ("x", False),
                                         ("axi", False)])
def test_is_noise_name(name, noise):
    assert is_noise_name(name) is noise


def test_constant_named_like_noise_in_neurongroup():
    xinput = 2.0  # noqa: F841  (resolved from this frame)
    G = NeuronGroup(3, "dv/dt = xinput/ms : 1\nxi2 : 1", threshold="v > xinput*10",
                    reset="v = xinput")
    G.xi2 = "xinput + i"
    Network(G).run(1 * ms)
    assert np.allclose(G.v[:], 2.0)
    assert np.allclose(G.xi2[:], [2, 3, 4])


def test_constant_named_like_noise_in_synapses():
    xinput = 3.0  # noqa: F841
    G = NeuronGroup(2, "v : 1", threshold="True")
    S = Synapses(G, G, "w : 1", on_pre="v_post += xinput*w")
    S.connect(j="i")
    S.w = 1
    Network(G, S).run(0.2 * ms)
    assert np.allclose(G.v[:], 3.0 * 2)


def test_noise_still_noise():
    G = NeuronGroup(100, "dv/dt = -v/(10*ms) + xi_a*ms**-0.5 : 1", method="euler")
    Network(G).run(1 * ms)
    assert np.std(G.v[:]) > 0
