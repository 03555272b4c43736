"""How a sweep's tasks reach the workers: a first wave that compiles once per machine, then
batches of decreasing size; and what a worker does with a batch.

Measured on the 2-core machine (``benchmarks/sweep.py``, 64 points of a 1 s CUBA of 4,000
neurons): a point costs ~130 ms of processor time once its network is compiled, and Dask costs
~20 ms of the client's processor time per task (scheduling; ``func`` sent with every task, by value
when cloudpickle cannot import it on the workers: 39 kB for the benchmark's), besides the
worker's share. So tasks travel in batches once their duration is known:

1. **First wave.** The first task runs alone on one worker of each machine; the machine's other
   workers import brianjit meanwhile (``_warm_up``). The others find the first task's code in the
   disk cache of machine code instead of compiling the same network at the same moment.
2. **Probes.** Then single tasks, until the first of them has reported how long it ran on its
   worker (the first wave's time includes the compilation, so it says nothing about the others).
3. **Batches.** Guided self-scheduling: a batch holds at most ``1/GUIDED_SHARE`` of the tasks
   left per worker slot, and no more than fit in ``BATCH_SECONDS`` at the mean duration
   measured so far; the last batches are single tasks, so the workers finish together. Two
   batches per worker slot are in flight, so a worker never waits for the client.

The tasks of a batch that did not finish (its worker died too often: Dask's ``KilledWorker``,
which also hits the tasks that were merely waiting on that worker) are sent again one at a time,
with nothing else in flight, so only a task that kills workers on its own is reported failed.
Results do not depend on batching: each task's seed is a function of the sweep's seed and its
parameters alone.
"""
from __future__ import annotations

import collections
import gc
import time
import traceback

__all__ = ["run_tasks", "batch_size", "GUIDED_SHARE", "BATCH_SECONDS"]

#: a batch holds at most this fraction's inverse of the tasks left per worker slot
GUIDED_SHARE = 2
#: a batch lasts about this long (seconds) at the mean task duration measured so far
BATCH_SECONDS = 5.0


def _run_task(func, params: dict, seed_value: int) -> dict:
    """One task, on a worker: a fresh scope, the task's seed, then ``func(**params)``; its
    objects collected afterwards (see ``brianjit.sweeps``, "Isolation")."""
    from .objects.clock import defaultclock
    from .objects.magic import start_scope
    from .objects.seed import seed

    dt = defaultclock.dt
    start_scope()
    seed(seed_value)
    start = time.perf_counter()
    try:
        outcome = {"value": func(**params), "error": None}
    except Exception as exc:  # reported in the task's row; BaseException (Ctrl-C) goes through
        outcome = _failed(exc)
    finally:
        defaultclock.dt = dt
        gc.collect()  # the task's objects hold their names until collected
        gc.freeze()  # what survived is long-lived: the next task's collection skips it
    outcome["seconds"] = time.perf_counter() - start
    return outcome


def _run_batch(func, batch: list) -> list:
    """Tasks ``(index, params, seed)`` one after the other: ``[(index, outcome), ...]``."""
    return [(k, _run_task(func, params, seed_value)) for k, params, seed_value in batch]


def _warm_up() -> None:
    """What a worker does while the first task of its machine compiles."""
    from .objects import magic  # noqa: F401  (imports brianjit)


def batch_size(left: int, slots: int, mean_seconds: float | None) -> int:
    """How many of the ``left`` tasks the next batch takes (see the module docstring)."""
    if mean_seconds is None:
        return 1
    guided = left // (GUIDED_SHARE * max(slots, 1))
    fitting = int(BATCH_SECONDS // mean_seconds) if mean_seconds > 0 else left
    return max(1, min(guided, fitting, left))


def _failed(exc) -> dict:
    return {"value": None, "error": f"{type(exc).__name__}: {exc}",
            "traceback": "".join(traceback.format_exception(exc))}


def _machines(client) -> tuple[list[str], list[str], int]:
    """(one worker per machine, every other worker, the worker slots in all)."""
    first, others, slots = {}, [], 0
    for address, info in sorted(client.scheduler_info()["workers"].items()):
        slots += info.get("nthreads", 1)
        host = info.get("host", address)
        if host in first:
            others.append(address)
        else:
            first[host] = address
    return list(first.values()), others, slots


def run_tasks(client, func, sets: list, seeds: list, on_done) -> list:
    """Run every task; call ``on_done(outcome)`` as each finishes; return the outcomes (dicts
    with ``value``, ``error``, ``seconds`` and, after a failure, ``traceback``) in task order."""
    import distributed

    outcomes = [None] * len(sets)
    firsts, others, slots = _machines(client)
    placed = list(zip(range(len(sets)), firsts or [None]))
    left = collections.deque(range(len(placed), len(sets)))
    durations = []
    pending = set()
    alone = set()  # tasks of a batch that did not finish: they run one by one from then on

    def submit(batch, worker=None):
        placement = {} if worker is None else {"workers": [worker], "allow_other_workers": True}
        future = client.submit(_run_batch, func, [(k, sets[k], seeds[k]) for k in batch],
                               pure=False, **placement)
        future.batch = batch
        pending.add(future)
        return future

    def finish(future):
        pending.discard(future)
        if future.status == "finished":
            results = future.result()
        elif not alone.issuperset(future.batch):  # again, alone: only the culprit fails
            left.extendleft(reversed(future.batch))
            alone.update(future.batch)
            results = []
        else:
            results = [(future.batch[0], _failed(future.exception()))]
        future.release()
        for k, outcome in results:
            outcomes[k] = outcome
            on_done(outcome)

    try:
        first_wave = [submit([k], worker) for k, worker in placed]
        warm = [client.submit(_warm_up, pure=False, workers=[w]) for w in others]
        for future in distributed.as_completed(first_wave):
            finish(future)
        for future in warm:
            future.release()
        flow = distributed.as_completed()
        while left or pending:
            while left and len(pending) < 2 * max(slots, 1):
                if left[0] in alone:  # nothing else in flight: a culprit kills only itself
                    if not pending:
                        flow.add(submit([left.popleft()]))
                    break
                mean = sum(durations) / len(durations) if durations else None
                size = batch_size(len(left), slots, mean)
                batch = [left.popleft()]
                while len(batch) < size and left and left[0] not in alone:
                    batch.append(left.popleft())
                flow.add(submit(batch))
            future = next(flow)
            finish(future)
            durations.extend(outcomes[k]["seconds"] for k in future.batch
                             if outcomes[k] is not None and "seconds" in outcomes[k])
    finally:  # Ctrl-C: leave nothing running on the user's cluster
        if pending:
            client.cancel(list(pending))
    return outcomes
