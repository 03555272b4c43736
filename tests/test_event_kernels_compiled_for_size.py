"""Kernels whose loops run per event (``kernel.EVENT_SHAPES``: resets, spike monitors, spike
generators; not synaptic delivery) are compiled for size when their statements call no function
(issue 8: the SWC benchmark's build), and that changes no result bit."""
import hashlib

import numpy as np
import sympy

import brianjit as bj
from brianjit import kernel as K
from brianjit.codegen.kernels import lower_kernel
from brianjit.model.symbols import symbol
from llvmlite import ir


def _define_line(kern):
    module = ir.Module()
    return str(lower_kernel(module, kern, "f")).splitlines()[0]


def _spike_kernel(statements):
    variables = {"x": K.ArrayVar("x", 1, "float")}
    return K.Kernel("reset", K.ForEachSpike(0, 10, 0, 10), variables, statements)


def test_event_shapes_without_calls_are_compiled_for_size():
    x = symbol("x")
    assert "optsize" in _define_line(_spike_kernel([K.Assign("x", x * 2 + 1)]))
    assert "optsize" in _define_line(_spike_kernel([]))


def test_event_shapes_with_calls_and_element_shapes_keep_o3():
    x = symbol("x")
    # exp vectorised would be libmvec's, whose last bits differ from libm's scalar exp
    assert "optsize" not in _define_line(_spike_kernel([K.Assign("x", sympy.exp(x))]))
    element = K.Kernel("update", K.ForEach(10), {"x": K.ArrayVar("x", 1, "float")},
                       [K.Assign("x", x * 2)])
    assert "optsize" not in _define_line(element)


def test_a_network_of_delivery_resets_and_monitors_keeps_its_bits():
    """Recorded before event kernels were compiled for size (commit 6bf97cd)."""
    bj.start_scope()
    bj.seed(7)
    G = bj.NeuronGroup(300, "dv/dt = (1.2 + ge - v + 0.3*rand())/(10*ms) : 1\n"
                            "dge/dt = -ge/(5*ms) : 1",
                       threshold="v > 1", reset="v = 0.1*(i % 3)", method="euler")
    G.v = np.linspace(0, 1, 300)
    S = bj.Synapses(G, G, "w : 1", on_pre="ge += w")
    S.connect(p=0.1)
    S.w = "0.05 + 0.01*(i % 7)"
    S.delay = "(j % 5)*0.2*ms"
    P = bj.SpikeGeneratorGroup(3, [0, 1, 2, 1], [1, 2, 3, 4] * bj.ms)
    S2 = bj.Synapses(P, G, on_pre="v += 0.5")
    S2.connect(i=[0, 1, 2], j=[0, 10, 20])
    m = bj.SpikeMonitor(G, variables=["ge"])
    bj.Network(G, S, P, S2, m).run(30 * bj.ms)
    def sized(obj):
        return any("optsize" in line for line in obj.code.ir.splitlines()
                   if line.startswith("define"))
    assert sized(m) and not sized(S)   # delivery keeps O3: CUBA's hot loop
    i = np.asarray(m.i[:], dtype=np.int64)
    t = np.asarray(m.t_[:] / 1e-4).round().astype(np.int64)
    digest = hashlib.sha256(i.tobytes() + t.tobytes() + np.asarray(m.ge[:]).tobytes()
                            + np.asarray(G.v[:]).tobytes() + np.asarray(G.ge[:]).tobytes())
    assert (len(i), digest.hexdigest()[:16]) == (4920, "67fb5098f0f8ffc0")
