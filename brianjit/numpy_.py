"""numpy with Brian2's unit-aware functions: what ``np`` and ``numpy`` are after
``from brianjit import *`` (Brian2's ``brian2.numpy_``).

Scripts write ``np.arange(0*ms, 10*ms, dt)`` or ``np.ones_like(G.v)`` after a star import and get
Brian2's unit-aware results, because Brian2 rebinds ``np`` and ``numpy`` to this module. Every
other name is numpy's own (numpy's ufuncs and most functions handle quantities by themselves),
looked up in numpy when used, so numpy's lazily loaded submodules (``np.testing``, ``np.ma`` ...)
stay lazy. As in Brian2, ``np.bool``, ``np.float`` and ``np.complex`` are Python's types.
"""
import builtins as _builtins

import numpy as _numpy

from .units.functions import arange, exprel, ones_like, zeros_like  # noqa: F401

bool, float, complex = _builtins.bool, _builtins.float, _builtins.complex  # noqa: A001

__all__ = [*_numpy.__all__, "arange", "exprel", "ones_like", "zeros_like"]


def __getattr__(name):
    if name.startswith("__") and name != "__version__":  # not numpy's __path__, __spec__ ...
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(_numpy, name)


def __dir__():
    return sorted(set(dir(_numpy)) | set(globals()))
