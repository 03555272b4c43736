"""brianjit: Brian2's model language, compiled to native code with llvmlite.

``from brianjit import *`` binds what ``from brian2 import *`` binds, in Brian2's order: pylab's
names when matplotlib is installed (``plot``, ``figure``, ``xlabel``, ``show``, ``plt`` ...),
numpy's (``numpy.fft``'s, ``numpy.random``'s, ``numpy.linalg``'s; see
:mod:`brianjit.units.numpy_names`), ``np``/``numpy`` as unit-aware numpy, ``logging``, and then
brianjit's own names (:mod:`brianjit.only`), which win.

``import brianjit`` never imports matplotlib (0.3-0.5 s): the pylab names are found by this
module's ``__getattr__``, so matplotlib is imported only when one is used (``brianjit.plot``) or
when the star import asks for ``__all__``, which is computed then: with pylab's names if
``matplotlib.pylab`` imports, without them otherwise (as Brian2 falls back when it does not).
"""
from .units.numpy_names import *  # noqa: F401,F403  (numpy's names first: Brian2's come after)
from .units.numpy_names import KEPT_BUILTINS as _KEPT_BUILTINS
from .units.numpy_names import __all__ as _numpy_names
from . import only as _only

# brianjit.only's names; the lazy ones (the logging system) are found by __getattr__ below
globals().update((name, getattr(_only, name)) for name in _only.__all__
                 if name not in _only.LAZY_NAMES)
# brianjit's own settings: reachable as brianjit.X, not part of the Brian2 star import
from .memory_budget import get_memory_limit, set_memory_limit  # noqa: F401

__version__ = "0.1.0"

#: names Brian2's star import binds that are neither numpy's nor its own: the logging module,
#: and ``codegen`` (Brian2's code generation package; here brianjit's: scripts such as Brian2's
#: example frompapers/Brette_2012/Fig3AB.py set ``codegen.target = 'numpy'``, which changes nothing)
_EXTRA_NAMES = ["logging", "codegen"]
#: pylab's names Brian2 deletes from its namespace
_DELETED_PYLAB_NAMES = {"x", "f", "rate"}


_pylab_cache = None


def _pylab_names():
    """pylab's names as Brian2 binds them, or none without matplotlib; matplotlib is imported
    by the first call only."""
    global _pylab_cache
    if _pylab_cache is None:
        try:
            import matplotlib.pylab as pylab
        except ImportError:
            pylab = None
        _pylab_cache = {} if pylab is None else {
            name: value for name, value in vars(pylab).items() if not name.startswith("_")
            and name not in _DELETED_PYLAB_NAMES and name not in _KEPT_BUILTINS}
    return _pylab_cache


def __getattr__(name):
    if name == "__all__":
        global __all__
        __all__ = list(dict.fromkeys([*_pylab_names(), *_numpy_names, *_EXTRA_NAMES,
                                      *_only.__all__]))
        return __all__
    if name in _only.LAZY_NAMES:
        return getattr(_only, name)
    if name == "logging":
        import logging
        return logging
    if name == "codegen":
        from . import codegen
        return codegen
    if name == "sweep":  # brianjit's own: its module (hashlib, traceback) loads on first use
        from .sweeps import sweep
        globals()["sweep"] = sweep
        return sweep
    if not name.startswith("_") and name in _pylab_names():
        return _pylab_names()[name]
    raise AttributeError(f"module 'brianjit' has no attribute {name!r}")
