"""Where a PopulationRateMonitor and a PoissonGroup's threshold run, as in Brian2 2.9.

Brian2's PopulationRateMonitor records at 'end' (order 0), so it counts every spike of the step,
also those of a group whose spikes come after the thresholds; brianjit recorded after the
thresholds and counted a SpikeGeneratorGroup with ``when='after_thresholds'`` one step late.
Brian2's PoissonGroup keeps ``when`` as an attribute only: its threshold runs at 'thresholds'
with the group's order; brianjit moved it to ``when``, so ``when='end'`` delayed every synaptic
effect by a step. Expected values measured with Brian2 2.9.0 (numpy target) on these scripts."""
import gc

import numpy as np

from brianjit import (Network, NeuronGroup, PoissonGroup, PopulationRateMonitor,
                      SpikeGeneratorGroup, SpikeMonitor, StateMonitor, Synapses, defaultclock,
                      kHz, ms)


def test_rate_monitor_counts_spikes_made_after_the_thresholds():
    defaultclock.dt = 0.1 * ms
    sg = SpikeGeneratorGroup(2, [0, 1, 1], [0.2, 0.2, 0.5] * ms, when="after_thresholds")
    PR = PopulationRateMonitor(sg)
    Network(sg, PR).run(0.7 * ms)
    np.testing.assert_array_equal(np.asarray(PR.rate / kHz), [0, 0, 10, 0, 0, 5, 0])


def test_poisson_group_threshold_stays_at_thresholds():
    defaultclock.dt = 0.1 * ms
    P = PoissonGroup(1, rates="int(t > 0.45*ms and t < 0.75*ms)*1e9*Hz", when="end", order=-1)
    S = SpikeMonitor(P)
    G = NeuronGroup(1, "v : 1")
    Sy = Synapses(P, G, on_pre="v += 1")
    Sy.connect()
    M = StateMonitor(G, "v", record=0)
    Network(P, S, G, Sy, M).run(1 * ms)
    assert P.when == "end"
    np.testing.assert_allclose(np.asarray(S.t / ms), [0.5, 0.6, 0.7])
    np.testing.assert_array_equal(M.v[0], [0, 0, 0, 0, 0, 0, 1, 2, 3, 3])


def test_scheduling_summary_rows():
    # automatic names count the objects alive, as in Brian2: an earlier test's group caught in
    # a reference cycle would make this one 'neurongroup_1' until the collector runs
    gc.collect()
    defaultclock.dt = 0.1 * ms
    G = NeuronGroup(2, "dv/dt = -v/ms : 1", threshold="v > 1", reset="v = 0")
    P = PoissonGroup(2, 0 * kHz, when="start", order=3)
    PR = PopulationRateMonitor(G)
    S = SpikeMonitor(G)
    rows = [(e.name, e.when, e.order) for e in Network(G, P, PR, S).scheduling_summary().entries]
    # Brian2 2.9.0: the same rows in this order
    assert rows == [("neurongroup_stateupdater", "groups", 0),
                    ("neurongroup_spike_thresholder", "thresholds", 0),
                    ("spikemonitor", "thresholds", 1),
                    ("poissongroup_spike_thresholder", "thresholds", 3),
                    ("neurongroup_spike_resetter", "resets", 0),
                    ("ratemonitor", "end", 0)]
