"""Small STDP networks whose results are pinned bit for bit (test_synapse_records.py).

Each function builds, runs and returns ``{name: numpy array}`` of the final state: every
synaptic variable in the order users see (``S.w[:]``), ``i``/``j``, neuron state, spikes and
monitors. ``python tests/stdp_networks.py [math mode]`` prints the sha256 of each array: how
the golden values of the test were recorded (on main, before the synaptic variables were stored
interleaved).
"""
import hashlib
import sys

import numpy as np

from brianjit.only import *  # noqa: F401,F403

STDP_MODEL = """
w : 1
dApre/dt = -Apre / taupre : 1 (event-driven)
dApost/dt = -Apost / taupost : 1 (event-driven)
"""
ON_PRE = """
ge_post += w
Apre += dApre
w = clip(w + Apost, 0, gmax)
"""
ON_POST = """
Apost += dApost
w = clip(w + Apre, 0, gmax)
"""
NEURONS = """
dv/dt = (ge * (Ee - v) + El - v) / taum : volt
dge/dt = -ge / taue : 1
total : 1
"""
NAMESPACE = dict(taum=10 * ms, taupre=20 * ms, taupost=20 * ms, Ee=0 * mV, vt=-54 * mV,
                 vr=-60 * mV, El=-74 * mV, taue=5 * ms, gmax=0.05, dApre=0.01 * 0.05,
                 dApost=-0.01 * 1.05 * 0.05)


def _groups(n_in, n_out, rate=40 * Hz):
    inputs = PoissonGroup(n_in, rates=rate)
    neurons = NeuronGroup(n_out, NEURONS, threshold="v > vt", reset="v = vr", method="euler",
                          namespace=NAMESPACE)
    neurons.v = NAMESPACE["vr"]
    return inputs, neurons


def _state(S, neurons, spikes, extra=()):
    result = {f"S.{name}": np.asarray(getattr(S, name)[:], dtype=float)
              for name in ("w", "Apre", "Apost", "lastupdate")}
    result.update({"S.i": np.asarray(S.i[:]), "S.j": np.asarray(S.j[:]),
                   "v": np.asarray(neurons.v[:], dtype=float),
                   "ge": np.asarray(neurons.ge[:]), "spikes.i": np.asarray(spikes.i[:]),
                   "spikes.t": np.asarray(spikes.t[:], dtype=float)})
    result.update(extra)
    return result


def all_to_all():
    """Brian2's STDP example, small: all-to-all, no delays, a weight monitor."""
    seed(11)
    inputs, neurons = _groups(60, 12)
    S = Synapses(inputs, neurons, STDP_MODEL, on_pre=ON_PRE, on_post=ON_POST,
                 namespace=NAMESPACE)
    S.connect()
    S.w = "rand() * gmax"
    spikes = SpikeMonitor(neurons)
    weights = StateMonitor(S, "w", record=[0, 5, 400, 719])
    Network(inputs, neurons, S, spikes, weights).run(300 * ms)
    return _state(S, neurons, spikes, {"mon.w": np.asarray(weights.w[:], dtype=float)})


def delays():
    """Homogeneous delay on the post pathway, per-synapse delays on the pre one, random
    connectivity."""
    seed(12)
    inputs, neurons = _groups(40, 15, 120 * Hz)
    S = Synapses(inputs, neurons, STDP_MODEL, on_pre=ON_PRE, on_post=ON_POST,
                 namespace=NAMESPACE, delay={"post": 1.5 * ms})
    S.connect(p=0.6)
    S.w = "rand() * gmax"
    S.pre.delay = "rand() * 4 * ms"
    spikes = SpikeMonitor(neurons)
    Network(inputs, neurons, S, spikes).run(250 * ms)
    return _state(S, neurons, spikes, {"S.delay": np.asarray(S.delay[:], dtype=float)})


def pathways_and_sums():
    """Two presynaptic pathways (one delayed), a postsynaptic one, a summed variable and a
    clock-driven synaptic variable."""
    seed(13)
    inputs, neurons = _groups(30, 10, 150 * Hz)
    model = STDP_MODEL + ("dc/dt = -c / (7*ms) : 1 (clock-driven)\n"
                          "total_post = w * c : 1 (summed)\n")
    S = Synapses(inputs, neurons, model,
                 on_pre={"pre": ON_PRE, "late": "c += 0.5\nApre += dApre / 2"},
                 on_post=ON_POST, namespace=NAMESPACE, delay={"late": 2 * ms},
                 method="exact")
    S.connect(p=0.7)
    S.w = "rand() * gmax"
    spikes = SpikeMonitor(neurons)
    net = Network(inputs, neurons, S, spikes)
    net.run(200 * ms)
    return _state(S, neurons, spikes, {"S.c": np.asarray(S.c[:], dtype=float)})


def connect_between_runs():
    """Synapses added between runs (while spikes are in flight), then store/restore."""
    seed(14)
    inputs, neurons = _groups(35, 9, 200 * Hz)
    S = Synapses(inputs, neurons, STDP_MODEL, on_pre=ON_PRE, on_post=ON_POST,
                 namespace=NAMESPACE, delay=1 * ms)
    S.connect(p=0.3)
    S.w = "rand() * gmax"
    spikes = SpikeMonitor(neurons)
    net = Network(inputs, neurons, S, spikes)
    net.run(100 * ms)
    S.connect(p=0.3)
    S.w["w == 0"] = "rand() * gmax"
    net.run(100 * ms)
    net.store()
    first = np.asarray(S.w[:], dtype=float).copy()
    net.run(50 * ms)
    net.restore()
    net.run(50 * ms)
    return _state(S, neurons, spikes, {"stored.w": first})


NETWORKS = {f.__name__: f for f in (all_to_all, delays, pathways_and_sums, connect_between_runs)}


def digest(array) -> str:
    array = np.ascontiguousarray(array)
    return hashlib.sha256(str(array.dtype).encode() + str(array.shape).encode()
                          + array.tobytes()).hexdigest()[:16]


if __name__ == "__main__":  # python tests/stdp_networks.py [math mode]
    if len(sys.argv) > 1:
        prefs.codegen.brianjit.math = sys.argv[1]
    for name, build in NETWORKS.items():
        start_scope()
        state = build()
        print(f"    {name!r}: {{")
        for key, value in state.items():
            print(f"        {key!r}: {digest(value)!r},")
        print("    },")
    sys.stdout.flush()
