"""Shared by the threaded-run tests: networks large enough to be partitioned (groups of more
than 2 x 1,024 elements per thread count tested), and a script that runs one of them with
several thread counts in a fresh interpreter and says whether every count computed the same
bits as one thread (state, spikes, monitors)."""
import hashlib
import json
import os
import sys

import numpy as np

from subprocess_script import run_script

BENCHMARKS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                          "benchmarks")

#: runs in a subprocess: argv = network names (comma separated), thread counts (comma separated), chunking
#: ('fixed': every chunk on all threads, 'tiny': the same with 1 to 3 steps per native call,
#: 'adaptive': threads only while faster, as users run), repetitions
SCRIPT = r"""
import gc, json, sys
import numpy as np
sys.path[:0] = [sys.argv[5], sys.argv[6]]
import brianjit as b2
from brianjit import prefs, parallel
from brianjit.objects import stepping
import threaded_runs

names, counts, chunking, repeats = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
# every chunk on all the threads asked for (not only when they are faster), unless 'adaptive'
parallel.ThreadedDriver.adaptive = chunking == "adaptive"
if chunking == "tiny":
    sizes = iter(range(10**9))
    stepping._FIRST_CHUNK = 1
    stepping.next_chunk = lambda chunk, steps, elapsed: 1 + next(sizes) % 3

digest = threaded_runs.digest


results = {}
for name in names.split(","):
    for threads in [int(c) for c in counts.split(",")] * repeats:
        prefs.brianjit.threads = threads
        b2.seed(1234)
        np.random.seed(1234)
        net, record = threaded_runs.NETWORKS[name](b2)
        net.run(3 * b2.ms)
        net.run(7 * b2.ms)
        driver = net._program.driver
        threaded = isinstance(driver, parallel.ThreadedDriver)
        assert threaded == (threads > 1), (name, threads, type(driver))
        if threaded and chunking == "adaptive":  # it measured both choices
            assert set(driver.seconds_per_step) == {1, threads}, driver.seconds_per_step
        results.setdefault(name, {}).setdefault(str(threads), []).append(digest(record()))
        # random numbers depend on the objects' names, and an automatic name ("neurongroup_1")
        # is taken while the previous build's objects live: they go before the next build
        del net, record
        gc.collect()
print(json.dumps(results))
"""


def digest(values):
    """SHA-256 of ``{name: array}``: names, dtypes, shapes and bytes."""
    h = hashlib.sha256()
    for key in sorted(values):
        array = np.ascontiguousarray(values[key])
        h.update(key.encode() + str(array.dtype).encode() + str(array.shape).encode())
        h.update(array.tobytes())
    return h.hexdigest()


def run_with_threads(names, counts=(1, 2, 3, 4), chunking="fixed", repeats=1, timeout=300):
    """{network: {thread count: [digest of each repetition]}} for the networks ``names``."""
    here = os.path.dirname(os.path.abspath(__file__))
    out = run_script(SCRIPT, ",".join(names), ",".join(str(c) for c in counts), chunking,
                     str(repeats), here, BENCHMARKS, timeout=timeout)
    return json.loads(out.strip().splitlines()[-1])


def distinct_results(results):
    """{network: number of different digests among all its runs} (1: all the same bits)."""
    return {name: len({d for digests in by_count.values() for d in digests})
            for name, by_count in results.items()}


# ---- the networks: each returns (Network, record) where record() -> {name: array} -----------

def _state(*groups):
    def record():
        values = {}
        for n, group in enumerate(groups):  # (by position: names differ between builds)
            # (not get_states(): it fails on a group with noise, asking for 'xi')
            for var in group.variables.all_names():
                if not var.startswith(("_", "xi")):
                    values[f"{n}.{var}"] = np.asarray(group.state(var, use_units=False))
        return values
    return record


def _with_monitors(record, **monitors):
    def both():
        values = record()
        for key, monitor in monitors.items():
            for var in monitor.record_variables if hasattr(monitor, "record_variables") else ():
                values[f"{key}.{var}"] = np.asarray(getattr(monitor, var + "_"))
            for var in ("i", "t_", "rate_", "count"):
                if hasattr(monitor, var):
                    values[f"{key}.{var}"] = np.asarray(getattr(monitor, var))
        return values
    return both


def _benchmark(builder, n):
    def build(b2):
        sys.path.insert(0, BENCHMARKS)
        import models
        built = getattr(models, builder)(b2, n)
        net = b2.Network(*built.objects)
        groups = [o for o in built.objects if isinstance(o, b2.NeuronGroup)]
        return net, _with_monitors(_state(*groups), spikes=built.spikes)
    return build


def _delays(b2):
    """Noise (xi), refractoriness, random delays, state and rate monitors."""
    G = b2.NeuronGroup(4100, """dv/dt = (1.1 - v)/(10*ms) + 0.3*xi/sqrt(ms) : 1 (unless refractory)
                                x : 1""",
                       threshold="v > 1", reset="v = rand()*0.2", refractory=2 * b2.ms,
                       method="euler", name="g")
    G.v = "rand()"
    S = b2.Synapses(G, G, "w : 1", on_pre="v += w", name="s")
    S.connect(p=0.002)
    S.w = "0.02*randn()"
    S.delay = "rand()*3*ms"
    M = b2.StateMonitor(G, ["v", "x"], record=[0, 7, 4099])
    R = b2.PopulationRateMonitor(G)
    P = b2.SpikeMonitor(G)
    G.run_regularly("x = x + v", dt=1 * b2.ms)
    net = b2.Network(G, S, M, R, P)
    return net, _with_monitors(_state(G, S), state=M, rate=R, spikes=P)


def _stdp(b2):
    """Inputs spiking on rand() into 4100 neurons through event-driven STDP (both pathways)."""
    inputs = b2.NeuronGroup(4200, "", threshold="rand() < 0.02", name="inputs")
    neurons = b2.NeuronGroup(4100, """dv/dt = (ge - v)/(10*ms) : 1
                                      dge/dt = -ge/(5*ms) : 1""",
                             threshold="v > 0.3", reset="v = 0", method="exact", name="neurons")
    S = b2.Synapses(inputs, neurons, """w : 1
                    dApre/dt = -Apre/(20*ms) : 1 (event-driven)
                    dApost/dt = -Apost/(20*ms) : 1 (event-driven)""",
                    on_pre="""ge += w
                              Apre += 0.01
                              w = clip(w + Apost, 0, 1)""",
                    on_post="""Apost -= 0.0105
                               w = clip(w + Apre, 0, 1)""", delay=1 * b2.ms, name="stdp")
    S.connect(p=0.005)
    S.w = "rand()"
    P = b2.SpikeMonitor(neurons)
    net = b2.Network(inputs, neurons, S, P)
    return net, _with_monitors(_state(neurons, S), spikes=P)


def _summed(b2):
    """A summed variable written into a group of 4100 that a partitioned update then reads."""
    source = b2.NeuronGroup(4300, "dv/dt = (2 - v)/(7*ms) : 1", threshold="v > 1",
                            reset="v = 0", method="exact", name="source")
    source.v = "rand()"
    target = b2.NeuronGroup(4100, """dy/dt = (I - y)/(5*ms) : 1
                                     I : 1""", method="euler", name="target")
    S = b2.Synapses(source, target, """w : 1
                                       I_post = w*v_pre : 1 (summed)""", name="s")
    S.connect(p=0.002)
    S.w = "rand()"
    M = b2.StateMonitor(target, ["y", "I"], record=True, dt=1 * b2.ms)
    net = b2.Network(source, target, S, M)
    return net, _with_monitors(_state(source, target), state=M)


def _operation(b2):
    """A network_operation between kernels that reads and writes state, and a StateMonitor."""
    G = b2.NeuronGroup(4100, "dv/dt = (1.5 - v)/(10*ms) + 0.2*xi/sqrt(ms) : 1",
                       threshold="v > 1", reset="v = 0", method="euler", name="g")
    G.v = "rand()"
    M = b2.StateMonitor(G, "v", record=range(0, 4100, 97))
    P = b2.SpikeMonitor(G)
    seen = []

    @b2.network_operation(dt=0.5 * b2.ms, when="thresholds")
    def kick():
        v = G.v_[:]
        seen.append(float(v.sum()))
        G.v_[::5] = v[::5] * 0.9

    net = b2.Network(G, M, P, kick)
    record = _with_monitors(_state(G), state=M, spikes=P)
    return net, lambda: {**record(), "seen": np.array(seen)}


def _in_float32(build):
    """``build`` with ``prefs.core.default_float_dtype = float32`` while its objects are made."""
    def built(b2):
        b2.prefs.core.default_float_dtype = np.float32
        try:
            return build(b2)
        finally:
            b2.prefs.core.default_float_dtype = np.float64
    return built


def _small_groups(b2):
    """A partitioned group of 4100 next to groups too small for two threads (run whole on
    thread 0 among the serial kernels, ``partition.partitioned_on_threads``), with noise."""
    groups = [b2.NeuronGroup(n, "dv/dt = (I - v)/(10*ms) + 0.1*xi/sqrt(ms) : 1\nI : 1",
                             threshold="v > 1", reset="v = 0", method="euler", name=f"g{n}")
              for n in (4100, 300, 2047, 5)]
    for group in groups:
        group.I = "1.5 * rand()"
        group.v = "rand()"
    P = b2.SpikeMonitor(groups[1])
    net = b2.Network(*groups, P)
    return net, _with_monitors(_state(*groups), spikes=P)


NETWORKS = {
    "cuba": _benchmark("build_cuba", 4100),
    "cobahh": _benchmark("build_cobahh", 4100),
    "lif": _benchmark("build_lif", 4100),
    "hh": _benchmark("build_hh", 4100),
    "delays": _delays,
    "stdp": _stdp,
    "summed": _summed,
    "operation": _operation,
    "small-groups": _small_groups,
    "cuba-float32": _in_float32(_benchmark("build_cuba", 4100)),
    "summed-float32": _in_float32(_summed),
}
