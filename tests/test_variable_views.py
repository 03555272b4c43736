"""Writing and reading through variable views: ``G.v_[...] = x`` and friends reach the state.

``G.v_`` is a live, unitless view (Brian2's ``VariableView`` without units): writes through it
go to the group's arrays, reads see the values of the moment. Before, ``G.v_`` was a copy and
every write through it was silently lost (Brian2's ``test_state_variable_assignment``)."""
import numpy as np
import pytest

from brianjit import NeuronGroup, Synapses, mV, ms, run, volt


@pytest.fixture
def group():
    return NeuronGroup(10, "v : volt\nn : integer\ns : 1 (shared)\nb : boolean")


@pytest.mark.parametrize("item, value, expected", [
    (slice(None), np.arange(10) * 1.0, np.arange(10) * 1.0),
    (slice(2, 4), 7, [0, 0, 7, 7, 0, 0, 0, 0, 0, 0]),
    (3, 5, [0, 0, 0, 5, 0, 0, 0, 0, 0, 0]),
    ([1, -1], 2, [0, 2, 0, 0, 0, 0, 0, 0, 0, 2]),
    (np.arange(10) < 3, 0.5, [0.5] * 3 + [0] * 7),
    ("i > 7", 9, [0] * 8 + [9, 9]),
    ("i > 7", "i*2", [0] * 8 + [16, 18]),
    (slice(None), "i + 1", np.arange(1, 11)),
    (slice(5, 7), "i", [0, 0, 0, 0, 0, 5, 6, 0, 0, 0]),
])
def test_writes_through_the_unitless_view_reach_the_group(group, item, value, expected):
    group.v_[item] = value
    assert np.array_equal(group.v[:] / volt, np.asarray(expected, dtype=float))
    assert np.array_equal(group.v_[:], np.asarray(expected, dtype=float))


def test_attribute_assignment_and_other_types(group):
    group.v_ = 0.25
    assert np.all(group.v[:] == 0.25 * volt)
    group.n_[:] = np.arange(10)
    group.n_["i < 2"] = 7
    assert group.n[:].tolist() == [7, 7, 2, 3, 4, 5, 6, 7, 8, 9]
    group.b_[4:6] = True
    assert group.b[:].tolist() == [False] * 4 + [True] * 2 + [False] * 4
    with pytest.raises(TypeError, match="integer"):
        group.n_[:] = 0.5


def test_shared_variables_through_the_view(group):
    group.s_[:] = 3
    assert group.s[:] == 3 and group.s_[:] == 3
    group.s_ = "4 + N"
    assert group.s_[:] == 14
    with pytest.raises(IndexError, match="shared"):
        group.s_[2] = 1


def test_subgroup_views_write_only_their_elements(group):
    sub = group[3:6]
    sub.v_[:] = -1
    sub.v_["i == 0"] = -2
    sub.v_[2] = "i * 10"
    assert group.v_[:].tolist() == [0, 0, 0, -2, -1, 20, 0, 0, 0, 0]
    assert sub.v_[:].tolist() == [-2, -1, 20]


def test_synapse_views():
    G = NeuronGroup(4, "v : volt")
    G.v = "i*mV"
    S = Synapses(G, G, "w : volt\nws : 1 (shared)")
    S.connect()
    S.w_[:] = 2
    assert np.all(S.w[:] == 2 * volt)
    S.w_[0, :] = 3
    S.w_["i == 1"] = "j"
    S.w_[2, 3] = "v_pre / volt * 1000 + 100"
    w = S.w_[:]
    i, j = S.i[:], S.j[:]
    assert np.all(w[i == 0] == 3) and np.array_equal(w[i == 1], j[i == 1])
    assert w[(i == 2) & (j == 3)] == 102 and np.all(w[(i == 2) & (j != 3)] == 2)
    S.ws_[:] = 5
    assert S.ws[:] == 5
    with pytest.raises(TypeError, match="read-only"):
        S.i_[:] = 0
    assert np.array_equal(S.i[:], i)


def test_the_view_is_live_and_reads_are_copies(group):
    view = group.v_
    group.v = 1 * mV
    assert np.allclose(view[:], 1e-3) and np.allclose(np.asarray(view), 1e-3)
    assert np.allclose(view + 1, 1.001) and np.allclose(view - group.v_[:], 0)
    taken = view[:]
    taken[:] = 99  # a copy: the group is unchanged, as its checks were not run
    assert np.allclose(group.v_[:], 1e-3)
    assert "v_" in repr(view)


def test_view_follows_a_run():
    G = NeuronGroup(3, "dv/dt = 1*volt/second : volt", method="euler")
    view = G.v_
    run(1 * ms)
    assert np.allclose(view[:], 1e-3)


def test_delays_and_in_place_arithmetic_through_the_view():
    G = NeuronGroup(3, "v : volt", threshold="False")
    S = Synapses(G, G, "w : 1", on_pre="v += w*mV")
    S.connect()
    S.delay_[:] = 0.002
    assert np.allclose(S.delay[:] / ms, 2)
    with pytest.raises(ValueError, match="non-negative"):
        S.delay_[:] = -1  # checked like any other write of a delay
    assert np.allclose(S.delay[:] / ms, 2)
    G.v_ += 1
    G.v_[:] += 1
    assert np.allclose(G.v[:] / volt, 2)
