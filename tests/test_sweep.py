"""brianjit.sweep on Dask: results equal a serial loop bit for bit, whatever ran where; failures
are rows; a crashed worker loses nothing; one compilation per machine; an external scheduler and
worker (the `dask` command line) are used through their address. Also: forked children of an
unseeded script draw different random numbers (multiprocessing, joblib), and run(report='tqdm')."""
import json
import os
import subprocess
import sys
import textwrap
import time

import pytest

from brianjit.sweep_params import parameter_sets, task_seed

distributed = pytest.importorskip("distributed")
pd = pytest.importorskip("pandas")
cloudpickle = pytest.importorskip("cloudpickle")

# the tasks below are this module's functions: send them to workers by value (workers cannot
# import the tests)
cloudpickle.register_pickle_by_value(sys.modules[__name__])


def noisy(tau_ms, sigma):
    """A small noisy network: every number depends on the seed."""
    from brianjit import Network, NeuronGroup, SpikeMonitor, jit, ms
    before = jit.compile_counts()["compiled"]
    group = NeuronGroup(20, "dv/dt = -v/tau + sigma*xi*tau**-0.5 : 1", threshold="v > 1",
                        reset="v = 0", method="euler",
                        namespace={"tau": tau_ms * ms, "sigma": sigma})
    group.v = "rand()"
    spikes = SpikeMonitor(group)
    Network(group, spikes).run(10 * ms)
    return {"v_sum": float(group.v[:].sum()), "spikes": int(spikes.num_spikes),
            "compiled": jit.compile_counts()["compiled"] - before}


def fails_for_two(tau_ms, sigma):
    if tau_ms == 2:
        raise ValueError(f"no good: tau_ms={tau_ms}")
    return noisy(tau_ms, sigma)["v_sum"]


def crashes_once(marker, tau_ms, sigma):
    """Kills its worker process the first time it runs (a segfault, an OOM kill)."""
    if tau_ms == 3 and not os.path.exists(marker):
        open(marker, "w").close()
        os._exit(1)
    return noisy(tau_ms, sigma)


PARAMS = {"tau_ms": [1, 2, 3, 4], "sigma": [0.5, 1.5]}
SEED = 1234


def serial(func, sets, sweep_seed, **extra):
    from brianjit import seed, start_scope
    rows = []
    for p in sets:
        start_scope()
        seed(task_seed(sweep_seed, p))
        rows.append(func(**extra, **p))
    return rows


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """Two worker processes with a cache of machine code of their own (empty at the start)."""
    old = os.environ.get("BRIANJIT_CACHE_DIR")
    os.environ["BRIANJIT_CACHE_DIR"] = str(tmp_path_factory.mktemp("sweep-cache"))
    try:
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                      dashboard_address=None) as local, \
                distributed.Client(local) as client:
            yield client
    finally:
        if old is None:
            os.environ.pop("BRIANJIT_CACHE_DIR", None)
        else:
            os.environ["BRIANJIT_CACHE_DIR"] = old


def test_sweep_equals_serial_and_compiles_once(cluster):
    from brianjit import sweep
    table = sweep(noisy, PARAMS, client=cluster, seed=SEED, progress=False)
    sets = parameter_sets(PARAMS)
    assert table[["tau_ms", "sigma"]].to_dict("records") == sets
    assert table.error.isna().all()
    assert list(table.seed) == [task_seed(SEED, p) for p in sets]
    assert table.attrs["seed"] == SEED
    expected = serial(noisy, sets, SEED)
    assert list(table.v_sum) == [r["v_sum"] for r in expected]  # bit for bit
    assert list(table.spikes) == [r["spikes"] for r in expected]
    assert len(set(table.v_sum)) == len(sets)  # the seeds differ between tasks
    # the first task compiled the network; every other one found its code (in memory or on disk)
    assert table.compiled.iloc[0] >= 1
    assert table.compiled.iloc[1:].sum() == 0


def test_failed_task_is_a_row_with_its_parameters(cluster, capsys):
    from brianjit import sweep
    table = sweep(fails_for_two, [{"tau_ms": t, "sigma": 1.0} for t in (1, 2, 3)],
                  client=cluster, seed=SEED, progress=True)
    if "tqdm" in sys.modules:  # the progress bar counts the failure
        err = capsys.readouterr().err
        assert "3/3" in err and "failed=1" in err
    assert list(table.tau_ms) == [1, 2, 3]
    assert table.error[1] == "ValueError: no good: tau_ms=2"
    assert "raise ValueError" in table.attrs["tracebacks"][1]
    assert table.error[[0, 2]].isna().all()
    assert pd.isna(table.result[1]) and not table.result[[0, 2]].isna().any()


def test_killed_worker_loses_no_result(cluster, tmp_path):
    from brianjit import sweep
    marker = str(tmp_path / "crashed")
    sets = [{"marker": marker, "tau_ms": t, "sigma": 1.0} for t in (1, 2, 3, 4)]
    table = sweep(crashes_once, sets, client=cluster, seed=SEED, progress=False)
    assert os.path.exists(marker)  # a worker did die
    assert table.error.isna().all()
    # the retried task had the same seed: the serial loop (which no longer crashes, the marker
    # exists) computes the same numbers
    assert list(table.v_sum) == [r["v_sum"] for r in serial(crashes_once, sets, SEED)]


def test_external_scheduler_and_worker_by_address(tmp_path):
    from brianjit import sweep
    scheduler_file = tmp_path / "scheduler.json"
    # the scheduler and the worker import this module, as a user's cluster imports theirs
    here = os.path.dirname(os.path.abspath(__file__))
    env = dict(os.environ, BRIANJIT_CACHE_DIR=str(tmp_path / "cache"),
               PYTHONPATH=os.pathsep.join([here, os.environ.get("PYTHONPATH", "")]))
    common = ["--scheduler-file", str(scheduler_file), "--no-dashboard"]
    scheduler = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler",
                                  "--host", "127.0.0.1", "--port", "0", *common], env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    worker = None
    try:
        deadline, address = time.monotonic() + 180, None
        while address is None and time.monotonic() < deadline:
            try:  # the scheduler writes its address when it is listening
                address = json.loads(scheduler_file.read_text())["address"]
            except (FileNotFoundError, ValueError, KeyError):
                time.sleep(0.1)
        assert address is not None, "the scheduler did not start"
        worker = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker",
                                   "--nthreads", "1", "--nworkers", "1", *common], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with distributed.Client(address, timeout=180) as client:
            client.wait_for_workers(1, timeout=180)
        sets = [{"tau_ms": 2, "sigma": 1.0}, {"tau_ms": 3, "sigma": 0.5}]
        table = sweep(noisy, sets, client=address, seed=SEED, progress=False)
        assert table.error.isna().all(), table.attrs["tracebacks"]
        assert list(table.v_sum) == [r["v_sum"] for r in serial(noisy, sets, SEED)]
    finally:
        for process in (worker, scheduler):
            if process is not None:
                process.terminate()
                try:
                    process.wait(30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def test_parameter_sets():
    assert parameter_sets({"a": [1, 2], "b": ["x", "y"]}) == [
        {"a": 1, "b": "x"}, {"a": 1, "b": "y"}, {"a": 2, "b": "x"}, {"a": 2, "b": "y"}]
    assert parameter_sets([{"a": 1}, {"a": 2, "b": 3}]) == [{"a": 1}, {"a": 2, "b": 3}]
    with pytest.raises(TypeError, match="list of values"):
        parameter_sets({"a": 1})
    with pytest.raises(TypeError, match=r"params\[1\]"):
        parameter_sets([{"a": 1}, 2])
    with pytest.raises(ValueError, match="'seed'"):
        parameter_sets([{"seed": 1}], reserved=("seed", "error"))
    with pytest.raises(TypeError, match="'f'.*reproducible seed"):
        parameter_sets([{"f": object()}])


def test_task_seed_is_a_function_of_the_values():
    from brianjit import ms, second
    import numpy as np
    assert task_seed(1, {"a": 1, "b": 2.5}) == task_seed(1, {"b": 2.5, "a": 1})
    assert task_seed(1, {"a": 1}) != task_seed(2, {"a": 1})
    assert task_seed(1, {"a": 1}) != task_seed(1, {"a": 1.0})
    assert task_seed(1, {"t": 10 * ms}) == task_seed(1, {"t": 0.01 * second})
    assert task_seed(1, {"t": 10 * ms}) != task_seed(1, {"t": 0.01})
    assert task_seed(1, {"x": np.arange(3)}) == task_seed(1, {"x": np.arange(3)})
    assert task_seed(1, {"a": np.int64(3)}) == task_seed(1, {"a": 3})
    assert 0 <= task_seed(7, {"a": "x"}) < 2**32
    # the same in another process (no per-process salt)
    out = subprocess.run([sys.executable, "-c", "from brianjit.sweep_params import task_seed;"
                          "print(task_seed(7, {'a': 'x', 'b': [1, 2.0]}))"],
                         capture_output=True, text=True, check=True)
    assert int(out.stdout) == task_seed(7, {"a": "x", "b": [1, 2.0]})


def test_sweep_refuses_bad_arguments():
    from brianjit import sweep
    with pytest.raises(TypeError, match="callable"):
        sweep(3, [{"a": 1}], progress=False)
    with pytest.raises(ValueError, match="seed"):
        sweep(noisy, [{"a": 1}], seed=-1, progress=False)
    with pytest.raises(TypeError, match="client"):
        sweep(noisy, [{"a": 1}], client=3, seed=1, progress=False)


def test_sweep_without_dask_says_what_to_install(monkeypatch):
    from brianjit import sweep
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(ImportError, match=r'pip install "brianjit\[sweep\]"'):
        sweep(noisy, [{"tau_ms": 1, "sigma": 1.0}])


FORK_SCRIPT = textwrap.dedent("""
    import json, multiprocessing, sys
    from brianjit import NeuronGroup, seed

    def draw(_):
        group = NeuronGroup(4, "v : 1")
        group.v = "rand()"
        return [float(x) for x in group.v[:]]

    if __name__ == "__main__":
        pool, parent_seed = sys.argv[1], sys.argv[2]
        if parent_seed != "none":
            seed(int(parent_seed))
        draw(0)  # the parent has drawn: its generator state exists before the fork
        if pool == "multiprocessing":
            with multiprocessing.get_context("fork").Pool(2) as workers:
                draws = workers.map(draw, [0, 1], chunksize=1)
        else:  # joblib's backend: "multiprocessing" (forked) or "loky" (fresh processes)
            from joblib import Parallel, delayed
            backend = pool.split("-")[1]
            draws = Parallel(n_jobs=2, backend=backend)(delayed(draw)(k) for k in range(2))
        print(json.dumps(draws))
""")


@pytest.mark.skipif(not hasattr(os, "register_at_fork"), reason="no fork on this platform")
@pytest.mark.parametrize("pool, parent_seed, same", [
    ("multiprocessing", "none", False), ("multiprocessing", "5", True),
    ("joblib-multiprocessing", "none", False), ("joblib-multiprocessing", "5", True),
    ("joblib-loky", "none", False)])
def test_forked_children_draw_fresh_numbers_unless_seeded(tmp_path, pool, parent_seed, same):
    """Unseeded: fresh entropy in each child. Seeded: forked children repeat the parent's
    numbers, as in Brian2. (loky's workers are fresh processes, not forks.)"""
    if pool.startswith("joblib"):
        pytest.importorskip("joblib")
    script = tmp_path / "fork.py"
    script.write_text(FORK_SCRIPT)
    out = subprocess.run([sys.executable, str(script), pool, parent_seed], capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    first, second = json.loads(out.stdout.strip().splitlines()[-1])
    assert (first == second) is same


def test_run_report_tqdm(capsys):
    pytest.importorskip("tqdm")
    from brianjit import Network, NeuronGroup, ms
    group = NeuronGroup(2, "dv/dt = -v/(10*ms) : 1")
    Network(group).run(2 * ms, report="tqdm")
    err = capsys.readouterr().err
    assert "100%" in err and "0.002/0.002 s simulated" in err
