"""Brian2's recipe for a parameter sweep, for benchmarks/sweep.py: ``multiprocessing.Pool`` over a
function that builds and runs the network in runtime mode with the Cython target, as in Brian2's
example ``examples/multiprocessing/01_using_cython.py``.

Runs in the Brian2 virtual environment (``benchmarks/.venv-brian2``: Brian2 needs numpy < 2.3), so
it imports nothing of brianjit; the model is benchmarks/models.py's CUBA, the same text brianjit
runs. The Cython cache starts empty (``--cache-dir``, a new folder), as brianjit's disk cache
does, so both pay their compilations. Prints one JSON line: the spike count of every point.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import models  # noqa: E402  (benchmarks/models.py)
from worker_common import spike_count, star_namespace  # noqa: E402


def cuba_point(point):
    """One point (a worker process of the pool runs it): seed, build, run 1 s, count spikes."""
    trial, n, duration, cache_dir = point
    import brian2
    brian2.prefs.codegen.target = "cython"
    brian2.prefs.codegen.runtime.cython.cache_dir = cache_dir
    brian2.start_scope()
    brian2.seed(trial)
    sim = star_namespace(brian2)
    built = models.build_cuba(sim, n)
    sim.Network(*built.objects).run(duration * sim.second)
    return spike_count(built.spikes)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, required=True)
    parser.add_argument("--n", type=int, required=True)
    parser.add_argument("--duration", type=float, required=True)
    parser.add_argument("--workers", type=int, required=True)
    parser.add_argument("--cache-dir", required=True)
    args = parser.parse_args()
    import brian2  # noqa: F401  (imported before the fork, as a user's script does)
    points = [(k, args.n, args.duration, args.cache_dir) for k in range(args.points)]
    with multiprocessing.Pool(args.workers) as pool:
        counts = pool.map(cuba_point, points, chunksize=1)
    print(json.dumps({"spikes": counts}))


if __name__ == "__main__":
    main()
