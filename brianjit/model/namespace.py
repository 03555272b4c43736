"""Resolving the names a model uses but does not define (``tau``, ``mV``, ``pi``) like Brian2.

Order: the group's explicit ``namespace``; then the ``namespace`` given to ``run`` or, without one,
the locals and globals of the user's code that called ``run`` (or set a variable); then units,
the default constants and the functions users added to ``DEFAULT_FUNCTIONS``. A name found
nowhere is a KeyError naming it.
"""
from __future__ import annotations

import sys

import numpy as np

from .. import units as _units
from ..units import Unit
from .functions import USER_DEFAULTS

__all__ = ["resolve_names", "user_frame_namespace", "DEFAULT_CONSTANTS"]

DEFAULT_CONSTANTS = {"pi": np.pi, "e": np.e, "inf": np.inf, "True": True, "False": False}
_UNIT_NAMES = {name: getattr(_units, name) for name in getattr(_units, "__all__", [])
               if isinstance(getattr(_units, name, None), Unit)}


def user_frame_namespace(level: int = 0) -> dict:
    """Locals over globals of the first frame outside brianjit, ``level`` frames further out."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_globals.get("__name__", "").split(".")[0] == "brianjit":
        frame = frame.f_back
    for _ in range(level):
        if frame is not None and frame.f_back is not None:
            frame = frame.f_back
    if frame is None:
        return {}
    namespace = dict(frame.f_globals)
    namespace.update(frame.f_locals)
    return namespace


def resolve_names(names, group_namespace=None, run_namespace=None, owner="the model",
                  hints=None) -> dict:
    """{name: value} for every name in ``names``; see the module docstring for the order.
    ``hints``: ``{name: advice}`` added to the KeyError for a name that is not found."""
    resolved = {}
    for name in sorted(names):
        for source in (group_namespace, run_namespace, _UNIT_NAMES, DEFAULT_CONSTANTS,
                       USER_DEFAULTS):
            if source is not None and name in source:
                resolved[name] = source[name]
                break
        else:
            raise KeyError(f'The identifier "{name}" used in {owner} could not be resolved: it is '
                           f'not a variable of the group, nor defined in the namespace, nor a unit '
                           f'or constant.' + (f' {hints[name]}' if hints and name in hints else ''))
    return resolved
