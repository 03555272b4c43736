"""The device runtime (``brianjit.gpu.runtime``) through the host twin of the CUDA driver: state
copied to "device" memory and back every chunk, monitors that grow on the device adopted into
the host arrays users see, errors of native growth reported as on the CPU."""
import numpy as np
import pytest

import brianjit as b2
from brianjit import prefs
from brianjit.gpu import runtime
from brianjit.memory_budget import set_memory_limit


@pytest.fixture(autouse=True)
def math_in_ir():
    """The GPU has math written in IR only: the CPU back-end computes with the same."""
    prefs.codegen.brianjit.math = "ir"
    yield
    prefs.codegen.brianjit.math = "auto"


@pytest.fixture
def host_gpu():
    prefs.brianjit.gpu = "host"
    b2.set_device("cuda_standalone")
    yield
    b2.reset_device()
    prefs.brianjit.gpu = None


def _spiking(n=500):
    b2.start_scope()
    G = b2.NeuronGroup(n, "dv/dt = (2 - v)/(5*ms) : 1", threshold="v > 1", reset="v = 0",
                       method="exact")
    G.v = np.linspace(0, 1, n)
    return G, b2.SpikeMonitor(G)


def _run_spiking(chunks):
    G, M = _spiking()
    for _ in range(chunks):
        b2.run(2 * b2.ms)
    return np.asarray(G.v), np.asarray(M.i), np.asarray(M.t_)


def test_a_monitor_grown_on_the_device_is_adopted_and_equals_the_cpu(host_gpu, monkeypatch):
    adopted = []
    original = runtime._DeviceArray._adopt_grown

    def counting(self, mirror, heap):
        adopted.append(mirror.capacity)
        return original(self, mirror, heap)
    monkeypatch.setattr(runtime._DeviceArray, "_adopt_grown", counting)
    on_device = _run_spiking(3)
    assert adopted  # the spike monitor grew in native code on the "device"
    b2.reset_device()
    on_cpu = _run_spiking(3)
    b2.set_device("cuda_standalone")
    for a, b in zip(on_device, on_cpu):
        np.testing.assert_array_equal(a, b)
    assert len(on_device[1]) > 500


def test_values_set_between_runs_reach_the_device(host_gpu):
    b2.start_scope()
    G = b2.NeuronGroup(10, "dv/dt = -v/(10*ms) : 1", method="exact")
    G.v = 1
    b2.run(1 * b2.ms)
    G.v = 2
    b2.run(1 * b2.ms)
    np.testing.assert_allclose(G.v, 2 * np.exp(-0.1), rtol=1e-12)


def test_a_monitor_that_cannot_grow_is_a_memory_error_naming_it(host_gpu):
    G, M = _spiking(2000)
    set_memory_limit(G.v_.nbytes * 40)
    try:
        with pytest.raises(MemoryError, match="spikemonitor"):
            b2.run(50 * b2.ms)
    finally:
        set_memory_limit(None)


def test_a_network_continues_on_the_gpu_where_the_cpu_left_it():
    """The device is part of the network's key: switching it between two runs rebuilds the
    program, and the state carries over (3 ms on the CPU + 7 ms on the GPU = 10 ms on the CPU)."""
    prefs.brianjit.gpu = "host"
    try:
        G, M = _spiking()
        net = b2.Network(G, M)
        net.run(3 * b2.ms)
        b2.set_device("cuda_standalone")
        try:
            net.run(7 * b2.ms)
        finally:
            b2.reset_device()
        split = np.asarray(G.v), np.asarray(M.i), np.asarray(M.t_)
        G, M = _spiking()
        b2.Network(G, M).run(10 * b2.ms)
        for a, b in zip(split, (np.asarray(G.v), np.asarray(M.i), np.asarray(M.t_))):
            np.testing.assert_array_equal(a, b)
    finally:
        prefs.brianjit.gpu = None


def test_chunks_of_one_to_three_steps_change_nothing(host_gpu, monkeypatch):
    """Every chunk uploads and downloads the whole state and adopts what grew on the device:
    cutting the run into chunks of 1-3 steps gives the bits of the CPU back-end's run."""
    from brianjit.objects import stepping
    sizes = iter(range(10**9))
    monkeypatch.setattr(stepping, "_FIRST_CHUNK", 1)
    monkeypatch.setattr(stepping, "next_chunk", lambda chunk, steps, elapsed: 1 + next(sizes) % 3)
    on_device = _run_spiking(2)
    monkeypatch.undo()
    b2.reset_device()
    on_cpu = _run_spiking(2)
    b2.set_device("cuda_standalone")
    for a, b in zip(on_device, on_cpu):
        np.testing.assert_array_equal(a, b)
