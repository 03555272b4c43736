"""The numpy dtype a new variable is stored in: Brian2's ``get_dtype`` rules.

Brian2 takes a float variable's dtype when the variable is made: the group's ``dtype`` argument
(one dtype for every float variable, or ``{name: dtype}``), else the preference
``core.default_float_dtype`` as it is at that moment. Changing the preference later changes
neither the variable nor what is recorded from it (a monitor stores what its source stores);
only objects made afterwards see the new value. Time keeps float64 whatever the preference
(``t``, ``dt``, clocks, spike and event times, ``lastspike``, ``lastupdate``; delays too, which
Brian2 stores as float32). Integers are int32 unless a group's ``dtype`` asks for int64 by name
(``core.default_integer_dtype`` is remembered with a warning, see preferences.py); booleans
are bytes.

Native code reads each array by its numpy dtype (``kernel.storage_kind``), so a float32 array is
loaded into double, computed on and rounded to float32 when stored (codegen/types.py).
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np

__all__ = ["default_float_dtype", "requested_dtype", "group_float_dtype", "variable_dtype"]

_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))
_INTEGERS = (np.dtype(np.int32), np.dtype(np.int64))
_FIXED = {"integer": np.dtype(np.int32), "boolean": np.dtype(np.bool_)}
_KINDS = {"float": "f", "integer": "iu", "boolean": "b"}


def default_float_dtype() -> np.dtype:
    """``prefs.core.default_float_dtype`` now, as a numpy dtype (float32 or float64)."""
    from ..preferences import prefs
    return np.dtype(prefs["core.default_float_dtype"])


def requested_dtype(name: str, var_type: str, user_dtype=None) -> np.dtype:
    """Brian2's ``get_dtype``: the dtype a group's ``dtype`` argument (None, a float dtype, or
    ``{name: dtype}``) asks for the variable ``name`` of model type ``var_type``, else the
    default of its type (the preferences'). A dtype of the wrong kind is a TypeError naming
    the variable."""
    if isinstance(user_dtype, Mapping) and name in user_dtype:
        dtype = _as_dtype(user_dtype[name], f"variable '{name}'")
        if dtype.kind not in _KINDS[var_type]:
            raise TypeError(f"Error determining dtype for variable {name}: {dtype.name} is not "
                            f"a correct type for {var_type} variables")
        return dtype
    if var_type == "integer":
        from ..preferences import prefs
        return np.dtype(prefs["core.default_integer_dtype"])
    if var_type != "float":
        return _FIXED[var_type]
    if user_dtype is None or isinstance(user_dtype, Mapping):
        return default_float_dtype()
    dtype = _as_dtype(user_dtype, "float variables")
    if dtype.kind != "f":
        raise TypeError(f"{dtype} is not a valid floating point dtype.")
    return dtype


def group_float_dtype(user_dtype=None) -> np.dtype:
    """The dtype of a new group's float values without a dtype of their own (its
    subexpressions'): the group's ``dtype`` argument when it is one dtype, else the
    preference now."""
    return _stored("float variables", "float", requested_dtype("", "float", (
        None if isinstance(user_dtype, Mapping) else user_dtype)))


def variable_dtype(name: str, var_type: str, user_dtype=None) -> np.dtype:
    """The dtype brianjit stores the new variable ``name`` in: :func:`requested_dtype`, where
    an integer default is int32 (the preference is remembered with a warning), an integer
    asked for by name is int32 or int64 (another integer dtype: int32, with a warning), and
    a float dtype other than float32/float64 is a NotImplementedError."""
    if var_type == "integer":
        if not (isinstance(user_dtype, Mapping) and name in user_dtype):
            return _FIXED["integer"]
        dtype = requested_dtype(name, var_type, user_dtype)
        if dtype in _INTEGERS:
            return dtype
        from ..utils import warn
        warn("brianjit.preferences.unsupported_dtype",
             f"variable '{name}': brianjit stores integer variables as int32 or int64; "
             f"{dtype.name} is stored as int32", once=True)
        return _FIXED["integer"]
    return _stored(f"variable '{name}'", var_type, requested_dtype(name, var_type, user_dtype))


def _stored(what: str, var_type: str, dtype: np.dtype) -> np.dtype:
    supported = _FLOATS if var_type == "float" else (_FIXED[var_type],)
    if dtype not in supported:
        raise NotImplementedError(
            f"{what}: brianjit stores {var_type} variables as "
            f"{' or '.join(d.name for d in supported)}, not {dtype.name}")
    return dtype


def _as_dtype(value, what):
    try:
        return np.dtype(value)
    except TypeError:
        raise TypeError(f"dtype of {what}: {value!r} is not a numpy dtype") from None
