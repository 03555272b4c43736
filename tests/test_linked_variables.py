"""``linked_var`` with an index, between subgroups, from groups of size 1, to subexpressions,
and for Synapses, read natively through index arrays (Brian2's semantics and errors).

References: Brian2 2.9.0's documented behaviour (``linked_var(G, 'v', index=...)``: element k
reads element ``index[k]`` of the source; a source of size 1 is read by every element) and
numpy: the values a linked variable shows and the values native code reads are the source's
values indexed with the same index."""
import numpy as np
import pytest

from brianjit import (DimensionMismatchError, Network, NeuronGroup, StateMonitor, Synapses,
                      linked_var, ms, run, volt)
from subprocess_script import run_script


def test_index_arrays_repeat_and_reverse():
    G1 = NeuronGroup(5, "w : 1")
    G2 = NeuronGroup(10, "v : 1 (linked)")
    G2.v = linked_var(G1.w, index=np.arange(5).repeat(2))
    G1.w = np.arange(5) * 0.1
    assert np.allclose(G2.v[:], np.arange(5).repeat(2) * 0.1)
    G = NeuronGroup(10, "x : 1\ny : 1 (linked)")
    G.x = np.arange(10) * 0.1
    G.y = linked_var(G.x, index=np.arange(10)[::-1])
    assert np.allclose(G.y[:], np.arange(10)[::-1] * 0.1)
    assert np.allclose(G[2:4].y[:], [0.7, 0.6])
    assert "y" in G.variables and "_y_indices" in G.variables
    assert "_y_indices" not in G.get_states()


def test_an_index_variable_is_read_at_every_use_and_checked():
    G = NeuronGroup(10, "x : 1\nindex_var : integer\nnot_an_index : 1\ny : 1 (linked)")
    G.x = np.arange(10) * 0.1
    with pytest.raises(TypeError):
        G.y = linked_var(G.x, index="not_an_index")
    with pytest.raises(ValueError):
        G.y = linked_var(G.x, index="does_not_exist")
    G.y = linked_var(G.x, index="index_var")
    G.index_var = np.arange(10)[::-1]
    assert np.allclose(G.y[:], np.arange(10)[::-1] * 0.1)
    G.index_var = 3
    assert np.allclose(G.y[:], 0.3)
    G.index_var[4] = 10
    with pytest.raises(IndexError, match="index_var"):
        G.y[:]


def test_chains_of_links_compose_their_indices():
    G1 = NeuronGroup(2, "a : 1")
    G2 = NeuronGroup(4, "b : 1 (linked)")
    G2.b = linked_var(G1.a, index=np.arange(2).repeat(2))
    G3 = NeuronGroup(4, "c : 1 (linked)")
    G3.c = linked_var(G2.b, index=np.arange(4)[::-1])
    G4 = NeuronGroup(8, "d : 1 (linked)")
    G4.d = linked_var(G3.c, index=np.arange(4).repeat(2))
    G5 = NeuronGroup(8, "f : 1 (linked)")
    G5.f = linked_var(G4.d)
    G1.a = np.arange(2) * 0.1
    expected = np.arange(2).repeat(2)[::-1].repeat(2) * 0.1
    assert np.allclose(G4.d[:], expected) and np.allclose(G5.f[:], expected)


def test_subgroups_and_groups_of_size_one():
    G1 = NeuronGroup(10, "x : 1")
    G1.x = np.arange(10) * 0.1
    G3 = NeuronGroup(5, "y : 1 (linked)")
    G3.y = linked_var(G1[3:8].x)
    assert np.allclose(G3.y[:], (np.arange(5) + 3) * 0.1)
    G4 = NeuronGroup(10, "y : 1 (linked)")
    G4.y = linked_var(G1[3:8].x, index=np.arange(5).repeat(2))
    assert np.allclose(G4.y[:], (np.arange(5) + 3).repeat(2) * 0.1)
    single = NeuronGroup(10, "x : 1 (linked)")
    single.x = linked_var(G1[6:7].x)              # a source of size 1 is read by everyone
    assert np.isscalar(single.x[:]) and single.x[:] == pytest.approx(0.6)
    assert single[:5].x[:] == single.x[:]
    with pytest.raises(TypeError):
        G4[0:2].y = linked_var(G1.x)               # link the group, not a subgroup


def test_native_code_reads_through_the_index():
    """A linked variable with an index drives dynamics and is recorded: compare with numpy."""
    # explicit names: automatic ones depend on how many groups earlier tests left alive, and
    # the order within a slot follows the names
    source = NeuronGroup(3, "dv/dt = -v/(10*ms) : 1", method="exact", name="linked_source")
    source.v = [1.0, 2.0, 3.0]
    index = np.array([2, 0, 1, 1, 2, 0])
    follower = NeuronGroup(6, """dw/dt = (u - w)/(5*ms) : 1
                                 u : 1 (linked)
                                 twice = 2*u : 1""", method="euler", name="linked_target")
    follower.u = linked_var(source.v, index=index)
    mon = StateMonitor(follower, ["u", "twice"], record=True)
    source_mon = StateMonitor(source, "v", record=True)
    Network(source, follower, mon, source_mon).run(2 * ms)
    assert np.array_equal(mon.u, source_mon.v[index])
    assert np.array_equal(mon.twice, 2 * source_mon.v[index])
    assert np.all(follower.w[:] > 0)
    # euler by hand; the source (scheduled first: same slot, lower order; automatic names
    # would depend on which earlier objects are still alive) has already made its step when
    # the follower reads u
    v0, w = np.array([1.0, 2.0, 3.0]), np.zeros(6)
    for step in range(20):
        w = w + 0.1 * (v0[index] * np.exp(-(step + 1) * 0.1 / 10) - w) / 5
    assert np.allclose(follower.w[:], w, rtol=1e-12)


def test_an_index_variable_out_of_range_never_reaches_native_code():
    out = run_script("""
        from brianjit import *
        G = NeuronGroup(4, "x : 1\\nk : integer\\ny : 1 (linked)\\ndz/dt = y/ms : 1")
        G.y = linked_var(G.x, index="k")
        G.k = [0, 1, 2, 1000000]
        try:
            run(1*ms)
        except IndexError as error:
            print("refused:", error)
        """)
    assert "refused:" in out and "1000000" in out


def test_linked_subexpressions():
    G = NeuronGroup(2, "dv/dt = 100*Hz : 1\nI = clip(v, 0, inf) : 1", threshold="v>1",
                    reset="v=0")
    G.v = [0, 0.5]
    plain = NeuronGroup(2, "I_l : 1 (linked)")
    plain.I_l = linked_var(G.I)
    indexed = NeuronGroup(10, "I_l : 1 (linked)")
    indexed.I_l = linked_var(G.I, index=np.array([0, 1]).repeat(5))
    mon = StateMonitor(G, "I", record=True)
    mon_plain = StateMonitor(plain, "I_l", record=True)
    mon_indexed = StateMonitor(indexed, "I_l", record=True)
    run(5 * ms)
    assert np.array_equal(mon_plain.I_l, mon.I)
    assert np.array_equal(mon_indexed.I_l, mon.I[np.array([0, 1]).repeat(5)])
    assert np.allclose(indexed.I_l[:], np.clip(G.v[:], 0, np.inf).repeat(5))


def test_synapses_link_through_an_index_variable():
    source = NeuronGroup(10, "dx/dt = -x / (10*ms) : 1")
    source.x = "i + 1"
    mon = StateMonitor(source, "x", record=True)
    group = NeuronGroup(10, "y : 1")
    syn = Synapses(group, group, "x : 1 (linked)\nx_ind : integer\nnot_an_index : 1")
    syn.connect(i=[0, 5], j=[3, 6])
    with pytest.raises(TypeError):
        syn.x = linked_var(source.x, index=[0, 1])         # arrays need a fixed size
    with pytest.raises(ValueError):
        syn.x = linked_var(source.x, index="y_post")
    with pytest.raises(TypeError):
        syn.x = linked_var(source.x, index="not_an_index")
    syn.x = linked_var(source.x, index="x_ind")
    syn.x_ind = [3, 5]
    mon_syn = StateMonitor(syn, "x", record=True)
    run(2 * 0.1 * ms)
    assert np.array_equal(mon.x[3], mon_syn.x[0]) and np.array_equal(mon.x[5], mon_syn.x[1])
    syn.connect(i=1, j=1)                                    # the index grows with the synapses
    syn.x_ind[2] = 9
    assert np.allclose(syn.x[:], source.x[[3, 5, 9]])


def test_errors_as_brian2():
    G1 = NeuronGroup(10, "x : volt\ny : 1")
    G2 = NeuronGroup(20, "x : volt")
    G3 = NeuronGroup(10, "l : volt (linked)\nnot_linked : volt\nn : integer (linked)")
    with pytest.raises(DimensionMismatchError):
        G3.l = linked_var(G1.y)
    with pytest.raises(ValueError):
        G3.l = linked_var(G2.x)
    with pytest.raises(ValueError):
        linked_var(G1.x, "x")
    with pytest.raises(ValueError):
        linked_var(G1)
    with pytest.raises(TypeError):
        G3.not_linked = linked_var(G1.x)
    with pytest.raises(TypeError):
        G3.n = linked_var(NeuronGroup(10, "f : 1").f)         # an integer reading floats
    with pytest.raises(ValueError, match="linked_var"):
        G3.l = 3 * volt                                       # set directly, not linked
    with pytest.raises(TypeError, match="not been set"):
        Network(G3).run(0 * ms)
    for bad, error in [(np.arange(10) * 1.0, TypeError), (np.arange(10).reshape(5, 2), TypeError),
                       (np.arange(5), TypeError), (np.arange(10) - 1, ValueError),
                       (np.arange(10) + 1, ValueError)]:
        with pytest.raises(error):
            G3.l = linked_var(G1.x, index=bad)
    S = Synapses(G1, G1, "w : 1")
    S.connect()
    with pytest.raises(NotImplementedError):
        NeuronGroup(100, "x : 1 (linked)").x = linked_var(S, "w")


def test_summed_variables_and_links_to_the_same_variable():
    source = NeuronGroup(1, "")
    target1 = NeuronGroup(10, "v : 1")
    target2 = NeuronGroup(10, "v : 1 (linked)")
    target2.v = linked_var(target1.v)
    syn1 = Synapses(source, target1, "v_post = 1 : 1 (summed)")
    syn1.connect()
    syn2 = Synapses(source, target2, "v_post = 1 : 1 (summed)")
    syn2.connect()
    with pytest.raises(NotImplementedError, match="summed"):
        Network(source, target1, target2, syn1, syn2).run(0 * ms)


def test_summed_variables_into_disjoint_subgroups():
    source = NeuronGroup(2, "")
    target = NeuronGroup(4, "v : 1")
    first = Synapses(source, target[:2], "v_post = 1 : 1 (summed)")
    first.connect()
    second = Synapses(source, target[2:], "v_post = 3 : 1 (summed)")
    second.connect(j="i")
    Network(source, target, first, second).run(0.1 * ms)
    assert target.v[:].tolist() == [2, 2, 3, 3]
