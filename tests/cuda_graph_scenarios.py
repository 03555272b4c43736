"""Scenarios of ``CudaApi``'s CUDA graphs on the fake driver (``fake_libcuda``), run in a fresh
interpreter by tests/test_gpu_graphs_cuda_api.py (a wrong pointer in the ctypes packing would
crash the interpreter, not fail a test). Each returns what its test checks, as JSON values;
``python cuda_graph_scenarios.py`` prints them all as one JSON object.
"""
import gc
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import brianjit as b2  # noqa: E402
from brianjit import prefs  # noqa: E402
from brianjit.gpu import replay  # noqa: E402
from brianjit.gpu.targets import DeviceTarget  # noqa: E402
from brianjit.objects import stepping  # noqa: E402

from fake_libcuda import HostBackedCuda  # noqa: E402
from test_gpu_device import _DeviceWith  # noqa: E402


def _chunks(sizes):
    """Chunks of these sizes (then of 1 step)."""
    sizes = iter(sizes)
    stepping._FIRST_CHUNK = next(sizes)
    stepping.next_chunk = lambda chunk, steps, elapsed: next(sizes, 1)


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


def _run(api, steps, chunks):
    _chunks(chunks)
    G, M, S, net = _network()
    b2.set_device(_DeviceWith(DeviceTarget(api)))
    try:
        net.run(steps * b2.defaultclock.dt)
    finally:
        b2.reset_device()
    return net, _results(G, M, S)


_cpu = {}


def _equals_cpu(results, steps):
    if steps not in _cpu:
        _chunks([steps])
        G, M, S, net = _network()
        net.run(steps * b2.defaultclock.dt)
        _cpu[steps] = _results(G, M, S)
    return all(np.array_equal(a, b) for a, b in zip(results, _cpu[steps]))


def replays():
    api = HostBackedCuda()
    lib = api.lib
    net, results = _run(api, 1128, [1000, 64, 63, 1])
    program = net._program.driver
    calls = list(lib.calls)
    found = {"graphs": api.graphs, "missing": list(api.missing_graph_calls),
             "replay": program.replay.name, "identical": _equals_cpu(results, 1128),
             "launches_per_step": len(program.replay.launches), "arrays": len(program.arrays),
             "counts": {name: calls.count(name) for name in set(calls)},
             "first": {name: calls.index(name) for name in set(calls)}}
    del net, program
    gc.collect()
    found["destroyed"] = [lib.count("cuGraphExecDestroy"), lib.count("cuGraphDestroy")]
    return found


def chunkings():
    return [_equals_cpu(_run(HostBackedCuda(), 700, sizes)[1], 700)
            for sizes in ([700], [1, 2, 3, 64, 65, 127, 128, 310], [63] * 11 + [7])]


def without(missing):
    api = HostBackedCuda(without={missing})
    logged = []
    info = replay.logger.info
    replay.logger.info = lambda msg, **kw: logged.append(msg)
    try:
        net, results = _run(api, 200, [100, 100])
    finally:
        replay.logger.info = info
    program = net._program.driver
    return {"graphs": api.graphs, "missing": list(api.missing_graph_calls),
            "replay": program.replay.name, "logged": logged,
            "launches_per_step": len(program.replay.launches),
            "counts": {name: api.lib.count(name) for name in set(api.lib.calls)},
            "identical": _equals_cpu(results, 200)}


def first_kernel_node_call():
    api = HostBackedCuda(without={"cuGraphAddKernelNode_v2"})
    _, results = _run(api, 100, [100])
    return {"graphs": api.graphs, "nodes": api.lib.count("cuGraphAddKernelNode"),
            "identical": _equals_cpu(results, 100)}


def declined():
    prefs.brianjit.gpu_graphs = False
    try:
        api = HostBackedCuda()
        net, _ = _run(api, 10, [10])
    finally:
        prefs.brianjit.gpu_graphs = True
    return {"replay": net._program.driver.replay.name,
            "creates": api.lib.count("cuGraphCreate")}


if __name__ == "__main__":
    prefs.codegen.brianjit.math = "ir"
    print(json.dumps({"replays": replays(), "chunkings": chunkings(),
                      "without": {m: without(m) for m in ("cuGraphInstantiateWithFlags",
                                                          "cuGraphLaunch")},
                      "first_kernel_node_call": first_kernel_node_call(),
                      "declined": declined()}))
