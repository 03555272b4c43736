"""``prefs.legacy.refractory_timing``: Brian2's refractoriness before 2.1.3 compared times
(``t - lastspike > refractory``), so that rounding ends a refractory period one step late now
and then. Brian2 2.9 still offers it; the figures are Brian2's own (its test_refractory.py)."""
from collections import Counter

import numpy as np

from brianjit import NeuronGroup, SpikeMonitor, defaultclock, prefs, run, start_scope


def _intervals():
    start_scope()
    group = NeuronGroup(1, "", threshold="True", refractory=10 * defaultclock.dt)
    monitor = SpikeMonitor(group)
    run(10000 * defaultclock.dt)
    return np.diff(np.int_(np.round(monitor.t / defaultclock.dt)))


def test_legacy_timing_gives_brian2s_step_counts():
    prefs.legacy.refractory_timing = True
    try:
        steps = _intervals()
    finally:
        prefs.legacy.refractory_timing = False
    assert list(steps[:10]) == [11, 10, 11, 10, 11, 11, 11, 11, 10, 11]
    assert Counter(steps) == {10: 899, 11: 91}


def test_the_default_timing_is_exact():
    assert set(_intervals()) == {10}
