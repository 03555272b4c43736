"""pylab's names for ``from brianjit import *``, bound without importing matplotlib.

Brian2's star import binds pylab's names (``plot``, ``figure``, ``plt``, ``rcParams`` ...), and
importing ``matplotlib.pylab`` costs 0.3-1.2 s (measured with ``-X importtime`` on the 2-core
machine: 0.34 s idle, 1.22 s at a load of 6), more than everything else a cached script does
before its first time step (issue 9, target 2: 0.5 s). So the names are bound to stand-ins
(:class:`PylabName`) that import pylab on first use and then forward to the real object; which
names exist, and where the few that are not matplotlib's come from, is a table written by
``tools/pylab_table.py`` (:mod:`brianjit.pylab_table`), so finding them imports nothing.

A stand-in forwards calls, attribute reads and writes, item access, iteration, ``len``, ``in``,
truth, ``isinstance``/``issubclass`` (``isinstance(fig, Figure)``), use as a base class
(``class MyFigure(Figure)``, PEP 560's ``__mro_entries__``) and pickling (it pickles as the
real object). It is not the real object: ``type(x) is Figure`` and ``plot is plt.plot`` are
False, and ``help(plot)`` describes the stand-in (``help(plt.plot)`` is the real function);
docs/differences.md says so. Names that are not matplotlib's are bound themselves: dateutil's
(``rrule``, ``MO``, ``YEARLY``), the standard library's (``sys``, ``ExitStack``) and brianjit's
``core``; numpy's costly submodules (``ma``, ``testing`` ...) are stand-ins as well.
"""
from __future__ import annotations

import functools
import importlib.util
import sys
from importlib import import_module

__all__ = ["PylabName", "matplotlib_installed", "pylab_name", "pylab_names", "resolve"]


def resolve(module: str, attribute: str | None):
    """The real object a stand-in stands for (also what a pickled stand-in unpickles to)."""
    found = import_module(module)
    return found if attribute is None else getattr(found, attribute)


class PylabName:
    """Stands for ``attribute`` of ``module`` (the module itself if ``attribute`` is None),
    imported when first used; see the module docstring."""

    __slots__ = ("_module", "_attribute", "_value")

    def __init__(self, module: str, attribute: str | None):
        object.__setattr__(self, "_module", module)
        object.__setattr__(self, "_attribute", attribute)

    def _resolved(self):
        try:
            return object.__getattribute__(self, "_value")
        except AttributeError:
            value = resolve(self._module, self._attribute)
            object.__setattr__(self, "_value", value)
            return value

    def __call__(self, *args, **kwargs):
        return self._resolved()(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._resolved(), name)

    def __setattr__(self, name, value):
        setattr(self._resolved(), name, value)

    def __delattr__(self, name):
        delattr(self._resolved(), name)

    def __getitem__(self, key):
        return self._resolved()[key]

    def __setitem__(self, key, value):
        self._resolved()[key] = value

    def __delitem__(self, key):
        del self._resolved()[key]

    def __iter__(self):
        return iter(self._resolved())

    def __len__(self):
        return len(self._resolved())

    def __contains__(self, item):
        return item in self._resolved()

    def __bool__(self):
        return bool(self._resolved())

    def __instancecheck__(self, instance):
        return isinstance(instance, self._resolved())

    def __subclasscheck__(self, subclass):
        return issubclass(subclass, self._resolved())

    def __mro_entries__(self, bases):
        return (self._resolved(),)

    def __reduce__(self):
        return resolve, (self._module, self._attribute)

    def __dir__(self):
        return dir(self._resolved())

    def __repr__(self):
        try:
            return repr(object.__getattribute__(self, "_value"))
        except AttributeError:
            what = self._module if self._attribute is None else f"{self._module}.{self._attribute}"
            return f"<{what} (imported on first use)>"


def _bound(name: str, source: str):
    if source == "pylab":
        return PylabName("matplotlib.pylab", name)
    if source.startswith("module:"):
        module = source[len("module:"):]
        top = module.partition(".")[0]
        if top in sys.stdlib_module_names or top == "brianjit":
            return import_module(module)
        return PylabName(module, None)
    return getattr(import_module(source), name)


_values: dict = {}


@functools.cache
def matplotlib_installed() -> bool:
    """Whether matplotlib can be found (without importing it); asked once per process (the star
    import asks for each of ~300 names: 0.5 ms each)."""
    try:
        return importlib.util.find_spec("matplotlib") is not None
    except ValueError:   # sys.modules["matplotlib"] is None or has no spec
        return False


def pylab_name(name: str):
    """The value ``from brianjit import *`` binds to pylab's ``name`` (one object per name);
    KeyError for a name that is not one of them, or when matplotlib is not installed."""
    value = _values.get(name)
    if value is None:
        from .pylab_table import SOURCES
        if name not in SOURCES or not matplotlib_installed():
            raise KeyError(name)
        value = _values[name] = _bound(name, SOURCES[name])
    return value


def pylab_names() -> list[str]:
    """pylab's names that ``from brianjit import *`` binds (those neither numpy nor brianjit
    binds), or none when matplotlib is not installed (Brian2 then binds none)."""
    from .pylab_table import SOURCES
    return list(SOURCES) if matplotlib_installed() else []
