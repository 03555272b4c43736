"""``range`` objects wherever Brian2 takes a sequence: quantities, arithmetic with units,
synapse indices, monitors, connect()."""
import numpy as np

from brianjit import NeuronGroup, Quantity, StateMonitor, Synapses, mV, volt


def test_quantities_from_ranges():
    np.testing.assert_array_equal(np.asarray(Quantity(range(3), dim=volt.dim)), [0, 1, 2])
    q = range(3) * mV
    assert q.dim is volt.dim
    np.testing.assert_allclose(np.asarray(q), [0, 1e-3, 2e-3])
    np.testing.assert_allclose(np.asarray(mV * range(3)), [0, 1e-3, 2e-3])


def test_ranges_as_indices():
    G = NeuronGroup(5, "x : 1")
    G.x[range(2)] = 3
    np.testing.assert_array_equal(G.x[:], [3, 3, 0, 0, 0])
    S = Synapses(G, G, "w : 1")
    S.connect(i=range(3), j=range(3))
    S.w[range(2)] = 2
    np.testing.assert_array_equal(S.w[range(3)], [2, 2, 0])
    assert list(StateMonitor(G, "x", record=range(2)).record) == [0, 1]
