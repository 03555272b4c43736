"""brianjit: Brian2's model language, compiled to native code with llvmlite.

``from brianjit import *`` binds what ``from brian2 import *`` binds, in Brian2's order: pylab's
names when matplotlib is installed (``plot``, ``figure``, ``xlabel``, ``show``, ``plt`` ...),
numpy's (``numpy.fft``'s, ``numpy.random``'s, ``numpy.linalg``'s; see
:mod:`brianjit.units.numpy_names`), ``np``/``numpy`` as unit-aware numpy, ``logging``, and then
brianjit's own names (:mod:`brianjit.only`), which win.

``import brianjit`` imports numpy and the units, nothing more: brianjit's other names are taken
from :mod:`brianjit.only` when first used (its modules, and with them sympy and llvmlite's engine,
load then), and the pylab names are found by this module's ``__getattr__``: stand-ins that
import matplotlib (0.3-1.2 s) when first used (:mod:`brianjit.pylab_names`), bound only where
matplotlib is installed (as Brian2 falls back when it is not); ``__all__`` is computed when
the star import asks for it.
"""
from importlib import import_module as _import_module

from .units.numpy_names import *  # noqa: F401,F403  (numpy's names first: Brian2's come after)
from .units.numpy_names import __all__ as _numpy_names
from . import only as _only
from .lazy import lazy_names
from .pylab_names import pylab_name as _pylab_name, pylab_names as _pylab_names

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
#: Brian2's: the version's parts, numbers as integers (brianjit's own version, not Brian2's:
#: docs/differences.md)
__version_tuple__ = tuple(int(part) if part.isdigit() else part for part in __version__.split("."))

#: names Brian2's star import binds that are neither numpy's nor its own: the logging module,
#: and ``codegen`` (Brian2's code generation package; here brianjit's: scripts such as Brian2's
#: example frompapers/Brette_2012/Fig3AB.py set ``codegen.target = 'numpy'``, which changes nothing)
_EXTRA_NAMES = ["logging", "codegen"]
#: pylab's names Brian2 deletes from its namespace
_DELETED_PYLAB_NAMES = {"x", "f", "rate"}


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
        # pylab's (a stand-in: brianjit.pylab_names; its ``core`` is this package's own, as
        # Brian2's star import binds its own package ``core``)
        try:
            return _pylab_name(name)
        except KeyError:
            pass
        # a submodule not imported yet (``from . import kernel`` asks first)
        if _is_submodule(name):
            return _import_module(f"{__name__}.{name}")
        raise


_submodule_names = None


def _is_submodule(name):
    global _submodule_names
    if _submodule_names is None:   # listed once
        import pkgutil   # (pkgutil loads typing: 10-50 ms, only on a missing name)
        _submodule_names = frozenset(module.name for module in pkgutil.iter_modules(__path__))
    return name in _submodule_names
