"""The device runtime with CUDA graphs replayed per chunk (``gpu.replay``), through the host twin
of the driver: the benchmark models' bits are the CPU back-end's, replayed or launched kernel by
kernel; a monitor that outgrows its buffer inside one replayed chunk is adopted; a run stopped by
a failed growth stops at the CPU's step with the CPU's error and state (the launches after the
failure do nothing: ``gpu.control``); a change of ``dt`` between runs builds new graphs; and a
chunk costs one replay per 64 steps (plus one per set bit of the rest), not a launch per kernel
per step."""
import gc
import re

import numpy as np
import pytest

import brianjit as b2
from brianjit import memory_budget, prefs
from brianjit.gpu import driver_api, replay
from brianjit.memory_budget import set_memory_limit
from brianjit.objects import stepping

from gpu_runs import run_on_targets

WAYS = [pytest.param(True, id="graphs"), pytest.param(False, id="per-launch")]


@pytest.fixture(autouse=True)
def math_in_ir():
    prefs.codegen.brianjit.math = "ir"
    yield
    prefs.codegen.brianjit.math = "auto"
    prefs.brianjit.gpu = None
    prefs.brianjit.gpu_graphs = True


def _on_host_gpu(graphs):
    prefs.brianjit.gpu = "host"
    prefs.brianjit.gpu_graphs = graphs
    b2.set_device("cuda_standalone")


def _chunks(monkeypatch, size):
    monkeypatch.setattr(stepping, "_FIRST_CHUNK", size)
    monkeypatch.setattr(stepping, "next_chunk", lambda chunk, steps, elapsed: size)


def _spiking(n):
    b2.start_scope()
    G = b2.NeuronGroup(n, "dv/dt = (2 - v)/(5*ms) : 1", threshold="v > 1", reset="v = 0",
                       method="exact")
    G.v = np.linspace(0, 1, n)
    M = b2.SpikeMonitor(G, name="spikes")
    return G, M, b2.Network(G, M)


def _state(G, M, net):
    return [net.t_, np.asarray(G.v).copy(), np.asarray(M.i).copy(), np.asarray(M.t_).copy()]


def _assert_same(a, b):
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)


def test_the_models_replayed_or_launched_equal_the_cpu_back_end():
    names = ("cuba", "cobahh", "stdp", "inputs")
    results = run_on_targets(names, ("cpu", "host", "host-launches"))
    for name in names:
        digests = results[name]
        assert digests["cpu"][1] > 3, (name, digests)
        assert digests["host"] == digests["cpu"], name
        assert digests["host-launches"] == digests["cpu"], name


@pytest.mark.parametrize("graphs", WAYS)
def test_a_monitor_outgrowing_its_buffer_within_a_chunk_is_adopted(monkeypatch, graphs):
    """One chunk of 2,000 steps: the spike monitor grows on the device heap many times over
    inside it (its reserve is a few hundred rows), and the rows come back whole."""
    _chunks(monkeypatch, 2000)
    on_cpu = _spiking(500)
    on_cpu[2].run(200 * b2.ms)
    on_cpu = _state(*on_cpu)
    _on_host_gpu(graphs)
    try:
        G, M, net = _spiking(500)
        net.run(200 * b2.ms)
    finally:
        b2.reset_device()
    assert net._program.driver.replay.name == ("graphs" if graphs else "per-launch")
    assert len(M.i) > 10_000
    _assert_same(_state(G, M, net), on_cpu)


def _until_growth_fails():
    """Run until the spike monitor cannot grow, with room for 10 more ``v``'s in all: it
    fails in its first growth, in the second chunk."""
    G, M, net = _spiking(2000)
    gc.collect()
    set_memory_limit(1 << 40)  # the bytes live now, and the room
    set_memory_limit((1 << 40) - memory_budget.room() + G.v_.nbytes * 10)
    try:
        with pytest.raises(MemoryError, match="spikes") as caught:
            net.run(50 * b2.ms)
    finally:
        set_memory_limit(None)
    return str(caught.value), _state(G, M, net)


def _without_room(message):
    """The message less the room left (the device runtime counts its room its own way)."""
    return re.sub(r"; \d+ bytes may still be allocated, from the limit of \d+ bytes", "", message)


def test_a_failed_growth_stops_at_the_cpu_s_step_with_its_state(monkeypatch):
    """Chunks of 100 steps: the error names the same steps as on the CPU, and the state and
    every record are the CPU's as of the failing step (the launches after the failure did
    nothing), replayed or launched kernel by kernel, with one message."""
    _chunks(monkeypatch, 100)
    message, on_cpu = _until_growth_fails()
    found = {}
    for graphs in (True, False):
        _on_host_gpu(graphs)
        try:
            found[graphs] = _until_growth_fails()
        finally:
            b2.reset_device()
    assert found[True][0] == found[False][0]
    assert _without_room(found[True][0]) == _without_room(message)
    assert "between steps 100 and 200" in message
    for device_message, on_device in found.values():
        assert on_device[0] == on_cpu[0] == pytest.approx(0.01)
        assert len(on_device[2]) > 1000
        _assert_same(on_device, on_cpu)


@pytest.mark.parametrize("monitor_dt, rebuilt", [(None, False), (0.3, True)])
def test_a_change_of_dt_between_runs(monkeypatch, monitor_dt, rebuilt):
    """The default clock's ``dt`` halved between two runs: with every object on it, the same
    program runs on (``dt`` is read from a buffer) and replays its graphs; with a state monitor
    on a clock of its own, the clocks' periods change, so a new program builds graphs of its
    own. The bits are the CPU back-end's either way."""
    built = []
    original = driver_api.HostApi.graph

    def counting(self, launches):
        built.append(launches)
        return original(self, launches)
    monkeypatch.setattr(driver_api.HostApi, "graph", counting)
    programs = []

    def run():
        G, M, net = _spiking(300)
        S = b2.StateMonitor(G, "v", record=[0, 7, 299],
                            dt=monitor_dt * b2.ms if monitor_dt else None)
        net.add(S)
        net.run(7 * b2.ms)
        programs.append((net._program.driver, len(built)))
        b2.defaultclock.dt = 0.05 * b2.ms
        net.run(7 * b2.ms)
        programs.append((net._program.driver, len(built)))
        b2.defaultclock.dt = 0.1 * b2.ms
        return _state(G, M, net) + [np.asarray(S.v).copy(), np.asarray(S.t_).copy()]
    on_cpu = run()
    programs.clear()
    _on_host_gpu(True)
    try:
        on_device = run()
    finally:
        b2.reset_device()
    _assert_same(on_device, on_cpu)
    (first, built_first), (second, built_both) = programs
    assert built_first > 0
    assert (second is not first) == rebuilt
    if rebuilt:
        assert built_both > built_first


class _CountingHostApi(driver_api.HostApi):
    def __init__(self, graphs):
        super().__init__(graphs)
        self.counts = {"launch": 0, "launch_graph": 0}

    def launch(self, function, threads, *args):
        self.counts["launch"] += 1
        return super().launch(function, threads, *args)

    def launch_graph(self, graph):
        self.counts["launch_graph"] += 1
        return super().launch_graph(graph)


@pytest.mark.parametrize("steps", [1, 63, 64, 1000, 5000])
def test_a_chunk_costs_a_replay_per_64_steps(monkeypatch, steps):
    from brianjit.gpu.targets import DeviceTarget
    from test_gpu_device import _DeviceWith
    api = _CountingHostApi(graphs=True)
    G = b2.NeuronGroup(100, "dv/dt = -v/(10*ms) : 1", method="exact")  # no growth: no copies
    net = b2.Network(G)
    _chunks(monkeypatch, steps)
    b2.set_device(_DeviceWith(DeviceTarget(api)))
    try:
        net.run(steps * b2.defaultclock.dt)
    finally:
        b2.reset_device()
    whole, rest = divmod(steps, replay.GRAPH_STEPS)
    assert api.counts == {"launch": 0, "launch_graph": whole + bin(rest).count("1")}
    assert api.counts["launch_graph"] <= steps / 64 + 6
