"""Time one model under one Brian2 code-generation target; runs inside the Brian2 venv.

Targets:
  numpy           runtime mode, ``prefs.codegen.target = 'numpy'``
  cython          runtime mode, ``prefs.codegen.target = 'cython'`` with the extension cache in
                  ``--cache-dir``: an empty directory gives the cold figure (everything compiled),
                  a directory filled by an earlier run gives the warm one (compiled modules reused)
  cpp_standalone  ``set_device('cpp_standalone', build_on_run=False)``; ``net.run`` only records,
                  ``device.build(...)`` then generates, compiles (make) and runs the binary in
                  ``--project-dir``.  ``device._last_run_time`` is the binary's own measurement of
                  its simulation loop (read back from results/last_run_info.txt), and
                  ``device.timers`` holds the wall times of 'make' and of running the binary.

Runtime targets run the network twice (``worker_common.run_twice``): the second ``net.run`` is the
warm figure.  A standalone project is one binary, so it reports a single run.  For synapse-creation
models the standalone binary is profiled (the connect code object's own time) and run through a
small wrapper that records its peak resident memory.
"""

import sys
import time
from pathlib import Path

_t_start = time.perf_counter()

import models  # noqa: E402
from worker_common import (Stopwatch, emit, parse_args, run_twice, spike_count,  # noqa: E402
                           star_namespace)


def _extra_args(parser):
    parser.add_argument("--target", required=True, choices=("numpy", "cython", "cpp_standalone"))
    parser.add_argument("--cache-dir", help="Cython extension cache (cython target)")
    parser.add_argument("--project-dir", help="generated C++ project (cpp_standalone target)")
    parser.add_argument("--openmp-threads", type=int, default=0,
                        help="prefs.devices.cpp_standalone.openmp_threads (cpp_standalone)")


# Run by prefs.devices.cpp_standalone.run_cmd_unix instead of ./main for synapse-creation models:
# runs the binary (its only child) and writes that child's peak resident memory, in kB, next to it.
_PEAK_RSS_WRAPPER = ("import resource, subprocess, sys\n"
                     "code = subprocess.call(sys.argv[1:])\n"
                     "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
                     "open('binary_peak_rss_kb.txt', 'w').write(str(peak))\n"
                     "sys.exit(code)")


def run_runtime(b2, sim, args, model, import_s):
    b2.prefs.codegen.target = args.target
    if args.target == "cython":
        if not args.cache_dir:
            raise SystemExit("--cache-dir is required for the cython target")
        b2.prefs.codegen.runtime.cython.cache_dir = args.cache_dir
    fields, _ = run_twice(sim, args, model)
    emit(args, "brian2", args.target, import_s=import_s, **fields)


def _creation_figures(b2, net, built, project_dir):
    """connect_s, synapses and peak_mem_bytes of a standalone run of a synapse-creation model."""
    profile = dict(net.profiling_info)
    connect_s = sum(seconds for name, seconds in profile.items() if "synapses_create" in name)
    peak_kb = float((Path(project_dir) / "binary_peak_rss_kb.txt").read_text())
    return {"connect_s": float(connect_s), "synapses": len(built.synapses),
            "peak_mem_bytes": peak_kb * 1024}


def run_standalone(b2, sim, args, model, import_s):
    if not args.project_dir:
        raise SystemExit("--project-dir is required for the cpp_standalone target")
    with Stopwatch() as setup:
        built = model.build(sim, args.n)
        if built.connect is not None:
            built.connect()  # only recorded here: the binary creates the synapses
        net = sim.Network(*built.objects)
    with Stopwatch() as record:
        net.run(args.duration * sim.second)
    device = b2.get_device()
    if built.connect is not None:
        b2.prefs.devices.cpp_standalone.run_cmd_unix = [sys.executable, "-c", _PEAK_RSS_WRAPPER,
                                                         "./main"]
    with Stopwatch() as build:
        device.build(directory=args.project_dir, compile=True, run=True, with_output=False)
    make_s = device.timers["compile"]["make"]
    clean_s = device.timers["compile"]["clean"] or 0.0
    binary_s = device.timers["run_binary"]
    creation = {} if built.connect is None else _creation_figures(b2, net, built, args.project_dir)
    spikes = None if built.spikes is None else spike_count(built.spikes)
    emit(args, "brian2", args.target,
         import_s=import_s, setup_s=setup.seconds, first_run_s=record.seconds + build.seconds,
         cold_s=setup.seconds + record.seconds + build.seconds, build_s=make_s,
         native_run_s=device._last_run_time, spikes=spikes, **creation,
         details={"record_s": record.seconds, "device_build_s": build.seconds,
                  "codegen_s": build.seconds - make_s - clean_s - binary_s,
                  "make_s": make_s, "binary_wall_s": binary_s})


def main():
    args, model = parse_args(__doc__.splitlines()[0], _extra_args)
    import brian2 as b2

    import_s = time.perf_counter() - _t_start
    sim = star_namespace(b2)
    standalone = args.target == "cpp_standalone"
    if standalone:
        # before seed(): in standalone mode the seed must be recorded into the generated project
        creation = models.MODELS[args.model].build is models.build_creation
        b2.set_device("cpp_standalone", build_on_run=False, profile=creation)
        b2.prefs.devices.cpp_standalone.openmp_threads = args.openmp_threads
        # profile= only takes effect at net.run; code objects made earlier (connect) need this
        b2.get_device().enable_profiling = creation
    b2.defaultclock.dt = args.dt * b2.second
    b2.seed(args.seed)
    (run_standalone if standalone else run_runtime)(b2, sim, args, model, import_s)


if __name__ == "__main__":
    main()
