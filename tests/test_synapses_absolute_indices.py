"""``S._synaptic_pre`` / ``S._synaptic_post``: Brian2's per-synapse source and target neuron
indices counted in the group that stores the neurons (for synapses between subgroups, the
subgroup's start plus ``i``/``j``), read-only, indexed like every synaptic variable."""
import numpy as np
import pytest

from brianjit import NeuronGroup, Synapses


def test_indices_of_subgroups_count_from_the_whole_group():
    G1, G2 = NeuronGroup(10, ""), NeuronGroup(20, "")
    S = Synapses(G1[:5], G2[10:])
    S.connect(i=2, j=2)
    S.connect("i == 2 and j == 5")
    np.testing.assert_array_equal(S._synaptic_pre[:], [2, 2])
    np.testing.assert_array_equal(S._synaptic_post[:], [12, 15])
    np.testing.assert_array_equal(S.i[:], [2, 2])
    np.testing.assert_array_equal(S.j[:], [2, 5])
    assert "_synaptic_pre" in S.variables and "_synaptic_post" in S.variables


def test_generator_connections_and_synaptic_indexing():
    G1, G2 = NeuronGroup(10, ""), NeuronGroup(20, "")
    S = Synapses(G1[:5], G2[10:])
    S.connect(j="i + k for k in range(N_post - i)")
    for source in range(5):
        np.testing.assert_array_equal(S._synaptic_post[source, :],
                                      10 + source + np.arange(10 - source))
    np.testing.assert_array_equal(S._synaptic_pre[:], S.i[:])


def test_subgroup_of_a_subgroup_and_plain_groups():
    G = NeuronGroup(30, "")
    S = Synapses(G[10:][5:8], G)
    S.connect(j="i")
    np.testing.assert_array_equal(S._synaptic_pre[:], [15, 16, 17])
    np.testing.assert_array_equal(S._synaptic_post[:], [0, 1, 2])


def test_indices_are_read_only():
    G = NeuronGroup(3, "")
    S = Synapses(G[1:], G)
    S.connect()
    with pytest.raises(TypeError, match="_synaptic_pre"):
        S._synaptic_pre[0] = 0
    assert "_synaptic_pre" not in S.get_states()
