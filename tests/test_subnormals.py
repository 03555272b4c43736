"""Subnormal numbers are flushed to zero inside runs (x86-64), and only there: Python, numpy and
network operations see the caller's floating-point mode."""
import numpy as np
import pytest

from brianjit import NeuronGroup, Network, ms, network_operation, second
from brianjit import jit
from brianjit.jit import compile_ir

pytestmark = pytest.mark.skipif(not jit.flushes_subnormals(),
                                reason="subnormals are flushed on x86-64 only")

_MXCSR = """
declare void @llvm.x86.sse.stmxcsr(ptr)
declare void @llvm.x86.sse.ldmxcsr(ptr)
define i32 @get_mxcsr() {
  %p = alloca i32
  call void @llvm.x86.sse.stmxcsr(ptr %p)
  %v = load i32, ptr %p
  ret i32 %v
}
define void @set_mxcsr(i32 %v) {
  %p = alloca i32
  store i32 %v, ptr %p
  call void @llvm.x86.sse.ldmxcsr(ptr %p)
  ret void
}
"""
FTZ_DAZ = 0x8040
SMALLEST_NORMAL = np.finfo(np.float64).tiny


def _mxcsr():
    import ctypes
    compiled = compile_ir(_MXCSR)
    return (compiled.cfunc("get_mxcsr", ctypes.c_uint32),
            compiled.cfunc("set_mxcsr", None, ctypes.c_uint32))


def _decay(duration, pieces=1, v0=1.0):
    G = NeuronGroup(8, "dv/dt = -v/(1*ms) : 1", method="exact")
    G.v = v0
    net = Network(G)
    for _ in range(pieces):
        net.run(duration / pieces)
    return G.v_[:].copy()


def test_a_decaying_variable_reaches_zero_instead_of_sticking_at_a_subnormal():
    v = _decay(1 * second)  # 1 * exp(-1000): the subnormal range is crossed after 0.71 s
    assert np.all(v == 0.0)


def test_subnormal_initial_values_are_read_as_zero():
    G = NeuronGroup(3, "dv/dt = 0/ms : 1\nw : 1", method="euler")
    G.v = SMALLEST_NORMAL / 8
    G.run_regularly("w = v * 1e18")
    Network(G).run(0.1 * ms)
    assert np.all(G.w_[:] == 0.0)


def test_flushing_does_not_depend_on_chunking():
    whole = _decay(0.8 * second)
    assert np.array_equal(whole, _decay(0.8 * second, pieces=7))


def test_the_callers_floating_point_mode_is_restored_and_python_never_flushes():
    get_mxcsr, set_mxcsr = _mxcsr()
    before = get_mxcsr()
    assert before & FTZ_DAZ == 0
    seen = []
    G = NeuronGroup(4, "dv/dt = -v/(1*ms) : 1", method="exact")
    G.v = 1

    @network_operation(dt=0.1 * second)
    def look():  # Python between two native calls
        seen.append((get_mxcsr(), np.float64(SMALLEST_NORMAL) / 4))

    Network(G, look).run(0.9 * second)
    assert get_mxcsr() == before
    assert all(mode == before and tiny > 0 for mode, tiny in seen)
    assert np.float64(SMALLEST_NORMAL) / 4 > 0


def test_a_caller_that_flushes_itself_keeps_its_mode():
    get_mxcsr, set_mxcsr = _mxcsr()
    before = get_mxcsr()
    try:
        set_mxcsr(before | FTZ_DAZ)
        _decay(1 * ms)
        assert get_mxcsr() == before | FTZ_DAZ
    finally:
        set_mxcsr(before)
    assert get_mxcsr() == before
