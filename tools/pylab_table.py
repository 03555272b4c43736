"""Write ``brianjit/pylab_table.py``: where each of pylab's names comes from, so that
``from brianjit import *`` binds pylab's names without importing matplotlib (issue 9, target 2).

Run it after upgrading matplotlib (``tests/test_pylab_names.py`` fails until the table matches
the installed matplotlib)::

    python tools/pylab_table.py

Only the names Brian2's star import takes from pylab and from nowhere else are listed: numpy's
(bound by ``brianjit.units.numpy_names``) and Brian2's own (``brianjit.only``) win over pylab's.
A name's source is ``"pylab"`` (a stand-in that imports ``matplotlib.pylab`` on first use),
``"module:X"`` (the module ``X``, not matplotlib's: one of the standard library or of brianjit
is bound itself, any other one by a stand-in; ``core`` is brianjit's, as Brian2 binds its own)
or ``"X"`` (the attribute of that name of the module ``X``, outside matplotlib: bound itself).
"""
import importlib
import pathlib
import pkgutil
import sys
import types

_ROOT = pathlib.Path(__file__).resolve().parent.parent
#: modules outside matplotlib whose names pylab re-exports; a value found there is bound itself
_CHEAP_SOURCES = ("contextlib", "enum", "typing", "__future__", "dateutil.rrule",
                  "dateutil.relativedelta")


def table() -> tuple[str, dict[str, str]]:
    """(matplotlib's version, {name: source}) for the installed matplotlib."""
    sys.path.insert(0, str(_ROOT))
    import matplotlib
    import matplotlib.pylab as pylab

    from brianjit import _DELETED_PYLAB_NAMES, _EXTRA_NAMES
    from brianjit.only import __all__ as only_names
    from brianjit.units.numpy_names import KEPT_BUILTINS
    from brianjit.units.numpy_names import __all__ as numpy_names
    import brianjit
    own_modules = {module.name for module in pkgutil.iter_modules(brianjit.__path__)}
    taken = set(numpy_names) | set(only_names) | set(_EXTRA_NAMES)
    sources = {}
    for name, value in sorted(vars(pylab).items()):
        if name.startswith("_") or name in _DELETED_PYLAB_NAMES or name in KEPT_BUILTINS \
                or name in taken:
            continue
        if isinstance(value, type) and issubclass(value, BaseException):
            raise SystemExit(f"pylab's {name} is an exception class: a stand-in cannot be "
                             f"caught; brianjit.pylab_names must bind it itself")
        if name in own_modules:   # Brian2's star import binds its own package (``core``)
            sources[name] = f"module:brianjit.{name}"
            continue
        if isinstance(value, types.ModuleType):
            top = value.__name__.partition(".")[0]
            sources[name] = "pylab" if top == "matplotlib" else f"module:{value.__name__}"
            continue
        for module in _CHEAP_SOURCES:
            try:
                found = getattr(importlib.import_module(module), name)
            except (ImportError, AttributeError):
                continue
            if found is value:
                sources[name] = module
                break
        else:
            sources[name] = "pylab"
    return matplotlib.__version__, sources


def render(version: str, sources: dict[str, str]) -> str:
    lines = [f'"""Where pylab\'s names come from (matplotlib {version}); written by',
             '``tools/pylab_table.py``, read by :mod:`brianjit.pylab_names`. Do not edit."""',
             "", f"MATPLOTLIB_VERSION = {version!r}", "", "SOURCES = {"]
    lines += [f"    {name!r}: {source!r}," for name, source in sources.items()]
    lines += ["}", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    (_ROOT / "brianjit" / "pylab_table.py").write_text(render(*table()))
