"""``CudaApi``'s CUDA graphs through ctypes, on a fake driver that runs the host form
(``fake_libcuda``): every call's argument types match its C prototype, a graph is a chain of
kernel nodes instantiated before its first replay and destroyed with its program, a chunk of
``n`` steps costs ``n // 64`` replays plus one per set bit of ``n % 64`` and no kernel launch, the
results are the CPU back-end's bits, and a driver without the graph calls (older than CUDA 11.4)
launches kernel by kernel, choosing so once and saying so in the log."""
import ctypes
import gc

import numpy as np
import pytest

import brianjit as b2
from brianjit import prefs
from brianjit.gpu import replay
from brianjit.gpu.driver_api import _KernelNodeParams
from brianjit.gpu.targets import DeviceTarget
from brianjit.objects import stepping

from fake_libcuda import HostBackedCuda
from test_gpu_device import _DeviceWith


@pytest.fixture(autouse=True)
def math_in_ir():
    prefs.codegen.brianjit.math = "ir"
    yield
    prefs.codegen.brianjit.math = "auto"


def _chunks(monkeypatch, sizes):
    sizes = iter(sizes)
    first = next(sizes)
    monkeypatch.setattr(stepping, "_FIRST_CHUNK", first)
    monkeypatch.setattr(stepping, "next_chunk", lambda chunk, steps, elapsed: next(sizes, 1))


def _network():
    b2.start_scope()
    G = b2.NeuronGroup(300, "dv/dt = (2 - v)/(5*ms) : 1", threshold="v > 1", reset="v = 0",
                       method="exact")
    G.v = np.linspace(0, 1, 300)
    M = b2.SpikeMonitor(G)
    S = b2.StateMonitor(G, "v", record=[0, 299], dt=0.3 * b2.ms)  # a slower clock
    return G, M, S, b2.Network(G, M, S)


def _results(G, M, S):
    return [np.asarray(G.v).copy(), np.asarray(M.i).copy(), np.asarray(M.t_).copy(),
            np.asarray(S.v).copy()]


def _run(api, steps):
    G, M, S, net = _network()
    b2.set_device(_DeviceWith(DeviceTarget(api)))
    try:
        net.run(steps * b2.defaultclock.dt)
    finally:
        b2.reset_device()
    return net, _results(G, M, S)


def _on_cpu(steps):
    G, M, S, net = _network()
    net.run(steps * b2.defaultclock.dt)
    return _results(G, M, S)


def test_the_node_parameters_have_cuda_h_s_layout():
    """``CUDA_KERNEL_NODE_PARAMS_v2`` (cuda.h): a pointer, seven unsigned ints, four pointers;
    the v1 struct is its prefix up to ``extra``."""
    offsets = {name: getattr(_KernelNodeParams, name).offset
               for name, _ in _KernelNodeParams._fields_}
    assert offsets == {"func": 0, "gridDimX": 8, "gridDimY": 12, "gridDimZ": 16,
                       "blockDimX": 20, "blockDimY": 24, "blockDimZ": 28, "sharedMemBytes": 32,
                       "kernelParams": 40, "extra": 48, "kern": 56, "ctx": 64}
    assert ctypes.sizeof(_KernelNodeParams) == 72


def test_a_chunk_is_a_replay_per_64_steps_and_equals_the_cpu(monkeypatch):
    api = HostBackedCuda()
    assert api.graphs and api.missing_graph_calls == ()
    lib = api.lib
    _chunks(monkeypatch, [1000, 64, 63, 1])
    net, on_device = _run(api, 1128)
    program = net._program.driver
    assert program.replay.name == "graphs"
    calls = lib.calls
    launches = [n for n, name in enumerate(calls) if name == "cuGraphLaunch"]
    # 1000 = 15 * 64 + 32 + 8; 64; 63 = 32 + 16 + 8 + 4 + 2 + 1; 1
    assert len(launches) == 15 + 2 + 1 + 6 + 1
    # no kernel launched by the host but the device heap's copies (the monitor grew there)
    assert lib.count("cuLaunchKernel") <= 2 * len(program.arrays)
    # every graph of 64, 32, ..., 1 steps built once: a node per launch and offset, and ADVANCE
    per_step = len(program.replay.launches)
    assert lib.count("cuGraphAddKernelNode_v2") == 127 * per_step + 7
    assert lib.count("cuGraphCreate") == lib.count("cuGraphInstantiateWithFlags") == 7
    assert calls.index("cuGraphInstantiateWithFlags") < launches[0]
    assert calls.index("cuGraphCreate") < calls.index("cuGraphAddKernelNode_v2")
    monkeypatch.undo()
    for a, b in zip(on_device, _on_cpu(1128)):
        np.testing.assert_array_equal(a, b)
    del net, program
    gc.collect()
    assert lib.count("cuGraphExecDestroy") == lib.count("cuGraphDestroy") == 7


def test_chunks_of_any_length_give_the_same_bits(monkeypatch):
    on_cpu = _on_cpu(700)
    for sizes in ([700], [1, 2, 3, 64, 65, 127, 128, 310], [63] * 11 + [7]):
        _chunks(monkeypatch, sizes)
        _, on_device = _run(HostBackedCuda(), 700)
        monkeypatch.undo()
        for a, b in zip(on_device, on_cpu):
            np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("missing", ["cuGraphInstantiateWithFlags", "cuGraphLaunch"])
def test_a_driver_without_graphs_launches_kernel_by_kernel(monkeypatch, missing):
    api = HostBackedCuda(without={missing})
    assert not api.graphs and api.missing_graph_calls == (missing,)
    logged = []
    monkeypatch.setattr(replay.logger, "info", lambda msg, **kw: logged.append(msg))
    _chunks(monkeypatch, [100, 100])
    net, on_device = _run(api, 200)
    assert net._program.driver.replay.name == "per-launch"
    assert any(missing in msg for msg in logged)
    assert api.lib.count("cuGraphLaunch") == api.lib.count("cuGraphCreate") == 0
    assert api.lib.count("cuLaunchKernel") >= 200 * len(net._program.driver.replay.launches) // 2
    monkeypatch.undo()
    for a, b in zip(on_device, _on_cpu(200)):
        np.testing.assert_array_equal(a, b)


def test_a_driver_with_the_first_kernel_node_call_uses_it(monkeypatch):
    """Drivers before CUDA 12 have ``cuGraphAddKernelNode`` only; it reads the v1 fields."""
    api = HostBackedCuda(without={"cuGraphAddKernelNode_v2"})
    assert api.graphs
    _, on_device = _run(api, 100)
    assert api.lib.count("cuGraphAddKernelNode") > 0
    for a, b in zip(on_device, _on_cpu(100)):
        np.testing.assert_array_equal(a, b)


def test_graphs_can_be_declined(monkeypatch):
    prefs.brianjit.gpu_graphs = False
    try:
        api = HostBackedCuda()
        net, _ = _run(api, 10)
    finally:
        prefs.brianjit.gpu_graphs = True
    assert net._program.driver.replay.name == "per-launch"
    assert api.lib.count("cuGraphCreate") == 0
