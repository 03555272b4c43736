"""Functions a module calls by name (libc, libm, LLVM intrinsics), declared once per module.

A second declaration of one name in an ``llvmlite.ir.Module`` is an error (``DuplicatedNameError``)
and a declaration of the wrong type would call the symbol with the wrong arguments, so every
emitter that calls an outside function asks :func:`declare_function`: the existing declaration,
checked against the type asked for, or a new one. (``Module.declare_intrinsic`` covers only
llvmlite's short list of overloaded intrinsics: ``llvm.memcpy``, ``llvm.fma``, ...)
"""
from __future__ import annotations

from llvmlite import ir

__all__ = ["declare_function"]


def declare_function(module: ir.Module, name: str, fnty: ir.FunctionType) -> ir.Function:
    """The function ``name`` of type ``fnty`` in ``module``, declared on first use. Raises
    ValueError when the module already has ``name`` as something else."""
    existing = module.globals.get(name)
    if existing is None:
        return ir.Function(module, fnty, name=name)
    if not isinstance(existing, ir.Function) or existing.function_type != fnty:
        raise ValueError(f"the module already defines {name!r} with another type "
                         f"({existing.type}, not {fnty})")
    return existing
