"""Synaptic code is checked at ``run()``, as in Brian2: a Synapses whose ``on_pre`` writes a name
the target does not have can still be made, connected and given delays (Brian2's own tests set
delays on such objects); the run then refuses the code, quoting it."""
import numpy as np
import pytest

from brianjit import Network, NeuronGroup, Synapses, ms


def test_delays_can_be_set_before_the_code_is_valid():
    G = NeuronGroup(4, "x : 1", threshold="False")
    S = Synapses(G, G, "w : 1", on_pre="v += w")
    S.connect(j="i")
    S.delay = "i*ms"
    np.testing.assert_allclose(S.delay[:], np.arange(4) * ms)
    with pytest.raises(SyntaxError, match="'v'.*v \\+= w"):
        Network(G, S).run(0 * ms)


def test_syntax_errors_are_still_immediate():
    G = NeuronGroup(2, "v : 1", threshold="False")
    with pytest.raises(SyntaxError, match="v \\+="):
        Synapses(G, G, "w : 1", on_pre="v += ")
