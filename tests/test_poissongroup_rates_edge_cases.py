"""PoissonGroup rates that are not probabilities: as Brian2's threshold ``rand() < rates*dt``,
NaN and negative rates never spike, rates of 1/dt and more (inf included) spike at every step;
also when a string expression gives them at run time. (NaN used to spike at every step.)
Golden values: Brian2 2.9.0, numpy target."""
import numpy as np

from brianjit import Hz, Network, PoissonGroup, SpikeMonitor, defaultclock, ms


def _counts(group, duration=1 * ms):
    monitor = SpikeMonitor(group)
    Network(group, monitor).run(duration)
    return monitor.count.tolist()


def test_nan_negative_and_infinite_rates():
    rates = np.array([np.nan, -100, np.inf, 0, 2 / defaultclock.dt_]) * Hz
    assert _counts(PoissonGroup(5, rates)) == [0, 0, 10, 0, 10]


def test_rates_that_become_nan_or_negative_at_run_time():
    assert _counts(PoissonGroup(3, rates="sqrt(-1.0 - i)*Hz")) == [0, 0, 0]
    assert _counts(PoissonGroup(3, rates="-(i + 1)*kHz")) == [0, 0, 0]


def test_nan_rates_leave_the_other_neurons_alone():
    rates = np.array([np.nan, 1 / defaultclock.dt_] * 50) * Hz
    counts = np.array(_counts(PoissonGroup(100, rates)))
    assert np.all(counts[0::2] == 0) and np.all(counts[1::2] == 10)
