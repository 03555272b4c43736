"""Thread scaling: brianjit on 1, 2, 4... threads (``BRIANJIT_THREADS``), optionally next to
Brian2 cpp_standalone with the same OpenMP thread counts, one fresh worker process per point.

    python benchmarks/threads.py                          # 1 and 2 threads, brianjit only
    python benchmarks/threads.py --threads 1,2,4,8,16 --brian2 --repeats 3

The figure for brianjit is the wall time of the warm run (``net.timings['run']``: with threads,
processor time adds up every thread's time, so it says nothing about speed); for cpp_standalone
the binary's own figure of its simulation loop (``native_run_s``) and the binary's wall time.
The load average of the machine is recorded before and after each point: on a shared machine a
speed-up is only meaningful when the load stays below the number of idle cores. Results go to
``benchmarks/results/threads-<time>.json`` and a table to stdout. Nothing is installed: the
Brian2 target needs ``benchmarks/.venv-brian2`` (see README.md) and a C++ compiler.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from envs import BRIAN2_VENV  # noqa: E402
from worker_common import RESULT_PREFIX  # noqa: E402

#: label -> (model, neurons, biological seconds per run)
POINTS = {
    "cobahh-4k": ("cobahh-1s", 4_000, 1.0),
    "cobahh-40k": ("cobahh-1s", 40_000, 0.2),
    "lif-10k": ("lif", 10_000, 1.0),
    "cuba-4k": ("cuba-1s", 4_000, 1.0),
    "stdp-1000": ("stdp-1000", 1_000, 2.0),
}


def _result(stdout):
    for line in stdout.splitlines():
        if line.startswith(RESULT_PREFIX):
            return json.loads(line[len(RESULT_PREFIX):])
    raise RuntimeError("the worker printed no result line")


def _run(command, env, timeout):
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=timeout,
                          cwd=HERE)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, command))} failed:\n{done.stderr[-3000:]}")
    return _result(done.stdout)


#: runs worker_brianjit.py with every chunk on all threads (no adaptive choice of one thread)
_FIXED = ("import sys, runpy; from brianjit import parallel; "
          "parallel.ThreadedDriver.adaptive = False; sys.argv = sys.argv[1:]; "
          "runpy.run_path(sys.argv[0], run_name='__main__')")


def brianjit_seconds(model, n, duration, threads, timeout, fixed=False):
    env = dict(os.environ, BRIANJIT_THREADS=str(threads))
    worker = [str(HERE / "worker_brianjit.py"), "--model", model, "--n", str(n), "--duration",
              str(duration)]
    result = _run([sys.executable] + (["-c", _FIXED] if fixed else []) + worker, env, timeout)
    return result["details"]["timings_warm_run"]["run"], result["spikes"]


def brian2_seconds(model, n, duration, threads, timeout):
    with tempfile.TemporaryDirectory(prefix="threads-standalone-") as project:
        result = _run([str(BRIAN2_VENV.python), str(HERE / "worker_brian2.py"), "--target",
                       "cpp_standalone", "--project-dir", project, "--openmp-threads",
                       str(threads), "--model", model, "--n", str(n), "--duration",
                       str(duration)], dict(os.environ), timeout)
    return result["native_run_s"], result["spikes"], result["details"]["binary_wall_s"]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", default="1,2", help="thread counts, comma separated")
    parser.add_argument("--points", default=",".join(POINTS),
                        help=f"what to run, comma separated, of: {', '.join(POINTS)}")
    parser.add_argument("--brian2", action="store_true", help="also Brian2 cpp_standalone")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=3600)
    parser.add_argument("--fixed", action="store_true",
                        help="every chunk on all threads (brianjit otherwise uses one thread "
                             "while that measures faster)")
    args = parser.parse_args(argv)
    counts = [int(c) for c in args.threads.split(",")]
    records = []
    for label in args.points.split(","):
        model, n, duration = POINTS[label]
        for threads in counts:
            for target in ["brianjit"] + (["cpp-standalone"] if args.brian2 else []):
                times, extra = [], {}
                load_before = os.getloadavg()[0]
                for _ in range(args.repeats):
                    if target == "brianjit":
                        seconds, spikes = brianjit_seconds(model, n, duration, threads,
                                                           args.timeout, args.fixed)
                    else:
                        seconds, spikes, wall = brian2_seconds(model, n, duration, threads,
                                                               args.timeout)
                        extra.setdefault("binary_wall_s", []).append(wall)
                    times.append(seconds)
                record = dict(point=label, model=model, n=n, duration=duration, target=target,
                              threads=threads, seconds=statistics.median(times), all=times,
                              spikes=spikes, load_before=load_before,
                              load_after=os.getloadavg()[0], fixed=args.fixed, **extra)
                records.append(record)
                print(f"{label:11s} {target:14s} {threads:3d} threads  "
                      f"{record['seconds']:8.3f} s  spikes {spikes}  load "
                      f"{load_before:.1f}->{record['load_after']:.1f}", flush=True)
    print("\nspeed-up over 1 thread (brianjit) and brianjit / cpp_standalone at equal threads")
    for label in args.points.split(","):
        mine = {r["threads"]: r["seconds"] for r in records
                if r["point"] == label and r["target"] == "brianjit"}
        theirs = {r["threads"]: r["seconds"] for r in records
                  if r["point"] == label and r["target"] == "cpp-standalone"}
        cells = []
        for t in counts:
            cell = f"{t}: {mine[1] / mine[t]:.2f}x" if 1 in mine else f"{t}: -"
            if t in theirs:
                cell += f" ({mine[t] / theirs[t]:.2f} of b2)"
            cells.append(cell)
        print(f"  {label:11s} " + "  ".join(cells))
    out = HERE / "results" / f"threads-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"cpus": os.cpu_count(), "records": records}, indent=1))
    print(f"\nJSON: {out}")


if __name__ == "__main__":
    main()
