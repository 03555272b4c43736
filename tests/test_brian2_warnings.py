"""Brian2's standard warnings and notes: the same logger name, level and condition as Brian2
(brianjit/objects/model_warnings.py, brianjit/model/namespace.py), and none where Brian2 gives
none."""
import uuid

import numpy as np
import pytest

from brianjit import (Hz, Network, NeuronGroup, PoissonGroup, SpikeGeneratorGroup,
                      SpikeMonitor, StateMonitor, Synapses, ms, second)


def _names(logs):
    """The names logged, but for objects of earlier tests that the garbage collector finds now
    (Brian2's unused_brian_object warning) and the note on an automatically chosen integration
    method (tested in test_stateupdater_api.py)."""
    return [name for _, name, _ in logs
            if not name.endswith(("unused_brian_object", "method_choice"))]


def _unique(prefix):
    return f"{prefix}_{uuid.uuid4().hex}"


# -- NeuronGroup -----------------------------------------------------------------------------
def test_threshold_without_reset_or_refractoriness_warns(brian_logs):
    NeuronGroup(1, "v : 1", threshold="v > 1")
    assert _names(brian_logs) == ["brian2.groups.neurongroup.only_threshold"]
    assert brian_logs[-1][0] == "WARNING"


@pytest.mark.parametrize("kwds", [dict(reset=""), dict(refractory=1 * ms),
                                  dict(threshold="rand() < 0.1"),
                                  dict(threshold="v > randn()")])
def test_threshold_with_reset_refractoriness_or_randomness_is_quiet(brian_logs, kwds):
    NeuronGroup(1, "v : 1", **{"threshold": "v > 1", **kwds})
    assert _names(brian_logs) == []


def test_unless_refractory_without_refractory_warns(brian_logs):
    NeuronGroup(1, "dv/dt = -v/(10*ms) : 1 (unless refractory)", threshold="v > 1",
                reset="v = 0")
    assert _names(brian_logs) == ["brian2.groups.neurongroup.no_refractory"]
    brian_logs.clear()
    NeuronGroup(1, "dv/dt = -v/(10*ms) : 1 (unless refractory)", threshold="v > 1",
                reset="v = 0", refractory=2 * ms)
    assert _names(brian_logs) == []


# -- Synapses --------------------------------------------------------------------------------
def test_pre_post_keywords_are_deprecated_and_exclusive(brian_logs):
    from brianjit.utils.logger import BrianLogger
    BrianLogger._log_messages.clear()   # logged once per process
    G = NeuronGroup(2, "v : 1", threshold="v > 1", reset="")
    S = Synapses(G, G, "w : 1", pre="v += w", post="w += 1")
    assert sorted(_names(brian_logs)) == ["brian2.synapses.synapses.deprecated_post",
                                          "brian2.synapses.synapses.deprecated_pre"]
    assert {p.name for p in S.pathways} == {"pre", "post"}
    with pytest.raises(TypeError, match="Cannot specify both 'pre' and 'on_pre'"):
        Synapses(G, G, "w : 1", pre="v += w", on_pre="v += w")
    with pytest.raises(TypeError, match="Cannot specify both 'post' and 'on_post'"):
        Synapses(G, G, "w : 1", post="v += w", on_post="v += w")


def test_synaptic_equation_without_clock_driven_flag_is_noted(brian_logs):
    from brianjit.utils.logger import BrianLogger
    BrianLogger._log_messages.clear()
    G = NeuronGroup(2, "v : 1")
    S1 = Synapses(G, G, "dw/dt = -w/(5*ms) : 1 (clock-driven)")  # noqa: F841
    S2 = Synapses(G, G, "dw/dt = -w/(5*ms) : 1 (event-driven)")  # noqa: F841
    assert _names(brian_logs) == []
    S3 = Synapses(G, G, "dw/dt = -w/(5*ms) : 1")  # noqa: F841
    assert [(lvl, name) for lvl, name, _ in brian_logs] == [
        ("INFO", "brian2.synapses.synapses.clock_driven")]


def test_pathway_between_groups_of_different_dt_warns_at_each_run(brian_logs):
    source = SpikeGeneratorGroup(2, [0, 1], [0, 1] * ms, dt=0.5 * ms)
    target = NeuronGroup(2, "v : 1", dt=0.1 * ms)
    S = Synapses(source, target, on_pre="v += 1", delay=0.5 * ms)
    S.connect(j="i")
    net = Network(source, target, S)
    net.run(2 * ms)
    assert _names(brian_logs) == ["brian2.synapses.synapses.synapses_dt_mismatch"]
    assert list(target.v) == [1, 1]
    source2 = SpikeGeneratorGroup(2, [0, 1], [0, 1] * ms, dt=0.5 * ms)
    same = NeuronGroup(2, "v : 1", dt=0.5 * ms)
    S2 = Synapses(source2, same, on_pre="v += 1", dt=0.5 * ms)  # else on defaultclock: warns
    S2.connect(j="i")
    brian_logs.clear()
    Network(source2, same, S2).run(0 * ms)
    assert _names(brian_logs) == []


# -- SpikeGeneratorGroup ---------------------------------------------------------------------
def test_spikes_before_the_run_are_ignored_with_a_warning(brian_logs):
    gen = SpikeGeneratorGroup(1, np.zeros(5), np.arange(5) * ms)
    mon = SpikeMonitor(gen)
    net = Network(gen, mon)
    net.run(5 * ms)
    assert _names(brian_logs) == []
    gen.set_spikes(np.zeros(5), np.arange(5) * ms)
    net.run(5 * ms)
    assert _names(brian_logs) == ["brian2.input.spikegeneratorgroup.ignored_spikes"]
    assert mon.num_spikes == 5


def test_period_beyond_2_to_31_steps_warns_and_means_no_period(brian_logs):
    gen = SpikeGeneratorGroup(5, [0, 1, 2], [0, 1, 2] * ms, period=1e6 * second)
    mon = SpikeMonitor(gen)
    Network(gen, mon).run(10 * ms)
    assert _names(brian_logs) == ["brian2.input.spikegeneratorgroup.spikegenerator_long_period"]
    assert list(mon.i) == [0, 1, 2]


# -- names found in several namespaces (Brian2's resolution_conflict) ------------------------
CONFLICT = "brian2.groups.group.Group.resolve.resolution_conflict"


def test_internal_variable_shadowed_by_a_user_name_warns_in_string_expressions(brian_logs):
    G = NeuronGroup(3, "x : 1\ny : 1", name=_unique("ng"))
    G.y = 2
    y = 5  # noqa: F841 - the user's name the expression could mean
    G.x = "y"
    assert _names(brian_logs) == [CONFLICT]
    assert "'y' is an internal variable" in brian_logs[-1][2]
    assert list(G.x) == [2, 2, 2]   # the group's own y
    del y
    brian_logs.clear()
    i, N = 5, 7  # noqa: F841
    G.x = "i // N"
    assert _names(brian_logs) == [CONFLICT, CONFLICT]
    assert list(G.x) == [0, 0, 0]
    brian_logs.clear()
    N = 3  # the group's own N has this value: nothing to warn about  # noqa: F841
    G.x = "N"
    assert _names(brian_logs) == []


def test_internal_variable_shadowed_in_the_model_warns_at_run(brian_logs):
    y = 5 * ms  # noqa: F841
    G = NeuronGroup(1, "y : second\ndx/dt = y/ms/ms : 1", name=_unique("ng"))
    Network(G).run(0 * ms)
    assert _names(brian_logs) == [CONFLICT]
    del y
    i, N, dt = 5, 3, 1 * ms  # noqa: F841 - not used by the model: nothing to warn about
    brian_logs.clear()
    Network(NeuronGroup(1, "dx/dt = x/(10*ms) : 1", name=_unique("ng"))).run(0 * ms)
    assert _names(brian_logs) == []


def test_unit_wins_over_a_user_name_with_a_warning(brian_logs):
    ms = 5  # noqa: F841 - Brian2 resolves units and constants before the user's names
    G = NeuronGroup(1, "dv/dt = -v/(10*ms) : 1", method="exact", name=_unique("ng"))
    G.v = 1
    Network(G).run(10 * second / 1000)
    assert _names(brian_logs) == [CONFLICT]
    assert "Will use the object from the units namespace" in brian_logs[-1][2]
    assert np.isclose(G.v[0], np.exp(-1))


def test_group_namespace_wins_over_the_run_namespace_with_a_warning(brian_logs):
    rate_const = 0 * Hz  # noqa: F841
    P = PoissonGroup(1, rates="rate_const", namespace={"rate_const": 1 / (0.1 * ms)},
                     name=_unique("pg"))
    mon = SpikeMonitor(P)
    Network(P, mon).run(0.2 * ms)
    assert _names(brian_logs) == [CONFLICT]
    assert mon.num_spikes == 2


def test_same_value_in_several_namespaces_is_quiet(brian_logs):
    tau = 10 * ms  # noqa: F841
    G = NeuronGroup(1, "dv/dt = -v/tau : 1", namespace={"tau": 10 * ms}, name=_unique("ng"))
    Network(G).run(0 * ms)
    assert _names(brian_logs) == []


# -- objects never run (Brian2's unused_brian_object) ----------------------------------------
UNUSED = "brian2.core.base.unused_brian_object"


@pytest.fixture
def without_gc():
    """No cyclic garbage collection during the test: what is freed is freed by reference
    counting."""
    import gc
    gc.disable()
    yield
    gc.enable()


def test_group_with_run_regularly_is_freed_when_let_go(without_gc, brian_logs):
    G = NeuronGroup(2, "v : 1", name=_unique("ng"))
    G.run_regularly("v += 1")   # part of the group (Brian2: no warning of its own)
    del G
    assert [name for _, name, _ in brian_logs] == [UNUSED]


def test_object_run_in_a_network_does_not_warn_when_let_go(brian_logs):
    G = NeuronGroup(2, "dv/dt = -v/ms : 1", name=_unique("ng"))
    Network(G).run(0.1 * ms)
    del G
    assert UNUSED not in [name for _, name, _ in brian_logs]


# -- synaptic code whose result depends on the order of the synapses --------------------------
ORDER = "brian2.codegen.generators.base"
#: Brian2's examples (its test_synapses.py): suffixes say where a name lives
ORDER_FREE = ["v_post += w_syn", "v_post *= w_syn", "v_post = v_post + w_syn",
              "v_post = w_syn * v_post", "v_post = 1", "v_post = c_const", "v_post = x_shared",
              "v_post += v_post", "v_post += sin(-v_post)", "v_post += w_syn*v_pre",
              "v_pre += v_post", "w_syn = v_pre", "w_syn /= a_syn", "w_syn = a_syn\na_syn += 1",
              "v_pre = x_shared\nw_syn = v_pre",
              "ge_syn += w_syn\nApre_syn += 3\nw_syn = clip(w_syn + Apost_syn, 0, 10)",
              "a_syn = v_pre\nv_post += a_syn", "v_post += v_post\nv_post += v_post",
              "v_post += 1\nx = v_post"]
ORDER_DEPENDENT = ["v_pre = w_syn", "v_post = v_pre", "v_post = w_syn", "v_post += w_syn+v_post",
                   "v_post += rand()", "a_syn = v_post\nv_post += w_syn", "x = w_syn\nv_pre = x",
                   "x = v_pre\nv_post = x", "v_post += v_pre\nv_pre += v_post",
                   "v_post += w_syn\nu_post += v_post", "v_post += 1\nw_syn = v_post"]


def _index_class(name):
    for suffix, index in (("_syn", "_idx"), ("_pre", "pre"), ("_post", "post"), ("_shared", "0")):
        if name.endswith(suffix):
            return index
    return None


@pytest.mark.parametrize("code", ORDER_FREE + ORDER_DEPENDENT)
def test_order_dependence_analysis_on_brian2s_examples(code):
    import re
    from brianjit.model.statements import parse_statements
    from brianjit.objects.order_dependence import is_order_dependent
    names = set(re.findall(r"\b\w+_(?:syn|pre|post|shared)\b", code))
    assert is_order_dependent(parse_statements(code, names), _index_class) == (
        code in ORDER_DEPENDENT)


@pytest.mark.parametrize("code, dependent", [("v_post += w", False), ("v = w", True),
                                             ("w = v_pre", False), ("v_post += rand()", True),
                                             ("a = w\nu_pre = a", True)])
def test_order_dependent_pathway_code_warns_at_run(brian_logs, code, dependent):
    G = NeuronGroup(3, "v : 1\nu : 1", threshold="True", reset="")
    H = NeuronGroup(3, "v : 1")
    S = Synapses(G, H, "w : 1", on_pre=code)
    S.connect()
    Network(G, H, S).run(0 * ms)
    assert (ORDER in _names(brian_logs)) == dependent


# -- TimedArray, StateMonitor, SpatialNeuron --------------------------------------------------
def test_timedarray_on_a_finer_misaligned_grid_warns_and_notes(brian_logs):
    from brianjit import TimedArray
    from brianjit.utils.logger import BrianLogger
    BrianLogger._log_messages.clear()
    ta = TimedArray([1.0, 2.0, 3.0], dt=0.25 * ms)
    G = NeuronGroup(1, "dv/dt = ta(t)/ms : 1", dt=0.1 * ms, name=_unique("ng"))
    Network(G).run(0.5 * ms)
    assert [(lvl, name) for lvl, name, _ in brian_logs if "timedarray" in name] == [
        ("WARNING", "brian2.input.timedarray"), ("INFO", "brian2.input.timedarray")]
    brian_logs.clear()
    ta2 = TimedArray([1.0, 2.0, 3.0], dt=0.2 * ms)  # noqa: F841 - a multiple of dt: no message
    H = NeuronGroup(1, "dv/dt = ta2(t)/ms : 1", dt=0.1 * ms, name=_unique("ng"))
    Network(H).run(0.5 * ms)
    assert _names(brian_logs) == []


def test_recording_a_shared_variable_for_several_elements_warns(brian_logs):
    from brianjit.utils.logger import BrianLogger
    BrianLogger._log_messages.clear()
    G = NeuronGroup(3, "v : 1\ns : 1 (shared)", name=_unique("ng"))
    m1 = StateMonitor(G, ["v", "s"], record=[0])  # noqa: F841 - one element: no warning
    assert _names(brian_logs) == []
    m2 = StateMonitor(G, ["v", "s"], record=True)  # noqa: F841
    assert _names(brian_logs) == ["brian2.monitors.statemonitor"]
    assert "Variable s is a shared variable" in brian_logs[-1][2]


def test_morphology_with_only_some_coordinates_is_noted(brian_logs):
    from brianjit import Cylinder, Soma, SpatialNeuron, um
    with_coordinates = Soma(diameter=20 * um)
    with_coordinates.dend = Cylinder(x=[0, 100] * um, diameter=2 * um, n=4)
    N1 = SpatialNeuron(with_coordinates, "Im = 0*amp/meter**2 : amp/meter**2")  # noqa: F841
    assert _names(brian_logs) == ["brian2.spatialneuron.spatialneuron"]
    assert brian_logs[-1][0] == "INFO"
    brian_logs.clear()
    without = Soma(diameter=20 * um)
    without.dend = Cylinder(length=100 * um, diameter=2 * um, n=4)
    N2 = SpatialNeuron(without, "Im = 0*amp/meter**2 : amp/meter**2")  # noqa: F841
    assert _names(brian_logs) == []


def test_units_namespace_is_brian2s(brian_logs):
    """Only Brian2's default units take precedence over the user's names: brianjit has more
    unit names (``damp`` is a deca-ampere), which must not take a user's ``damp``."""
    from brianjit.model.namespace import _UNIT_NAMES
    for name in ["ms", "mV", "cm", "cm2", "um3", "hertz", "henry", "candle", "liter", "daliter",
                 "cliter", "msiemens", "mM", "kgram", "gram"]:
        assert name in _UNIT_NAMES, name
    for name in ["damp", "camp", "dmol", "hsecond", "cmeter", "mS", "candela", "liter2",
                 "mlitre3"]:
        assert name not in _UNIT_NAMES, name
    damp = 0.5  # noqa: F841
    G = NeuronGroup(1, "x = damp : 1", name=_unique("ng"))
    Network(G).run(0 * ms)
    assert G.x[0] == 0.5
    assert _names(brian_logs) == []
