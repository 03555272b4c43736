"""Generator forms of connect() Brian2's examples use: ``j='EXPR if COND'`` (a target only where
the condition holds) and neuron variables as ``x_pre``/``x_post`` in conditions of subgroups."""
from brianjit import NeuronGroup, Synapses


def test_target_with_a_condition_only():
    G = NeuronGroup(10, "")
    S = Synapses(G, G)
    S.connect(j="i+1 if i < N_post-1")
    assert list(zip(S.i[:], S.j[:])) == [(i, i + 1) for i in range(9)]
    S2 = Synapses(NeuronGroup(5, ""), NeuronGroup(3, ""))
    S2.connect(j="i if i < N_post")
    assert list(zip(S2.i[:], S2.j[:])) == [(0, 0), (1, 1), (2, 2)]


def test_pre_and_post_variables_of_subgroups():
    G = NeuronGroup(10, "x : 1")
    G.x = "i"
    A, B = G[2:5], G[5:9]
    S = Synapses(A, B)
    S.connect("x_pre + 3 == x_post")
    assert list(zip(S.i[:], S.j[:])) == [(0, 0), (1, 1), (2, 2)]
    S2 = Synapses(A, B)
    S2.connect(j="k for k in range(N_post) if x_post > x_pre + 4")
    assert sorted(zip(S2.i[:], S2.j[:])) == [(0, 2), (0, 3), (1, 3)]
