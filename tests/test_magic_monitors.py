"""A monitor created after a run joins the magic network (Brian2's ``invalidates_magic_network =
False`` for monitors): the common "run to settle, then record" script."""
import numpy as np
import pytest

from brianjit import (MagicError, NeuronGroup, PopulationRateMonitor, SpikeMonitor, StateMonitor,
                      ms, run, start_scope)


def test_monitors_added_after_a_run_record_the_continuation():
    start_scope()
    G = NeuronGroup(3, "dv/dt = 1/(10*ms) : 1", threshold="v > 1", reset="v = 0",
                    method="euler")
    run(5 * ms)
    spikes, states, rate = SpikeMonitor(G), StateMonitor(G, "v", record=0), \
        PopulationRateMonitor(G)
    run(20 * ms)
    assert np.allclose(states.t[0] / ms, 5.0)   # recording starts where the first run ended
    assert spikes.num_spikes == 3 * 2 and np.all(spikes.t / ms > 5)
    assert len(rate.t) == 200


def test_a_new_group_after_a_run_is_still_refused():
    start_scope()
    G = NeuronGroup(1, "v : 1")
    run(1 * ms)
    H = NeuronGroup(1, "v : 1")
    with pytest.raises(MagicError):
        run(1 * ms)
    del G, H
