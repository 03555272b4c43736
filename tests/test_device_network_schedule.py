"""A device that supports only one schedule (Brian2's ``Device.network_schedule``, as GeNN's):
a network whose schedule differs runs with the device's and gets Brian2's 'schedule_conflict'
warning; one that asks for the device's schedule runs without a warning."""
import uuid

import numpy as np
import pytest

from brianjit import Network, NeuronGroup, StateMonitor, Synapses, ms
from brianjit.devices.device import Device, all_devices, reset_device, set_device

_SYNAPSES_FIRST = ["start", "groups", "synapses", "thresholds", "resets", "end"]


class _FixedScheduleDevice(Device):
    def __init__(self):
        super().__init__()
        self.network_schedule = list(_SYNAPSES_FIRST)


@pytest.fixture
def fixed_schedule_device():
    name = f"fixed_schedule_{uuid.uuid4().hex}"
    all_devices[name] = _FixedScheduleDevice()
    set_device(name)
    try:
        yield name
    finally:
        reset_device()
        del all_devices[name]


def _arrival_step(schedule=None):
    """The step at which a spike at step 0 reaches its target (0: same step)."""
    source = NeuronGroup(1, "", threshold="t < 0.05*ms", reset="")
    target = NeuronGroup(1, "v : 1")
    S = Synapses(source, target, on_pre="v_post += 1")
    S.connect()
    mon = StateMonitor(target, "v", record=0, when="end")
    net = Network(source, target, S, mon)
    net.schedule = schedule
    net.run(0.3 * ms)
    return int(np.argmax(mon.v[0] > 0))


def test_device_schedule_replaces_a_different_network_schedule(fixed_schedule_device,
                                                               brian_logs):
    assert _arrival_step() == 1
    conflicts = [m for m in brian_logs if m[1].endswith("schedule_conflict")]
    assert len(conflicts) == 1 and conflicts[0][0] == "WARNING"
    assert fixed_schedule_device in conflicts[0][2]


def test_the_devices_own_schedule_runs_without_warning(fixed_schedule_device, brian_logs):
    assert _arrival_step(_SYNAPSES_FIRST) == 1
    assert not [m for m in brian_logs if m[1].endswith("schedule_conflict")]


def test_any_schedule_without_a_fixed_one(brian_logs):
    assert _arrival_step() == 0
    assert _arrival_step(_SYNAPSES_FIRST) == 1
    assert not [m for m in brian_logs if m[1].endswith("schedule_conflict")]
