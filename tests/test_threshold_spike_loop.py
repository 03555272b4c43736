"""The threshold's per-spike loop (refractoriness: ``lastspike``, ``not_refractory``) is one loop,
not unrolled: it runs per spike, and its unrolled copies were a quarter of a threshold kernel's
optimised code. Results: the same bits (golden tests); here the code's shape and the values."""
import numpy as np

import brianjit as bj


def test_per_spike_loop_not_unrolled_and_correct():
    bj.start_scope()
    group = bj.NeuronGroup(50, "dv/dt = (1 + i/10.0)/(1*ms) : 1 (unless refractory)",
                           threshold="v > 1", reset="v = 0", refractory=0.35 * bj.ms,
                           method="euler")
    monitor = bj.SpikeMonitor(group)
    net = bj.Network(group, monitor)
    net.run(3 * bj.ms)
    optimised = net._program.compiled.optimized_ir
    assert "spike.body" in optimised
    assert "spike.body.epil" not in optimised and "spike.body.1" not in optimised
    # every spiking neuron's lastspike is the time of its last spike
    spike_i, spike_t = np.asarray(monitor.i[:]), np.asarray(monitor.t[:] / bj.ms)
    assert len(set(spike_i)) == 50
    last = {int(i): t for i, t in zip(spike_i, spike_t)}
    np.testing.assert_array_equal(np.asarray(group.lastspike[:] / bj.ms),
                                  [last[k] for k in range(50)])
    assert not np.asarray(group.not_refractory[:])[spike_i[spike_t == spike_t.max()]].any()
