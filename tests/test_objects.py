"""NeuronGroup, Subgroup and their variables as a Brian2 user sees them.

Expected values come from Brian2's documented behaviour (checked against Brian2 2.9 with the
numpy target where the documentation is silent).
"""
import numpy as np
import pytest

import brianjit
from brianjit import (DimensionMismatchError, Equations, Network, NeuronGroup, SpikeMonitor,
                      StateMonitor, Synapses, mV, ms, second, volt)

MODULE_CONSTANT = 3 * mV


@pytest.fixture
def group():
    return NeuronGroup(10, """dv/dt = -v/(10*ms) : volt
                              w = 2*v : volt
                              n : integer
                              flag : boolean
                              s : volt (shared)
                              c : 1 (constant)""")


# -- reading and writing with units ---------------------------------------------------------------

def test_set_scalar_array_and_read_with_units(group):
    group.v = -70 * mV
    assert np.allclose(group.v[:] / mV, -70)
    assert np.allclose(group.v_, -0.07)
    group.v = np.arange(10) * mV
    assert group.v[3] == 3 * mV
    assert np.allclose(group.v[2:5] / mV, [2, 3, 4])
    assert np.allclose(group.v[[1, 3, 5]] / mV, [1, 3, 5])
    assert np.allclose(group.v[group.v_ > 0.0065] / mV, [7, 8, 9])
    assert group.v[-1] == 9 * mV
    assert len(group) == 10 and group.N == 10
    assert list(group.i) == list(range(10))


def test_printing_a_variable_and_the_group_clock_like_brian2(group):
    group.v = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] * mV
    text = "<neurongroup.v: array([ 1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10.]) * mvolt>"
    assert repr(group.v) == str(group.v) == f"{group.v}" == text.replace("neurongroup", group.name)
    assert str(group.v[:2]) == "[1. 2.] mV"      # indexing gives a quantity
    assert group.dt == 0.1 * ms and group.dt_ == pytest.approx(1e-4)
    assert group.t == group.clock.t


def test_unitless_setting_and_indexed_setting(group):
    group.v_ = np.linspace(0, 0.009, 10)
    assert np.allclose(group.v[:] / mV, np.arange(10))
    group.v[3] = 30 * mV
    group.v[[0, 1]] = [5, 6] * mV
    group.v[np.arange(10) >= 8] = -1 * mV
    group.v[4:6] = [40, 50] * mV
    assert np.allclose(group.v[:] / mV, [5, 6, 2, 30, 40, 50, 6, 7, -1, -1])


def test_string_condition_read_and_write(group):
    group.v = np.arange(10) * mV
    assert np.allclose(group.v["i > 5"] / mV, [6, 7, 8, 9])
    group.v["i > 5"] = "i*mV + 10*mV"
    assert np.allclose(group.v[:] / mV, [0, 1, 2, 3, 4, 5, 16, 17, 18, 19])
    group.v["v > 15*mV and i < 8"] = 0 * mV
    assert np.allclose(group.v[:] / mV, [0, 1, 2, 3, 4, 5, 0, 0, 18, 19])


def test_zero_with_a_unit_in_strings(group):
    """``0*mV`` must keep its unit for the unit check (Brian2 accepts it everywhere)."""
    group.v = np.arange(10) * mV - 5 * mV
    group.v["v < 0*mV"] = "0*mV"
    assert np.allclose(group.v[:] / mV, [0, 0, 0, 0, 0, 0, 1, 2, 3, 4])
    assert np.allclose(group.v["v > 0*mV"] / mV, [1, 2, 3, 4])


@pytest.mark.parametrize("value", [3 * second, 5, "i*second", "3"])
def test_wrong_unit_raises_and_leaves_values(group, value):
    group.v = np.arange(10) * mV
    with pytest.raises(DimensionMismatchError):
        group.v = value
    with pytest.raises(DimensionMismatchError):
        group.v["i > 2"] = value
    assert np.allclose(group.v[:] / mV, np.arange(10))


def test_string_expressions_use_i_N_t_rand_and_caller_constants(group):
    local_offset = 1 * mV
    group.v = "i*mV*N/10 + local_offset + MODULE_CONSTANT + t/ms*mV"
    now = group.clock.t_ * 1e3  # t of the group's clock (other tests may have run it)
    assert np.allclose(group.v[:] / mV, np.arange(10) + 4 + now)
    brianjit.seed(3)
    group.v = "rand()*mV"
    first = group.v_.copy()
    assert np.all((first >= 0) & (first < 1e-3)) and len(set(first)) == 10
    brianjit.seed(3)
    group.v = "rand()*mV"
    assert np.array_equal(group.v_, first)


def test_subexpressions_read_only(group):
    group.v = np.arange(10) * mV
    assert np.allclose(group.w[:] / mV, 2 * np.arange(10))
    assert np.allclose(group.w_, 2e-3 * np.arange(10))
    assert np.allclose(group.w[2:4] / mV, [4, 6])
    assert np.allclose(group.w["i >= 8"] / mV, [16, 18])
    assert np.allclose(group.v["w > 15*mV"] / mV, [8, 9])
    with pytest.raises(TypeError):
        group.w = 3 * mV
    with pytest.raises(TypeError):
        group.w[:] = 3 * mV


def test_integer_boolean_shared_and_constant_variables(group):
    group.n = "i*2"
    assert group.n[:].dtype.kind == "i" and list(group.n[:]) == list(range(0, 20, 2))
    group.n[3] = 7
    assert group.n[3] == 7
    with pytest.raises(DimensionMismatchError):
        group.n = 2 * mV
    group.flag = "i % 2 == 0"
    assert list(group.flag[:]) == [True, False] * 5
    group.flag["i < 2"] = False
    assert list(group.flag[:4]) == [False, False, True, False]
    group.s = 3 * mV
    assert group.s[:] == 3 * mV and group.s_ == pytest.approx(0.003)
    brianjit.seed(1)
    group.s = "rand()*mV + N*mV"
    assert 10 * mV <= group.s[:] < 11 * mV
    with pytest.raises(ValueError, match="shared"):
        group.s = "i*mV"
    with pytest.raises(ValueError, match="shared"):
        group.s = "v"
    group.c = "i + 0.5"
    assert np.allclose(group.c[:], np.arange(10) + 0.5)


def test_shared_variable_in_equations_and_threshold():
    G = NeuronGroup(4, """dv/dt = (drive - v)/(5*ms) : 1
                          drive : 1 (shared)""", threshold="v > 0.5", reset="v = 0",
                    method="exact")
    G.drive = 2
    S = SpikeMonitor(G)
    Network(G, S).run(10 * ms)
    assert S.num_spikes > 0 and len(set(S.count)) == 1


# -- subgroups ------------------------------------------------------------------------------------

def test_subgroups_share_state_and_index_relative():
    G = NeuronGroup(30, "x : 1")
    G.x = "i"
    sub = G[10:20]
    assert len(sub) == 10 and sub.N == 10
    assert list(sub.i) == list(range(10))
    assert np.allclose(sub.x[:], np.arange(10, 20))
    assert np.allclose(sub.x["i < 2"], [10, 11])
    sub.x = "100 + i"
    assert np.allclose(G.x[10:20], 100 + np.arange(10))
    assert np.allclose(G.x[:10], np.arange(10)) and np.allclose(G.x[20:], np.arange(20, 30))
    sub.x[0] = -1
    sub.x["i == 9"] = -2
    assert G.x[10] == -1 and G.x[19] == -2
    assert np.allclose(sub[2:4].x[:], [102, 103])
    assert G[5].x[:] == [5] and G[-1].x[:] == [29]
    with pytest.raises(IndexError):
        sub.x[10]


def test_monitors_on_subgroups():
    G = NeuronGroup(20, "dv/dt = (2 - v)/(10*ms) : 1", threshold="v > 1", reset="v = 0",
                    method="exact")
    G.v = "i/20.0"
    sub = G[10:20]
    M = StateMonitor(sub, "v", record=[0, 9])
    M_all = StateMonitor(G, "v", record=True)
    S = SpikeMonitor(sub)
    S_all = SpikeMonitor(G)
    Network(G, M, M_all, S, S_all).run(3 * ms)
    assert M.v.shape == (2, 30)
    assert np.array_equal(M[9].v, M_all[19].v) and np.array_equal(M.v[0], M_all.v[10])
    assert S.num_spikes == S.count.sum() > 0
    assert np.array_equal(S.i, S_all.i[S_all.i >= 10] - 10)
    assert np.array_equal(S.count, S_all.count[10:])


# -- threshold, reset, refractoriness -------------------------------------------------------------

def test_threshold_reset_with_subexpression_multiline_and_augmented():
    G = NeuronGroup(5, """dv/dt = (I - v)/(10*ms) : volt
                          I : volt
                          vv = 2*v : volt
                          count : integer""",
                    threshold="vv > 20*mV", reset="""v = 0*mV
                    count += 1""", method="euler")
    G.I = "30*mV*i/N + 15*mV"
    S = SpikeMonitor(G)
    Network(G, S).run(50 * ms)
    assert list(G.count[:]) == list(S.count) == [4, 7, 10, 13, 16]  # Brian2 2.9's numbers


@pytest.mark.parametrize("refractory, counts", [
    (5 * ms, [4, 4, 4]),
    ("5*ms", [4, 4, 4]),
    ("(1 + i)*ms", [7, 5, 5]),
    ("v > -1*mV", [1, 1, 1]),   # refractory while v > -1 mV after a spike: stays at v = 0
    ("tau_ref", [7, 5, 4]),     # a time parameter, not a condition
])
def test_refractory_forms(refractory, counts):
    G = NeuronGroup(3, """dv/dt = (20*mV - v)/(5*ms) : volt (unless refractory)
                          tau_ref : second""",
                    threshold="v > 10*mV", reset="v = 0*mV", refractory=refractory,
                    method="exact")
    G.tau_ref = [1, 2, 5] * ms
    S = SpikeMonitor(G)
    Network(G, S).run(30 * ms)
    assert list(S.count) == counts  # Brian2 2.9's numbers


def test_automatic_method_choice():
    for eqs, expected in [("dv/dt = -v/(10*ms) : 1", np.exp(-0.1)),
                          ("dv/dt = -v**2/(10*ms) : 1", None)]:
        G = NeuronGroup(1, eqs)
        G.v = 1
        Network(G).run(1 * ms)
        if expected is not None:   # linear: solved exactly
            assert G.v[0] == pytest.approx(expected, rel=1e-12)
        else:                      # non-linear: Brian2 falls back to euler
            v = 1.0
            for _ in range(10):
                v -= 0.01 * v ** 2  # dt/tau
            assert G.v[0] == pytest.approx(v, rel=1e-12)
    noisy = NeuronGroup(2, "dv/dt = -v/(10*ms) + xi/sqrt(ms) : 1")
    Network(noisy).run(1 * ms)
    assert noisy.v[0] != noisy.v[1]


# -- model text and namespaces --------------------------------------------------------------------

def test_equations_object_and_namespaces():
    tau = 10 * ms  # noqa: F841  (the caller's scope: used only when nothing else defines tau)
    eqs = Equations("dv/dt = -v/tau : volt")
    assert isinstance(eqs, Equations)
    in_group = NeuronGroup(1, eqs, namespace={"tau": 20 * ms}, method="exact")
    from_caller = NeuronGroup(1, eqs, method="exact")
    in_group.v = from_caller.v = 1 * volt
    net = Network(in_group, from_caller)
    net.run(10 * ms, namespace={"tau": 5 * ms})   # run namespace: group's wins, caller ignored
    assert in_group.v[0] / volt == pytest.approx(np.exp(-0.5))
    assert from_caller.v[0] / volt == pytest.approx(np.exp(-2))
    net.run(10 * ms)                               # caller's locals now
    assert from_caller.v[0] / volt == pytest.approx(np.exp(-3))
    tau = 5 * ms  # noqa: F841
    net.run(5 * ms)                                # new value, same program
    assert from_caller.v[0] / volt == pytest.approx(np.exp(-4))


def test_group_namespace_for_string_expressions():
    offset = 1 * mV  # noqa: F841
    G = NeuronGroup(2, "v : volt", namespace={"offset": 7 * mV})
    G.v = "offset"
    assert np.allclose(G.v[:] / mV, 7)


def test_equations_with_substitution():
    G = NeuronGroup(1, Equations("dv/dt = -v/tau_v : 1", tau_v=2 * ms), method="exact")
    G.v = 1
    Network(G).run(2 * ms)
    assert G.v[0] == pytest.approx(np.exp(-1))


# -- the star imports -----------------------------------------------------------------------------

def test_star_imports():
    full, only = {}, {}
    exec("from brianjit import *", full)   # noqa: S102  (the test of the import statement itself)
    exec("from brianjit.only import *", only)  # noqa: S102
    brian_names = ["NeuronGroup", "StateMonitor", "SpikeMonitor", "PopulationRateMonitor",
                   "Network", "run", "defaultclock", "Clock", "seed", "Equations", "mV", "ms",
                   "nS", "Hz", "second", "volt", "DimensionMismatchError"]
    numpy_names = ["np", "array", "mean", "zeros"]
    for name in brian_names + numpy_names + ["exp"]:
        assert name in full, name
    for name in brian_names:
        assert name in only, name
    for name in numpy_names:
        assert name not in only, name
    assert full["np"].__name__ == "brianjit.numpy_" and full["np"].mean is np.mean  # as Brian2's
    assert float(full["exp"](0 * mV / mV)) == 1.0
    assert full["mean"]([1, 2, 3] * full["mV"]) == 2 * mV


def test_linked_variables_read_the_other_groups_values():
    from brianjit import linked_var
    source = NeuronGroup(3, "dv/dt = (1 - v)/(10*ms) : 1", method="exact")
    follower = NeuronGroup(3, """dw/dt = (v - w)/(1*ms) : 1
                                 v : 1 (linked)""", method="euler")
    follower.v = linked_var(source, "v")
    Network(source, follower).run(5 * ms)
    assert np.array_equal(follower.v[:], source.v[:])
    assert 0 < follower.w[0] < source.v[0]  # w follows v from below
    with pytest.raises(TypeError, match="read-only"):
        follower.v = 0.5
    other = NeuronGroup(3, "x : 1")
    with pytest.raises(TypeError, match="linked"):
        other.x = linked_var(source, "v")
    with pytest.raises(ValueError, match="'index' keyword"):
        NeuronGroup(2, "v : 1 (linked)").v = linked_var(source.v)


def test_a_typo_in_a_variable_name_is_an_error_not_a_new_attribute():
    G = NeuronGroup(2, "v : volt", threshold="v > 1*volt")
    with pytest.raises(AttributeError, match="no variable 'V'"):
        G.V = -70 * mV
    with pytest.raises(AttributeError, match="no variable 'V'"):
        G[0:1].V = -70 * mV
    S = Synapses(G, G, "w : 1", on_pre="v += w*volt")
    with pytest.raises(AttributeError, match="no variable 'W'"):
        S.W = 1
    G.v = -70 * mV  # the real one still works
    assert list(G.v / mV) == [-70, -70]
