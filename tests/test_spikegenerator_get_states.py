"""``SpikeGeneratorGroup.get_states()`` and attributes give Brian2's spike variables.

Brian2 exports, besides ``N``, ``i``, ``t``, ``dt``, ``t_in_timesteps``, the spikes in (time,
index) order: ``neuron_index``, ``spike_number``, ``spike_time`` and the scalar ``period``, all
read-only. Expected values measured with Brian2 2.9.0 (numpy target) on the same script."""
import numpy as np
import pytest

from brianjit import NeuronGroup, Network, SpikeGeneratorGroup, Synapses, ms, second


def test_spike_variables_in_get_states():
    sg = SpikeGeneratorGroup(3, [2, 0, 1, 0], [1.5, 0.3, 0.3, 2.05] * ms, period=3 * ms)
    states = sg.get_states()
    assert sorted(states) == ['N', 'dt', 'i', 'neuron_index', 'period', 'spike_number',
                              'spike_time', 't', 't_in_timesteps']
    np.testing.assert_array_equal(states["neuron_index"], [0, 1, 2, 0])
    np.testing.assert_array_equal(states["spike_number"], [0, 1, 2, 3])
    np.testing.assert_array_equal(np.asarray(states["spike_time"]),
                                  np.asarray([0.3, 0.3, 1.5, 2.05] * ms))
    assert states["spike_time"].dim == second.dim
    assert states["period"] == 3 * ms
    plain = sg.get_states(units=False)
    assert float(plain["period"]) == 0.003 and not hasattr(plain["spike_time"], "dim")
    assert sg.get_states(read_only_variables=False) == {}


def test_spike_variables_follow_set_spikes():
    sg = SpikeGeneratorGroup(3, [2, 0], [1.5, 0.3] * ms, period=3 * ms)
    Network(sg).run(1 * ms)
    sg.set_spikes([1], [0.5] * ms)
    states = sg.get_states()
    np.testing.assert_array_equal(states["neuron_index"], [1])
    np.testing.assert_array_equal(states["spike_number"], [0])
    assert states["spike_time"][0] == 0.5 * ms and states["period"] == 0 * second
    np.testing.assert_array_equal(sg.spike_number, [0])


def test_spike_variables_are_read_only():
    sg = SpikeGeneratorGroup(2, [0, 1], [1, 2] * ms)
    with pytest.raises(TypeError, match="read-only"):
        sg.set_states({"spike_time": [3, 4] * ms})


def test_period_is_a_variable_a_synapses_reads_as_period_pre():
    # Brian2 2.9.0 (numpy target): G.v == [12, 8] ms, and 'period_pre' among S.get_states()
    sg = SpikeGeneratorGroup(2, [0, 1], [1, 2] * ms, period=4 * ms)
    G = NeuronGroup(2, "v : second")
    S = Synapses(sg, G, on_pre="v_post += period_pre")
    S.connect(j="i")
    assert "period_pre" in S.get_states()
    Network(sg, G, S).run(10 * ms)
    np.testing.assert_allclose(np.asarray(G.v / ms), [12, 8])
