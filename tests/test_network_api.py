"""The Network API as Brian2 documents it: membership, the magic network's rules, schedules,
states, stop(), profiling, run durations between steps, and letting objects go."""
import gc
import json
import weakref

import numpy as np
import pytest

from brianjit import (BrianObject, MagicError, MagicNetwork, Network, NetworkOperation,
                      NeuronGroup, PopulationRateMonitor, network_operation, SpikeMonitor, StateMonitor, Synapses,
                      collect, defaultclock, magic_network, ms, prefs, profiling_summary, run,
                      scheduling_summary, second, start_scope, stop)
from subprocess_script import run_script


class Counter(BrianObject):
    add_to_magic_network = True

    def __init__(self, **kwds):
        super().__init__(**kwds)
        self.count = 0

    def run(self):
        self.count += 1


class Stopper(Counter):
    def __init__(self, after, stop_function, **kwds):
        super().__init__(**kwds)
        self.after, self.stop_function = after, stop_function

    def run(self):
        super().run()
        if self.count == self.after:
            self.stop_function()


def _lif(n=4, name="lif*"):
    return NeuronGroup(n, "dv/dt = (2 - v)/(10*ms) : 1", threshold="v > 1", reset="v = 0",
                       method="exact", name=name)


# ---- membership ----------------------------------------------------------------------------------

def test_membership_by_name_and_by_object():
    G = _lif(name="member")
    M = StateMonitor(G, "v", record=0)
    net = Network(G)
    net.add({"monitor": M})
    assert "member" in net and G in net and M in net and "nothing" not in net
    # as in Brian2, a network's objects include those they contain (the group's thresholder
    # and resetter)
    parts = {G.thresholder["spike"], G.resetter["spike"]}
    assert net["member"] is G and set(net) == {G, M, *parts} and len(net) == 4
    assert net["member_spike_thresholder"] is G.thresholder["spike"]
    with pytest.raises(TypeError):
        net[0]
    with pytest.raises(KeyError):
        net["nothing"]
    del net[M.name]
    assert M not in net
    with pytest.raises(KeyError):
        net.remove(M)
    with pytest.raises(TypeError):
        net.remove(object())
    with pytest.raises(TypeError):
        net.add("not an object")
    with pytest.raises(TypeError):
        Network(name="n", other=1)


def test_objects_run_in_one_network_belong_to_it():
    x = Counter()
    net = Network(x)
    net.run(1 * ms)
    net.remove(x)
    net.add(x)  # back into the same network is fine
    with pytest.raises(RuntimeError, match="another network"):
        Network(x)
    with pytest.raises(RuntimeError):
        run(1 * ms)


def test_dependencies_must_be_in_the_network():
    G = NeuronGroup(3, "v : 1", threshold="False")
    for dependent in (StateMonitor(G, "v", record=True), SpikeMonitor(G),
                      PopulationRateMonitor(G), Synapses(G, G, on_pre="v += 1")):
        with pytest.raises(ValueError, match="depends"):
            Network(dependent).run(0 * ms)
    Network(G, SpikeMonitor(G[1:2])).run(0 * ms)  # a subgroup's owner counts


# ---- the magic network ---------------------------------------------------------------------------

def test_magic_network_rules():
    start_scope()
    x = Counter()
    run(1 * ms)
    y = Counter()
    with pytest.raises(MagicError):
        run(1 * ms)
    del y
    run(1 * ms)
    assert x.count == 20 and magic_network.t == 2 * ms
    monitor = Counter()
    monitor.invalidates_magic_network = False  # joins a running simulation
    run(1 * ms)
    assert (x.count, monitor.count) == (30, 10)
    del x, monitor
    z = Counter()
    run(1 * ms)  # only new objects: a new simulation from 0
    assert z.count == 10 and magic_network.t == 1 * ms
    with pytest.raises(ValueError):
        MagicNetwork()
    with pytest.raises(MagicError):
        magic_network.add(z)
    with pytest.raises(MagicError):
        magic_network.remove(z)
    assert magic_network.objects == []  # held only while running


def test_magic_dependency_is_switched_off_with_a_warning(brian_logs):
    def monitor_only():
        G = NeuronGroup(2, "v : 1")
        return StateMonitor(G, "v", record=True)
    start_scope()
    mon = monitor_only()
    run(0 * ms)
    assert not mon.active
    assert [name for level, name, _ in brian_logs if level == "WARNING"] == [
        "brian2.core.magic.dependency_warning"]


def test_start_scope_and_rebinding_let_objects_be_collected():
    def simulate():
        G = _lif()
        M = StateMonitor(G, "v", record=True)
        run(1 * ms)
        assert [o.name for o in collect()] == [G.name, M.name]
        return [weakref.ref(G), weakref.ref(M)]
    start_scope()
    refs = simulate()
    start_scope()
    gc.collect()
    assert all(ref() is None for ref in refs)
    G = _lif()  # rebinding, as in a loop of simulations
    run(1 * ms)
    old = weakref.ref(G)
    G = _lif()
    run(1 * ms)  # (Python 3.11's frame locals snapshot lets go of the old G only here)
    gc.collect()
    assert old() is None


def test_explicit_network_keeps_only_its_objects():
    G = _lif()
    net = Network(G, StateMonitor(G, "v", record=0))
    net.run(1 * ms, profile=True)
    monitor = weakref.ref(net.objects[1])
    net.remove(net.objects[1])
    net.run(1 * ms)
    gc.collect()
    assert monitor() is None


# ---- schedule ------------------------------------------------------------------------------------

@pytest.mark.parametrize("schedule, error", [
    (object(), TypeError), (1, TypeError), ({"a", "b"}, TypeError), (["slot", 1], TypeError),
    (["start", "after_start"], ValueError), (["before_start", "start"], ValueError),
])
def test_schedule_errors(schedule, error):
    with pytest.raises(error):
        Network().schedule = schedule


def test_default_schedule_preference():
    net = Network()
    reverse = ["end", "resets", "synapses", "thresholds", "groups", "start"]
    prefs.core.network.default_schedule = reverse
    try:
        assert net.schedule == reverse
    finally:
        prefs.core.network.default_schedule = ["start", "groups", "thresholds", "synapses",
                                               "resets", "end"]


def test_scheduling_summary_entries():
    G = NeuronGroup(2, "dv/dt = -v/(10*ms) : 1", threshold="v > 1", reset="v = 0", name="sg")
    G.run_regularly("v = 0", dt=1 * ms, when="end")
    M = StateMonitor(G, "v", record=0, name="sg_mon")
    off = StateMonitor(G, "v", record=0, name="sg_off", when="after_end")
    off.active = False
    summary = scheduling_summary(Network(G, M, off))
    assert [e.name for e in summary.entries] == ["sg_mon", "sg_stateupdater",
                                                 "sg_spike_thresholder", "sg_spike_resetter",
                                                 "sg_run_regularly", "sg_off"]
    assert [e.active for e in summary.entries] == [True] * 5 + [False]
    assert summary.entries[4].dt == 1 * ms and summary.entries[1].owner_name == "sg"
    assert "every 10 steps" in str(summary) and "<table>" in summary._repr_html_()


# ---- states --------------------------------------------------------------------------------------

def test_network_get_set_states_round_trip():
    G = NeuronGroup(4, "v : 1", name="net_states")
    G.v = "i"
    net = Network(G)
    states = net.get_states(read_only_variables=False)
    assert list(states) == ["net_states"] and list(states["net_states"]) == ["v"]
    assert np.array_equal(states["net_states"]["v"], [0, 1, 2, 3])
    G.v = 0
    net.set_states(states)
    assert np.array_equal(G.v, [0, 1, 2, 3])
    with pytest.raises(KeyError):
        net.set_states({"other": {"v": 1}})


class StatefulCounter(Counter):
    """A user's object with its own state, through Brian2's duck-typed get_states/set_states."""

    def get_states(self, vars=None, units=True, format="dict", subexpressions=False,
                   read_only_variables=True, level=0):
        return {"state": self.count}

    def set_states(self, values, units=True, format="dict", level=0):
        self.count = values["state"]


def test_get_states_asks_every_object_that_has_it_contained_ones_too():
    outer, inner = StatefulCounter(name="outer"), StatefulCounter(name="inner")
    outer.contained_objects.append(inner)
    net = Network(outer)
    net.run(defaultclock.dt)
    assert net.get_states() == {"outer": {"state": 1}, "inner": {"state": 1}}
    net.set_states({"inner": {"state": 5}})
    assert inner.count == 5


# ---- stop ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("global_stop", [False, True])
def test_stop_finishes_the_step_it_is_called_in(global_stop):
    G = NeuronGroup(1, "dv/dt = 1/ms : 1")
    M = StateMonitor(G, "v", record=0, when="end")
    net = Network(G, M)
    x = Stopper(10, stop if global_stop else net.stop)
    net.add(x)
    net.run(10 * ms)
    assert net.t == pytest.approx(1 * ms) and defaultclock.t == pytest.approx(1 * ms)
    assert x.count == 10 and len(M.t) == 10 and G.v[0] == pytest.approx(1.0)
    net.run(1 * ms)  # the next run is not stopped
    assert net.t == pytest.approx(2 * ms)


def test_stop_from_a_report_callback():
    net = Network(_lif(1))
    net.run(20 * second, report=lambda elapsed, done, start, duration: done > 0 and stop(),
            report_period=0 * second)
    assert 0 * second < net.t < 20 * second


# ---- run durations between steps ------------------------------------------------------------------

def test_durations_between_steps_follow_brian2():
    x, y = Counter(dt=1 * ms), Counter(dt=2 * ms)
    net = Network(x, y)
    expected = [(4, 4, 2), (5, 5, 3), (5.5, 6, 3), (6, 6, 3), (6.5, 7, 4)]
    for duration, (t, nx, ny) in zip([4, 1, 0.5, 0.5, 0.5], expected):
        net.run(duration * ms)
        assert (float(net.t / ms), x.count, y.count) == (pytest.approx(t), nx, ny)


# ---- profiling -----------------------------------------------------------------------------------

_PROFILED = """
import json
import numpy as np
from brianjit import *

def simulate(profile):
    G = NeuronGroup(10, "dv/dt = (1.5 - v)/(10*ms) : 1", threshold="v > 1", reset="v = 0",
                    method="exact", name="prof")
    M = SpikeMonitor(G, name="prof_mon")
    op = NetworkOperation(lambda: None, dt=1 * ms, name="prof_op")
    net = Network(G, M, op)
    net.run(20 * ms, profile=profile)
    return net, M.t_[:].tolist()

plain, spikes = simulate(False)
try:
    plain.profiling_info
    print("NO ERROR")
except ValueError as error:
    assert "profile=True" in str(error)
profiled, profiled_spikes = simulate(True)
print(json.dumps({"same": spikes == profiled_spikes and len(spikes) > 0,
                  "info": [(name, float(t / second)) for name, t in profiled.profiling_info],
                  "summary": str(profiling_summary(profiled, show=2)),
                  "html": profiling_summary(profiled)._repr_html_()}))
"""


def test_profiling_times_every_kernel_without_changing_results():
    """A profiled build (native timing around each kernel) in a fresh interpreter: same spikes,
    one entry per kernel and Python object, longest first."""
    out = json.loads(run_script(_PROFILED).splitlines()[-1])
    assert out["same"]
    info = dict(out["info"])
    assert set(info) == {"prof_stateupdater", "prof_spike_thresholder", "prof_spike_resetter",
                         "prof_mon_record", "prof_op"}
    assert all(t >= 0 for t in info.values()) and info["prof_stateupdater"] > 0
    assert [t for _, t in out["info"]] == sorted(info.values(), reverse=True)
    assert out["summary"].startswith("Profiling summary") and out["summary"].count("%") == 2
    assert "<table" in out["html"]


def test_profiling_summary_without_profiling_is_an_error():
    net = Network(_lif(1))
    net.run(0.1 * ms)
    with pytest.raises(ValueError):
        profiling_summary(net)


# ---- reports -------------------------------------------------------------------------------------

def test_report_errors_and_text(capsys):
    net = Network(_lif(1))
    with pytest.raises(ValueError):
        net.run(1 * ms, report="unknown")
    with pytest.raises(TypeError):
        net.run(1 * ms, report=object())
    net.run(1 * ms, report="text")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Starting simulation at t=") and "(100%) simulated in" in lines[-1]


def test_network_operation_on_a_method_definition_is_an_error():
    with pytest.raises(TypeError, match="self"):
        class Container:
            @network_operation
            def step(self):
                pass
    with pytest.raises(TypeError):
        NetworkOperation(lambda a, b: None)


def test_scheduling_summary_of_synapses_lists_their_parts_in_execution_order():
    G = NeuronGroup(2, "dv/dt = -v/(10*ms) : 1\ns : 1", threshold="v > 1", name="sy_g")
    S = Synapses(G, G, "dw/dt = -w/(5*ms) : 1 (clock-driven)\ns_post = w : 1 (summed)",
                 on_pre="v += 1", on_post="w += 1", name="sy")
    S.connect()
    net = Network(G, S)
    summary = net.scheduling_summary()
    assert [e.name for e in summary.entries] == ["sy_summed_variable_s_post", "sy_g_stateupdater",
                                                 "sy_stateupdater", "sy_g_spike_thresholder",
                                                 "sy_pre", "sy_post"]
    net.run(0.1 * ms, profile=True)  # the parts are the kernels that ran
    assert {e.name for e in summary.entries} <= {name for name, _ in net.profiling_info}


def test_text_report_lines_as_brian2(capsys):
    from brianjit.objects.reporting import _format_time, make_reporter
    assert [_format_time(t) for t in (12345, 123, 12.5, 0.5)] == ["3h 25m 45s", "2m 3s", "12s",
                                                                   "< 1s"]
    reporter = make_reporter("text", 0 * second, 2.0, 0.0)
    reporter.start()
    reporter.update(0.5)
    reporter.finish(1.0)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Starting simulation at t=0. s for a duration of 2. s"
    assert lines[1] == "1. s (50%) simulated in < 1s, estimated < 1s remaining."
    assert lines[2] == "2. s (100%) simulated in < 1s"


def test_magic_network_logs_what_it_collected(brian_logs):
    def create():
        kept = NeuronGroup(1, "v : 1", threshold="v > 1", reset="v = 0", name="kept")
        NeuronGroup(1, "v : 1", name="dropped")  # not referenced: not collected
        return kept
    start_scope()
    G = create()
    run(0.1 * ms)
    messages = [message for _, name, message in brian_logs if name.endswith("magic_objects")]
    assert messages == ["Updated MagicNetwork to include 4 objects with names kept, "
                        "kept_stateupdater, kept_spike_thresholder, kept_spike_resetter"]
    assert G.name == "kept"
