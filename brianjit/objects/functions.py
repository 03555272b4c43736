"""User-defined functions as Brian2 has them: ``Function``, ``@implementation``,
``@declare_types``, and Python functions decorated with ``check_units`` used directly in model
strings (``DEFAULT_FUNCTIONS`` is in :mod:`.default_functions`, the implementations container
in :mod:`.implementations`).

A ``Function`` describes itself to the rest of brianjit through the same protocol as a
TimedArray: ``function_spec`` (a :class:`~brianjit.model.functions.FunctionSpec` row: how the
dimension checker and the type rules see it) and ``kernel_function(slots)`` (what a kernel needs
to call it: a :class:`~brianjit.kernel.PythonFunction`, lowered in
:mod:`brianjit.codegen.callbacks`). Native code calls the function's numpy implementation back
through ctypes, once per kernel call on arrays of arguments (:mod:`.callbacks`), never per
element.

Implementations: ``'numpy'`` (added by ``@implementation('numpy', discard_units=...)`` or
``implementations.add_implementation('numpy', code=callable)``), else the Python function itself
with Brian2's unit handling (arguments get their declared units, the result's unit is checked).
C++ and Cython code cannot run here (there is no compiler): a function with only such
implementations and no Python function is refused with a ``NotImplementedError``; with a Python
function, that function is used, as Brian2's numpy target does.
"""
from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Protocol, runtime_checkable

import numpy as np

from .. import kernel as K
from ..model.function_spec import ARG_TYPES, RESULT_TYPES, FunctionSpec
from ..units import DIMENSIONLESS, Dimension, Quantity, fail_for_dimension_mismatch, get_dimensions
from .callbacks import CallbackTable
from .implementations import FunctionImplementationContainer, target_name

__all__ = ["ModelFunction", "Function", "implementation", "declare_types", "as_function"]

#: the most nested calls of Python functions in one kernel (``f(g(h(x)))`` is 3)
MAX_CALL_LEVELS = 4
_COMPILED_TARGETS = ("cpp", "cython")


def declare_types(**types):
    """Brian2's decorator declaring argument types (``'any'``, ``'float'``, ``'integer'``,
    ``'boolean'``) and the result type (also ``'highest'``; default ``'float'``)."""
    def annotate(function):
        names = getattr(function, "_orig_arg_names", None)
        if names is None:
            code = function.__code__
            names = list(code.co_varnames[:code.co_argcount])
        for name in types:
            if name != "result" and name not in names:
                raise ValueError(f"declare_types: '{function.__name__}' has no argument '{name}'")
        arg_types = [types.get(name, "any") for name in names]
        for name, arg_type in zip(names, arg_types):
            if arg_type not in ARG_TYPES:
                raise ValueError(f"declare_types: the type {arg_type!r} of argument '{name}' "
                                 f"is not one of {ARG_TYPES}")
        result = types.get("result", "float")
        if result not in RESULT_TYPES:
            raise ValueError(f"declare_types: the result type {result!r} is not one of "
                             f"{RESULT_TYPES}")
        function._arg_types = arg_types
        function._return_type = result
        function._orig_arg_names = names
        return function
    return annotate


def _annotation(pyfunc, attribute, keyword, what):
    """The unit annotation ``check_units`` left on ``pyfunc`` (a ValueError if there is none)."""
    name = getattr(pyfunc, "__name__", repr(pyfunc))
    if not hasattr(pyfunc, attribute):
        raise ValueError(f"The Python function '{name}' does not specify how it deals with "
                         f"units: give '{keyword}' or use the '@check_units' decorator.")
    value = getattr(pyfunc, attribute)
    if value is None:
        raise ValueError(f"The Python function '{name}' does not specify the units of {what}.")
    return value


def _unit_rule(unit, arg_names):
    """A ``FunctionSpec`` argument rule for one of Brian2's ``arg_units`` entries."""
    if unit is None:
        return "any"
    if isinstance(unit, str):
        return arg_names.index(unit)
    if unit is bool or unit is np.bool_:
        return DIMENSIONLESS
    return get_dimensions(unit)


class Function:
    """Brian2's ``Function(pyfunc, sympy_func=None, arg_units=None, arg_names=None,
    return_unit=None, arg_types=None, return_type=None, stateless=True, auto_vectorise=False)``:
    a Python function usable in model strings. Units come from ``check_units`` on ``pyfunc``
    or from ``arg_units``/``return_unit``; types from ``declare_types`` or ``arg_types``/
    ``return_type``."""

    def __init__(self, pyfunc, sympy_func=None, arg_units=None, arg_names=None,
                 return_unit=None, arg_types=None, return_type=None, stateless=True,
                 auto_vectorise=False):
        self.pyfunc = pyfunc
        self.sympy_func = sympy_func
        self.stateless = stateless
        self.auto_vectorise = auto_vectorise
        name = getattr(pyfunc, "__name__", repr(pyfunc))
        if arg_units is None:
            arg_units = _annotation(pyfunc, "_arg_units", "arg_units", "all its arguments")
            arg_names = getattr(pyfunc, "_arg_names", arg_names)
        elif any(isinstance(u, str) for u in arg_units):
            if arg_names is None:
                raise TypeError("Need to specify the names of the arguments (arg_names) when "
                                "an argument's unit refers to another argument.")
            if len(arg_names) != len(arg_units):
                raise TypeError(f"arg_names and arg_units need to have the same length "
                                f"({len(arg_names)} != {len(arg_units)})")
        if return_unit is None:
            return_unit = _annotation(pyfunc, "_return_unit", "return_unit", "its return value")
        self._arg_units = list(arg_units)
        self._arg_names = list(arg_names) if arg_names is not None else None
        self._return_unit = return_unit
        self._returns_bool = return_unit is bool
        self._arg_types = list(arg_types if arg_types is not None else
                               getattr(pyfunc, "_arg_types", ["any"] * len(self._arg_units)))
        self._return_type = return_type or getattr(pyfunc, "_return_type", None) or \
            ("boolean" if self._returns_bool else "float")
        for arg_type, unit in zip(self._arg_types, self._arg_units):
            if arg_type not in ARG_TYPES:
                raise ValueError(f"Argument type {arg_type!r} is not valid, must be one of "
                                 f"{ARG_TYPES}, in function '{name}'.")
            if arg_type not in ("float", "any") and unit is not None and unit is not bool \
                    and not isinstance(unit, str) and get_dimensions(unit) is not DIMENSIONLESS:
                raise TypeError(f"Non-float arguments must be dimensionless in function "
                                f"'{name}'")
        if self._return_type not in RESULT_TYPES:
            raise ValueError(f"Return type {self._return_type!r} is not valid, must be one of "
                             f"{RESULT_TYPES}, in function '{name}'")
        self.implementations = FunctionImplementationContainer(self)

    def __call__(self, *args):
        return self.pyfunc(*args)

    def __repr__(self):
        return f"Function({getattr(self.pyfunc, '__name__', self.pyfunc)!r})"

    def is_locally_constant(self, dt) -> bool:
        """Whether the value is constant during a step of ``dt``: not for Python functions."""
        return False

    # -- units ------------------------------------------------------------------------------------
    def _return_dimensions(self, arg_dims):
        unit = self._return_unit
        if unit is bool or unit is np.bool_:
            return DIMENSIONLESS
        if callable(unit) and not isinstance(unit, (Quantity, Dimension, type)):
            return get_dimensions(unit(*arg_dims))
        return get_dimensions(unit)

    def _with_units(self, original):
        """``original`` called with its arguments in their declared units and its result checked
        against the declared unit, returned as plain numbers (Brian2's numpy wrapper)."""
        def with_units(*args):
            fixed = [None if u is None or u is bool or isinstance(u, str) else get_dimensions(u)
                     for u in self._arg_units] + [None] * self.auto_vectorise
            if len(args) != len(fixed):
                raise ValueError(f"Function {original.__name__} got {len(args)} arguments, "
                                 f"expected {len(fixed)}.")
            given = [a if dim is None else Quantity.with_dimensions(a, dim)
                     for a, dim in zip(args, fixed)]
            result = original(*given)
            expected = self._return_dimensions([get_dimensions(a) for a in given])
            if self._returns_bool:
                if not (isinstance(result, bool) or np.asarray(result).dtype == bool):
                    raise TypeError(f"The function {original.__name__} returned '{result}', "
                                    f"but it was expected to return a boolean value")
            elif get_dimensions(result) is not expected:  # the message only when it fails
                fail_for_dimension_mismatch(
                    result, Quantity(1.0, dim=expected),
                    f"The function '{original.__name__}' returned {result}, but it was "
                    f"expected to return a quantity with dimensions {expected}")
            return np.asarray(result)
        return with_units

    # -- the protocol of functions in model strings -------------------------------------------------
    @property
    def function_spec(self) -> FunctionSpec:
        name = getattr(self.pyfunc, "__name__", "function")
        names = self._arg_names or []
        rules = tuple(_unit_rule(u, names) for u in self._arg_units)
        if callable(self._return_unit) and self._return_unit not in (bool, np.bool_) \
                and not isinstance(self._return_unit, (Quantity, Dimension, type)):
            result = lambda *dims: self._return_dimensions(dims)  # noqa: E731
        else:
            result = self._return_dimensions([])
        return FunctionSpec(name, len(rules), None, None, rules, result, self._return_type,
                            stateful=not self.stateless, arg_types=tuple(self._arg_types))

    def numpy_implementation(self) -> Callable:
        """What native code calls back: the 'numpy' implementation, else the Python function
        with Brian2's unit handling; C++/Cython code alone is refused."""
        try:
            return self.implementations["numpy"].get_code(None)
        except KeyError:
            pass
        if self.pyfunc is None:
            compiled = [t for t in self.implementations if target_name(t) in _COMPILED_TARGETS]
            raise NotImplementedError(
                f"The function has only {', '.join(map(repr, compiled)) or 'no'} "
                f"implementation(s): brianjit runs no C++ or Cython code (it has no compiler). "
                f"Give it a numpy implementation (a Python function, or "
                f"@implementation('numpy', ...)).")
        self.implementations.add_numpy_implementation(self.pyfunc)
        return self.implementations["numpy"].get_code(None)

    def kernel_function(self, slots) -> K.PythonFunction:
        """What a kernel calling this function needs: its tables and callback bound to slots."""
        code = self.numpy_implementation()
        vectorise = self.auto_vectorise

        def evaluate(args, n):  # Brian2's numpy target passes the indices of the calls
            return code(*args, np.arange(n)) if vectorise else code(*args)

        table = CallbackTable(getattr(self.pyfunc, "__name__", "function"),
                              len(self._arg_units), MAX_CALL_LEVELS, evaluate)
        slots.slot(table.holder)  # the holder keeps the callback (and the tables) alive
        slots.keep_alive(table)
        return K.PythonFunction(table.name, table.nargs,
                                tuple(slots.slot(t) for t in table.tables),
                                slots.slot(table.holder), tuple(self._arg_types),
                                self._return_type)

    def structure_key(self):
        return ("Function", id(self), len(self._arg_units), tuple(self._arg_types),
                self._return_type)


@runtime_checkable
class ModelFunction(Protocol):
    """What model strings can call (``Function``, ``TimedArray``, ``BinomialFunction``): a
    ``function_spec`` for parsing and units, and the kernel's view of it."""

    function_spec: FunctionSpec

    def kernel_function(self, slots): ...


def as_function(name: str, value):
    """``value`` as something model strings can call: a TimedArray or ``Function`` as it is, a
    Python function decorated with ``check_units`` wrapped in a ``Function`` (as Brian2 does)."""
    if isinstance(value, ModelFunction):
        return value
    if not callable(value):
        raise TypeError(f"'{name}' is called as a function but is a {type(value).__name__}")
    if not hasattr(value, "_arg_units"):
        raise KeyError(f"The function '{name}' does not say how it deals with units: decorate "
                       f"it with '@check_units' (with a 'result') or wrap it in a Function")
    wrapped = _WRAPPED.get(value)
    if wrapped is None:  # one Function per Python function: a new run does not recompile
        wrapped = Function(value, arg_units=value._arg_units,
                           arg_names=getattr(value, "_arg_names", None),
                           return_unit=getattr(value, "_return_unit", None),
                           stateless=getattr(value, "stateless", False))
        _WRAPPED[value] = wrapped
    return wrapped


_WRAPPED = weakref.WeakKeyDictionary()


def implementation(target, code=None, namespace=None, dependencies=None, discard_units=None,
                   name=None, **compiler_kwds):
    """Brian2's decorator adding an implementation for ``target`` to a function (making it a
    ``Function``): ``@implementation('numpy', discard_units=True)`` runs the Python function on
    plain numbers; ``'cpp'``/``'cython'`` code is kept but never run (see the module
    docstring)."""
    def decorate(function):
        result = function if isinstance(function, Function) else Function(function)
        if discard_units:
            if not (target == "numpy" and code is None):
                raise TypeError("'discard_units' can only be set for the target 'numpy', "
                                "without giving any code.")
            result.implementations.add_numpy_implementation(function, dependencies,
                                                            discard_units)
        else:
            result.implementations.add_implementation(target, code, namespace, dependencies,
                                                      name=name, compiler_kwds=compiler_kwds)
        return result
    return decorate


