"""Names a module gives without importing their modules until first use (PEP 562).

``import brianjit`` has to be quick (a user waits for it before anything else; issue 9 asks
for 0.4 s on a 2-core machine), yet the package's names live in modules that pull in sympy
(0.4-0.9 s), llvmlite's engine and the whole object model. A module that gives such names
declares, in one table, which module each name comes from; :func:`lazy_names` turns the table
into the module's ``__getattr__`` and ``__dir__``: the first ``brianjit.NeuronGroup`` imports
``brianjit.objects.neurongroup`` and keeps the class in the module's namespace, so later uses
are plain attribute reads. A star import asks for every name of ``__all__`` and so imports
every module of the table, once.

:func:`lazy_module` is the same for a whole library that a module uses only inside functions:
``llvm = lazy_module("llvmlite.binding")`` in ``jit.py`` loads LLVM (30-150 ms) with the first
compile, not with the first ``from brianjit import *``.
"""
from importlib import import_module

__all__ = ["lazy_names", "lazy_module"]


def lazy_names(namespace: dict, sources: dict[str, tuple[str, ...]]):
    """``(__getattr__, __dir__)`` for the module whose globals are ``namespace``: each name of
    ``sources[module]`` is taken from ``module`` (relative to the module's package, as in an
    import statement) when first asked for. A name listed twice is a mistake in the table."""
    module_name = namespace["__name__"]
    package = namespace.get("__package__") or module_name.rpartition(".")[0]
    where: dict[str, str] = {}
    for module, names in sources.items():
        for name in names:
            if name in where:
                raise ValueError(f"{module_name}: {name!r} is listed under both "
                                 f"{where[name]!r} and {module!r}")
            where[name] = module

    def __getattr__(name):
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {module_name!r} has no attribute {name!r}")
        value = getattr(import_module(module, package), name)
        namespace[name] = value
        return value

    def __dir__():
        return sorted(set(namespace) | set(where))

    return __getattr__, __dir__


class lazy_module:  # noqa: N801  (used as a module)
    """Stands for the module ``name``, which is imported when an attribute is first read; every
    read then goes to the module itself. Only for modules used inside functions: reading an
    attribute at import time (a base class, a default argument) imports the module then.

    ``rebind``: the globals of the module that holds the stand-in (``sympy =
    lazy_module("sympy", rebind=globals())``). At the import, every name there bound to the
    stand-in is bound to the module instead, so later reads are plain module attribute reads
    (~50 ns) instead of calls of ``__getattr__`` (1-2 us; the parser and the lowering read
    ``sympy.X`` in their inner loops). Without it (or for a copy kept elsewhere), the module's
    names are copied into the stand-in at the import (~200 ns a read)."""

    __slots__ = ("_lazy_name", "_lazy_module", "_lazy_rebind", "__dict__")

    def __init__(self, name: str, rebind: dict | None = None):
        self._lazy_name = name
        self._lazy_module = None
        self._lazy_rebind = rebind

    def __getattr__(self, attribute):
        if self._lazy_module is None:
            module = import_module(self._lazy_name)
            vars(self).update(vars(module))
            self._lazy_module = module
            namespace = self._lazy_rebind
            if namespace is not None:
                for key in [key for key, value in namespace.items() if value is self]:
                    namespace[key] = module
        return getattr(self._lazy_module, attribute)

    def __repr__(self):
        state = "imported" if self._lazy_module is not None else "not imported yet"
        return f"<lazy module {self._lazy_name!r} ({state})>"
