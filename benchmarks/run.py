"""Time brianjit and Brian2 side by side on the same model text; print ratios, write JSON.

    python benchmarks/run.py                      # everything, each model's own duration, 3 repeats
    python benchmarks/run.py --quick              # smoke test: a few models, 50 ms, 1 repeat
    python benchmarks/run.py --models hh --targets brianjit,cpp-standalone --repeats 5
    python benchmarks/run.py --skip-brian2        # brianjit only (no venv needed)

Repetitions are interleaved (repeat 1 of every target, then repeat 2, ...) so slow drifts in the
load of a shared machine spread over all targets instead of biasing one.  See README.md for what
each figure means.
"""

import argparse
import datetime
import os
import platform
import signal
import subprocess
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import envs  # noqa: E402
import report  # noqa: E402
import goals  # noqa: E402
from measure import (QUICK_DURATION, Measurement, RunConfig, Scratch, WorkerFailed,  # noqa: E402
                     run_worker)
from models import MODELS  # noqa: E402
from targets import SKIPPED, TARGETS  # noqa: E402

# --quick: one model of each kind and the targets that compile fast (Cython takes ~30 s a model)
QUICK_MODELS = ("lif", "hh", "cuba-1s", "cobahh-1s", "stdp-1", "create-1e6")
QUICK_TARGETS = ("brianjit", "numba", "numpy", "cpp-standalone")


def _csv(choices):
    def parse(text):
        names = [name.strip() for name in text.split(",") if name.strip()]
        unknown = [name for name in names if name not in choices]
        if unknown:
            raise argparse.ArgumentTypeError(f"unknown {unknown}; choose from {sorted(choices)}")
        return names
    return parse


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=report.LEGEND)
    parser.add_argument("--quick", action="store_true",
                        help=f"smoke test: {QUICK_DURATION * 1000:.0f} ms runs, 1 repeat, models "
                        + ",".join(QUICK_MODELS) + ", targets " + ",".join(QUICK_TARGETS))
    parser.add_argument("--models", type=_csv(MODELS), default=None,
                        help="comma-separated, default: " + ",".join(MODELS))
    parser.add_argument("--targets", type=_csv(TARGETS), default=None,
                        help="comma-separated, default: " + ",".join(TARGETS))
    parser.add_argument("--include-slow", action="store_true",
                        help="also run the slow pairs a default run skips: "
                        + "; ".join(f"{t} on {m}" for t, m in SKIPPED))
    parser.add_argument("--skip-brian2", action="store_true", help="drop every Brian2 target")
    parser.add_argument("--repeats", type=int, default=None,
                        help="fresh processes per target and model (default 3, --quick 1)")
    parser.add_argument("--duration", type=float, default=None,
                        help="biological seconds per run for every model (default: each model's "
                        "own, see README; --quick caps it at 0.05)")
    parser.add_argument("--dt", type=float, default=None,
                        help="seconds (default: each model's own, else 0.1 ms)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per worker process")
    parser.add_argument("--output", type=Path, default=None,
                        help="JSON file (default benchmarks/results/bench-<time>.json)")
    parser.add_argument("--keep-scratch", action="store_true",
                        help="keep the Cython caches and C++ projects (path is printed)")
    args = parser.parse_args(argv)
    args.repeats = args.repeats or (1 if args.quick else 3)
    args.models = args.models or list(QUICK_MODELS if args.quick else MODELS)
    args.targets = args.targets or list(QUICK_TARGETS if args.quick else TARGETS)
    if args.skip_brian2:
        args.targets = [name for name in args.targets if TARGETS[name].simulator != "brian2"]
    return args


def log(message):
    print(message, file=sys.stderr, flush=True)


def _git(*args):
    done = subprocess.run(["git", *args], capture_output=True, text=True, cwd=envs.REPO_ROOT)
    return done.stdout.strip()


def _source_state():
    """Which brianjit was measured: the commit, and whether brianjit/ had uncommitted changes."""
    return {"git_commit": _git("rev-parse", "--short", "HEAD") or None,
            "brianjit_uncommitted_changes": bool(_git("status", "--porcelain", "--", "brianjit"))}


def _cpu_name():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


def metadata(args, config):
    return {
        "started": datetime.datetime.now().isoformat(timespec="seconds"),
        **_source_state(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpu": _cpu_name(),
        "cpu_count": os.cpu_count(),
        "load_average_at_start": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "duration_override_s": args.duration,
        "quick": args.quick,
        "dt_s": args.dt,
        "seed": args.seed,
        "repeats": args.repeats,
        "models": {name: {"n": MODELS[name].n, "description": MODELS[name].description,
                          "duration_s": config.duration_for(MODELS[name])}
                   for name in args.models},
        "targets": {name: TARGETS[name].summary for name in args.targets},
    }


def measure_model(model_name, target_names, repeats, config, scratch, include_slow=False):
    """All targets on one model, repetitions interleaved; a failing target is dropped, not fatal.

    Targets that do not implement the model (numba beyond CUBA/COBAHH) are left out; slow pairs
    (``targets.SKIPPED``) are recorded with their reason unless ``include_slow``."""
    target_names = [name for name in target_names if TARGETS[name].supports(model_name)]
    measurements = {name: Measurement(name, model_name) for name in target_names}
    for name in target_names:
        if not include_slow and (name, model_name) in SKIPPED:
            measurements[name].skipped = SKIPPED[name, model_name]
    for repeat in range(1, repeats + 1):
        for name in target_names:
            m = measurements[name]
            if m.error or m.skipped:
                continue
            target = TARGETS[name]
            try:
                result = run_worker(target, model_name, config,
                                    scratch.args_for(target, model_name, log))
            except WorkerFailed as failure:
                m.error = str(failure)
                if target.simulator == "brianjit":  # brianjit cannot run this model (yet)
                    m.error = f"not supported: {m.error.strip().splitlines()[-1]}\n{m.error}"
                log(f"[{model_name}] {name} repeat {repeat}/{repeats}: FAILED\n{failure}")
                continue
            m.runs.append(result)
            log(f"[{model_name}] {name} repeat {repeat}/{repeats}: cold {result['cold_s']:.3f} s,"
                f" spikes {result['spikes']}, synapses {result['synapses']},"
                f" process {result['process_s']:.1f} s")
    return list(measurements.values())


def main(argv=None):
    args = parse_args(argv)
    # Turn SIGTERM into SystemExit: the running worker is killed and the scratch folder removed.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    if not args.targets:
        raise SystemExit("no targets left to run")
    scratch_root = Path(tempfile.mkdtemp(prefix="brianjit-bench-"))
    config = RunConfig(duration=args.duration, dt=args.dt, seed=args.seed,
                       timeout=args.timeout, scratch_root=scratch_root, quick=args.quick)
    meta = metadata(args, config)
    scratch = Scratch(config)
    measurements, tables = [], []
    try:
        for venv in {TARGETS[name].venv for name in args.targets} - {None}:
            envs.ensure_venv(venv, log=log)
        for model_name in args.models:
            done = measure_model(model_name, args.targets, args.repeats, config, scratch,
                                 args.include_slow)
            measurements += done
            tables.append(report.format_model_table(MODELS[model_name], done,
                                                    config.duration_for(MODELS[model_name])))
    finally:
        if args.keep_scratch:
            log(f"scratch kept in {scratch_root}")
        else:
            shutil.rmtree(scratch_root, ignore_errors=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    output = args.output or envs.BENCH_DIR / "results" / f"bench-{stamp}.json"
    checks = goals.evaluate(measurements)
    report.write_json(output, meta, measurements, checks)
    dt = "each model's own" if args.dt is None else f"{args.dt * 1000:g} ms"
    print(f"\ndt = {dt}, load average at start {meta['load_average_at_start']}"
          " (a shared machine: figures are noisy)\n")
    print("\n\n".join(tables))
    print("\n" + report.format_goals(checks))
    print("\n" + report.LEGEND)
    print(f"\nJSON: {output}")
    return 1 if any(m.error for m in measurements) else 0


if __name__ == "__main__":
    sys.exit(main())
