"""The room native growth has on the device (``DeviceProgram._room``): the process's memory
budget (grown rows are copied into host arrays at the chunk's end), at most the driver's heap;
a monitor that outgrows the device heap is a MemoryError naming it, as on the CPU."""
import pytest

import brianjit as b2
from brianjit import memory_budget
from brianjit.gpu import driver_api

from test_gpu_runtime_host import _spiking, host_gpu  # noqa: F401  (a fixture)


def _network():
    G, M = _spiking(2000)
    return G, M, b2.Network(G, M)


def test_the_room_is_the_budget_at_most_the_heap(host_gpu, monkeypatch):
    G, M, net = _network()
    net.run(0.1 * b2.ms)
    program = net._program.driver
    memory_budget.set_memory_limit(10 << 20)
    try:
        assert program._room() == memory_budget.room()
    finally:
        memory_budget.set_memory_limit(None)
    monkeypatch.setattr(program.api, "heap_bytes", 12345)  # (the device keeps its api)
    assert program._room() == 12345


def test_a_monitor_that_outgrows_the_device_heap_is_a_memory_error(host_gpu, monkeypatch):
    monkeypatch.setattr(driver_api.HostApi, "heap_bytes", 64 << 10)
    G, M, net = _network()
    with pytest.raises(MemoryError, match="spikemonitor"):
        net.run(50 * b2.ms)
