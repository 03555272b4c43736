"""``brian2.core.namespace``: the names model strings find without being given them, as Brian2
exports them: ``DEFAULT_UNITS`` (every unit name model strings resolve, ``{'mV': mV, ...}``),
``DEFAULT_FUNCTIONS``, ``DEFAULT_CONSTANTS`` (``pi``, ``e``, ``inf``), and
``get_local_namespace(level)``. The resolution itself is :mod:`brianjit.model.namespace`."""
from __future__ import annotations

import itertools
import sys

from ..model.namespace import DEFAULT_CONSTANTS as _CONSTANTS
from ..model.namespace import unit_namespace
from ..objects.default_functions import DEFAULT_FUNCTIONS

__all__ = ["DEFAULT_UNITS", "DEFAULT_FUNCTIONS", "DEFAULT_CONSTANTS", "get_local_namespace"]

DEFAULT_UNITS = unit_namespace()
DEFAULT_CONSTANTS = {"pi": _CONSTANTS["pi"], "e": _CONSTANTS["e"], "inf": _CONSTANTS["inf"],
                     "-inf": -_CONSTANTS["inf"]}


def get_local_namespace(level: int) -> dict:
    """The globals and locals (locals win) of the caller ``level`` frames up (0: the caller of
    this function)."""
    frame = sys._getframe(level + 1)
    return dict(itertools.chain(frame.f_globals.items(), frame.f_locals.items()))
