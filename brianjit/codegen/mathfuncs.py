"""Calls to math functions from generated IR, in a form the loop vectoriser can vectorise.

Why this module exists: with LLVM 22 (llvmlite 0.50) a loop calling ``llvm.exp.f64`` vectorises to
``llvm.exp.v4f64``, which the backend then splits into four scalar ``exp`` calls; the
``-vector-library`` option is not registered in llvmlite's LLVM, and an intrinsic cannot carry a
vector variant. What works is a plain libm declaration (``declare double @exp(double)``) marked
``memory(none)`` and carrying the ``vector-function-abi-variant`` attribute that names glibc's
libmvec function (``_ZGVdN4v_exp``); the vectoriser then calls four lanes at once. Measured on
10**6 doubles (AVX2 lanes, this container's CPU): exp 5.3 -> 1.0 ns/element, log 4.9 -> 1.5,
sin 19.3 -> 1.0, cos 18.4 -> 1.1; a polynomial exp written in IR reached only 1.4 and would need
its own range reduction and special cases for every function, so the libmvec route was kept.

Functions LLVM lowers to single instructions (sqrt, fabs, floor, ceil, ...) stay intrinsics.
Everything else is called by its libm name; LLVM still knows those names, so constant folding
and hoisting work as for intrinsics. When the process has no libmvec variant (another CPU
family, old glibc) the same call is emitted without the attribute and stays scalar.
"""
from __future__ import annotations

from llvmlite import ir

from .. import jit

__all__ = ["FAST_MATH", "INTRINSICS", "LIBM", "call_math"]

#: The only fast-math flags we allow: fusing into FMA and approximate (libmvec) math functions.
FAST_MATH = ("contract", "afn")

#: name -> number of double arguments, for functions that are LLVM intrinsics (``llvm.NAME.f64``).
INTRINSICS = {"sqrt": 1, "fabs": 1, "floor": 1, "ceil": 1, "trunc": 1, "rint": 1,
              "copysign": 2, "minimum": 2, "maximum": 2}

#: name -> number of double arguments, for functions called through libm (vectorised by libmvec).
LIBM = {"exp": 1, "exp2": 1, "expm1": 1, "log": 1, "log2": 1, "log10": 1, "log1p": 1,
        "sin": 1, "cos": 1, "tan": 1, "asin": 1, "acos": 1, "atan": 1,
        "sinh": 1, "cosh": 1, "tanh": 1, "asinh": 1, "acosh": 1, "atanh": 1,
        "cbrt": 1, "erf": 1, "erfc": 1, "lgamma": 1, "atan2": 2, "hypot": 2, "pow": 2}

_DOUBLE = ir.DoubleType()


class _LibmAttributes(ir.FunctionAttributes):
    """Attributes of a pure libm declaration, plus the string attribute that names its vector
    variant (llvmlite's attribute sets only know keyword attributes)."""

    def __init__(self, abi_variant: str | None):
        super().__init__(["nounwind"])
        self._abi_variant = abi_variant

    def _to_list(self, ret_type):
        attrs = super()._to_list(ret_type) + ["memory(none)", "willreturn"]
        if self._abi_variant:
            attrs.append(f'"vector-function-abi-variant"="{self._abi_variant}"')
        return attrs


def _keep_alive(module: ir.Module, function: ir.Function) -> None:
    """Add ``function`` to ``@llvm.compiler.used``: the vectoriser looks the vector variant up by
    name, so its declaration must survive the dead-declaration cleanup that runs before it."""
    used = module.globals.get("llvm.compiler.used")
    members = list(used.initializer.constant) if used is not None else []
    members.append(function)
    array_type = ir.ArrayType(ir.PointerType(), len(members))
    if used is None:
        used = ir.GlobalVariable(module, array_type, "llvm.compiler.used")
        used.linkage = "appending"
        used.section = "llvm.metadata"
    used.value_type = array_type
    used.initializer = ir.Constant(array_type, members)


def _libm_function(module: ir.Module, name: str, nargs: int) -> ir.Function:
    existing = module.globals.get(name)
    if existing is not None:
        return existing
    function = ir.Function(module, ir.FunctionType(_DOUBLE, [_DOUBLE] * nargs), name)
    variants = []
    for vector_name, lanes in jit.vector_math_variants(name, nargs):
        vector_type = ir.VectorType(_DOUBLE, lanes)
        vector_function = ir.Function(module, ir.FunctionType(vector_type, [vector_type] * nargs),
                                      vector_name)
        _keep_alive(module, vector_function)
        variants.append(f"{vector_name}({vector_name})")
    function.attributes = _LibmAttributes(",".join(variants) or None)
    return function


def call_math(builder: ir.IRBuilder, name: str, args: list[ir.Value]) -> ir.Value:
    """Emit ``name(*args)`` on doubles: an LLVM intrinsic if ``name`` is in :data:`INTRINSICS`,
    a (vectorisable) libm call if it is in :data:`LIBM`."""
    module = builder.module
    if name in INTRINSICS:
        nargs = INTRINSICS[name]
        function = module.declare_intrinsic(f"llvm.{name}", [_DOUBLE],
                                            ir.FunctionType(_DOUBLE, [_DOUBLE] * nargs))
    elif name in LIBM:
        nargs = LIBM[name]
        function = _libm_function(module, name, nargs)
    else:
        raise NotImplementedError(f"no math function {name!r} in the lowering's table")
    if len(args) != nargs:
        raise ValueError(f"{name} takes {nargs} argument(s), got {len(args)}")
    # pow without 'afn': with it LLVM rewrites pow(x, sitofp(n)) (an integer exponent, also one
    # that only folds to sitofp) into llvm.powi, lowered to a call of compiler-rt's __powidf2,
    # which the JIT cannot resolve (a segfault at run time)
    return builder.call(function, args, fastmath=("contract",) if name == "pow" else FAST_MATH)
