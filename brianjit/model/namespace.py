"""Resolving the names a model uses but does not define (``tau``, ``mV``, ``pi``) like Brian2.

Order (Brian2's): the default constants (``pi``, ``e``, ``inf``), then units, then the functions
users added to ``DEFAULT_FUNCTIONS``, then the group's
explicit ``namespace``, then the ``namespace`` given to ``run`` or, without one, the locals and
globals of the user's code that called ``run`` (or set a variable). Only numbers, arrays,
quantities and functions count (a module or a group of the same name is passed over); a name
found nowhere is a KeyError naming it. As in Brian2, a name found in several of these with
different values logs ``resolution_conflict`` (the first one is used), and so does a name of
the group's own (``v``, ``i``, ``N``) that the user's code uses while the namespaces also have
it (the group's is used): :func:`warn_shadowed_internal_names`.
"""
from __future__ import annotations

import numbers
import sys

import numpy as np

from .. import units as _units
from ..units import Unit
from .function_spec import USER_DEFAULTS

__all__ = ["resolve_names", "namespace_matches", "user_frame_namespace",
           "warn_shadowed_internal_names",
           "DEFAULT_CONSTANTS", "unit_namespace"]

DEFAULT_CONSTANTS = {"pi": np.pi, "e": np.e, "inf": np.inf, "True": True, "False": False}
_ALL_UNITS = {name: getattr(_units, name) for name in getattr(_units, "__all__", [])
              if isinstance(getattr(_units, name, None), Unit)}


def _in_brian2s_default_units(name) -> bool:
    """Whether Brian2 resolves ``name`` as a unit in model strings (its ``DEFAULT_UNITS``).
    brianjit's units are more: the prefixes c, d, da and h on every unit (Brian2 registers them
    for litres only), powers of litres, ``candela`` and ``mS``. A user's ``damp = 0.3`` must
    stay the user's."""
    if name == "mS" or name.startswith("candela"):
        return False
    base = name.rstrip("23")
    if base.endswith(("liter", "litre")):
        return base == name   # every prefix, no powers
    return not any(base.startswith(prefix) and base[len(prefix):] in _ALL_UNITS
                   for prefix in ("da", "c", "d", "h"))


#: the units namespace of name resolution: exactly Brian2's (tests/test_brian2_warnings.py)
_UNIT_NAMES = {name: unit for name, unit in _ALL_UNITS.items()
               if _in_brian2s_default_units(name)}


def unit_namespace() -> dict:
    """A copy of the unit names model strings resolve (Brian2's ``DEFAULT_UNITS``)."""
    return dict(_UNIT_NAMES)


#: packages whose frames are never the user's code: brianjit's own, and numpy's, which calls
#: back into brianjit (``np.mean(G.I)`` reads the view from inside numpy)
_LIBRARY_PACKAGES = ("brianjit", "numpy")


def user_frame_namespace(level: int = 0) -> dict:
    """Locals over globals of the first frame outside brianjit and numpy, ``level`` frames
    further out."""
    frame = sys._getframe(1)
    while frame is not None and \
            frame.f_globals.get("__name__", "").split(".")[0] in _LIBRARY_PACKAGES:
        frame = frame.f_back
    for _ in range(level):
        if frame is not None and frame.f_back is not None:
            frame = frame.f_back
    if frame is None:
        return {}
    namespace = dict(frame.f_globals)
    namespace.update(frame.f_locals)
    return namespace


#: advice added to the KeyError for names that code may use by mistake, in any object's code
#: (as Brian2's name resolution gives it): Brian2 <= 2.1 gave every Synapses a 'lastupdate'
_HINTS = {"lastupdate": "'lastupdate' is defined automatically only for Synapses with "
                        "event-driven equations; to record the time of the last update, add "
                        "'lastupdate : second' to the model and 'lastupdate = t' to "
                        "on_pre/on_post."}


def resolve_names(names, group_namespace=None, run_namespace=None, owner="the model",
                  group_name=None) -> dict:
    """{name: value} for every name in ``names``; see the module docstring for the order and
    the warnings (``group_name``: the group named in them)."""
    resolved = {}
    for name in sorted(names):
        matches = namespace_matches(name, group_namespace, run_namespace)
        if not matches:
            raise KeyError(f'The identifier "{name}" used in {owner} could not be resolved: it is '
                           f'not a variable of the group, nor defined in the namespace, nor a unit '
                           f'or constant.' + (f' {_HINTS[name]}' if name in _HINTS else ''))
        (where, value), others = matches[0], matches[1:]
        if any(not _same_value(value, other) for _, other in others):
            _warn_conflict(
                f'The name "{name}" refers to different objects in different namespaces used for '
                f'resolving names in the context of group "{group_name or owner}". Will use the '
                f'object from the {where} namespace with the value {_display(value)},', others)
        resolved[name] = value
    return resolved


def warn_shadowed_internal_names(names, group_namespace, run_namespace, group_name):
    """Brian2's warning for each of ``names`` (the group's own names that the user's code uses:
    {name: its value if it is a constant such as ``N``, else None}) that the namespaces also
    define (for a constant: with another value)."""
    for name, constant in sorted(names.items()):
        matches = [(where, value)
                   for where, value in namespace_matches(name, group_namespace, run_namespace)
                   if constant is None or not _same_value(value, constant)]
        if not matches:
            continue
        if len(matches) == 1:
            found = f"{matches[0][0]} namespace with the value {_display(matches[0][1])}. "
        else:
            found = f"following namespaces: {' ,'.join(where for where, _ in matches)}. "
        _warn(f"'{name}' is an internal variable of group '{group_name}', but also exists in the "
              f"{found}The internal variable will be used.")


def namespace_matches(name, group_namespace, run_namespace):
    """[(namespace description, value)] of ``name`` in Brian2's order, only values that can
    stand for a name in a model (numbers, arrays, quantities, functions); the first is the one
    :func:`resolve_names` uses."""
    found = []
    for where, source in (("constants", DEFAULT_CONSTANTS), ("units", _UNIT_NAMES),
                          ("functions", USER_DEFAULTS), ("group-specific", group_namespace),
                          ("run", run_namespace)):
        if source is not None and name in source and _can_stand_for_a_name(source[name]):
            found.append((where, source[name]))
    return found


def _can_stand_for_a_name(value) -> bool:
    return isinstance(value, (numbers.Number, np.ndarray, np.number)) or (
        callable(value) and not isinstance(value, type))


def _same_value(a, b) -> bool:
    """Whether two namespace entries stand for the same thing: the same object, or equal
    values with equal units (Brian2 compares identities; brianjit does not warn about two
    equal numbers: either gives the same result)."""
    if a is b:
        return True
    a, b = getattr(a, "pyfunc", a), getattr(b, "pyfunc", b)
    if a is b or callable(a) or callable(b):
        return a is b
    if _units.get_dimensions(a) is not _units.get_dimensions(b):
        return False
    try:
        return bool(np.array_equal(np.asarray(a), np.asarray(b)))
    except (TypeError, ValueError):
        return False


def _display(value) -> str:
    """Brian2's display of a value in these warnings (long arrays abbreviated)."""
    if callable(value) and not hasattr(value, "dim"):
        return "<Function>"
    with np.printoptions(threshold=10):
        try:
            return repr(value)
        except Exception:  # noqa: BLE001 - a user's object with a broken repr
            return f"<object of type {type(value)}>"


def _warn_conflict(message, others):
    if len(others) == 1:
        second = (f"but the name also refers to a variable in the {others[0][0]} namespace with "
                  f"value '{_display(others[0][1])}'.")
    else:
        second = (f"but the name also refers to a variable in the following namespaces: "
                  f"{', '.join(where for where, _ in others)}.")
    _warn(f"{message} {second}")


def _warn(message):
    from ..utils import warn
    warn("brian2.groups.group.Group.resolve.resolution_conflict", message, once=True)
