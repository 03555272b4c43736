"""numpy's names for ``from brianjit import *``, as Brian2's star import provides them.

That is numpy's own ``__all__`` (``array``, ``zeros``, ``linspace``, ``exp``, ``mean``, ``pi``,
``inf`` ...), ``np`` itself and ``rand``/``randn`` from ``numpy.random``, where the names for which
Brian2 has a unit-aware version are bound to ours (``arange``, ``ones_like``, ``zeros_like``...;
numpy's ufuncs and most functions handle quantities by themselves). Left out: ``bool``, which
would shadow Python's builtin, and numpy's internal submodules (``core``, ``lib``, ...).
"""
import numpy as np
from numpy.random import rand, randn

from . import functions as _unit_functions

_SKIPPED = {"bool", "core", "lib", "f2py", "typing", "exceptions", "dtypes", "ctypeslib",
            "char", "rec", "strings", "emath", "polynomial", "ma", "testing"}

globals().update({name: getattr(np, name) for name in np.__all__ if name not in _SKIPPED})
globals().update({name: getattr(_unit_functions, name)
                  for name in ("arange", "ones_like", "zeros_like")})

__all__ = ["np", "rand", "randn",
           *sorted(name for name in np.__all__ if name not in _SKIPPED)]
