"""How a sweep's tasks travel (brianjit.sweep_schedule): batches of decreasing size once the
tasks' duration is known, a batch that kills its worker re-run task by task (only the culprit
fails), and a worker's collection after each task that skips what earlier tasks left alive."""
import gc
import json
import os
import subprocess
import sys
import textwrap

import pytest

from brianjit.sweep_schedule import BATCH_SECONDS, GUIDED_SHARE, batch_size


def test_batch_size_is_one_until_a_duration_is_known():
    assert batch_size(100, 2, None) == 1


def test_batch_size_is_guided_and_capped_by_time():
    # a share of what is left per worker slot ...
    assert batch_size(64, 2, 0.001) == 64 // (GUIDED_SHARE * 2)
    # ... no more than fit in BATCH_SECONDS ...
    assert batch_size(10_000, 2, BATCH_SECONDS / 3.5) == 3
    # ... single tasks at the end, and single tasks when one is longer than a batch
    assert batch_size(3, 2, 0.001) == 1
    assert batch_size(100, 2, 10 * BATCH_SECONDS) == 1
    # the sizes of a whole sweep decrease and cover every task exactly once
    left, sizes = 63, []
    while left:
        sizes.append(batch_size(left, 2, 0.01))
        left -= sizes[-1]
    assert sum(sizes) == 63 and sizes == sorted(sizes, reverse=True) and sizes[-1] == 1
    assert len(sizes) < 63 / 2


def test_task_collects_its_objects_then_freezes_the_rest():
    """After a task its cycles are gone (names free again for the next task), and what survived
    is frozen, so the next task's collection does not scan the whole heap again."""
    from brianjit import NeuronGroup
    from brianjit.sweep_schedule import _run_task

    def build():
        group = NeuronGroup(3, "v : 1")
        return group.name

    try:
        first = _run_task(build, {}, 1)
        assert gc.get_freeze_count() > 0
        second = _run_task(build, {}, 2)
    finally:
        gc.unfreeze()
    assert first["error"] is None and second["error"] is None
    assert first["value"] == second["value"] == "neurongroup"
    assert first["seconds"] >= 0


KILLER = textwrap.dedent("""
    import json, os
    import dask, distributed
    from brianjit import sweep

    def task(k):
        if k == 8:
            os._exit(1)  # kills its worker every time
        return k * k

    if __name__ == "__main__":
        # one worker; a task that killed a worker once is given up (KilledWorker)
        with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
            with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                          dashboard_address=None) as cluster, \\
                    distributed.Client(cluster) as client:
                table = sweep(task, [{"k": k} for k in range(12)], client=client, seed=1,
                              progress=False)
        print(json.dumps([(int(k), None if r != r else int(r), e if isinstance(e, str) else None)
                          for k, r, e in zip(table.k, table.result, table.error)]))
""")


def test_batch_with_a_worker_killer_is_rerun_task_by_task(tmp_path):
    pytest.importorskip("distributed")
    pytest.importorskip("pandas")
    script = tmp_path / "killer.py"
    script.write_text(KILLER)
    env = dict(os.environ, BRIANJIT_CACHE_DIR=str(tmp_path / "cache"))
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         timeout=600, env=env)
    assert out.returncode == 0, out.stderr[-3000:]
    rows = json.loads(out.stdout.strip().splitlines()[-1])
    assert [k for k, _, _ in rows] == list(range(12))
    for k, result, error in rows:
        if k == 8:
            assert result is None and error.startswith("KilledWorker")
        else:  # its batch-mates were run again, alone, and succeeded
            assert error is None and result == k * k


def _threads_and_pid():
    import os

    from brianjit.parallel import thread_count
    return {"threads": thread_count(), "pid": os.getpid()}


def test_local_cluster_runs_each_simulation_on_one_thread(monkeypatch):
    """client=None: a cluster of its own (workers forked from a server that imported brianjit),
    one worker process per core, each simulation on one thread (the tasks fill the cores)."""
    pytest.importorskip("distributed")
    pytest.importorskip("pandas")
    cloudpickle = pytest.importorskip("cloudpickle")
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    from brianjit import sweep
    from brianjit.parallel import ENVIRONMENT_VARIABLE
    monkeypatch.delenv(ENVIRONMENT_VARIABLE, raising=False)
    table = sweep(_threads_and_pid, [{}, {}], seed=1, progress=False, workers=1)
    assert table.error.isna().all(), table.attrs["tracebacks"]
    assert list(table.threads) == [1, 1]
    assert table.pid.nunique() == 1 and table.pid[0] != os.getpid()


def test_workers_only_for_the_local_cluster():
    pytest.importorskip("distributed")
    pytest.importorskip("pandas")
    from brianjit import sweep
    with pytest.raises(ValueError, match="workers"):
        sweep(_threads_and_pid, [{}], client="tcp://127.0.0.1:1", workers=2, progress=False)
    with pytest.raises(ValueError, match="positive integer"):
        sweep(_threads_and_pid, [{}], workers=0, progress=False)
