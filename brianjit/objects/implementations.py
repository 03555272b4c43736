"""A function's implementations by code generation target, as Brian2 keeps them
(``Function.implementations``): ``'numpy'`` (a callable, the one brianjit runs), ``'cpp'`` and
``'cython'`` (code text, kept but never compiled: brianjit has no compiler). A target is named by
a string or by a class with that ``class_name`` (Brian2's ``NumpyCodeObject``).
"""
from __future__ import annotations

import types as pytypes
from collections.abc import Mapping

import numpy as np

from ..units import Quantity

__all__ = ["NumpyCodeObject", "FunctionImplementation", "FunctionImplementationContainer",
           "target_name"]


class NumpyCodeObject:
    """Brian2's name for its numpy target: ``codeobj_class=NumpyCodeObject`` (accepted and
    ignored: brianjit has one target) and the key of numpy implementations."""

    class_name = "numpy"


class FunctionImplementation:
    """One implementation: ``code`` (a callable for numpy, text for C++/Cython)."""

    def __init__(self, name=None, code=None, namespace=None, dependencies=None,
                 availability_check=None, dynamic=False, compiler_kwds=None):
        self.name = name
        self._code = code
        self._namespace = namespace
        self.dependencies = dependencies or {}
        self.availability_check = availability_check
        self.dynamic = dynamic
        self.compiler_kwds = compiler_kwds or {}

    def get_code(self, owner):
        if self.availability_check is not None:
            self.availability_check()
        return self._code(owner) if self.dynamic else self._code

    def get_namespace(self, owner):
        return self._namespace(owner) if self.dynamic else self._namespace


def target_name(target) -> str:
    return target if isinstance(target, str) else getattr(target, "class_name", str(target))


class FunctionImplementationContainer(Mapping):
    """A function's implementations by target name (``'numpy'``, ``'cpp'``, ``'cython'``), also
    found by a class with that ``class_name`` (``NumpyCodeObject``)."""

    def __init__(self, function):
        self._function = function
        self._implementations = {}

    def __getitem__(self, key):
        name = target_name(key)
        for target, impl in self._implementations.items():
            if target == key or target_name(target) == name:
                return impl
        raise KeyError(f"No implementation available for target '{name}'. Available "
                       f"implementations: {', '.join(map(target_name, self._implementations))}")

    def __len__(self):
        return len(self._implementations)

    def __iter__(self):
        return iter(self._implementations)

    def add_numpy_implementation(self, wrapped_func, dependencies=None, discard_units=None,
                                 compiler_kwds=None):
        """The numpy implementation from a Python function: with ``discard_units`` it sees plain
        numbers (units among its globals become their values in base units), else its
        arguments get their declared units and its result's unit is checked."""
        if discard_units is None:
            from ..preferences import prefs
            discard_units = prefs["codegen.runtime.numpy.discard_units"]
        original = getattr(wrapped_func, "_orig_func", wrapped_func)
        code = _without_units(original) if discard_units else self._function._with_units(original)
        self._implementations["numpy"] = FunctionImplementation(code=code,
                                                                dependencies=dependencies)

    def add_implementation(self, target, code, namespace=None, dependencies=None,
                           availability_check=None, name=None, compiler_kwds=None):
        self._implementations[target] = FunctionImplementation(
            name, code, namespace, dependencies, availability_check, False, compiler_kwds)

    def add_dynamic_implementation(self, target, code, namespace=None, dependencies=None,
                                   availability_check=None, name=None, compiler_kwds=None):
        if not callable(code) or (namespace is not None and not callable(namespace)):
            raise TypeError("a dynamic implementation needs callables for code and namespace")
        self._implementations[target] = FunctionImplementation(
            name, code, namespace, dependencies, availability_check, True, compiler_kwds)


def _without_units(function):
    """``function`` with every Quantity among its globals replaced by its plain value."""
    plain = {key: (np.asarray(value) if isinstance(value, Quantity) else value)
             for key, value in function.__globals__.items()}
    return pytypes.FunctionType(function.__code__, plain, function.__name__,
                                function.__defaults__, function.__closure__)
