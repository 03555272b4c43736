"""``CudaApi``'s CUDA graphs through ctypes, on a fake driver that runs the host form
(``fake_libcuda``; the runs in a fresh interpreter, ``cuda_graph_scenarios``): every call's
argument types match its C prototype, a graph is a chain of kernel nodes instantiated before its
first replay and destroyed with its program, a chunk of ``n`` steps costs ``n // 64`` replays plus
one per set bit of ``n % 64`` and no kernel launch, the results are the CPU back-end's bits for
any chunking, and a driver without the graph calls (older than CUDA 11.4) launches kernel by
kernel, choosing so once and saying so in the log."""
import ctypes
import json
import os
import sys

import pytest

from brianjit.gpu.driver_api import _KernelNodeParams

from subprocess_script import run_script

HERE = os.path.dirname(os.path.abspath(__file__))


@pytest.fixture(scope="module")
def found():
    out = run_script("import runpy, sys; runpy.run_path(sys.argv[1], run_name='__main__')",
                     os.path.join(HERE, "cuda_graph_scenarios.py"), timeout=600)
    return json.loads(out.strip().splitlines()[-1])


def test_the_node_parameters_have_cuda_h_s_layout():
    """``CUDA_KERNEL_NODE_PARAMS_v2`` (cuda.h): a pointer, seven unsigned ints, four pointers;
    the v1 struct is its prefix up to ``extra``."""
    offsets = {name: getattr(_KernelNodeParams, name).offset
               for name, _ in _KernelNodeParams._fields_}
    assert offsets == {"func": 0, "gridDimX": 8, "gridDimY": 12, "gridDimZ": 16,
                       "blockDimX": 20, "blockDimY": 24, "blockDimZ": 28, "sharedMemBytes": 32,
                       "kernelParams": 40, "extra": 48, "kern": 56, "ctx": 64}
    assert ctypes.sizeof(_KernelNodeParams) == 72 or sys.maxsize < 2**32


def test_a_chunk_is_a_replay_per_64_steps_and_equals_the_cpu(found):
    """Chunks of 1000, 64, 63 and 1 steps."""
    run = found["replays"]
    assert run["graphs"] and run["missing"] == [] and run["replay"] == "graphs"
    assert run["identical"]
    counts, first = run["counts"], run["first"]
    # 1000 = 15 * 64 + 32 + 8; 64; 63 = 32 + 16 + 8 + 4 + 2 + 1; 1
    assert counts["cuGraphLaunch"] == 15 + 2 + 1 + 6 + 1
    # no kernel launched by the host but the device heap's copies (the monitors grew there)
    assert counts.get("cuLaunchKernel", 0) <= 2 * run["arrays"]
    # every graph of 64, 32, ..., 1 steps built once: a node per launch and offset, and ADVANCE
    assert counts["cuGraphAddKernelNode_v2"] == 127 * run["launches_per_step"] + 7
    assert counts["cuGraphCreate"] == counts["cuGraphInstantiateWithFlags"] == 7
    assert (first["cuGraphCreate"] < first["cuGraphAddKernelNode_v2"]
            < first["cuGraphInstantiateWithFlags"] < first["cuGraphLaunch"])
    assert run["destroyed"] == [7, 7]  # with the program


def test_chunks_of_any_length_give_the_same_bits(found):
    assert found["chunkings"] == [True, True, True]


@pytest.mark.parametrize("missing", ["cuGraphInstantiateWithFlags", "cuGraphLaunch"])
def test_a_driver_without_graphs_launches_kernel_by_kernel(found, missing):
    run = found["without"][missing]
    assert not run["graphs"] and run["missing"] == [missing]
    assert run["replay"] == "per-launch" and run["identical"]
    assert any(missing in message for message in run["logged"])
    counts = run["counts"]
    assert "cuGraphLaunch" not in counts and "cuGraphCreate" not in counts
    assert counts["cuLaunchKernel"] >= 200 * run["launches_per_step"] // 2


def test_a_driver_with_the_first_kernel_node_call_uses_it(found):
    """Drivers before CUDA 12 have ``cuGraphAddKernelNode`` only; it reads the v1 fields."""
    run = found["first_kernel_node_call"]
    assert run["graphs"] and run["nodes"] > 0 and run["identical"]


def test_graphs_can_be_declined(found):
    assert found["declined"] == {"replay": "per-launch", "creates": 0}
