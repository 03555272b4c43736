"""Check and time brianjit's GPU target on a machine with an NVIDIA GPU (no network needed).

    python benchmarks/gpu_check.py [--json results.json] [--mode cuda|host|emulate] [--quick]

1. *Results*: every benchmark model (``models.py``; one per build function, sizes and durations
   cut so the whole script stays under 8 minutes) runs on the CPU back-end and under
   ``set_device('cuda_standalone')``, math written in IR on both, from the same seed. Each line
   says whether every state variable and spike is identical, else the largest relative
   difference of the state and the spike counts (chaotic networks amplify a last-bit difference:
   the GPU fuses multiply-adds in scalar code, the CPU vectorises; the GPU does not flush
   subnormal doubles to zero).
2. *Speed*: CUBA and COBAHH neurons at 4k, 40k, 400k and 4M neurons, uncoupled (with p = 0.02
   a 4M network would hold 3*10^11 synapses), plus the benchmark networks at 4k with their
   synapses (delivered by one thread per target neuron, ``gpu/delivery.py``): wall time of a
   run (compilation excluded) on the CPU back-end with one thread and on the GPU, and the ratio;
   the GPU twice, replaying CUDA graphs (the default) and launching kernel by kernel
   (``prefs.brianjit.gpu_graphs = False``), with the kernels each step launches on the device
   and the host calls per step each way made (``gpu/replay.py``).

3. *Cache*: the same small network built twice in one process (``start_scope()`` between):
   the second build must compile nothing, neither PTX (``gpu.ptx_cache``) nor machine code;
   both builds' times.

Without a usable GPU (no driver library, no device) it says what is missing and exits 0, so it
can run anywhere; with one, it exits 1 if a model failed to run on either side. ``--mode host`` checks the script itself on the CPU (the device runtime with
host memory). The model definitions are the benchmarks'; nothing here is GPU-specific but the
device.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

#: (model name, neurons, biological seconds) of the results check
CHECKS = [("lif", 4000, 0.05), ("hh", 4000, 0.05), ("cuba-1s", 4000, 0.1),
          ("cobahh-1s", 4000, 0.1), ("stdp-1000", 1000, 0.02), ("create-1e6", 10**6, 1e-4),
          ("hh-axon", 1000, 0.01), ("swc-neuron", 200, 0.02)]
#: (neurons, biological seconds) of the speed runs: fewer steps for larger groups
SIZES = [(4_000, 0.2), (40_000, 0.1), (400_000, 0.05), (4_000_000, 0.01)]
QUICK_CHECKS = [("cuba-1s", 400, 0.005)]
QUICK_SIZES = [(4_000, 0.002)]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", default="cuda", choices=("cuda", "host", "emulate"),
                        help="the GPU implementation (default: the CUDA driver)")
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--quick", action="store_true", help="one small model, one small size")
    args = parser.parse_args(argv)
    import brianjit as b2
    from brianjit import prefs
    from brianjit.gpu.driver_api import GpuUnavailableError
    prefs.brianjit.gpu = args.mode
    # the uncoupled runs leave the models' Synapses out on purpose
    b2.BrianLogger.suppress_name("unused_brian_object")
    try:
        b2.set_device("cuda_standalone")
    except GpuUnavailableError as error:
        print(f"gpu_check: no usable NVIDIA GPU here, nothing checked: {error}")
        return 0
    print(f"gpu_check: {b2.get_device().program_target()!r}")
    b2.reset_device()
    report = {"mode": args.mode, "checks": [], "speed": []}
    started = time.perf_counter()
    for name, n, duration in QUICK_CHECKS if args.quick else CHECKS:
        report["checks"].append(_check(b2, name, n, duration))
    for model in ("cuba-1s", "cobahh-1s"):
        for n, duration in QUICK_SIZES if args.quick else SIZES:
            report["speed"].append(_speed(b2, model, n, duration, synapses=False))
        if not args.quick:
            report["speed"].append(_speed(b2, model, 4000, 0.2, synapses=True))
    report["cache"] = _cache_check(b2)
    report["seconds"] = time.perf_counter() - started
    print(f"gpu_check: done in {report['seconds']:.0f} s")
    if args.json:
        with open(args.json, "w") as out:
            json.dump(report, out, indent=1)
    failed = [line for line in report["checks"] if "error" in line]
    failed += [line for line in report["speed"] if "speedup" not in line]
    failed += [] if report["cache"].get("second_compiled") == 0 else [report["cache"]]
    return 1 if failed else 0


def _on(b2, target):
    """Select ``target``: 'cpu', 'gpu' (CUDA graphs where the driver has them) or
    'gpu-per-launch' (one launch per kernel per step)."""
    from brianjit import prefs
    b2.reset_device() if b2.get_device().name != "runtime" else None
    prefs.brianjit.threads = 1
    prefs.brianjit.gpu_graphs = target != "gpu-per-launch"
    if target.startswith("gpu"):
        b2.set_device("cuda_standalone")


class _HostCalls:
    """Counts the launches and graph replays the host makes through the device's driver API
    while active (nothing where the target has no driver API: 'emulate')."""

    def __init__(self, b2):
        from brianjit.gpu.targets import DeviceTarget
        target = b2.get_device().program_target() if b2.get_device().name != "runtime" else None
        self.api = target.api if isinstance(target, DeviceTarget) else None
        self.count = 0

    def __enter__(self):
        if self.api is not None:
            for name in ("launch", "launch_graph"):
                setattr(self.api, name, self._counted(getattr(self.api, name)))
        return self

    def _counted(self, call):
        def counted(*args):
            self.count += 1
            return call(*args)
        return counted

    def __exit__(self, *exc):
        if self.api is not None:
            for name in ("launch", "launch_graph"):
                delattr(self.api, name)


def _simulate(b2, target, name, n, duration, math="ir", synapses=True):
    """Run model ``name`` on ``target`` (see ``_on``); its state, spikes, run time and, on a
    device, ``{"kernels_per_step", "host_calls_per_step"}`` (else None)."""
    import models
    from brianjit import prefs
    from worker_common import star_namespace
    prefs.codegen.brianjit.math = math
    _on(b2, target)
    b2.start_scope()
    b2.seed(20240601)
    np.random.seed(20240601)
    model = models.MODELS[name]
    b2.defaultclock.dt = (model.dt or 1e-4) * b2.second
    sim = star_namespace(b2)
    if synapses:
        built = model.build(sim, n)
        if built.connect:
            built.connect()
        objects = built.objects
    else:
        built = _uncoupled(sim, model, n)
        objects = built.objects
    net = b2.Network(*objects)
    net.run(b2.defaultclock.dt, namespace={})  # the build: not timed
    with _HostCalls(b2) as calls:
        start = time.perf_counter()
        net.run(duration * b2.second, namespace={})
        seconds = time.perf_counter() - start
    launches = None
    if calls.api is not None:
        steps = max(int(round(duration * b2.second / b2.defaultclock.dt)), 1)
        launches = {"kernels_per_step": len(net._program.driver.replay.launches),
                    "host_calls_per_step": calls.count / steps}
    groups = [o for o in objects if isinstance(o, b2.NeuronGroup)]
    state = {f"{k}.{var}": np.array(g.state(var, use_units=False))
             for k, g in enumerate(groups) for var in g.variables.all_names()
             if not var.startswith(("_", "xi"))}
    spikes = (np.array(built.spikes.i), np.array(built.spikes.t_)) if built.spikes else None
    del net
    gc.collect()
    return state, spikes, seconds, launches


def _uncoupled(sim, model, n):
    """The model's neurons and spike monitor alone: its build with ``connect`` doing nothing
    (connecting 4M neurons is the slow part, and the synapses are left out of the network)."""
    import models
    real_connect = sim.Synapses.connect
    sim.Synapses.connect = lambda self, *a, **k: None
    try:
        built = model.build(sim, n)
    finally:
        sim.Synapses.connect = real_connect
    return models.Built(objects=(built.objects[0], built.spikes), spikes=built.spikes)


def _check(b2, name, n, duration):
    cpu_state, cpu_spikes = _simulate(b2, "cpu", name, n, duration)[:2]
    try:
        gpu_state, gpu_spikes = _simulate(b2, "gpu", name, n, duration)[:2]
    except Exception as error:  # reported, the other models still run
        line = {"model": name, "n": n, "error": f"{type(error).__name__}: {error}"}
        print(f"  {name:12s} n={n:<8d} FAILED: {line['error']}")
        return line
    identical = all(np.array_equal(cpu_state[k], gpu_state[k], equal_nan=True)
                    for k in cpu_state) and _same_spikes(cpu_spikes, gpu_spikes)
    worst = max((_relative(cpu_state[k], gpu_state[k]) for k in cpu_state), default=0.0)
    counts = [len(s[0]) if s else 0 for s in (cpu_spikes, gpu_spikes)]
    line = {"model": name, "n": n, "seconds": duration, "identical": bool(identical),
            "max_relative_difference": worst, "spikes_cpu": counts[0], "spikes_gpu": counts[1]}
    verdict = "identical" if identical else f"max rel. diff {worst:.2e}"
    print(f"  {name:12s} n={n:<8d} {verdict:28s} spikes cpu {counts[0]} gpu {counts[1]}")
    return line


def _cache_check(b2):
    """Two builds of one structure: PTX (and the host's machine code: the host form, one-off
    kernels) compiled by the first only."""
    from brianjit.gpu.ptx_cache import ptx_counts
    from brianjit.jit import compile_counts

    def compiled():
        return ptx_counts()["compiled"] + compile_counts()["compiled"]
    line, counts = {"model": "cuba-1s", "n": 4000}, [compiled()]
    try:
        for build in ("first", "second"):
            start = time.perf_counter()
            _simulate(b2, "gpu", "cuba-1s", 4000, 0.001)
            line[f"{build}_build_and_run_seconds"] = time.perf_counter() - start
            counts.append(compiled())
    except Exception as error:
        line["error"] = f"{type(error).__name__}: {error}"
        print(f"  cache: FAILED: {line['error']}")
        return line
    line["second_compiled"] = counts[2] - counts[1]
    print(f"  cache: builds {line['first_build_and_run_seconds']:.2f} s then "
          f"{line['second_build_and_run_seconds']:.2f} s; modules compiled by the second: "
          f"{line['second_compiled']}")
    return line


def _same_spikes(a, b):
    if a is None or b is None:
        return a is b
    return all(np.array_equal(x, y) for x, y in zip(a, b))


def _relative(a, b):
    if a.shape != b.shape:
        return float("inf")
    a, b = a.astype(np.float64), b.astype(np.float64)
    scale = np.maximum(np.abs(a), np.abs(b))
    with np.errstate(invalid="ignore", divide="ignore"):
        diff = np.where(scale > 0, np.abs(a - b) / scale, 0.0)
    return float(np.nanmax(diff)) if diff.size else 0.0


def _speed(b2, name, n, duration, synapses):
    runs, launches = {}, {}
    for target in ("cpu", "gpu", "gpu-per-launch"):
        try:
            *_, runs[target], launches[target] = _simulate(b2, target, name, n, duration,
                                                           math="auto", synapses=synapses)
        except Exception as error:
            runs[target] = f"{type(error).__name__}: {error}"
    _on(b2, "cpu")
    what = f"{name.split('-')[0]}{'' if synapses else ' (uncoupled)'}"
    line = {"model": what, "n": n, "seconds": duration, "cpu_1_thread": runs["cpu"],
            "gpu": runs["gpu"], "gpu_per_launch": runs["gpu-per-launch"]}
    for target, key in (("gpu", "graphs"), ("gpu-per-launch", "per_launch")):
        if launches.get(target):
            line["kernels_per_step"] = launches[target]["kernels_per_step"]
            line[f"host_calls_per_step_{key}"] = launches[target]["host_calls_per_step"]
    if all(isinstance(v, float) for v in runs.values()):
        line["speedup"] = runs["cpu"] / runs["gpu"]
        line["graphs_speedup"] = runs["gpu-per-launch"] / runs["gpu"]
        calls = ", ".join(f"{key.replace('_', ' ')} {line[f'host_calls_per_step_{key}']:.3g}"
                          for key in ("graphs", "per_launch")
                          if f"host_calls_per_step_{key}" in line)
        print(f"  {what:20s} n={n:<8d} {duration * 1e3:6.0f} ms: cpu 1 thread "
              f"{runs['cpu']:8.3f} s, gpu {runs['gpu']:8.3f} s, x{line['speedup']:.1f}; "
              f"per launch {runs['gpu-per-launch']:8.3f} s (graphs x"
              f"{line['graphs_speedup']:.2f}); kernels/step "
              f"{line.get('kernels_per_step', '-')}, host calls/step: {calls or '-'}")
    else:
        print(f"  {what:20s} n={n:<8d} FAILED: {runs}")
    return line


if __name__ == "__main__":
    sys.exit(main())
