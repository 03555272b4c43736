"""Shared by the GPU-target tests: networks (the threaded-run tests' networks plus one with
Poisson inputs and a TimedArray) and a script that runs them on the CPU back-end and under
``set_device('cuda_standalone')`` in a fresh interpreter (a crash fails the test), math written
in IR on both, and prints a digest of every state variable and monitor per target."""
import json
import os

import numpy as np

from brianjit.devices.device import Device
from brianjit.gpu.targets import EmulatedTarget

import threaded_runs
from subprocess_script import run_script

#: argv: network names (comma separated), targets (comma separated: 'cpu', a GPU mode, or
#: 'host-launches': the host twin launching kernel by kernel),
#: the tests' directory, the benchmarks' directory
SCRIPT = r"""
import gc, json, sys
import numpy as np
sys.path[:0] = [sys.argv[3], sys.argv[4]]
import brianjit as b2
from brianjit import prefs
import gpu_runs
from threaded_runs import digest

prefs.codegen.brianjit.math = 'ir'
prefs.brianjit.threads = 1


results = {}
for name in sys.argv[1].split(","):
    for target in sys.argv[2].split(","):
        if target == "cpu":
            b2.set_device("runtime")
        else:  # a GPU mode, '-launches': one launch per kernel per step, no graphs
            mode, _, launches = target.partition("-")
            prefs.brianjit.gpu = mode
            prefs.brianjit.gpu_graphs = launches != "launches"
            b2.set_device("cuda_standalone")
        b2.seed(1234)
        np.random.seed(1234)
        net, record = gpu_runs.NETWORKS[name](b2)
        net.run(3 * b2.ms)
        net.run(7 * b2.ms)
        values = record()
        results.setdefault(name, {})[target] = [digest(values), len(values)]
        del net, record
        gc.collect()
print(json.dumps(results))
"""


def _inputs(b2):
    """Poisson inputs (a PoissonGroup and a PoissonInput), a TimedArray, a rate monitor."""
    stimulus = b2.TimedArray(np.linspace(0.5, 2.0, 20), dt=0.5 * b2.ms)
    G = b2.NeuronGroup(300, "dv/dt = (stimulus(t) - v)/(10*ms) : 1", threshold="v > 1",
                       reset="v = 0", method="euler", name="g",
                       namespace={"stimulus": stimulus})
    P = b2.PoissonGroup(200, rates="(50 + i)*Hz", name="p")
    S = b2.Synapses(P, G, "w : 1", on_pre="v += w", delay=0.5 * b2.ms, name="s")
    S.connect(p=0.05)
    S.w = "0.1*rand()"
    extra = b2.PoissonInput(G, "v", 20, 30 * b2.Hz, weight=0.05)
    M = b2.StateMonitor(G, "v", record=[0, 150, 299])
    R = b2.PopulationRateMonitor(G)
    spikes = b2.SpikeMonitor(G)
    net = b2.Network(G, P, S, extra, M, R, spikes)
    return net, threaded_runs._with_monitors(threaded_runs._state(G, S), state=M, rate=R,
                                             spikes=spikes)


def _blocks(b2):
    """Groups whose sizes end inside, at and past blocks of the parallel compaction (1,024
    elements) and 8-byte mask words, spiking densely in some blocks and never in others
    (refractory: the threshold's own statements), a subgroup as a synapse source."""
    groups, monitors = [], {}
    for n, size in enumerate((1, 7, 1023, 1025, 2500)):
        G = b2.NeuronGroup(size, """rate : 1
                                    dv/dt = -v/(5*ms) : 1 (unless refractory)""",
                           threshold="rand() < rate", reset="v = 1", refractory=1 * b2.ms,
                           method="exact", name=f"blocks{n}")
        G.rate = "0.5*int((i // 1024) % 2 == 0)*int(i % 3 != 1)"
        groups.append(G)
        monitors[f"spikes{n}"] = b2.SpikeMonitor(G)
    S = b2.Synapses(groups[4][1000:2100], groups[3], "w : 1", on_pre="v += w", name="s")
    S.connect(p=0.01)
    S.w = "rand()"
    net = b2.Network(*groups, S, *monitors.values())
    return net, threaded_runs._with_monitors(threaded_runs._state(*groups), **monitors)


def _owners(b2):
    """Pathways the GPU delivers by owner (``gpu/delivery.py``): two onto one target variable,
    one of them with synapses made out of source order (``connect(i=..., j=...)``: the owner's
    sums then follow the source, not the synapse id) and weights of many magnitudes (so a sum in
    another order gives other bits), one between subgroups with a homogeneous delay, an
    ``on_post`` writing the presynaptic side, one with heterogeneous delays (marks per delay
    class); next to a pathway that stays on one thread (it reads what it writes through
    another index: ``v_post += 0.01*v_pre``) and a summed variable."""
    inputs = b2.NeuronGroup(600, "z : 1", threshold="rand() < 0.05", name="inputs")
    G = b2.NeuronGroup(500, """dv/dt = (ge - v)/(10*ms) : 1
                               dge/dt = -ge/(5*ms) : 1
                               y : 1
                               I : 1""", threshold="v > 0.5", reset="v = 0", method="exact",
                       name="g")
    mixed = b2.Synapses(inputs, G, "w : 1", on_pre="ge += w", name="mixed")
    pairs = np.random.permutation(np.argwhere(np.random.rand(600, 500) < 0.05))
    mixed.connect(i=pairs[:, 0], j=pairs[:, 1])
    mixed.w = "0.05*rand()*10**(3*randn())"
    sub = b2.Synapses(inputs[100:400], G[50:450], "w : 1", on_pre="ge += 0.5*w",
                      delay=0.3 * b2.ms, name="sub")
    sub.connect(p=0.1)
    sub.w = "rand()"
    back = b2.Synapses(inputs, G, "w : 1", on_post="z_pre += w", name="back")
    back.connect(p=0.05)
    back.w = "rand()"
    alias = b2.Synapses(G, G, on_pre="v_post += 0.01*v_pre", name="alias")
    alias.connect(p=0.02)
    spread = b2.Synapses(inputs, G, "w : 1", on_pre="y_post += w", name="spread")
    spread.connect(p=0.05)
    spread.w = "rand()"
    spread.delay = "rand()*2*ms"
    summed = b2.Synapses(inputs, G, """w : 1
                                       I_post = w*z_pre : 1 (summed)""", name="summed")
    summed.connect(p=0.05)
    summed.w = "rand()"
    spikes = b2.SpikeMonitor(G)
    net = b2.Network(inputs, G, mixed, sub, back, alias, spread, summed, spikes)
    return net, threaded_runs._with_monitors(threaded_runs._state(inputs, G), spikes=spikes)


def _model(builder, n):
    """A benchmark model the threaded runs do not have (its synapses connected if the model
    leaves that to its caller)."""
    def build(b2):
        import models
        built = getattr(models, builder)(b2, n)
        if built.connect:
            built.connect()
        groups = [o for o in built.objects if isinstance(o, b2.NeuronGroup)]
        record = threaded_runs._state(*groups)
        if built.spikes is not None:
            record = threaded_runs._with_monitors(record, spikes=built.spikes)
        return b2.Network(*built.objects), record
    return build


NETWORKS = {**{k: v for k, v in threaded_runs.NETWORKS.items() if k != "operation"},
            "inputs": _inputs, "blocks": _blocks, "owners": _owners, "stdp-model": _model("build_stdp", 30),
            "creation": _model("build_creation", 20_000), "hh-axon": _model("build_hh_axon", 200),
            "swc-neuron": _model("build_swc_neuron", 50)}


class RecordingTarget(EmulatedTarget):
    """Keeps the schedule of every network it builds (``scheduled``), then runs it emulated."""

    def __init__(self):
        self.scheduled = []

    def build(self, scheduled, *args, **kwargs):
        self.scheduled.append(scheduled)
        return super().build(scheduled, *args, **kwargs)


class RecordingDevice(Device):
    """A device whose networks are built by a :class:`RecordingTarget` (``target``)."""

    name = "recording"

    def __init__(self):
        super().__init__()
        self.target = RecordingTarget()

    def program_target(self):
        return self.target


def run_on_targets(names, targets, timeout=600):
    """{network: {target: [digest, number of arrays digested]}}."""
    here = os.path.dirname(os.path.abspath(__file__))
    out = run_script(SCRIPT, ",".join(names), ",".join(targets), here,
                     threaded_runs.BENCHMARKS, timeout=timeout)
    return json.loads(out.strip().splitlines()[-1])
