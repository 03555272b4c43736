"""Parameter sweeps on Dask: ``brianjit.sweep(func, params)`` runs ``func(**p)`` for every
parameter set ``p`` on a Dask cluster and returns one pandas DataFrame row per set.

A Brian2 user's sweep is a function that builds a network from some parameters, runs it and
returns numbers. Dask's distributed scheduler already does what a sweep needs (workers on all
cores or many machines, work stealing, re-running the tasks of a worker that died), so this module
only adds what makes the results a function of the parameters alone:

* **Seeds.** Task ``p`` calls ``seed(task_seed(sweep_seed, p))`` before ``func``: a hash of the
  sweep's seed and a canonical text of ``p``. A result does not depend on which worker ran the
  task, in which order, or whether it was retried, and ``seed(row.seed); func(**p)`` reproduces
  any row serially, bit for bit. Identical parameter sets get identical seeds (add a ``trial``
  parameter to repeat a point with other noise).
* **Isolation.** A task starts a new scope (``start_scope()``) and gives ``defaultclock.dt`` back
  as it found it, so what one task leaves behind does not change the next one on the same worker.
  Its objects are collected as it ends (``gc.collect()``: they form reference cycles): until
  then they keep their names (``neurongroup``), the next task's objects would be named
  ``neurongroup_1``, and objects of one time slot run in the order of their names (as in Brian2),
  so a task's results would depend on what ran before it on that worker. What survives the
  collection (modules, caches) is then frozen (``gc.freeze()``), so the next task's collection
  looks only at the objects that task made: a full collection of a worker that has imported
  sympy costs ~50 ms, as much as a short task (a 1 s CUBA: ~130 ms), a frozen one < 1 ms.
  (The price: a frozen object that later becomes part of unreachable cycles is not collected;
  reference counting still frees everything else.)
* **Failures are rows.** An exception in ``func`` is caught in the task and reported in the
  ``error`` column of that task's row (the traceback in ``df.attrs["tracebacks"]``); a worker
  that dies is replaced and its tasks re-run by Dask, and a task that kills workers repeatedly
  (Dask's ``KilledWorker``) is reported the same way. No result is lost.
* **One compilation per machine, few messages.** Workers share the disk cache of machine code
  (``brianjit.diskcache``: same user, same cache folder); the first task runs alone on each
  machine, then the others go out in batches (``brianjit.sweep_schedule``).

Dask and pandas are optional (``pip install "brianjit[sweep]"``) and imported only when a sweep
runs, so ``import brianjit`` does not pay for them.
"""
from __future__ import annotations

import numbers
import os
import sys
import time

from .sweep_params import parameter_sets, task_seed
from .sweep_schedule import run_tasks

__all__ = ["sweep", "task_seed"]

#: columns brianjit adds to rows (``result``: what a function that returns no dict returned), so
#: no parameter may have these names
RESERVED_COLUMNS = ("seed", "error", "result")


def _require(module: str):
    try:
        return __import__(module, fromlist=["_"])
    except ImportError as exc:
        raise ImportError(f"brianjit.sweep needs Dask and pandas ({exc.name} is missing): "
                          f'pip install "brianjit[sweep]"') from exc


def _default_workers() -> int:
    if hasattr(os, "process_cpu_count"):
        return os.process_cpu_count() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


#: what the forkserver that starts the local cluster's workers imports once, for all of them
WORKER_PRELOAD = ("distributed", "brianjit", "sympy")
#: Dask settings of the local cluster: no dashboard, so none of the diagnostics that feed it
#: (the statistical profiler alone, sampling every 10 ms, cost each worker ~35 % more processor
#: time per task; the event-loop tick and the system monitor woke every process 50 and 2 times
#: a second)
LOCAL_CLUSTER_CONFIG = {"distributed.worker.profile.enabled": False,
                        "distributed.admin.tick.interval": "1s",
                        "distributed.admin.system-monitor.interval": "5s"}


def _local_cluster(distributed, workers: int):
    """A cluster of ``workers`` processes on this machine, forked from a server that imported
    Dask and brianjit once (``WORKER_PRELOAD``: each spawned worker paid ~2 s of processor time
    for its imports); spawned where there is no forkserver (Windows). Its simulations run on one
    thread each (unless ``BRIANJIT_THREADS`` says otherwise): the sweep already keeps every core
    busy with a task, and two threads per task on shared cores wait for each other at barriers
    (results are the same on any number of threads)."""
    import multiprocessing

    import dask

    from .parallel import ENVIRONMENT_VARIABLE

    config = dict(LOCAL_CLUSTER_CONFIG)
    if "forkserver" in multiprocessing.get_all_start_methods():
        config["distributed.worker.multiprocessing-method"] = "forkserver"
    with dask.config.set(config):
        if "forkserver" in config.values():
            distributed.utils.get_mp_context()  # Dask sets its preload list first ...
            multiprocessing.get_context("forkserver").set_forkserver_preload(
                list(WORKER_PRELOAD))  # ... which ours replaces (a running server keeps its own)
        return distributed.LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
            env={ENVIRONMENT_VARIABLE: os.environ.get(ENVIRONMENT_VARIABLE, "1")})


def _connect(client, workers):
    """The Dask client to use, and what to close afterwards (only what the sweep opened)."""
    distributed = _require("distributed")
    if workers is not None:
        if client is not None:
            raise ValueError("sweep: workers= is the size of the local cluster the sweep starts; "
                             "it cannot be given with client= (size your cluster yourself)")
        if isinstance(workers, bool) or not isinstance(workers, numbers.Integral) or workers < 1:
            raise ValueError(f"sweep: workers must be a positive integer, not {workers!r}")
    if client is None:
        cluster = _local_cluster(distributed, int(workers or _default_workers()))
        opened = distributed.Client(cluster)
        return opened, [opened, cluster]
    if isinstance(client, str):
        opened = distributed.Client(client)
        return opened, [opened]
    if isinstance(client, distributed.Client):
        return client, []
    raise TypeError(f"client must be None (a local cluster), a dask.distributed Client or a "
                    f"scheduler address such as 'tcp://127.0.0.1:8786', not "
                    f"{type(client).__name__} {client!r}")


class _Progress:
    """tqdm's bar when tqdm is installed, otherwise a line on stderr at most once a second."""

    def __init__(self, total: int, enabled: bool):
        self.total, self.done, self.failed, self.bar, self.last = total, 0, 0, None, 0.0
        self.enabled = enabled
        if enabled:
            try:
                from tqdm.auto import tqdm
            except ImportError:
                return
            self.bar = tqdm(total=total, desc="sweep", unit="task")

    def update(self, failed: bool):
        self.done += 1
        self.failed += failed
        if not self.enabled:
            return
        if self.bar is not None:
            self.bar.update(1)
            if failed:
                self.bar.set_postfix(failed=self.failed)
            return
        now = time.monotonic()
        if now - self.last >= 1.0 or self.done == self.total:
            self.last = now
            sys.stderr.write(f"sweep: {self.done}/{self.total} tasks done"
                             f"{f', {self.failed} failed' if self.failed else ''}\n")

    def close(self):
        if self.bar is not None:
            self.bar.close()


def _table(sets, seeds, outcomes, sweep_seed):
    pd = _require("pandas")
    rows, tracebacks = [], {}
    for k, (params, seed_value, outcome) in enumerate(zip(sets, seeds, outcomes)):
        row = dict(params)
        value, error = outcome["value"], outcome["error"]
        if isinstance(value, dict):
            clash = sorted(set(value) & (set(params) | {"seed", "error"}), key=str)
            if clash:
                error, value = (f"ValueError: func returned {clash[0]!r}, which is also the "
                                f"name of a parameter or of the column 'seed' or 'error'"), None
            else:
                row.update(value)
        elif error is None:
            row["result"] = value
        row["seed"], row["error"] = seed_value, error
        if "traceback" in outcome:
            tracebacks[k] = outcome["traceback"]
        rows.append(row)
    table = pd.DataFrame(rows)
    table.attrs.update(seed=sweep_seed, tracebacks=tracebacks)
    return table


def sweep(func, params, client=None, seed=None, progress=True, workers=None):
    """Run ``func(**p)`` for every parameter set ``p`` of ``params`` on Dask.

    ``params``: a list of dicts (one per task), or a dict of lists (every combination, the last
    name varying fastest). ``func`` returns a dict (one column per key) or anything else (the
    ``result`` column). ``client``: None for a local cluster with one worker process per core
    (started and closed by this call), a ``dask.distributed.Client``, or a scheduler address.
    ``workers``: the number of worker processes of that local cluster (default: one per core;
    only with ``client=None``). ``seed``: the sweep's seed (an integer in [0, 2**32)); None
    draws one, kept in ``df.attrs["seed"]``. ``progress``: a progress bar (tqdm if installed).

    Returns a pandas DataFrame in the order of ``params``: the parameters, the returned values,
    ``seed`` (the task's seed: ``brianjit.seed(row.seed); func(**p)`` repeats the task) and
    ``error`` (None, or the exception of a failed task; tracebacks in ``df.attrs["tracebacks"]``).
    """
    _require("pandas")
    _require("distributed")
    if not callable(func):
        raise TypeError(f"func must be callable, not {type(func).__name__} {func!r}")
    from .objects.seed import SEED_LIMIT
    if seed is None:
        seed = int.from_bytes(os.urandom(4), "little")
    elif (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)
          or not 0 <= int(seed) < SEED_LIMIT):
        raise ValueError(f"seed must be None or an integer between 0 and 2**32 - 1, not {seed!r}")
    sets = parameter_sets(params, RESERVED_COLUMNS)
    seed = int(seed)
    seeds = [task_seed(seed, p) for p in sets]
    dask_client, to_close = _connect(client, workers)
    bar = _Progress(len(sets), bool(progress))
    try:
        outcomes = run_tasks(dask_client, func, sets, seeds,
                             lambda outcome: bar.update(outcome["error"] is not None))
    finally:
        bar.close()
        for thing in to_close:
            thing.close()
    return _table(sets, seeds, outcomes, seed)

