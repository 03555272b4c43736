"""What users read from monitors, as in Brian2: SpikeMonitor's ``i``/``t`` views (string
conditions too), ``it``/``it_``, ``values``/``all_values``/``spike_trains``, ``count``,
``num_spikes``; StateMonitor's ``mon[k]`` views and ``record_single_timestep``;
PopulationRateMonitor's ``smooth_rate``.

Golden values: Brian2 2.9.0 (numpy target) on the same scripts, printed to 17 digits; the rates
and smoothed rates are Brian2's to the last bit."""
import logging

import numpy as np
import pytest

from brianjit import (Hz, NeuronGroup, PopulationRateMonitor, SpikeGeneratorGroup, SpikeMonitor,
                      StateMonitor, Synapses, ms, run)
from brianjit.utils.logger import catch_logs


@pytest.fixture
def spikes():
    gen = SpikeGeneratorGroup(4, [3, 1, 0, 1, 3, 3], [0, 0.3, 0.3, 1.0, 1.2, 2.0] * ms)
    mon = SpikeMonitor(gen)
    run(3 * ms)
    return mon


def test_spike_monitor_records_as_brian2(spikes):
    mon = spikes
    assert mon.i[:].tolist() == [3, 0, 1, 1, 3, 3] and mon.count.tolist() == [1, 2, 0, 3]
    assert np.allclose(mon.t_[:], [0, 0.0003, 0.0003, 0.001, 0.0012, 0.002])
    assert mon.num_spikes == 6 == mon.N == len(mon.t)
    i, t = mon.it
    i_, t_ = mon.it_
    assert np.array_equal(i, mon.i) and np.array_equal(t_, mon.t_) and np.array_equal(t, mon.t)
    assert np.allclose(mon.t["i == 3"] / ms, [0, 1.2, 2.0]) and mon.i["t > 0.5*ms"].tolist() == [1, 3, 3]
    assert np.allclose(mon.t[mon.i == 1] / ms, [0.3, 1.0])
    trains = mon.spike_trains()
    assert sorted(trains) == [0, 1, 2, 3] and len(trains[2]) == 0
    assert np.allclose(trains[3] / ms, [0, 1.2, 2.0]) and np.allclose(trains[1] / ms, [0.3, 1.0])
    with pytest.raises(KeyError):
        trains[4]
    assert set(mon.all_values()) == {"t"}
    assert "i" in mon.variables and "count" in mon.variables and "v" not in mon.variables
    with pytest.raises(TypeError):
        mon.i = [0]
    assert repr(mon) == f"<SpikeMonitor, recording event 'spike' from '{mon.source.name}'>"


def test_spike_monitor_values_are_in_time_order_per_neuron():
    G = NeuronGroup(3, "dv/dt = rate : 1\nrate : Hz\nprev : integer", threshold="v>1",
                    reset="v=0; prev += 1", method="euler")
    G.rate = [101, 0, 1001] * Hz
    mon = SpikeMonitor(G, variables="prev")
    run(10 * ms)
    values = mon.values("prev")
    assert values[0].tolist() == [0] and values[1].tolist() == [] and \
        values[2].tolist() == list(range(10))
    assert set(mon.all_values()) == {"t", "prev"}
    assert np.array_equal(mon.prev[mon.i == 2], np.arange(10))


def test_spike_monitor_arguments():
    G = NeuronGroup(3, "v : 1", threshold="v > 1")
    with pytest.raises(ValueError, match="when"):
        SpikeMonitor(G, order=1)
    with pytest.raises(ValueError, match="threshold"):
        SpikeMonitor(NeuronGroup(5, "x : 1"))
    S = Synapses(G, G, on_pre="v += 0")
    S.connect()
    with pytest.raises(TypeError):
        SpikeMonitor(S)
    mon = SpikeMonitor(G, when="end", order=3)
    assert (mon.when, mon.order) == ("end", 3)
    counting = SpikeMonitor(G, record=False)
    with pytest.raises(AttributeError, match="record"):
        counting.spike_trains()


def test_state_monitor_views_and_single_timestep():
    G = NeuronGroup(1, "dv/dt = -v/(5*ms) : 1")
    G.v = 1
    mon = StateMonitor(G, "v", record=True)
    with pytest.raises(TypeError):
        mon.record_single_timestep()       # not run yet
    run(0.5 * ms)
    mon.record_single_timestep()
    # Brian2's documented example (exact integration), to the last bit
    assert mon[0].v.tolist() == [1.0, 0.9801986733067553, 0.9607894391523231,
                                 0.9417645335842485, 0.9231163463866355, 0.9048374180359593]
    assert np.allclose(mon.t_[:], np.arange(6) * 1e-4) and len(mon.t) == 6 == mon.N
    assert mon[0].v[-1] == G.v[0]
    assert np.array_equal(mon[0].t, mon.t)


def test_state_monitor_indexing():
    G = NeuronGroup(10, "v : 1")
    G.v = "i"
    mon = StateMonitor(G, "v", record=[5, 6, 7])
    run(0.2 * ms)
    assert np.array_equal(mon[5].v, mon.v[0]) and np.array_equal(mon[[5, 7]].v, mon.v[[0, 2]])
    assert np.array_equal(mon[np.array([5, 7])].v, mon.v[[0, 2]])
    assert np.array_equal(mon[G[6:8]].v, mon.v[1:])
    with pytest.raises(IndexError):
        mon[8]
    for bad in ("string", 5.0, [5.0, 6.0]):
        with pytest.raises(TypeError):
            mon[bad]
    assert repr(mon) == f"<StateMonitor, recording ['v'] from '{G.name}'>"


@pytest.fixture
def rates():
    G = SpikeGeneratorGroup(3, [0, 1, 2, 0, 1], [1, 1, 1.5, 2.2, 3] * ms)
    r = PopulationRateMonitor(G)
    run(5 * ms)
    return r


def test_rates_are_brian2s_to_the_last_bit(rates):
    expected = np.zeros(50)
    expected[10] = 6666.666666666667
    expected[[15, 22, 30]] = 3333.3333333333335
    assert rates.rate_[:].tolist() == expected.tolist()


def test_smooth_rate_is_brian2s_to_the_last_bit(rates):
    with catch_logs(log_level=logging.INFO) as logs:
        flat = rates.smooth_rate("flat", width=0.35 * ms)    # 3 steps (rounded down, odd)
    assert [entry[1] for entry in logs] == ["brian2.monitors.ratemonitor.adjusted_width"]
    expected = np.zeros(50)
    expected[9:12] = 2222.222222222222
    expected[[14, 15, 16, 21, 22, 23, 29, 30, 31]] = 1111.111111111111
    assert (flat / Hz).tolist() == expected.tolist()
    gauss = rates.smooth_rate("gaussian", width=0.23 * ms)
    assert (gauss / Hz)[5:14].tolist() == [
        110.62515013045183, 258.9950853786477, 501.91701388091855, 805.1467726662847,
        1069.106425641204, 1230.398346336879, 1198.6039683305278, 1056.105279606744,
        904.4904002140609]
    assert (gauss / Hz)[:5].tolist() == [0] * 5 and (gauss / Hz)[36:].tolist() == [0] * 14
    custom = rates.smooth_rate(window=np.ones(3))
    assert np.allclose(custom, flat)


def test_smooth_rate_errors(rates):
    for kwargs, error in [(dict(window="flat"), TypeError),
                          (dict(window=np.ones(5), width=1 * ms), TypeError),
                          (dict(window="unknown", width=1 * ms), NotImplementedError),
                          (dict(window=object()), TypeError),
                          (dict(window=np.ones((5, 2))), TypeError),
                          (dict(window=np.ones(4)), TypeError)]:
        with pytest.raises(error):
            rates.smooth_rate(**kwargs)
