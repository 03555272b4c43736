"""A new dt takes effect at the next run, as in Brian2: t does not move when dt is set, and a run
whose start time is not a step of the new dt raises ValueError (it used to round t back silently:
0.5 ms with dt = 1 ms went on from 0 ms)."""
import numpy as np
import pytest

from brianjit import Clock, Network, NeuronGroup, StateMonitor, defaultclock, ms


@pytest.fixture
def default_dt():
    yield
    defaultclock.dt = 0.1 * ms


def _network(**kwargs):
    group = NeuronGroup(1, "dv/dt = 1/ms : 1", method="euler", **kwargs)
    monitor = StateMonitor(group, "v", record=0, when="end")
    return group, monitor, Network(group, monitor)


def test_incompatible_dt_is_refused_and_nothing_moves(default_dt):
    group, monitor, net = _network()
    net.run(0.5 * ms)
    defaultclock.dt = 1 * ms
    assert defaultclock.t == 0.5 * ms  # t keeps its value until a run
    with pytest.raises(ValueError, match="Cannot set dt from 100. us to 1. ms"):
        net.run(1 * ms)
    assert net.t == 0.5 * ms and defaultclock.t == 0.5 * ms and len(monitor.t) == 5
    defaultclock.dt = 0.25 * ms  # 0.5 ms is a step of 0.25 ms: fine
    net.run(0.5 * ms)
    assert np.allclose(monitor.t_ * 1e3, [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.75])
    assert group.v[0] == pytest.approx(1.0)


def test_custom_clock(default_dt):
    clock = Clock(dt=0.5 * ms)
    group, monitor, net = _network(clock=clock)
    net.run(0.5 * ms)
    clock.dt = 1 * ms
    with pytest.raises(ValueError, match="the time 0.5 ms is not a multiple of 1. ms"):
        net.run(0 * ms)
    clock.dt = 0.5 * ms  # back to the dt its step counts in: nothing to check
    net.run(0.5 * ms)
    assert net.t == 1 * ms and group.v[0] == pytest.approx(1.0)


def test_a_new_network_starts_at_zero_with_any_dt(default_dt):
    _, _, net = _network()
    net.run(0.5 * ms)
    defaultclock.dt = 1 * ms
    group, monitor, other = _network()
    other.run(2 * ms)
    assert np.allclose(monitor.t_ * 1e3, [0, 1])
