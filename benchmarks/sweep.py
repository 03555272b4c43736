"""Parameter sweep: 64 points of a 1 s CUBA on 2 local workers, three ways, in one run.

    python benchmarks/sweep.py                       # 64 points, 4000 neurons, 1 s each
    python benchmarks/sweep.py --points 16 --duration 0.1 --skip-brian2    # a quick look

Each point is one simulation of benchmarks/models.py's CUBA with its own seed (so its own
connectivity and initial state): exactly the task of a "function of parameters" sweep. Timed,
each in a fresh process started by this script (so interpreter start, imports and compilation are
paid as a user pays them):

* ``brianjit serial``: a loop ``start_scope(); seed(k); cuba_point(...)`` in one process;
* ``brianjit.sweep``: the same function and seeds through ``brianjit.sweep`` on the local cluster
  it starts itself (``--workers`` processes; its start-up and shut-down included);
* ``Brian2 Pool``: Brian2's recipe (``benchmarks/sweep_brian2.py``): ``multiprocessing.Pool``
  over the same model in runtime mode with the Cython target, in the Brian2 venv.

Every one starts with an empty cache of compiled code (brianjit's disk cache, Brian2's Cython
cache), so each pays its compilations once. Printed per variant: wall time, and processor time
(user + system of the process and every process it waited for: workers included), whole and per
point. On a machine shared with other work the wall times stretch with the load (printed before
and after); processor time much less. The sweep's spike counts must equal the serial loop's, point
for point (checked: the seed of each task is the serial loop's seed).
"""
from __future__ import annotations

import argparse
import json
import os
import pathlib
import resource
import subprocess
import sys
import tempfile
import time

BENCH_DIR = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))
import models  # noqa: E402  (benchmarks/models.py)
from envs import BRIAN2_VENV, REPO_ROOT, is_ready  # noqa: E402

SWEEP_SEED = 2024


def cuba_point(trial, n, duration):
    """One point: build CUBA with ``n`` neurons, run ``duration`` seconds, count spikes."""
    import brianjit as sim
    built = models.build_cuba(sim, n)
    sim.Network(*built.objects).run(duration * sim.second)
    return {"spikes": int(built.spikes.num_spikes)}


def point_sets(args):
    return [{"trial": k, "n": args.n, "duration": args.duration} for k in range(args.points)]


def run_serial(args):
    from brianjit import seed, start_scope
    from brianjit.sweeps import task_seed
    counts = []
    for p in point_sets(args):
        start_scope()
        seed(task_seed(SWEEP_SEED, p))
        counts.append(cuba_point(**p)["spikes"])
    return counts


def run_sweep(args):
    import cloudpickle
    from brianjit import sweep
    cloudpickle.register_pickle_by_value(models)  # workers cannot import benchmarks/models.py
    table = sweep(cuba_point, point_sets(args), seed=SWEEP_SEED, progress=False,
                  workers=args.workers)
    assert table.error.isna().all(), table.error.dropna().tolist()
    _stop_forkserver()
    return [int(s) for s in table.spikes]


def _stop_forkserver():
    """Stop (and wait for) the server the sweep's workers were forked from, which reaped them, so
    that their processor time reaches this process's ``RUSAGE_CHILDREN`` and the driver's; a user
    keeps it for the next sweep (Python has no public call for this: its own tests use
    ``_stop``)."""
    from multiprocessing import forkserver
    stop = getattr(getattr(forkserver, "_forkserver", None), "_stop", None)
    if stop is not None:
        stop()


def timed(command, env):
    """(wall seconds, processor seconds of the command and the processes it waited for, the
    JSON of its last output line)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, command))} failed:\n{done.stderr[-3000:]}")
    processor = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, processor, json.loads(done.stdout.strip().splitlines()[-1])


def sizes(args):
    return ["--points", str(args.points), "--n", str(args.n), "--duration", str(args.duration),
            "--workers", str(args.workers)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=64)
    parser.add_argument("--n", type=int, default=4000)
    parser.add_argument("--duration", type=float, default=1.0, help="seconds simulated")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--skip-brian2", action="store_true", help="only the brianjit variants")
    parser.add_argument("--variant", choices=("serial", "sweep"), help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.variant is not None:  # one variant, in the fresh process the driver started
        counts = (run_serial if args.variant == "serial" else run_sweep)(args)
        print(json.dumps({"spikes": counts}))
        return

    print(f"{args.points} points of CUBA, {args.n} neurons, {args.duration} s each, "
          f"{args.workers} workers; load average before: {os.getloadavg()[0]:.1f}")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(REPO_ROOT), os.environ.get("PYTHONPATH", "")]))
    rows = []
    for variant in ("serial", "sweep"):
        env["BRIANJIT_CACHE_DIR"] = tempfile.mkdtemp(prefix=f"brianjit-sweep-{variant}-")
        rows.append((variant, *timed([sys.executable, __file__, "--variant", variant,
                                      *sizes(args)], env)))
    if not args.skip_brian2:
        if not is_ready(BRIAN2_VENV):
            raise SystemExit(f"no Brian2 venv at {BRIAN2_VENV.path} (see benchmarks/README.md; "
                             f"or --skip-brian2)")
        cache = tempfile.mkdtemp(prefix="brian2-sweep-cython-")
        rows.append(("Brian2", *timed([str(BRIAN2_VENV.python), str(BENCH_DIR / "sweep_brian2.py"),
                                       "--cache-dir", cache, *sizes(args)],
                                      dict(os.environ))))
    names = {"serial": "brianjit serial loop",
             "sweep": f"brianjit.sweep, {args.workers} workers",
             "Brian2": f"Brian2 Cython, Pool({args.workers})"}
    print(f"{'':32} {'wall s':>8} {'processor s':>12} {'wall/point ms':>14} "
          f"{'processor/point ms':>19}")
    for variant, wall, processor, _ in rows:
        print(f"{names[variant]:32} {wall:8.2f} {processor:12.2f} "
              f"{1e3 * wall / args.points:14.1f} {1e3 * processor / args.points:19.1f}")
    walls = {variant: wall for variant, wall, _, _ in rows}
    for variant in ("serial", "Brian2"):
        if variant in walls:
            print(f"sweep speed-up over {names[variant]}: {walls[variant] / walls['sweep']:.2f}x "
                  f"(wall)")
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    serial, swept = rows[0][3]["spikes"], rows[1][3]["spikes"]
    assert swept == serial, "the sweep's spike counts differ from the serial loop's"
    print(f"sweep and serial spike counts identical (mean {sum(serial) / len(serial):.0f} per "
          f"point)")


if __name__ == "__main__":
    main()
