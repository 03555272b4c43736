"""The front-end key: what determines the kernels brianjit makes from a group's texts, computed
from the texts *before* they are parsed, so a cache hit needs no sympy (issue 9, target 2).

Why: the structural key (:mod:`brianjit.kernel_key`) describes kernels exactly, but it is
computed from kernels, and making them parses the texts into sympy (whose import alone is
0.35-0.7 s). The kernels are a pure function of fewer inputs, all readable without sympy:

* what is built (``kind``: ``'one-off:set'``, ``'connect'``, ...) and the texts themselves;
* the group's *structure* (:func:`group_structure`): its class, ``str(equations)``, every stored
  variable's name, model type, storage dtype, dimensions, flags (scalar, constant, read-only,
  linked), offset, index variable, write condition and place in a record array, its ``start``,
  size and float dtype (its implicit names follow from its class and equations), and the same
  of the groups its code may read (a Synapses' source and target, a subgroup's owner);
* for every identifier of the texts and of those groups' equations, what the namespaces hold
  under that name (:func:`name_descriptor`), by the miss path's rules (Brian2's order:
  constants, units, replaced default functions, the group's namespace, the run's): nothing, or
  a number or quantity by its Python type, model type (``group.constant_dtype``) and
  dimensions; the *values* are not part of it (they live in buffers);
* the parameters of the lowering (``lowering``: the math mode, ...), brianjit's own source
  (``diskcache.code_fingerprint``), sympy's version (its ``release.py``, read without importing
  it) and Python's (whose ``ast`` parses the texts).

Anything the key cannot describe exactly gives **no key** (None), and the caller takes the miss
path, as without this module: a replaced default function (``DEFAULT_FUNCTIONS['exp'] = ...``:
every one-off kernel calls it), an array-valued name, an object of another type, a group with
linked subexpressions, a text that is not a string. A function is described only as a
callable: **kernels that call functions found in a namespace (a user's ``Function``, a
``TimedArray``: their code enters the kernel) must never be stored under this key** -- their
``Kernel.functions`` is not empty. Over-describing is safe (it only costs a miss):
the equations' identifiers include unit names and flag words, and a group variable that the
namespace also defines is described twice (the miss path's shadowing warning is replayed by
the hit, see ``objects/oneoff_cache.py``). A key stands for *success*: callers store an entry
only after the miss path with the same inputs built and ran without an error, so a hit can skip
the parse, the unit checks and the kernel making.
"""
from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterable, Mapping

import numpy as np

from .. import diskcache
from ..kernel_key import canonical_text
from ..model.codestrings import get_identifiers
from ..model.function_spec import USER_DEFAULTS
from ..model.known_texts import sympy_release
from ..model.namespace import namespace_matches
from ..units import Quantity, get_dimensions
from .synapse_records import placement

__all__ = ["front_key", "group_structure", "name_descriptor", "value_descriptor"]

_VERSION = "front-key-v1"


def name_descriptor(name: str, group_namespace: Mapping | None,
                    run_namespace: Mapping | None) -> tuple | None:
    """What the namespaces hold under ``name``, as far as kernels depend on it: ``('missing',)``,
    ``(python type, model type, dimensions)`` of a number or quantity, ``('callable',)`` for a
    function (see below); None for anything else (an array, another object).

    A callable is described only as one: a kernel that *calls* a function found in a namespace
    (a user's ``Function``, a ``TimedArray``) has it in ``Kernel.functions`` and is never
    stored (``oneoff_kernels.run_one_off``, and so for any caller of this key: only kernels
    without functions may be stored under it); a callable used as a value is an error; a
    default function's name (``exp``) is called without consulting the namespace; and a
    group's variable whose name the namespace also holds as a function (pylab's ``flag``, which
    ``from brianjit import *`` brings) is the group's."""
    matches = namespace_matches(name, group_namespace, run_namespace)
    if not matches:
        return ("missing",)
    return value_descriptor(matches[0][1])   # the value resolve_names uses


def value_descriptor(value) -> tuple | None:
    """A value bound as a constant, as far as kernels depend on it (see :func:`name_descriptor`):
    ``(python type, model type, dimensions)`` of a number or quantity, ``('callable',)``, or
    None for anything else (an array, another object)."""
    from .string_expressions import constant_dtype   # which imports this module
    if isinstance(value, Quantity):
        if value.ndim:
            return None
    elif isinstance(value, np.ndarray):
        if value.ndim:
            return None
    elif callable(value):
        return ("callable",)
    elif not isinstance(value, (bool, int, float, complex, np.number, np.bool_)):
        return None
    kind = type(value)
    return (f"{kind.__module__}.{kind.__qualname__}", constant_dtype(value),
            get_dimensions(value)._dims)


def _related_groups(group) -> list:
    """The groups whose arrays and equations ``group``'s code may read besides its own: a
    subgroup's owner, a Synapses' source and target (and theirs)."""
    from .synapses import Synapses
    related = []
    if group.owner is not group:
        related.append(group.owner)
    if isinstance(group.owner, Synapses):
        related += [group.owner.source, group.owner.target]
    return related


def _variable_text(var) -> tuple:
    if var.array is None:
        layout = None
    else:
        _, stride, field = placement(var.array)
        layout = (str(var.array.dtype), len(var.array.shape), stride, field)
    return (var.name, var.dtype, get_dimensions(var.dim)._dims, var.scalar, var.read_only,
            var.constant, var.write_condition, var.linked, var.offset, var.index, layout)


def _own_structure(group, sizes=True) -> tuple | None:
    if group.__dict__.get("_linked_subexpressions"):
        return None   # another group's subexpression: its text is not part of this key
    eqs = group.__dict__.get("equations")
    variables = group.variables
    stored = [_variable_text(dict.__getitem__(variables, name)) for name in sorted(
        dict.keys(variables))]
    kind = type(group)
    # the implicit names (noise, linked subexpressions) follow from the class and equations
    size = (group.start, group.stop, len(group)) if sizes or group.owner.fixed_size else None
    return (f"{kind.__module__}.{kind.__qualname__}", None if eqs is None else str(eqs),
            tuple(stored), size, str(group.float_dtype))


def _groups_in_order(group) -> list:
    """``group`` and every group it may read, each once, in a fixed order."""
    order, pending = [], [group]
    while pending:
        current = pending.pop(0)
        if any(current is seen for seen in order):
            continue
        order.append(current)
        pending += _related_groups(current)
    return order


def group_structure(group, sizes=True) -> tuple | None:
    """The structure of ``group`` and of the groups it may read (see the module docstring) as
    plain data, or None when it cannot be described exactly. ``sizes=False`` leaves out the
    size of a group whose size is not fixed (Synapses, monitors), for kernels that loop over
    its rows as they are when they run (a network's)."""
    parts = []
    for each in _groups_in_order(group):
        own = _own_structure(each, sizes)
        if own is None:
            return None
        parts.append(own)
    return tuple(parts)


def _equation_texts(group) -> list[str]:
    texts = []
    for each in _groups_in_order(group):
        eqs = each.__dict__.get("equations")
        if eqs is not None:
            texts.append(str(eqs))
    return texts


def front_key(kind: str, group, texts: Iterable[str | None], run_namespace: Mapping | None,
              group_namespace: Mapping | None = None, extra=(), sizes=True,
              **lowering) -> str | None:
    """SHA-256 (hex) of what determines the kernels made for ``group`` from ``texts`` (None
    entries allowed: an absent condition) -- see the module docstring --, or None when some part
    cannot be described exactly. ``run_namespace`` is the namespace names resolve in after the
    group's own (``group_namespace``, by default ``group.namespace``): the user's frame or
    ``run(namespace=...)``. ``extra`` is plain data (str, int, float, bool, None, tuples) that
    also determines the kernels (a value baked in as a literal, a flag of the call);
    ``lowering`` the lowering's parameters (``math_mode=...``), as for ``kernels_key``;
    ``sizes``: see :func:`group_structure`."""
    texts = tuple(texts)
    if USER_DEFAULTS or not all(t is None or isinstance(t, str) for t in texts):
        return None
    structure = group_structure(group, sizes)
    if structure is None:
        return None
    if group_namespace is None:
        group_namespace = group.namespace
    names = set()
    for text in [t for t in texts if t is not None] + _equation_texts(group):
        names |= get_identifiers(text)
    descriptors = []
    for name in sorted(names):
        described = name_descriptor(name, group_namespace, run_namespace)
        if described is None:
            return None
        descriptors.append((name, described))
    try:
        text = canonical_text((_VERSION, kind, texts, structure, tuple(descriptors), extra,
                               sorted(lowering.items())))
    except TypeError:   # extra or lowering not plain data
        return None
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass"))
    for part in (diskcache.code_fingerprint(), sympy_release(), sys.version, np.__version__):
        digest.update(b"\0" + part.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()
