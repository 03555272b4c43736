"""The kernel emitter's shared pieces (``codegen/kernels.py``): ``emit_kernel``, the one path by
which whole kernels and the ranged parts of a threaded run (``codegen/partition.py``) are
emitted, and ``KernelEmitter.for_range``, which passes every loop hint of
``codegen.loops.for_range`` through."""
import ctypes

import numpy as np
import pytest
from llvmlite import ir

from brianjit import kernel as K
from brianjit.codegen.kernels import RANGED_KERNEL_TYPE, emit_kernel, lower_kernel
from brianjit.jit import compile_ir
from brianjit.memory import DynamicArray
from brianjit.model.symbols import symbol
from brianjit.objects.assembly import SlotTable

v = symbol("v")


def _doubling(n=100):
    """A kernel ``v *= 2`` over ``n`` elements of a fresh array, with its slot table."""
    slots = SlotTable()
    array = DynamicArray(n, dtype=np.float64)
    array.data[:] = np.arange(n)
    kern = K.Kernel("double", K.ForEach(n), {"v": K.ArrayVar("v", slots.slot(array), "float")},
                    [K.Assign("v", v * 2)])
    return kern, slots, array


def _fill(em, independent):
    """A shape lowering that doubles the range's elements through ``em.for_range``."""
    b = em.builder
    data = em.data(em.kernel.variables["v"].slot)
    lo, hi = em.bounds(em.kernel.shape.size)
    with em.for_range(lo, hi, "double", independent=independent) as k:
        p = b.gep(data, [k], source_etype=ir.DoubleType())
        b.store(b.fmul(b.load(p, typ=ir.DoubleType()), ir.Constant(ir.DoubleType(), 2.0)), p)


@pytest.mark.parametrize("independent", [False, True])
def test_emitter_for_range_passes_the_independent_hint(independent):
    kern, slots, array = _doubling()
    module = ir.Module()
    em = emit_kernel(module, kern, "f", lambda em, shape: _fill(em, independent))
    text = str(module)
    assert ("llvm.loop.parallel_accesses" in text) == independent
    assert ("llvm.access.group" in text) == independent
    f = compile_ir(text).cfunc("f", ctypes.c_int32, ctypes.c_void_p, ctypes.c_int64)
    assert f(ctypes.cast(slots.addresses(), ctypes.c_void_p), 0) == 0
    np.testing.assert_array_equal(array.data, 2.0 * np.arange(100))
    assert em.func.name == "f"


def test_emitter_for_range_refuses_scalar_and_independent_together():
    kern, _, _ = _doubling()
    em = emit_kernel(ir.Module(), kern, "f", lambda em, shape: None)
    with pytest.raises(ValueError, match="either scalar or vectorised"):
        with em.for_range(ir.Constant(ir.IntType(64), 0), ir.Constant(ir.IntType(64), 1),
                          scalar=True, independent=True):
            pass


def test_ranged_emission_is_the_whole_kernels_code_on_a_range():
    """``emit_kernel(ranged=True)`` gives the part signature; on [0, n) it computes what
    ``lower_kernel`` computes, and both carry the same function attributes."""
    kern, slots, array = _doubling(10)
    module = ir.Module()
    whole = lower_kernel(module, kern, "whole")
    part = emit_kernel(module, kern, "part", lambda em, shape: _fill(em, False), ranged=True)
    assert part.func.function_type == RANGED_KERNEL_TYPE
    assert part.range == tuple(part.func.args[2:])
    assert "noalias" in part.func.args[0].attributes
    assert "noalias" in whole.args[0].attributes
    compiled = compile_ir(str(module))
    table = ctypes.cast(slots.addresses(), ctypes.c_void_p)
    step = ctypes.c_int64
    compiled.cfunc("whole", ctypes.c_int32, ctypes.c_void_p, step)(table, 0)
    np.testing.assert_array_equal(array.data, 2.0 * np.arange(10))
    compiled.cfunc("part", ctypes.c_int32, ctypes.c_void_p, step, step, step)(table, 0, 3, 7)
    np.testing.assert_array_equal(array.data, np.arange(10) * np.where(
        (np.arange(10) >= 3) & (np.arange(10) < 7), 4.0, 2.0))
