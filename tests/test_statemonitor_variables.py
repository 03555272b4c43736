"""``mon.variables`` of a StateMonitor describes each recorded variable, as Brian2's does: its
record array holds one row per time step (the transpose of ``mon.v``), so ``size`` is
``(steps, recorded elements)`` and follows the monitor as it grows; it is read-only, and no
condition over the records can read it as one value per record."""
import numpy as np
import pytest

from brianjit import Network, NeuronGroup, StateMonitor, mV, ms


def _run(steps_ms):
    G = NeuronGroup(2, "dv/dt = 1*mV/ms : volt")
    mon = StateMonitor(G, "v", record=True, dt=0.1 * ms)
    net = Network(G, mon)
    net.run(steps_ms * ms)
    return net, mon


def test_recorded_variable_size_is_steps_by_elements_and_grows():
    net, mon = _run(1)
    assert mon.variables["t"].size == 10
    assert mon.variables["v"].size == (10, 2)
    assert "v" in mon.variables
    net.run(0.5 * ms)
    assert mon.variables["v"].size == (15, 2)
    assert mon.v.shape == (2, 15)


def test_recorded_variable_is_read_only_and_described_with_its_unit():
    _, mon = _run(1)
    var = mon.variables["v"]
    assert var.read_only and var.dim == mV.dim
    np.testing.assert_array_equal(var.array.data.T, mon.v_)
    with pytest.raises(TypeError, match="read-only"):
        mon.v = 3 * mV


def test_conditions_over_records_do_not_read_the_2d_record():
    _, mon = _run(1)
    assert list(mon.variables) == ["t"]
    with pytest.raises(KeyError, match="v"):
        mon.t["v > 0*mV"]
