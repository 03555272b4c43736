"""Loops marked compact (``codegen.loops.for_range(..., compact=True)``: a threshold's test,
when it calls no function) are vectorised with one copy of the
vector body: neither interleaved nor unrolled, less code for LLVM to compile, the same results."""
import ctypes

import numpy as np
import pytest
import sympy
from llvmlite import ir

from brianjit import kernel as K
from brianjit.codegen.kernels import lower_kernel
from brianjit.codegen.loops import for_range
from brianjit.jit import compile_ir
from brianjit.model.symbols import symbol
from test_loop_shapes import Harness

F64, I64, I8, PTR = ir.DoubleType(), ir.IntType(64), ir.IntType(8), ir.PointerType()


def _test_function(module, name, **hint):
    """``void name(ptr mask, ptr v, i64 n)``: mask[k] = v[k] > 0.5, a threshold's test."""
    fn = ir.Function(module, ir.FunctionType(ir.VoidType(), [PTR, PTR, I64]), name=name)
    mask, v, n = fn.args
    mask.add_attribute("noalias")
    b = ir.IRBuilder(fn.append_basic_block("entry"))
    with for_range(b, ir.Constant(I64, 0), n, name="test", **hint) as k:
        x = b.load(b.gep(v, [k], source_etype=F64), typ=F64)
        fired = b.fcmp_ordered(">", x, ir.Constant(F64, 0.5))
        b.store(b.zext(fired, I8), b.gep(mask, [k], source_etype=I8))
    b.ret_void()


def _vector_loads(optimised, name):
    body = optimised.split(f"@{name}(")[1].split("\n}\n")[0]
    return sum("load <" in line and "x double>" in line for line in body.splitlines())


def test_a_compact_loop_is_vectorised_once_and_computes_the_same():
    module = ir.Module()
    _test_function(module, "plain")
    _test_function(module, "compact", compact=True)
    compiled = compile_ir(str(module))
    # O3 interleaves (and unrolls) the vector body: several vector loads of v per iteration
    assert _vector_loads(compiled.optimized_ir, "plain") > 2
    assert 1 <= _vector_loads(compiled.optimized_ir, "compact") <= 2  # body (+ epilogue)
    values = np.random.default_rng(5).uniform(0, 1, 1003)
    masks = []
    for name in ("plain", "compact"):
        f = compiled.cfunc(name, None, np.ctypeslib.ndpointer(np.uint8),
                           np.ctypeslib.ndpointer(np.float64), ctypes.c_int64)
        mask = np.zeros(1003, dtype=np.uint8)
        f(mask, values, 1003)
        masks.append(mask)
    assert np.array_equal(masks[0], values > 0.5) and np.array_equal(masks[1], masks[0])


def test_a_loop_takes_one_hint():
    module = ir.Module()
    with pytest.raises(ValueError, match="one of the hints"):
        _test_function(module, "both", compact=True, scalar=True)


def _threshold_ir(condition):
    h = Harness()
    v = symbol("v")
    kern = K.Kernel("threshold", K.Threshold(100, h.scratch("spikespace", 101),
                                             condition(v), h.scratch("mask", 108, np.uint8)),
                    {"v": h.array("v", np.zeros(100))}, [])
    module = ir.Module()
    lower_kernel(module, kern, "threshold")
    return str(module)


def test_a_threshold_test_is_compact_unless_its_condition_calls_a_function():
    assert "llvm.loop.interleave.count" in _threshold_ir(lambda v: v > 0.5)
    # a vectorised exp is libmvec's: which elements it computes must not change
    assert "llvm.loop.interleave.count" not in _threshold_ir(lambda v: sympy.exp(v) > sympy.Float(2))
