"""brianjit: Brian2's model language, compiled to native code with llvmlite.

``from brianjit import *`` binds what ``from brian2 import *`` binds, in Brian2's order: pylab's
names when matplotlib is installed (``plot``, ``figure``, ``xlabel``, ``show``, ``plt`` ...),
numpy's (``numpy.fft``'s, ``numpy.random``'s, ``numpy.linalg``'s; see
:mod:`brianjit.units.numpy_names`), ``np``/``numpy`` as unit-aware numpy, ``logging``, and then
brianjit's own names (:mod:`brianjit.only`), which win.

``import brianjit`` imports numpy and the units, nothing more: brianjit's other names are taken
from :mod:`brianjit.only` when first used (its modules, and with them sympy and llvmlite's engine,
load then), and the pylab names are found by this module's ``__getattr__``, so matplotlib
(0.3-0.5 s) is imported only when one is used (``brianjit.plot``) or when the star import asks
for ``__all__``, which is computed then: with pylab's names if ``matplotlib.pylab`` imports,
without them otherwise (as Brian2 falls back when it does not).
"""
from importlib import import_module as _import_module

from .units.numpy_names import *  # noqa: F401,F403  (numpy's names first: Brian2's come after)
from .units.numpy_names import KEPT_BUILTINS as _KEPT_BUILTINS
from .units.numpy_names import __all__ as _numpy_names
from . import only as _only
from .lazy import lazy_names

# brianjit.only's names it has bound already (the units, which win over numpy's), then the rest
# taken from brianjit.only on first use, and brianjit's own, reachable as brianjit.X but not
# part of the Brian2 star import
_BOUND = {name: vars(_only)[name] for name in _only.__all__ if name in vars(_only)}
globals().update(_BOUND)
_SOURCES = {
    ".only": tuple(name for name in _only.__all__ if name not in _BOUND),
    ".memory_budget": ("get_memory_limit", "set_memory_limit"),
    ".sweeps": ("sweep",),
}
for _name in _SOURCES[".only"]:   # numpy's seed ...: brianjit's wins, found on first use
    globals().pop(_name, None)
del _name
_lazy_getattr, __dir__ = lazy_names(globals(), _SOURCES)

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
    if name == "logging":
        import logging
        return logging
    try:
        return _lazy_getattr(name)
    except AttributeError:
        if name.startswith("_"):
            raise
        # a submodule not imported yet (``from . import kernel`` asks first; pylab's ``core``
        # is numpy's, but Brian2's star import binds its own package ``core``, as this does)
        if _is_submodule(name):
            return _import_module(f"{__name__}.{name}")
        if name in _pylab_names():
            return _pylab_names()[name]
        raise


_submodule_names = None


def _is_submodule(name):
    global _submodule_names
    if _submodule_names is None:   # listed once: the star import asks for ~300 pylab names
        import pkgutil   # (pkgutil loads typing: 10-50 ms, only on a missing name)
        _submodule_names = frozenset(module.name for module in pkgutil.iter_modules(__path__))
    return name in _submodule_names
