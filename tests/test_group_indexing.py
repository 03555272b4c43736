"""Groups, subgroups and synapse sets as indices (Brian2's indexing rules).

Golden values measured on Brian2 2.9.0: ``G.v[SG]`` is ``G.v[SG.start:SG.stop]``; ``G[[3, 4, 5]]``
is ``G[3:6]`` and non-contiguous indices are an IndexError; a subgroup of a subgroup is a
subgroup of the group; ``S.w[i, j, k]`` selects synapses by presynaptic and postsynaptic neuron
and by their number among the synapses of the pair (``multisynaptic_index``); ``S[...]`` is a
fixed set of synapses that StateMonitor's ``record=`` and its ``mon[...]`` take."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

from brianjit import Network, NeuronGroup, StateMonitor, Synapses, ms, nS
from brianjit.utils.logger import catch_logs


def test_a_subgroup_as_index():
    G = NeuronGroup(10, "v : 1")
    SG = G[4:9]
    G.v[SG] = 1
    assert G.v[:].tolist() == [0, 0, 0, 0, 1, 1, 1, 1, 1, 0]
    G.v = 1
    G.v[SG] = "2*v"
    assert G.v[:].tolist() == [1, 1, 1, 1, 2, 2, 2, 2, 2, 1]
    assert np.array_equal(G.v[SG], SG.v[:]) and np.array_equal(G.v[G], G.v[:])
    inner = SG[1:3]                      # elements 5 and 6 of G
    assert np.array_equal(SG.v_[inner], G.v_[5:7])
    with pytest.raises(IndexError, match="not a part"):
        G.v[NeuronGroup(10, "v : 1")[4:9]]
    with pytest.raises(IndexError, match="outside"):
        SG.v[G[0:2]]


def test_a_string_with_a_group_as_index_warns_about_i_and_N():
    G = NeuronGroup(10, "v : 1")
    SG = G[4:9]
    for value, n_warnings in [("i", 1), ("N", 1), ("N + i", 2), ("v", 0)]:
        with catch_logs() as logs:
            G.v[SG] = value
        ambiguous = [entry for entry in logs if entry[1].endswith("ambiguous_string_expression")]
        assert len(ambiguous) == n_warnings
    assert G.v[:].tolist() == [0] * 4 + [14, 15, 16, 17, 18] + [0]   # the group's i and N


def test_subgroups_from_contiguous_indices():
    G = NeuronGroup(10, "v : integer")
    G.v = "i"
    assert G[[3, 4, 5]].v[:].tolist() == [3, 4, 5]
    assert G[np.array([7, 8])].v[:].tolist() == [7, 8]
    assert G[-3:].v[:].tolist() == [7, 8, 9] and G[3].v[:].tolist() == [3]
    for bad in ([5, 4, 3], [2, 4, 6], [-1, 0, 1], [9, 10, 11], [10, 11], [], 10, slice(None, None, 2),
                slice(3, 2)):
        with pytest.raises(IndexError):
            G[bad]
    for bad in ([2.5, 3.5, 4.5], "string", None):
        with pytest.raises(TypeError):
            G[bad]
    SG = G[3:8]
    SG2 = SG[2:4]
    assert SG2.v[:].tolist() == [5, 6] and SG2.source is G and SG2.start == 5


def test_group_indices_attribute():
    G = NeuronGroup(10, "v : 1")
    G.v = "i"
    limit = 5
    assert G.indices[:].tolist() == list(range(10))
    assert G.indices["i >= limit"].tolist() == list(range(5, 10))
    assert G.indices["v >= 7"].tolist() == [7, 8, 9]
    assert G[2:6].indices["i > 1"].tolist() == [2, 3]
    with pytest.raises(TypeError):
        G.indices[None]


@pytest.fixture
def multisynapses():
    G1, G2 = NeuronGroup(4, "v : 1"), NeuronGroup(3, "v : 1")
    S = Synapses(G1, G2, "w : 1", multisynaptic_index="k")
    S.connect(i=[0, 0, 1, 2, 3, 3, 3, 0], j=[1, 1, 0, 2, 2, 1, 2, 1])
    S.w = "i*10 + j + k*0.5"
    return S


def test_synapses_by_pre_post_and_number(multisynapses):
    S = multisynapses
    assert S.multisynaptic_index == "k"
    assert S.k[:].tolist() == [0, 1, 0, 0, 0, 0, 1, 2]          # Brian2's numbering
    assert S.state("k")[:].tolist() == S.k[:].tolist()
    assert S.w[0, 1, 1].tolist() == [1.5]
    assert S.w[3, :, 1].tolist() == [32.5]
    assert S.w[:, 1:, 0].tolist() == [1, 22, 32, 31]
    assert S.w[:, :, 0:2].tolist() == S.w["k < 2"].tolist()
    assert S.indices[0:2, 1].tolist() == [0, 1, 7]
    assert S.indices[0:2, 1].dtype == np.int32
    with pytest.raises(IndexError):
        S.w[1, 2, 3, 4]
    for bad in (object(), 1.5, "x"[0:0] or None):
        with pytest.raises(IndexError):
            S.w[bad]
    T = Synapses(NeuronGroup(2, ""), NeuronGroup(2, ""), "w : 1")
    T.connect()
    with pytest.raises(IndexError, match="multisynaptic_index"):
        T.w[0, 0, 0]


@given(st.data())
def test_synapse_pair_indexing_matches_a_numpy_reference(data):
    n_pre, n_post = data.draw(st.integers(1, 4)), data.draw(st.integers(1, 4))
    pairs = data.draw(st.lists(st.tuples(st.integers(0, n_pre - 1), st.integers(0, n_post - 1)),
                               min_size=1, max_size=12))
    S = Synapses(NeuronGroup(n_pre, ""), NeuronGroup(n_post, ""), "w : 1")
    S.connect(i=[p for p, _ in pairs], j=[q for _, q in pairs])
    S.w = np.arange(len(pairs)) * 1.0
    i, j = np.array(pairs).T

    def part(n):
        return data.draw(st.sampled_from(["slice", "int", "ints"])), n

    selection = []
    for kind, n in (part(n_pre), part(n_post)):
        if kind == "slice":
            selection.append(slice(data.draw(st.integers(0, n)), data.draw(st.integers(0, n))))
        elif kind == "int":
            selection.append(data.draw(st.integers(0, n - 1)))
        else:
            selection.append(data.draw(st.lists(st.integers(0, n - 1), max_size=3)))
    wanted = [np.isin(side, np.arange(n)[sel] if not isinstance(sel, list) else sel)
              for side, n, sel in ((i, n_pre, selection[0]), (j, n_post, selection[1]))]
    expected = np.flatnonzero(wanted[0] & wanted[1])
    assert S.w[tuple(selection)].tolist() == expected.astype(float).tolist()
    assert S.indices[tuple(selection)].tolist() == expected.tolist()


def test_synaptic_subgroups_select_and_record():
    G = NeuronGroup(2, "")
    S = Synapses(G, G, "w : siemens")
    S.connect(True)
    S.w = "j*nS"
    to_1 = S[:, 1]
    assert len(to_1) == 2 and S.j[to_1].tolist() == [1, 1] and S.i[to_1].tolist() == [0, 1]
    assert S[1:, :].synapses is S and len(S["i == 0 and j == 1"]) == 1
    mon = StateMonitor(S, "w", record=S[:, 1])
    mon2 = StateMonitor(S, "w", record=S["j == 1"])
    Network(G, S, mon, mon2).run(1 * ms)
    assert np.allclose(mon[S[0, 1]].w / nS, 1) and np.allclose(mon.w[1] / nS, 1)
    assert np.allclose(mon2[S["i == 0 and j == 1"]].w / nS, 1)
    subset = S[0, :]
    S.connect(i=0, j=0)
    with pytest.raises(RuntimeError, match="added"):
        S.w[subset]
