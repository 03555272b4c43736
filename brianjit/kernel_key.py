"""The structural key of kernels: an exact text of everything the lowering reads from them.

Lowering is a pure function of the kernels (shapes, typed variables bound to slots, sympy
statements, the functions they call, their random streams and periods) and a few lowering
parameters (a partial driver, a profiling slot, the CPU, brianjit's own code), so two networks
whose kernels have the same text compile to the same machine code. The text leaves out what does
not reach the machine code: the kernels' names (they come from object names, which
``start_scope()`` counts up: ``neurongroup_20``) and the values of parameters, which live in
buffers. So the loop ``start_scope(); G = NeuronGroup(...); run(...)`` finds its program in
``jit``'s cache from its second iteration on, skipping the lowering (llvmlite's IR builder and
printer: 40-70 ms per build of a small network, measured) and LLVM altogether.

The text is exact, never a lossy print: sympy expressions by ``srepr`` (a ``Float`` with all its
digits and precision, a ``Symbol`` with its assumptions), Python floats by ``repr`` (which
round-trips), every dataclass field by name with its class's qualified name. A value of a type
this module does not know makes the kernels *uncacheable* (:func:`kernels_key` returns None and
the caller keys by the IR text instead), never a key that could match a different program.
"""
from __future__ import annotations

import dataclasses
import hashlib
import sys
from collections import OrderedDict

__all__ = ["canonical_text", "kernels_key"]


class _Unknown(Exception):
    """A value whose text this module cannot give exactly."""


#: srepr of recently seen sympy expressions by id; each entry holds its expression, so its id
#: cannot be reused while the entry exists (a rebuilt model mostly meets the same expression
#: objects: the integration is remembered, ``objects.frontend_memo``)
_sreprs: OrderedDict = OrderedDict()
_REMEMBERED_SREPRS = 4096


def _srepr(expr) -> str:
    entry = _sreprs.get(id(expr))
    if entry is not None and entry[0] is expr:
        _sreprs.move_to_end(id(expr))
        return entry[1]
    # order="none": the arguments in sympy's canonical order, never sorted by evaluating them
    # numerically (which never ends for exp(exp(exp(1000))))
    text = sys.modules["sympy"].srepr(expr, order="none")
    _sreprs[id(expr)] = (expr, text)
    while len(_sreprs) > _REMEMBERED_SREPRS:
        _sreprs.popitem(last=False)
    return text


def _is_sympy(value) -> bool:
    """Whether ``value`` is a sympy object (without importing sympy: if it is not loaded, no
    value can be one)."""
    sympy = sys.modules.get("sympy")
    return sympy is not None and isinstance(value, sympy.Basic)


def _text(value, out: list) -> None:
    if value is None or isinstance(value, (bool, int, str, bytes)):
        out.append(f"{type(value).__name__}:{value!r}")
    elif isinstance(value, float):
        out.append(f"float:{value!r}")
    elif _is_sympy(value):
        out.append(_srepr(value))
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        cls = type(value)
        out.append(f"{cls.__module__}.{cls.__qualname__}(")
        for field in dataclasses.fields(value):
            out.append(f"{field.name}=")
            _text(getattr(value, field.name), out)
            out.append(",")
        out.append(")")
    elif isinstance(value, (tuple, list)):
        out.append(f"{type(value).__name__}[")
        for item in value:
            _text(item, out)
            out.append(",")
        out.append("]")
    elif isinstance(value, dict):
        # insertion order is kept: it is the order in which the lowering visits the entries
        out.append("dict{")
        for key, item in value.items():
            _text(key, out)
            out.append(":")
            _text(item, out)
            out.append(",")
        out.append("}")
    elif isinstance(value, (set, frozenset)):
        out.append(f"{type(value).__name__}{{")
        out.extend(sorted(canonical_text(item) for item in value))
        out.append("}")
    else:
        # numpy scalars and anything else: not guessed at (a repr may round or vary)
        raise _Unknown(type(value).__qualname__)


def canonical_text(value) -> str:
    """The exact text of ``value`` (kernels, shapes, sympy expressions, plain data); raises
    TypeError for a value of a type it cannot write exactly."""
    out: list[str] = []
    try:
        _text(value, out)
    except _Unknown as exc:
        raise TypeError(f"no exact text for a value of type {exc}") from None
    return "".join(out)


#: the fields of ``Kernel`` that bind names (the order of their entries means nothing)
_BINDINGS = ("variables", "functions")


def kernels_key(scheduled, **lowering) -> str | None:
    """SHA-256 (hex) of the scheduled kernels ``[(period, Kernel), ...]`` without their names,
    and of the lowering parameters (``partial=True``, ``profile_slot=3``, a thread count...);
    None when some part has no exact text (the caller then keys by the IR text)."""
    try:
        parts = [canonical_text(sorted(lowering.items()))]
        for period, kern in scheduled:
            unnamed = {f.name: getattr(kern, f.name) for f in dataclasses.fields(kern)
                       if f.name != "name"}
            # bindings by name: their order changes no computation, and it may follow the
            # order of a set (hash-randomised per process), so they enter the key sorted
            for field in _BINDINGS:
                unnamed[field] = sorted(unnamed[field].items())
            parts.append(canonical_text((period, type(kern).__qualname__, unnamed)))
    except TypeError:
        return None
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()
