"""Loops marked independent (``codegen.loops.for_range(..., independent=True)``: the cable
solver's per-compartment loops) are vectorised without runtime overlap checks, every one of them
in a module, not only the first."""
import numpy as np
from llvmlite import ir

from brianjit import jit
from brianjit.codegen.loops import for_range

F64, I64, PTR = ir.DoubleType(), ir.IntType(64), ir.PointerType()


def _scale_function(module, name):
    """``void name(ptr out, ptr a, ptr b, i64 n)``: out[k] = a[k] * b[k], an independent loop."""
    fn = ir.Function(module, ir.FunctionType(ir.VoidType(), [PTR, PTR, PTR, I64]), name=name)
    out, a, b_, n = fn.args
    b = ir.IRBuilder(fn.append_basic_block("entry"))
    with for_range(b, ir.Constant(I64, 0), n, name="scale", independent=True) as k:
        x = b.load(b.gep(a, [k], source_etype=F64), typ=F64)
        y = b.load(b.gep(b_, [k], source_etype=F64), typ=F64)
        b.store(b.fmul(x, y), b.gep(out, [k], source_etype=F64))
    b.ret_void()


def test_every_independent_loop_of_a_module_has_its_own_access_group():
    module = ir.Module()
    for name in ("first", "second", "third"):
        _scale_function(module, name)
    text = str(module)
    hints = [line for line in text.splitlines() if "llvm.loop.parallel_accesses" in line]
    assert len(hints) == 3 and len(set(h.split(", ")[1] for h in hints)) == 3
    compiled = jit.compile_ir(text)
    optimised = compiled.optimized_ir
    # vectorised, and without the checks of whether `out` overlaps `a` or `b`
    for name in ("first", "second", "third"):
        body = optimised.split(f"@{name}(")[1].split("\n}\n")[0]
        assert "<4 x double>" in body or "<8 x double>" in body or "<2 x double>" in body
        assert "conflict" not in body and "memcheck" not in body, name
    scale = compiled.cfunc("third", None, *([np.ctypeslib.ndpointer(np.float64)] * 3),
                           np.ctypeslib.ctypes.c_int64)
    a, b = np.linspace(0, 1, 37), np.linspace(2, 3, 37)
    out = np.zeros(37)
    scale(out, a, b, 37)
    assert np.array_equal(out, a * b)
