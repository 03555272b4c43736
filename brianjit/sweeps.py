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
  ``neurongroup_1``, and since names are part of the generated IR, the next task would compile
  its network again instead of finding it in the worker's cache.
* **Failures are rows.** An exception in ``func`` is caught in the task and reported in the
  ``error`` column of that task's row (the traceback in ``df.attrs["tracebacks"]``); a worker
  that dies is replaced and its tasks re-run by Dask, and a task that kills workers repeatedly
  (Dask's ``KilledWorker``) is reported the same way. No result is lost.
* **One compilation per machine.** Workers share the disk cache of machine code
  (``brianjit.diskcache``: same user, same cache folder). The first task of the sweep runs alone
  on each machine (``_first_wave``) before the others are submitted, so the other workers find its
  code on disk instead of compiling the same network at the same moment.

Dask and pandas are optional (``pip install "brianjit[sweep]"``) and imported only when a sweep
runs, so ``import brianjit`` does not pay for them.
"""
from __future__ import annotations

import gc
import numbers
import os
import sys
import time
import traceback

from .sweep_params import parameter_sets, task_seed

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


def _run_task(func, params: dict, seed_value: int):
    """One task, on a worker: a fresh scope, the task's seed, then ``func(**params)``."""
    from .objects.clock import defaultclock
    from .objects.magic import start_scope
    from .objects.seed import seed

    dt = defaultclock.dt
    start_scope()
    seed(seed_value)
    try:
        return {"value": func(**params), "error": None}
    except Exception as exc:  # reported in the task's row; BaseException (Ctrl-C) goes through
        return {"value": None, "error": f"{type(exc).__name__}: {exc}",
                "traceback": traceback.format_exc()}
    finally:
        defaultclock.dt = dt
        gc.collect()  # the task's objects hold their names until collected; see the docstring


def _default_workers() -> int:
    if hasattr(os, "process_cpu_count"):
        return os.process_cpu_count() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def _connect(client):
    """The Dask client to use, and what to close afterwards (only what the sweep opened)."""
    distributed = _require("distributed")
    if client is None:
        cluster = distributed.LocalCluster(n_workers=_default_workers(), threads_per_worker=1,
                                           processes=True, dashboard_address=None)
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


def _first_wave(client, count: int) -> list[tuple[int, str | None]]:
    """(task, worker) pairs to run before all others: one task per machine, on one of its
    workers, so that each machine compiles the sweep's networks once."""
    hosts = {}
    for address, info in sorted(client.scheduler_info()["workers"].items()):
        hosts.setdefault(info.get("host", address), address)
    if not count:
        return []
    return list(zip(range(count), hosts.values())) or [(0, None)]


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


def _outcome(future) -> dict:
    """A finished future's result, or the error that ended it (``KilledWorker`` ...)."""
    if future.status == "finished":
        return future.result()
    exc = future.exception()
    return {"value": None, "error": f"{type(exc).__name__}: {exc}",
            "traceback": "".join(traceback.format_exception(exc))}


def _gather(client, func, sets, seeds, progress):
    distributed = _require("distributed")
    outcomes = [None] * len(sets)

    def submit(k, worker=None):
        placement = {} if worker is None else {"workers": [worker], "allow_other_workers": True}
        future = client.submit(_run_task, func, sets[k], seeds[k], pure=False, **placement)
        future.task_index = k
        return future

    first = _first_wave(client, len(sets))
    waves = (lambda: [submit(k, w) for k, w in first],
             lambda: [submit(k) for k in range(len(first), len(sets))])
    for wave in waves:  # the second is submitted when the first has finished
        pending = set(wave())
        try:
            for future in distributed.as_completed(list(pending)):
                pending.discard(future)
                k = future.task_index
                outcomes[k] = _outcome(future)
                progress.update(outcomes[k]["error"] is not None)
                future.release()
        finally:  # Ctrl-C: leave nothing running on the user's cluster
            if pending:
                client.cancel(list(pending))
    return outcomes


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


def sweep(func, params, client=None, seed=None, progress=True):
    """Run ``func(**p)`` for every parameter set ``p`` of ``params`` on Dask.

    ``params``: a list of dicts (one per task), or a dict of lists (every combination, the last
    name varying fastest). ``func`` returns a dict (one column per key) or anything else (the
    ``result`` column). ``client``: None for a local cluster with one worker process per core
    (started and closed by this call), a ``dask.distributed.Client``, or a scheduler address.
    ``seed``: the sweep's seed (an integer in [0, 2**32)); None draws one, kept in
    ``df.attrs["seed"]``. ``progress``: a progress bar (tqdm if installed).

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
    dask_client, to_close = _connect(client)
    bar = _Progress(len(sets), bool(progress))
    try:
        outcomes = _gather(dask_client, func, sets, seeds, bar)
    finally:
        bar.close()
        for thing in to_close:
            thing.close()
    return _table(sets, seeds, outcomes, seed)

