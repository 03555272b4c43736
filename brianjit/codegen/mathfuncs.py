"""Calls to math functions from generated IR, in a form the loop vectoriser can vectorise.

Why this module exists: with LLVM 22 (llvmlite 0.50) a loop calling ``llvm.exp.f64`` vectorises to
``llvm.exp.v4f64``, which the backend then splits into four scalar ``exp`` calls; the
``-vector-library`` option is not registered in llvmlite's LLVM, and an intrinsic cannot carry a
vector variant. What works is a plain libm declaration (``declare double @exp(double)``) marked
``memory(none)`` and carrying the ``vector-function-abi-variant`` attribute that names glibc's
libmvec function (``_ZGVdN4v_exp``); the vectoriser then calls four lanes at once. Measured on
10**6 doubles (AVX2 lanes, this container's CPU): exp 5.3 -> 1.0 ns/element, log 4.9 -> 1.5,
sin 19.3 -> 1.0, cos 18.4 -> 1.1. libmvec stays the default where it exists; the math written in
IR (:mod:`.irmath`, with range reductions and special cases for every function) is the fallback
and the GPU's only option.

Functions LLVM lowers to single instructions (sqrt, fabs, floor, ceil, ...) stay intrinsics.
Everything else is called by its libm name (or, in ``'ir'``, its IR function); LLVM still knows
the libm names, so constant folding and hoisting work as for intrinsics. A function without a
vector variant in the chosen mode (erf, erfc) stays a scalar call.

Three modes of lowering these calls, chosen per module being built (:func:`set_math_mode`, a
parameter of the lowering, not a process global; the network passes
``prefs.codegen.brianjit.math``):

* ``'libmvec'``: libm scalars, glibc's libmvec vector variants (Linux x86-64 with glibc);
* ``'libm+ir'``: libm scalars, vector variants written in IR (:mod:`.irmath`), named with the
  LLVM-internal vector ABI (``_ZGV_LLVM_N4v_exp(brianjit.math.exp.4)``) so the vectoriser uses
  them as it uses libmvec; the default where libmvec is missing (Windows, macOS, musl, ARM);
* ``'ir'``: no external symbol at all: every call goes to the module's own IR function (what
  the GPU target needs; also testable on the CPU); LLVM inlines them and vectorises them with
  the loop, except sin/cos/tan, which have a branch and are called through vector variants.

``'auto'`` resolves to ``'libmvec'`` when this process can load libmvec, else ``'libm+ir'``.
"""
from __future__ import annotations

import functools
import weakref
from dataclasses import dataclass, field

from llvmlite import ir

from .. import jit
from .declarations import declare_function
from .irmath import IR_MATH, OUT_OF_LINE, ir_function

__all__ = ["FAST_MATH", "INTRINSICS", "LIBM", "MATH_MODES", "call_math",
           "resolve_math_mode", "set_math_mode"]

#: the modes of lowering libm calls (see the module docstring); 'auto' picks one per process
MATH_MODES = ("auto", "libmvec", "libm+ir", "ir")


@dataclass
class _ModuleMath:
    """What one module's lowering knows about its math calls."""
    mode: str
    #: names whose scalar function already carries its vector variants
    prepared: set = field(default_factory=set)


_modules: "weakref.WeakKeyDictionary[ir.Module, _ModuleMath]" = weakref.WeakKeyDictionary()

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


def resolve_math_mode(mode: str = "auto") -> str:
    """``mode`` checked, with ``'auto'`` replaced by this process's default."""
    if mode not in MATH_MODES:
        raise ValueError(f"unknown math mode {mode!r}: use one of {', '.join(MATH_MODES)}")
    return _auto_mode() if mode == "auto" else mode


@functools.cache
def _auto_mode() -> str:
    """What ``'auto'`` is in this process (libmvec is loaded or not: it does not change), found
    once instead of at every build."""
    return "libmvec" if jit.vector_math_variants("exp", 1) else "libm+ir"


def preferred_math_mode() -> str:
    """``prefs.codegen.brianjit.math`` resolved: the mode of the next build, part of what its
    compiled code is keyed by."""
    from ..preferences import prefs
    return resolve_math_mode(prefs["codegen.brianjit.math"])


def set_math_mode(module: ir.Module, mode: str) -> None:
    """Lower the libm calls of ``module`` in ``mode`` (one of :data:`MATH_MODES`)."""
    _modules[module] = _ModuleMath(resolve_math_mode(mode))


def _module_math(module: ir.Module) -> _ModuleMath:
    state = _modules.get(module)
    if state is None:
        state = _modules[module] = _ModuleMath(resolve_math_mode())
    return state


def _vector_lanes() -> tuple[int, ...]:
    """Widths of IR vector variants worth offering for the CPU code is generated for."""
    features = jit.cpu_description()[1].split(",")
    return (2, 4, 8) if "+avx512f" in features else (2, 4) if "+avx" in features else (2,)


def _variants(module, name, nargs, mode, scalar_name):
    """``[(vector function, 'vector-function-abi-variant' entry)]`` for ``mode``."""
    if mode == "libmvec":
        found = []
        for vector_name, lanes in jit.vector_math_variants(name, nargs):
            vector_type = ir.VectorType(_DOUBLE, lanes)
            function = declare_function(module, vector_name,
                                        ir.FunctionType(vector_type, [vector_type] * nargs))
            found.append((function, f"{vector_name}({vector_name})"))
        return found
    if name not in IR_MATH or (mode == "ir" and name not in OUT_OF_LINE):
        return []  # in 'ir' the function is inlined into the loop and vectorised with it
    found = []
    for lanes in _vector_lanes():
        function = ir_function(module, name, lanes)
        found.append((function, f"_ZGV_LLVM_N{lanes}{'v' * nargs}_{scalar_name}({function.name})"))
    return found


def _libm_declaration(module, name, nargs):
    return declare_function(module, name, ir.FunctionType(_DOUBLE, [_DOUBLE] * nargs))


def _math_function(module: ir.Module, name: str, nargs: int) -> ir.Function:
    """The scalar function a call of ``name`` goes to, carrying its vector variants."""
    state = _module_math(module)
    mode = state.mode
    if mode == "ir":
        if name not in IR_MATH:
            raise NotImplementedError(
                f"the math function {name!r} has no implementation in IR yet, so it cannot be "
                f"used in the pure-IR math mode (prefs.codegen.brianjit.math = 'ir'); the IR "
                f"versions are: {', '.join(sorted(IR_MATH))}")
        function = ir_function(module, name, 1)
    else:
        function = _libm_declaration(module, name, nargs)
    if name in state.prepared:
        return function
    state.prepared.add(name)
    variants = _variants(module, name, nargs, mode, function.name)
    for vector_function, _ in variants:
        _keep_alive(module, vector_function)
    attributes = _LibmAttributes(",".join(entry for _, entry in variants) or None)
    for attribute in function.attributes:  # an IR function's own (noinline)
        attributes.add(attribute)
    function.attributes = attributes
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
        function = _math_function(module, name, nargs)
    else:
        raise NotImplementedError(f"no math function {name!r} in the lowering's table")
    if len(args) != nargs:
        raise ValueError(f"{name} takes {nargs} argument(s), got {len(args)}")
    # pow without 'afn': with it LLVM rewrites pow(x, sitofp(n)) (an integer exponent, also one
    # that only folds to sitofp) into llvm.powi, lowered to a call of compiler-rt's __powidf2,
    # which the JIT cannot resolve (a segfault at run time)
    return builder.call(function, args, fastmath=("contract",) if name == "pow" else FAST_MATH)
