"""numpy's names for ``from brianjit import *``, bound as Brian2's star import binds them.

Brian2's ``__init__`` does ``from pylab import *`` (without matplotlib: the same star imports of
``numpy``, ``numpy.fft``, ``numpy.random`` and ``numpy.linalg``, in that order, so a later module's
name wins: ``fft`` is ``numpy.fft.fft``, ``power`` and ``random`` are ``numpy.random``'s,
``norm``/``inv``/``outer`` are ``numpy.linalg``'s), then binds ``np`` and ``numpy`` to its
unit-aware numpy (:mod:`brianjit.numpy_`) and deletes ``f`` (``numpy.random.f``). Brian2's own
names come after and win (``seed``, and the unit-aware ``exp``, ``arange``, ``diagonal`` ...).
This module binds the numpy part in that order, taking the unit-aware version where
:mod:`brianjit.units` has one (so the two parts agree), with two choices (docs/differences.md):

* Python's ``abs``, ``bool``, ``bytes``, ``max``, ``min``, ``pow`` and ``round`` are never
  shadowed: pylab restores them, so that is what Brian2 users with matplotlib (nearly all) have.
* numpy's submodules that cost an import are left out (``testing``, ``f2py``, ``ma``,
  ``polynomial``, ``char``, ``rec`` ...; 10-170 ms each); ``ma`` comes with pylab's names when
  matplotlib is installed. ``core`` is Brian2's package name, and numpy's is deprecated.
"""
import datetime  # noqa: F401  (pylab binds the standard library's datetime)

import numpy as _np
import numpy.fft as _fft
import numpy.linalg as _linalg
import numpy.random as _random

from .. import numpy_ as _numpy_
from .. import units as _units

#: builtins pylab keeps unshadowed
KEPT_BUILTINS = frozenset({"abs", "bool", "bytes", "max", "min", "pow", "round"})
_LEFT_OUT = KEPT_BUILTINS | {
    "f",  # Brian2 deletes it (numpy.random.f)
    "core", "f2py", "testing", "typing", "ctypeslib", "char", "rec", "strings", "polynomial",
    "ma",
}

_names = {}
for _module in (_np, _fft, _random, _linalg):
    _names.update((name, getattr(_module, name)) for name in _module.__all__
                  if name not in _LEFT_OUT)
# Brian2's unit-aware versions (arange, ones_like, diagonal ...) replace numpy's of the same name
_names.update((name, getattr(_units, name)) for name in _units.__all__ if name in _names)
_names.update(np=_numpy_, numpy=_numpy_, datetime=datetime)
globals().update(_names)

__all__ = sorted(_names)
