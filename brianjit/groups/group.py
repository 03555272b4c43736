"""Brian2's ``brian2.groups.group`` names that scripts and tests import: ``get_dtype``."""
from __future__ import annotations

from ..objects.dtypes import requested_dtype

__all__ = ["get_dtype"]


def get_dtype(equation, dtype=None):
    """Brian2's ``get_dtype``: the dtype of the variable ``equation`` defines, given a group's
    ``dtype`` argument (None, one float dtype, or ``{name: dtype}``); the preferences'
    defaults otherwise. What brianjit then stores is ``objects.dtypes.variable_dtype``."""
    return requested_dtype(equation.varname, equation.var_type, dtype)
