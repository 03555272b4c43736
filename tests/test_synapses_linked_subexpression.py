"""A Synapses' ``(linked)`` variable linked to a neuron group's *subexpression* (Brian2's
synapses/homeostatic_stdp_at_inhibitory_synapes example links ``G : Hz (linked)`` to a global
factor ``G = H - gamma``): the link's dimensions and the names its expression reads (a unit, a
constant) were only known to NeuronGroup, so the Synapses' pathway code failed with "Unknown
identifier 'G'", then with "no type known for name 'Hz'"."""
import numpy as np

from brianjit import (Hz, NeuronGroup, SpikeGeneratorGroup, StateMonitor, Synapses, linked_var,
                      ms, run, start_scope)

# Measured with Brian2 2.9.0 (numpy target), the same script: M.G[0], M.w[0], M.G2[0] at
# t = 0, 1, 2, 3, 4 ms.
BRIAN2_G = [15.0, 14.80099667498337, 14.60397346613512, 14.40891067097018, 14.215788783046484]
BRIAN2_W = [0.0, 0.0, 0.014781205575507382, 0.014781205575507382, 0.029170717037027914]
BRIAN2_G2 = [30.0, 29.60199334996674, 29.20794693227024, 28.81782134194036, 28.43157756609297]


def test_synapses_link_to_a_subexpression_reads_it_in_code_and_monitors():
    start_scope()
    source = SpikeGeneratorGroup(1, [0, 0], [1, 3] * ms)
    factor = NeuronGroup(1, """G = H - 5*Hz : Hz
                               dH/dt = -H/(100*ms) : Hz""")
    factor.H = 20 * Hz
    synapses = Synapses(source, source, """G : Hz (linked)
                                           w : 1
                                           G2 = G*2 : Hz""", on_pre="w += G*ms")
    synapses.connect(i=0, j=0)
    synapses.G = linked_var(factor, "G")
    monitor = StateMonitor(synapses, ["G", "w", "G2"], record=True)
    run(5 * ms)
    np.testing.assert_allclose(np.asarray(monitor.G[0][::10]), BRIAN2_G, rtol=1e-12)
    np.testing.assert_allclose(monitor.w[0][::10], BRIAN2_W, rtol=1e-12)
    np.testing.assert_allclose(np.asarray(monitor.G2[0][::10]), BRIAN2_G2, rtol=1e-12)
    np.testing.assert_allclose(np.asarray(synapses.G[:]), [float(factor.G[0])], rtol=1e-15)
