"""SpikeGeneratorGroup: its state is in snapshots (it emits its spikes again after restore(), as
Brian2's test_spikegenerator_restore requires), its times may be a list of quantities,
sorted=True is checked, and a neuron can never spike twice in one time step (a repeated spike
could overflow a pathway's spike list)."""
import numpy as np
import pytest

from brianjit import Network, SpikeGeneratorGroup, SpikeMonitor, ms, second
from subprocess_script import run_script


def _generator(name, times=(0, 1, 2), **kwargs):
    group = SpikeGeneratorGroup(2, [0, 1, 0], np.array(times) * ms, name=name, **kwargs)
    monitor = SpikeMonitor(group, name=f"{name}_mon")
    return group, monitor, Network(group, monitor)


def test_spikes_again_after_restore():
    group, monitor, net = _generator("sg_again")
    net.store()
    net.run(3 * ms)
    net.restore()
    net.run(3 * ms)
    assert monitor.i.tolist() == [0, 1, 0] and np.allclose(monitor.t_, [0, 1e-3, 2e-3])


def test_restore_in_the_middle_of_the_spikes(tmp_path):
    group, monitor, net = _generator("sg_middle", times=(0, 1, 2))
    net.run(1.5 * ms)
    net.store(filename=tmp_path / "sg.npz")
    net.run(2 * ms)
    net.restore(filename=tmp_path / "sg.npz")
    net.run(2 * ms)
    assert monitor.i.tolist() == [0, 1, 0] and np.allclose(monitor.t_, [0, 1e-3, 2e-3])


def test_restore_brings_back_the_stored_spikes():
    group, monitor, net = _generator("sg_back")
    net.store()
    group.set_spikes([1], [0.5] * ms, period=1 * ms)
    net.run(2 * ms)
    assert monitor.t_.tolist() == pytest.approx([0.5e-3, 1.5e-3])
    net.restore()
    assert group.period == 0 * second and group.neuron_index.tolist() == [0, 1, 0]
    net.run(3 * ms)
    assert np.allclose(monitor.t_, [0, 1e-3, 2e-3])


def test_times_as_a_list_of_quantities():
    group = SpikeGeneratorGroup(1, [0, 0], [0 * ms, 0.9 * ms], period=1 * ms)
    monitor = SpikeMonitor(group)
    Network(group, monitor).run(2 * ms)
    assert np.allclose(monitor.t_ * 1e3, [0, 0.9, 1, 1.9])


def test_sorted_true_is_checked():
    with pytest.raises(ValueError, match="sorted=True"):
        SpikeGeneratorGroup(1, [0, 0, 0], [1, 0, 1.5] * ms, sorted=True)
    with pytest.raises(ValueError, match="sorted=True"):
        SpikeGeneratorGroup(2, [1, 0], [1, 1] * ms, sorted=True)  # same time: by index
    group = SpikeGeneratorGroup(2, [0, 1, 0], [0, 0, 1.5] * ms, sorted=True)
    monitor = SpikeMonitor(group)
    Network(group, monitor).run(2 * ms)
    assert monitor.i.tolist() == [0, 1, 0] and np.allclose(monitor.t_, [0, 0, 1.5e-3])


def test_a_neuron_never_spikes_twice_in_one_step():
    """Brian2 compares neighbours in (time, index) order only, so it misses this repetition and
    its spike space overflows; here it is refused like the neighbouring one (in a subprocess:
    the repeated spike used to overflow the subgroup pathway's spike list)."""
    out = run_script("""
        from brianjit import *
        group = SpikeGeneratorGroup(2, [0, 1, 0], [0.01, 0.02, 0.03] * ms)
        target = NeuronGroup(2, "v : 1")
        synapses = Synapses(group[:1], target, on_pre="v += 1")
        synapses.connect()
        try:
            Network(group, target, synapses).run(1 * ms)
        except ValueError as err:
            print(err)
    """)
    assert "more than once during a time step" in out
