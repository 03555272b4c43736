"""Shared by the snapshot tests: script text that builds a network with every kind of stateful
object (refractory neurons, synapses with heterogeneous delays, a pathway from a subgroup with a
shared delay, a spike generator, a Poisson group, all three monitors), runs it and stores it in
``PATH``; and helpers to edit the stored file and to fingerprint the live state."""

NETWORK = """
import json, sys
import numpy as np
from brianjit import *

PATH = sys.argv[1]
seed(3)
G = NeuronGroup(8, "dv/dt = (1.2 - v)/(10*ms) : 1", threshold="v > 1", reset="v = 0",
                refractory=1*ms, method="exact", name="g")
G.v = "rand()"
H = NeuronGroup(3, "x : 1", name="h")
S = Synapses(G, G, "w : 1", on_pre="v_post += w", name="s")
S.connect(p=0.5)
S.w = "0.2*rand()"
S.delay = "(1 + 2*rand())*ms"
P = Synapses(G[:4], H, on_pre="x += 1", delay=1*ms, name="p")
P.connect()
SG = SpikeGeneratorGroup(4, [0, 1, 2, 3], [1, 2, 3, 9]*ms, name="sg")
PG = PoissonGroup(5, 200*Hz, name="pg")
M = StateMonitor(G, "v", record=[0, 5], name="m")
SM = SpikeMonitor(G, name="sm")
R = PopulationRateMonitor(PG, name="r")
net = Network(G, H, S, P, SG, PG, M, SM, R)
net.run(8*ms)
net.store(filename=PATH)


def fingerprint():
    return {(obj.name, name): array.data.copy() for obj in net.objects
            if hasattr(obj, "state_arrays") for name, array in obj.state_arrays().items()}


def same(a, b):
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


def stored():
    with np.load(PATH) as archive:
        return {k.split("/", 1)[1]: archive[k] for k in archive.files}


def write(state, path):
    np.savez(path, **{"default/" + k: v for k, v in state.items()})
"""
