"""The GPU form's PTX is found by the kernels' structure (``gpu/ptx_cache.py``): a
``start_scope()`` loop lowers and compiles PTX once, a new parameter value or initial value
does not change the key, a new structure or architecture does; a fresh process finds the PTX
on disk; the CUDA driver loads one module per structure (``CudaApi.load``)."""
import json
import os

import brianjit as b2
from brianjit.devices.device import reset_device, set_device
from brianjit.gpu import ptx_cache
from brianjit.gpu.driver_api import CudaApi

from gpu_runs import RecordingDevice
from subprocess_script import run_script
from test_gpu_device import _RecordingCuda


def _schedules(taus, sizes=None):
    """The schedule of a small network for each ``tau`` (and group size)."""
    device = RecordingDevice()
    set_device(device)
    try:
        for tau, size in zip(taus, sizes or [100] * len(taus)):
            b2.start_scope()
            G = b2.NeuronGroup(size, "dv/dt = (2 - v)/tau : 1", threshold="v > 1",
                               reset="v = 0", method="exact", namespace={"tau": tau})
            G.v = "rand()"
            S = b2.Synapses(G, G, "w : 1", on_pre="v += w")
            S.connect(p=0.1)
            b2.Network(G, S, b2.SpikeMonitor(G)).run(0.2 * b2.ms)
    finally:
        reset_device()
    return device.target.scheduled


def test_a_start_scope_loop_compiles_its_ptx_once():
    first, second, third, bigger = _schedules([10 * b2.ms, 20 * b2.ms, 30 * b2.ms, 10 * b2.ms],
                                              [100, 100, 100, 200])
    keys = {ptx_cache.ptx_key(s, "sm_90") for s in (first, second, third)}
    assert len(keys) == 1 and None not in keys  # parameters are not structure
    assert ptx_cache.ptx_key(bigger, "sm_90") not in keys
    assert ptx_cache.ptx_key(first, "sm_80") not in keys
    before = ptx_cache.ptx_counts()
    key, text = ptx_cache.ptx_for(first, "sm_90")
    after_first = ptx_cache.ptx_counts()
    # the first request lowers, or finds a text another test of this run left on disk
    assert (after_first["compiled"] + after_first["disk"]
            == before["compiled"] + before["disk"] + 1)
    assert ptx_cache.ptx_for(second, "sm_90") == (key, text)
    assert ptx_cache.ptx_for(third, "sm_90") == (key, text)
    after = ptx_cache.ptx_counts()
    assert after["memory"] == after_first["memory"] + 2
    assert after["compiled"] == after_first["compiled"]
    assert ".entry" in text


#: argv: the tests' directory; prints this process's PTX counts after one request
FRESH = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
import brianjit as b2
from brianjit.gpu import ptx_cache
from test_gpu_ptx_cache import _schedules
scheduled, = _schedules([10 * b2.ms])
ptx_cache.ptx_for(scheduled, "sm_90")
print(json.dumps(ptx_cache.ptx_counts()))
"""


def test_a_fresh_process_finds_the_ptx_on_disk(tmp_path, monkeypatch):
    here = os.path.dirname(os.path.abspath(__file__))
    monkeypatch.setenv("BRIANJIT_CACHE_DIR", str(tmp_path / "cache"))
    first = json.loads(run_script(FRESH, here).strip().splitlines()[-1])
    second = json.loads(run_script(FRESH, here).strip().splitlines()[-1])
    assert first == {"memory": 0, "disk": 0, "compiled": 1}
    assert second == {"memory": 0, "disk": 1, "compiled": 0}


def test_the_driver_loads_one_module_per_structure():
    first, second = _schedules([10 * b2.ms, 20 * b2.ms])
    lib = _RecordingCuda()
    api = CudaApi(lib)
    lib.calls.clear()
    assert api.load(first) is api.load(second)
    assert [name for name, _ in lib.calls] == ["cuModuleLoadDataEx"]
