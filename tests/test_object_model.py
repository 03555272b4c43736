"""The object model Brian2 scripts rely on: names, BrianObject subclasses and their hooks, the
class hierarchy, and BrianObjectException (Brian2's documented behaviour and its test_base.py)."""
import gc
import pickle
import weakref

import numpy as np
import pytest

import brianjit
from brianjit import (BrianObject, BrianObjectException, Clock, DimensionMismatchError, Group,
                      Nameable, Network, NetworkOperation, NeuronGroup, PoissonGroup, SpikeMonitor,
                      SpikeSource, StateMonitor, VariableOwner, defaultclock, ms, second)


class Recorder(BrianObject):
    """A user's subclass: it records its hooks and its steps."""

    add_to_magic_network = True

    def __init__(self, log, **kwds):
        super().__init__(**kwds)
        self.log = log

    def before_run(self, run_namespace):
        self.log.append(("before", self.name))

    def run(self):
        self.log.append((self.name, round(self.clock.t_ / 1e-4)))

    def after_run(self):
        self.log.append(("after", self.name))


# ---- names ---------------------------------------------------------------------------------------

def test_automatic_names_take_the_first_free_variant_of_the_stem():
    a, b = BrianObject(name="stem*"), BrianObject(name="stem*")
    assert (a.name, b.name) == ("stem", "stem_1")
    del a
    gc.collect()
    assert BrianObject(name="stem*").name == "stem"  # freed names are reused, as in Brian2
    assert BrianObject().name.startswith("brianobject")


def test_explicit_names_may_repeat_until_they_meet_in_a_network():
    a, b = BrianObject(name="twin"), BrianObject(name="twin")
    Network(a).run(0 * ms)
    with pytest.raises(ValueError, match="unique names.*'twin'"):
        Network(b, BrianObject(name="twin")).run(0 * ms)


@pytest.mark.parametrize("name, error", [("1abc", ValueError), ("a b", ValueError),
                                         ("a*b", ValueError), (3, TypeError)])
def test_invalid_names(name, error):
    with pytest.raises(error):
        BrianObject(name=name)


def test_name_and_contained_objects_cannot_be_replaced():
    obj = BrianObject()
    with pytest.raises(AttributeError):
        obj.name = "other"
    with pytest.raises(AttributeError):
        obj.contained_objects = []


def test_ids_are_unique_even_for_equal_names():
    assert BrianObject(name="same").id != BrianObject(name="same").id


# ---- BrianObject and its hooks -------------------------------------------------------------------

def test_defaults_and_errors_of_the_constructor():
    obj = BrianObject()
    assert (obj.when, obj.order, obj.active, obj.clock) == ("start", 0, True, defaultclock)
    assert BrianObject(dt=1 * ms).clock.dt == 1 * ms
    with pytest.raises(ValueError):
        BrianObject(dt=1 * ms, clock=defaultclock)
    with pytest.raises(TypeError):
        BrianObject(when=defaultclock)
    with pytest.raises(DimensionMismatchError):
        BrianObject(dt=1)
    with pytest.raises(ValueError, match="underscore"):
        BrianObject(namespace={"_x": 1})


def test_active_flag_is_passed_on_to_contained_objects():
    outer, inner = BrianObject(), BrianObject()
    outer.contained_objects.append(inner)
    inner.active = False
    assert outer.active and not inner.active
    outer.active = False
    assert not outer.active and not inner.active
    outer.active = True
    assert inner.active


def test_user_subclass_hooks_and_step_order():
    log = []
    early = Recorder(log, name="early", when="start", order=-1)
    late = Recorder(log, name="late", when="end")
    slow = Recorder(log, name="slow", dt=0.2 * ms, when="start", order=5)
    Network(late, early, slow).run(0.4 * ms)
    assert log[:3] == [("before", "early"), ("before", "slow"), ("before", "late")]
    assert log[3:-3] == [("early", 0), ("slow", 0), ("late", 0), ("early", 1), ("late", 1),
                         ("early", 2), ("slow", 2), ("late", 2), ("early", 3), ("late", 3)]
    assert log[-3:] == [("after", "early"), ("after", "slow"), ("after", "late")]


def test_contained_objects_run_and_inactive_objects_do_not():
    log = []
    outer = Recorder(log, name="outer")
    inner = Recorder(log, name="inner", when="end")
    outer.contained_objects.append(inner)
    off = Recorder(log, name="off")
    off.active = False
    net = Network(outer, off)
    assert len(net) == 3 and len(net.objects) == 2 and "inner" in net
    net.run(0.2 * ms)
    assert [entry for entry in log if entry[0] in ("outer", "inner", "off")] == [
        ("outer", 0), ("inner", 0), ("outer", 1), ("inner", 1)]


def test_native_objects_are_not_called_from_python():
    G = NeuronGroup(1, "v : 1")
    assert not G.runs_in_python and NetworkOperation(lambda: None).runs_in_python


def test_every_public_runnable_class_is_collected_by_run():
    """Brian2's rule: the public simulation classes set add_to_magic_network (BrianObject
    itself does not). A class added without it would be silently left out of run()."""
    classes = [getattr(brianjit, name) for name in brianjit.__all__]
    runnable = [c for c in classes if isinstance(c, type) and issubclass(c, BrianObject)
                and c is not BrianObject]
    assert len(runnable) >= 8
    assert all(c.add_to_magic_network for c in runnable), runnable
    assert not BrianObject.add_to_magic_network


def test_unused_object_warning(brian_logs):
    NeuronGroup(1, "v : 1", name="never_used")
    gc.collect()
    messages = [message for _, name, message in brian_logs
                if name.endswith("unused_brian_object") and "never_used" in message]
    assert len(messages) == 1
    assert "test_object_model.py" in messages[0]
    brian_logs.clear()
    G = NeuronGroup(1, "v : 1")
    Network(G).run(0 * ms)
    del G
    gc.collect()
    assert not [name for _, name, _ in brian_logs if name.endswith("unused_brian_object")]


# ---- the class hierarchy -------------------------------------------------------------------------

def test_isinstance_checks_as_in_brian2():
    G = NeuronGroup(4, "v : 1", threshold="v > 1")
    P = PoissonGroup(2, 10 / second)
    M = StateMonitor(G, "v", record=0)
    assert isinstance(G, (BrianObject, Group, VariableOwner, SpikeSource, Nameable))
    assert isinstance(G[1:3], (Group, SpikeSource)) and isinstance(P, SpikeSource)
    assert isinstance(M, BrianObject) and not isinstance(M, SpikeSource)
    assert isinstance(Network(), Nameable) and isinstance(defaultclock, Nameable)


def test_spikes_of_the_last_step():
    G = NeuronGroup(5, "v : 1", threshold="v > 1", reset="")
    G.v = [0, 2, 0, 2, 2]
    seen = []
    read = NetworkOperation(lambda: seen.append(G.spikes.tolist()), when="after_thresholds")
    Network(G, read).run(0.1 * ms)
    assert seen == [[1, 3, 4]]
    assert G.spikes.tolist() == []  # cleared when the run ends, as Brian2's thresholder does
    assert G[3:5].spikes.tolist() == [] and len(G[3:5]) == 2


def test_group_get_set_states_round_trip():
    G = NeuronGroup(3, "dv/dt = -v/(10*ms) : volt\nw : 1\nx = 2*w : 1", name="states")
    G.v = [1, 2, 3] * brianjit.mV
    G.w = [4, 5, 6]
    states = G.get_states()
    assert set(states) == {"v", "w", "i", "N", "t", "dt", "t_in_timesteps"}
    assert set(G.get_states(read_only_variables=False)) == {"v", "w"}
    assert set(G.get_states(subexpressions=True)) >= {"x"}
    raw = G.get_states(["v", "w"], units=False)
    G.v, G.w = 0 * brianjit.mV, 0
    states_to_set = {k: states[k] for k in ("v", "w")}
    G.set_states(states_to_set)
    assert np.array_equal(G.v_, raw["v"]) and np.array_equal(G.w, [4, 5, 6])
    G.set_states({"v": raw["v"] * 2}, units=False)
    assert np.allclose(G.v_, [0.002, 0.004, 0.006])
    with pytest.raises(TypeError, match="read-only"):
        G.set_states({"N": 5})
    with pytest.raises(KeyError):
        G.set_states({"nonexistent": 5})
    with pytest.raises(DimensionMismatchError):
        G.set_states(states_to_set | {"v": [1, 2, 3]})
    with pytest.raises(NotImplementedError):
        G.get_states(format="xml")


def test_clock_is_nameable_with_variables_and_long_run_warning(brian_logs):
    clock = Clock(dt=1 * ms)
    assert clock.name.startswith("clock") and defaultclock.name == "defaultclock"
    clock.step = 3
    assert clock.variables["t"].array.data[0] == pytest.approx(3e-3)
    assert clock.variables["timestep"].array.data[0] == 3 and clock.variables["dt"].dtype == "float"
    clock.set_interval(0 * second, 1000 * second)
    assert not [name for level, name, _ in brian_logs if level == "WARNING"]
    clock.set_interval(0 * second, 1e10 * second)
    assert [name for level, name, _ in brian_logs if level == "WARNING"] == [
        "brian2.core.clocks.many_timesteps"]


# ---- BrianObjectException ------------------------------------------------------------------------

def _failing_group():
    return NeuronGroup(1, "dv/dt = -v/undefined_tau : 1", name="failing")  # the creation line


def test_errors_while_preparing_name_the_object_and_its_creation_line():
    G = _failing_group()
    with pytest.raises(BrianObjectException) as info:
        Network(G).run(1 * ms)
    error = info.value
    assert isinstance(error, KeyError)  # the original kind still catches it
    assert isinstance(error.__cause__, KeyError) and "undefined_tau" in str(error.__cause__)
    text = str(error)
    assert "Error encountered with object named 'failing'" in text
    assert "test_object_model.py" in text and "in _failing_group" in text
    assert "undefined_tau" in text and 'name="failing")  # the creation line' in text


def test_brian_object_exception_keeps_unit_errors_catchable_and_pickles():
    G = NeuronGroup(1, "dv/dt = -v/tau : volt")
    tau = 5 * brianjit.mV  # noqa: F841 (resolved by the run: wrong unit)
    with pytest.raises(DimensionMismatchError) as info:
        Network(G).run(1 * ms)
    assert isinstance(info.value, BrianObjectException)
    copy = pickle.loads(pickle.dumps(info.value))
    assert isinstance(copy, BrianObjectException) and isinstance(copy, DimensionMismatchError)
    assert str(copy) == str(info.value)


def test_user_before_run_errors_are_wrapped_but_run_errors_are_not():
    class Broken(BrianObject):
        def before_run(self, run_namespace):
            raise ZeroDivisionError("in before_run")

    class Fails(BrianObject):
        def run(self):
            raise ZeroDivisionError("in run")
    with pytest.raises(BrianObjectException, match="in before_run") as info:
        Network(Broken(name="broken")).run(1 * ms)
    assert isinstance(info.value, ZeroDivisionError) and "'broken'" in str(info.value)
    with pytest.raises(ZeroDivisionError) as info:
        Network(Fails()).run(1 * ms)
    assert not isinstance(info.value, BrianObjectException)


def test_objects_do_not_outlive_their_names():
    G = NeuronGroup(1, "v : 1", name="short_lived")
    ref = weakref.ref(G)
    del G
    gc.collect()
    assert ref() is None and NeuronGroup(1, "v : 1", name="short_lived*").name == "short_lived"
