"""Every kind of object made under ``prefs.core.default_float_dtype = float32`` runs (in a fresh
interpreter: a float32 array read as float64 would read past its end) and computes what the
float64 network computes, to float32 precision: PoissonGroup, SpikeGeneratorGroup, PoissonInput,
TimedArray, subgroups, linked variables, run_regularly, custom events and their monitors,
event-driven STDP with delays, summed variables, a SpatialNeuron."""
import json

import numpy as np
import pytest
from subprocess_script import run_script

SCRIPT = r"""
import json, sys
import numpy as np
from brianjit import *

prefs.core.default_float_dtype = getattr(np, sys.argv[1])
seed(3)
stim = TimedArray(np.array([0, 1, 3, 2]) * nA, dt=5*ms)
inputs = PoissonGroup(50, rates="(10 + 5*i)*Hz")
generator = SpikeGeneratorGroup(3, [0, 1, 2, 1], [1, 2, 3, 4] * ms)
G = NeuronGroup(40, '''dv/dt = (ge - v + stim(t)*Mohm)/(10*ms) : volt (unless refractory)
                      dge/dt = -ge/(5*ms) : volt
                      total : volt
                      counter : 1''',
                threshold="v > 5*mV", reset="v = 0*mV", refractory=2*ms, method="exact",
                events={"high": "v > 3*mV"})
G.run_on_event("high", "counter += 1")
G.run_regularly("ge += 0.1*mV", dt=1*ms)
L = NeuronGroup(40, "mirror : volt (linked)")
L.mirror = linked_var(G, "v")
H = G[10:30]
S = Synapses(inputs, G, '''w : volt
                           dApre/dt = -Apre/(20*ms) : 1 (event-driven)
                           dApost/dt = -Apost/(20*ms) : 1 (event-driven)
                           total_post = w : volt (summed)''',
             on_pre='''ge += w
                       Apre += 0.01
                       w = clip(w + Apost*mV, 0*mV, 2*mV)''',
             on_post='''Apost -= 0.0105
                        w = clip(w + Apre*mV, 0*mV, 2*mV)''', delay=1*ms)
S.connect(p=0.3)
S.w = "rand()*mV"
T = Synapses(generator, H, on_pre="v_post += 1*mV")
T.connect()
PoissonInput(G, "ge", 10, 50*Hz, weight=0.2*mV)
morpho = Soma(30*um)
morpho.axon = Cylinder(diameter=1*um, length=100*um, n=10)
neuron = SpatialNeuron(morpho, "Im = gL*(EL - v) : amp/meter**2\ngL : siemens/meter**2\nEL : volt",
                       Cm=1*uF/cm**2, Ri=100*ohm*cm)
neuron.v = -65*mV
neuron.EL = -70*mV
neuron.gL = 1e-4*siemens/cm**2
spikes = SpikeMonitor(G)
events = EventMonitor(G, "high", variables=["v"])
state = StateMonitor(G, ["v", "ge"], record=[0, 5, 39])
cable = StateMonitor(neuron, "v", record=[0, 5])
run(40*ms)
float_arrays = [G.v[:], G.ge[:], G.total[:], G.counter[:], L.mirror[:], S.w[:], S.Apre[:],
                inputs.rates[:], neuron.v[:], state.v, events.v, cable.v]
assert all(a.dtype == np.dtype(sys.argv[1]) for a in float_arrays), [a.dtype for a in float_arrays]
assert all(np.asarray(a).dtype == np.float64 for a in (spikes.t_, events.t_, state.t_, G.lastspike_))
print(json.dumps({
    "v": G.v_[:].tolist(), "ge": G.ge_[:].tolist(), "total": G.total_[:].tolist(),
    "counter": G.counter[:].tolist(), "mirror": L.mirror_[:].tolist(), "w": S.w_[:].tolist(),
    "neuron": neuron.v_[:].tolist(), "spikes": int(spikes.num_spikes),
    "events": int(events.num_events), "state": state.v_[:].tolist()}))
"""


@pytest.fixture(scope="module")
def runs():
    return {dtype: json.loads(run_script(SCRIPT, dtype, timeout=300).strip().splitlines()[-1])
            for dtype in ("float32", "float64")}


def test_every_object_runs_in_float32_as_in_float64(runs):
    single, double = runs["float32"], runs["float64"]
    assert double["spikes"] > 20 and double["events"] > double["spikes"]
    assert abs(single["spikes"] - double["spikes"]) <= 0.05 * double["spikes"]
    assert abs(single["events"] - double["events"]) <= 0.05 * double["events"]
    np.testing.assert_allclose(single["neuron"], double["neuron"], rtol=1e-5)
    np.testing.assert_allclose(single["mirror"], single["v"], rtol=0)
    for name in ("v", "ge", "total", "w", "state"):   # finite, and of the same size
        values, reference = np.asarray(single[name]), np.asarray(double[name])
        assert np.all(np.isfinite(values)) and np.max(np.abs(values)) <= 2 * np.max(
            np.abs(reference)) + 1e-3
