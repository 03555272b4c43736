"""Parameter sweep: 64 points of a short CUBA network on 2 local Dask workers vs a serial loop.

    python benchmarks/sweep.py                       # 64 points, 4000 neurons, 1 s each
    python benchmarks/sweep.py --n 1000 --duration 0.1 --points 16    # a quick look

Each point is one simulation of benchmarks/models.py's CUBA with its own seed (so its own
connectivity and initial state): exactly the task of a "function of parameters" sweep. The serial
loop runs the same function with the same seeds in this process, so both give the same spike
counts (checked). Printed: wall times of the serial loop and of ``brianjit.sweep`` on a
LocalCluster of ``--workers`` processes (its start-up included, as a user pays it), and the speed-up.
Both start with the disk cache of machine code empty, so each pays one compilation.
"""
from __future__ import annotations

import argparse
import os
import pathlib
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import models  # noqa: E402  (benchmarks/models.py)


def cuba_point(trial, n, duration):
    """One point: build CUBA with ``n`` neurons, run ``duration`` seconds, count spikes."""
    import brianjit as sim
    built = models.build_cuba(sim, n)
    sim.Network(*built.objects).run(duration * sim.second)
    return {"spikes": int(built.spikes.num_spikes)}


def serial_loop(sets, sweep_seed):
    from brianjit import seed, start_scope
    from brianjit.sweeps import task_seed
    counts = []
    for p in sets:
        start_scope()
        seed(task_seed(sweep_seed, p))
        counts.append(cuba_point(**p)["spikes"])
    return counts


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=64)
    parser.add_argument("--n", type=int, default=4000)
    parser.add_argument("--duration", type=float, default=1.0, help="seconds simulated")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    import cloudpickle
    import distributed
    from brianjit import sweep

    cloudpickle.register_pickle_by_value(models)  # workers cannot import benchmarks/models.py
    sets = [{"trial": k, "n": args.n, "duration": args.duration} for k in range(args.points)]
    sweep_seed = 2024
    print(f"{args.points} points of CUBA, {args.n} neurons, {args.duration} s each")

    os.environ["BRIANJIT_CACHE_DIR"] = tempfile.mkdtemp(prefix="brianjit-sweep-serial-")
    t0 = time.perf_counter()
    serial = serial_loop(sets, sweep_seed)
    t_serial = time.perf_counter() - t0
    print(f"serial loop:                {t_serial:7.2f} s")

    os.environ["BRIANJIT_CACHE_DIR"] = tempfile.mkdtemp(prefix="brianjit-sweep-dask-")
    t0 = time.perf_counter()
    with distributed.LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        t_start = time.perf_counter() - t0
        table = sweep(cuba_point, sets, client=client, seed=sweep_seed, progress=False)
    t_sweep = time.perf_counter() - t0
    print(f"sweep, {args.workers} workers:          {t_sweep:7.2f} s "
          f"(cluster start {t_start:.2f} s)")
    print(f"speed-up:                   {t_serial / t_sweep:7.2f}x")
    assert table.error.isna().all(), table.error.dropna().tolist()
    assert list(table.spikes) == serial, "the sweep's results differ from the serial loop's"
    print(f"spike counts identical (mean {sum(serial) / len(serial):.0f} per point)")


if __name__ == "__main__":
    main()
