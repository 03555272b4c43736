"""Custom events (Brian2's ``events=``, ``run_on_event``, ``set_event_schedule``,
``Synapses(on_event=...)``, ``EventMonitor``) against a numpy reference, monitors that record a
subset of elements, and event spaces in snapshots."""
import json

import numpy as np
import pytest

from brianjit import (EventMonitor, Network, NeuronGroup, SpikeMonitor, StateMonitor, Synapses,
                      Hz, ms, defaultclock)
from subprocess_script import run_script

_RATES = np.array([0.0, 150.0, 410.0, 1030.0])
_REFRACTORY_STEPS = 20   # 2 ms at dt = 0.1 ms


def _group():
    G = NeuronGroup(4, """dv/dt = rate : 1 (unless refractory)
                          rate : Hz
                          n : integer""",
                    threshold="v > 1", reset="v = 0", refractory=2 * ms,
                    events={"high": "v > 0.5"}, method="euler", name="g")
    G.run_on_event("high", "n += 1")
    G.rate = _RATES * Hz
    return G


def _reference(steps):
    """Brian2's order within a step: state update (frozen while refractory), the spike's
    thresholder (which needs not_refractory), the event's thresholder (after_thresholds, not
    gated by refractoriness), the monitor right after it, the reset, the event's code."""
    dt = defaultclock.dt_
    v, n = np.zeros(4), np.zeros(4, dtype=int)
    last = np.full(4, -10**6)
    events, spikes = [], []
    for k in range(steps):
        active = k - last >= _REFRACTORY_STEPS
        v = np.where(active, v + dt * _RATES, v)
        spiking = (v > 1) & active
        last[spiking] = k
        high = np.flatnonzero(v > 0.5)
        events += [(i, k, v[i]) for i in high]
        spikes += [(i, k) for i in np.flatnonzero(spiking)]
        v[spiking] = 0
        n[high] += 1
    return events, spikes, v, n


def test_custom_event_with_its_own_condition_matches_numpy():
    G = _group()
    events = EventMonitor(G, "high", variables="v")
    spikes = SpikeMonitor(G)
    Network(G, events, spikes).run(30 * ms)
    expected, expected_spikes, v, n = _reference(300)
    dt = defaultclock.dt_
    assert events.i[:].tolist() == [i for i, _, _ in expected]
    assert np.allclose(events.t_, [k * dt for _, k, _ in expected], rtol=0, atol=1e-12)
    assert np.array_equal(events.v[:], [x for _, _, x in expected])
    assert spikes.i[:].tolist() == [i for i, _ in expected_spikes]
    assert np.array_equal(G.v[:], v) and np.array_equal(G.n[:], n)
    assert events.count.tolist() == np.bincount([i for i, _, _ in expected], minlength=4).tolist()
    assert len(expected_spikes) > 2 and len(expected) > len(expected_spikes)


def test_event_schedule_and_code_objects_as_brian2():
    G = _group()
    high = G.thresholder["high"]
    assert (high.name, high.when, high.order) == ("g_high_thresholder", "after_thresholds", 0)
    assert G.thresholder["spike"].when == "thresholds"
    assert (G.resetter["spike"].when, G.resetter["high"].when) == ("resets", "after_resets")
    assert EventMonitor(G, "high").when == "after_thresholds"
    G.set_event_schedule("high", when="before_groups", order=3)
    assert (high.when, high.order) == ("before_groups", 3)
    with pytest.raises(ValueError):
        G.set_event_schedule("unknown")
    with pytest.raises(ValueError):
        G.run_on_event("high", "n += 2")   # code for the event exists already
    with pytest.raises(ValueError):
        G.run_on_event("unknown", "n += 1")
    with pytest.raises(TypeError):
        NeuronGroup(1, "v : 1", events={"_hidden": "v > 0"})
    with pytest.raises(ValueError):
        EventMonitor(G, "unknown")


def test_moving_an_event_between_runs_rebuilds_with_the_new_order():
    G = NeuronGroup(1, "x : 1\nseen : 1", events={"on": "x > 0"}, name="mv")
    G.run_on_event("on", "seen = x", when="after_resets")
    G.run_regularly("x += 1", when="resets")
    net = Network(G)
    net.run(0.1 * ms)   # the event is checked before x changes at 'resets': never seen
    assert G.seen[0] == 0
    G.set_event_schedule("on", when="after_resets", order=-1)
    net.run(0.1 * ms)   # checked after x += 1 and before the code (order -1 < 0)
    assert G.seen[0] == 2


def test_event_code_cannot_write_a_shared_value():
    G = NeuronGroup(2, "v : 1\ncount : 1 (shared)", threshold="v > 1", reset="v = 0; count += 1")
    with pytest.raises(SyntaxError, match="count"):   # Brian2's error class
        Network(G).run(0.1 * ms)


def test_an_inactive_event_code_does_not_run():
    G = _group()
    G.resetter["high"].active = False
    Network(G).run(5 * ms)
    assert G.n[:].tolist() == [0, 0, 0, 0]


def test_synapses_propagate_the_event_of_their_pathway_from_a_subgroup():
    G = _group()
    target = NeuronGroup(4, "hits : 1\nspikes : 1", name="tg")
    S = Synapses(G[2:], target, on_pre={"pre": "hits_post += 1", "sp": "spikes_post += 1"},
                 on_event={"pre": "high"}, name="s")
    S.connect(j="i")
    mon = EventMonitor(G, "high")
    spikes = SpikeMonitor(G)
    Network(G, target, S, mon, spikes).run(10 * ms)
    assert target.hits[:2].tolist() == [mon.count[2], mon.count[3]]
    assert target.spikes[:2].tolist() == [spikes.count[2], spikes.count[3]]
    assert target.hits[2:].tolist() == [0, 0]
    with pytest.raises(ValueError, match="does not define an event 'other'"):
        Synapses(G, target, on_pre="hits_post += 1", on_event="other")
    with pytest.raises(TypeError):
        Synapses(G, target, on_pre="hits_post += 1", on_event=3)


# ---- record= a subset --------------------------------------------------------------------------

def test_monitors_record_only_the_given_elements_and_count_all():
    G = _group()
    full = SpikeMonitor(G, variables="v", name="full")
    some = SpikeMonitor(G, variables="v", record=[1, 3], name="some")
    sub = EventMonitor(G[2:], "high", record=[1], name="sub")
    sub_full = EventMonitor(G[2:], "high", name="sub_full")
    counted = SpikeMonitor(G, variables="n", record=False, name="counted")
    nothing = SpikeMonitor(G, record=None, name="nothing")
    Network(G, full, some, sub, sub_full, counted, nothing).run(20 * ms)
    keep = np.isin(full.i[:], [1, 3])
    assert some.i[:].tolist() == full.i[keep].tolist() and len(some.i) > 0
    assert np.array_equal(some.t_, full.t_[keep]) and np.array_equal(some.v[:], full.v[keep])
    assert some.count.tolist() == full.count.tolist() and some.num_spikes == full.num_spikes
    assert sub.i[:].tolist() == [1] * int(sub_full.count[1])
    assert np.array_equal(sub.t_, sub_full.t_[sub_full.i[:] == 1])
    assert set(some.spike_trains()) == {0, 1, 2, 3} and len(some.spike_trains()[0]) == 0
    # record=False: the variables at each spike, neither indices nor times
    assert "i" not in counted.variables and len(counted.n) == full.num_spikes
    with pytest.raises(AttributeError):
        counted.spike_trains()
    assert "t" not in nothing.variables and nothing.num_spikes == full.num_spikes


def test_record_subset_errors():
    G = _group()
    with pytest.raises(IndexError):
        SpikeMonitor(G, record=[4])
    with pytest.raises(TypeError):
        SpikeMonitor(G, record=[0.5])
    with pytest.raises(TypeError):
        EventMonitor(StateMonitor(G, "v", record=True), "spike")


# ---- snapshots -----------------------------------------------------------------------------------

def test_store_restore_keeps_every_event_space():
    G = _group()
    net = Network(G)
    net.run(5 * ms)
    assert set(G.state_arrays()) >= {"_spikespace", "_highspace"}
    # a run's end clears the spaces (Brian2's thresholders); a snapshot taken inside a step
    # holds events: put some there
    high = G.event_spaces["high"].data
    high[:2], high[-1] = [1, 3], 2
    net.store("s")
    high[:] = 0
    net.run(1 * ms)
    net.restore("s")
    assert high[:2].tolist() == [1, 3] and high[-1] == 2
    assert G.event_spaces["spike"].data[-1] == 0


def test_an_edited_event_space_is_refused():
    """In a fresh interpreter: an event space whose count or indices would make the next run
    read or write outside the group's arrays is refused."""
    out = run_script("""
        import json, sys
        import numpy as np
        from brianjit import *
        G = NeuronGroup(4, "v : 1", events={"high": "v > 0.5"}, name="g")
        G.run_on_event("high", "v = 0")
        net = Network(G)
        net.run(1*ms)
        path = sys.argv[1]
        net.store(filename=path)
        results = []
        for edit in ("count", "index"):
            with np.load(path) as archive:
                d = {k: archive[k].copy() for k in archive.files}
            space = d["default/g/_highspace"]
            if edit == "count":
                space[-1] = 5
            else:
                space[0], space[-1] = 10**6, 1
            np.savez(path + ".edited.npz", **d)
            try:
                net.restore(filename=path + ".edited.npz")
                results.append("ACCEPTED")
            except (ValueError, IndexError) as err:
                results.append(type(err).__name__ + ": " + str(err))
            net.run(1*ms)
        print(json.dumps(results))
    """, str(__import__("tempfile").mkdtemp()) + "/snap.npz")
    count, index = json.loads(out.splitlines()[-1])
    assert count.startswith("ValueError") and "'g/_highspace'" in count
    assert index.startswith("IndexError") and "'g/_highspace'" in index
