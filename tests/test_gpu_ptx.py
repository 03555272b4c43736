"""Every kernel shape lowers to PTX for an NVIDIA GPU (llvmlite's NVPTX back-end, no toolkit):
for every benchmark model and the networks of the GPU emulation tests, the NVPTX form of the
network verifies, PTX is emitted, it has one ``.entry`` per launch (partitionable kernels one
thread per element, spike compactions a thread per block and a scan, the rest one thread; two more copy and free buffers grown on the device
heap) and leaves to the driver nothing but PTX's system calls
``malloc`` and ``free`` (dynamic-array growth). Running that PTX needs a GPU
(``benchmarks/gpu_check.py``)."""
import json
import os
import sys

import numpy as np
import pytest

import brianjit as b2
from brianjit.devices.device import Device, reset_device, set_device
from brianjit.gpu import lowering, ptx
from brianjit.gpu.targets import EmulatedTarget

import gpu_runs
import threaded_runs
from subprocess_script import run_script


class _PtxChecking(EmulatedTarget):
    """Lowers every network it builds to PTX (kept in ``found``), then runs it emulated."""

    def __init__(self):
        self.found = []

    def build(self, scheduled, *args, **kwargs):
        form = lowering.build_gpu_module(scheduled, "nvptx")
        self.found.append((form.launches, ptx.compile_ptx(str(form.module))))
        return super().build(scheduled, *args, **kwargs)


class _PtxDevice(Device):
    name = "ptx_check"

    def __init__(self):
        super().__init__()
        self.target = _PtxChecking()

    def program_target(self):
        return self.target


@pytest.fixture
def ptx_device():
    device = _PtxDevice()
    set_device(device)
    yield device
    reset_device()


#: the launches of many threads: a thread per element, per block of a spike compaction, or per
#: owner of a synaptic delivery
_PARALLEL = ("_elements", "_count", "_scatter", "_owners")


def _check(found):
    assert found
    for launches, text in found:
        assert ptx.entries(text) == ({launch.name for launch in launches}
                                     | set(lowering.SERVICE_ENTRIES))
        assert ptx.externals(text) <= ptx.PTX_SYSTEM_CALLS
        for launch in launches:
            assert launch.threads >= 1
            if launch.name.endswith(("_serial", "_scan", "_mark", "_unmark")):
                assert launch.threads == 1


def _models():
    sys.path.insert(0, threaded_runs.BENCHMARKS)
    import models
    seen, chosen = set(), []
    for model in models.MODELS.values():
        if model.build not in seen:
            seen.add(model.build)
            chosen.append(model)
    return chosen


#: runs one benchmark model (argv: its name, the tests' directory) in a fresh interpreter, since
#: the models build SpatialNeurons and large groups that the rest of the suite should not share
#: a process with; prints what the PTX-checking device found
MODEL_SCRIPT = r"""
import json, sys
sys.path[:0] = [sys.argv[2], sys.argv[3]]
import brianjit as b2
from brianjit.devices.device import set_device
from brianjit.gpu import ptx
from test_gpu_ptx import _PtxDevice, _models

device = _PtxDevice()
set_device(device)
model, = [m for m in _models() if m.name == sys.argv[1]]
b2.seed(1)
built = model.build(b2, 1000 if model.name.startswith("create") else min(model.n, 200))
if built.connect:
    built.connect()
b2.Network(*built.objects).run(0.2 * b2.ms)
print(json.dumps([[[[launch.name, launch.threads] for launch in launches],
                  sorted(ptx.entries(text)), sorted(ptx.externals(text))]
                 for launches, text in device.target.found]))
"""


@pytest.mark.parametrize("model", _models(), ids=lambda m: m.name)
def test_every_benchmark_model_lowers_to_ptx(model):
    here = os.path.dirname(os.path.abspath(__file__))
    found = json.loads(run_script(MODEL_SCRIPT, model.name, here, threaded_runs.BENCHMARKS,
                                  timeout=600).strip().splitlines()[-1])
    assert found
    for launches, entries, externals in found:
        assert set(entries) == ({name for name, _ in launches}
                                | set(lowering.SERVICE_ENTRIES))
        assert set(externals) <= ptx.PTX_SYSTEM_CALLS
        for name, threads in launches:
            assert threads >= 1 and (threads == 1 or name.endswith(_PARALLEL))


@pytest.mark.parametrize("name", ["delays", "summed", "stdp", "inputs"])
def test_feature_networks_lower_to_ptx(ptx_device, name):
    b2.start_scope()
    b2.seed(1)
    net, _ = gpu_runs.NETWORKS[name](b2)
    net.run(0.2 * b2.ms)
    _check(ptx_device.target.found)
    elements = [launch for launches, _ in ptx_device.target.found for launch in launches
                if launch.name.endswith("_elements")]
    assert elements  # state updates and thresholds run one thread per element


def test_entries_read_the_thread_index_and_stay_inside_the_group():
    kern_text = _one_group_ptx()
    assert "%ctaid.x" in kern_text and "%ntid.x" in kern_text and "%tid.x" in kern_text
    assert "setp" in kern_text  # threads past the last element do nothing


def _one_group_ptx():
    device = _PtxDevice()
    set_device(device)
    try:
        b2.start_scope()
        G = b2.NeuronGroup(1000, "dv/dt = -v/(10*ms) : 1", method="exact")
        G.v = np.linspace(0, 1, 1000)
        b2.Network(G).run(0.1 * b2.ms)
    finally:
        reset_device()
    (launches, text), = device.target.found
    assert [(launch.name, launch.threads) for launch in launches] == [("k0_elements", 1000)]
    return text
