"""Loops that apply one math function of brianjit.codegen.irmath to arrays: the scalar function
and its vector variants called directly, so each body is tested on its own (not only where the
vectoriser chose to use it)."""
import ctypes
import math

import mpmath
import numpy as np
from llvmlite import ir

from brianjit.codegen.irmath import IR_MATH, ir_function
from brianjit.codegen.irmath_core import value_type
from brianjit.jit import compile_ir

I64, D = ir.IntType(64), ir.DoubleType()
NUMPY = {"exp": np.exp, "exp2": np.exp2, "expm1": np.expm1, "log": np.log, "log2": np.log2,
         "log10": np.log10, "log1p": np.log1p, "sin": np.sin, "cos": np.cos, "tan": np.tan,
         "asin": np.arcsin, "acos": np.arccos, "atan": np.arctan, "sinh": np.sinh,
         "cosh": np.cosh, "tanh": np.tanh, "pow": np.power, "atan2": np.arctan2,
         "asinh": np.arcsinh, "acosh": np.arccosh, "atanh": np.arctanh, "hypot": np.hypot,
         "cbrt": lambda x: np.array([_cbrt(v) for v in x]),
         "lgamma": lambda x: np.array([_lgamma(v) for v in x])}


def _cbrt(x):
    """The correctly rounded cube root (glibc's cbrt, numpy's, is up to 3 ulp off)."""
    return math.copysign(float(mpmath.cbrt(abs(x))), x) if math.isfinite(x) and x != 0 else x


def _lgamma(x):
    """log|Gamma(x)|, correctly rounded (glibc's lgamma is up to 8 ulp off near its zeros)."""
    if not math.isfinite(x) or (x <= 0 and x == math.floor(x)):
        return math.inf if not math.isnan(x) else x
    with mpmath.workprec(100):
        return float(mpmath.re(mpmath.loggamma(x)))


def add_map_loop(module, function_name, nargs, lanes, compute):
    """Define function_name(ptr in_1..in_nargs, ptr out, i64 n): for i in steps of ``lanes``,
    out[i:i+lanes] = compute(builder, [in_k[i:i+lanes]]) (n a multiple of ``lanes``)."""
    typ = value_type(lanes)
    fn = ir.Function(module, ir.FunctionType(
        ir.VoidType(), [ir.PointerType()] * (nargs + 1) + [I64]), function_name)
    *inputs, out, n = fn.args
    for arg in (*inputs, out):
        arg.add_attribute("noalias")
    entry, loop, done = (fn.append_basic_block(s) for s in ("entry", "loop", "done"))
    b = ir.IRBuilder(entry)
    b.cbranch(b.icmp_signed(">", n, ir.Constant(I64, 0)), loop, done)
    b.position_at_end(loop)
    i = b.phi(I64)
    i.add_incoming(ir.Constant(I64, 0), entry)
    args = [b.load(b.gep(p, [i], source_etype=D), typ=typ, align=8) for p in inputs]
    b.store(compute(b, args), b.gep(out, [i], source_etype=D), align=8)
    following = b.add(i, ir.Constant(I64, lanes))
    i.add_incoming(following, loop)
    b.cbranch(b.icmp_signed(">=", following, n), done, loop)
    b.position_at_end(done)
    b.ret_void()


def build(names, lanes_list):
    """One module with map_NAME_LANES(ptr in..., ptr out, i64 n) (n a multiple of LANES)."""
    module = ir.Module()
    for name in names:
        for lanes in lanes_list:
            add_map_loop(module, f"map_{name}_{lanes}", IR_MATH[name][0], lanes,
                          lambda b, args, name=name, lanes=lanes:
                          b.call(ir_function(module, name, lanes), args))
    return compile_ir(str(module))


def apply(program, name, lanes, *inputs):
    inputs = [np.ascontiguousarray(x, dtype=float) for x in inputs]
    n = len(inputs[0])
    inputs = [np.concatenate([x, np.zeros((-n) % lanes)]) for x in inputs]
    out = np.empty_like(inputs[0])
    fn = program.cfunc(f"map_{name}_{lanes}", None,
                       *[ctypes.c_void_p] * (len(inputs) + 1), ctypes.c_int64)
    fn(*[x.ctypes.data for x in inputs], out.ctypes.data, len(out))
    return out[:n]


def ulp_errors(actual, expected, floor=0.0):
    """|actual - expected| in units of the last place of expected; 0 where both are the same
    value (also the same infinity, or both NaN); inf where exactly one is NaN or the zeros'
    signs differ. With ``floor``, errors of results smaller than it count in ulps of
    ``floor`` (absolute accuracy near a function's zeros)."""
    actual, expected = np.asarray(actual, float), np.asarray(expected, float)
    with np.errstate(all="ignore"):
        error = np.abs(actual - expected) / np.spacing(np.maximum(np.abs(expected), floor))
    same = ((actual == expected) & (np.signbit(actual) == np.signbit(expected))) | (
        np.isnan(actual) & np.isnan(expected))
    error = np.where(same, 0.0, error)
    return np.where(np.isnan(error), np.inf, error)
