"""Physical dimensions of model expressions: Brian2's unit-consistency rules on sympy trees.

:func:`get_expr_dimensions` walks an expression and returns its :class:`~brianjit.units.Dimension`,
raising :class:`~brianjit.units.DimensionMismatchError` (message quoting the expression) where the
rules are broken:

* numbers are dimensionless -- so ``v > 0`` with ``v`` in volt is an error, write ``v > 0*mV``;
* ``+``, ``-``, ``%`` and comparisons need equal dimensions; products and quotients combine them;
* ``a**b`` needs a dimensionless ``b``; if ``a`` has dimensions, ``b`` must be a number;
* ``and``/``or``/``not`` check their operands and are dimensionless;
* functions follow their row in :mod:`brianjit.model.functions` (or a user :class:`FunctionSpec`,
  given in ``functions`` or as the value of its name in ``dims_of_name``).

Names are looked up in this order: the reserved names (``t``, ``dt``: second; ``i``, ``N``:
dimensionless; ``xi``, ``xi_*``: second**-0.5), then the caller's ``dims_of_name``, then the unit
names of :mod:`brianjit.units` (``mV``, ``second``...), then the constants ``pi``, ``e``, ``inf``.

Give the checker the expression as written (``parse_expression(text, evaluate=False)``, or the text
itself): sympy's automatic simplification turns ``0*mV`` into ``0`` and would make ``v > 0*mV`` fail.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping

import brianjit.units as units
from brianjit.model.parse import parse_expression
from brianjit.model.function_spec import FunctionSpec
from brianjit.model.names import is_noise_name
from brianjit.units import DIMENSIONLESS, Dimension, DimensionMismatchError, get_dimensions
from ..lazy import lazy_module

sympy = lazy_module("sympy", rebind=globals())   # imported when first needed

__all__ = ["get_expr_dimensions", "UnknownIdentifierError", "reserved_dimensions",
           "unit_dimensions"]

DimsOfName = Callable[[str], Dimension] | Mapping[str, Dimension]


class UnknownIdentifierError(KeyError):
    """A name whose dimensions nobody knows. (A ``KeyError`` with a readable message.)"""

    def __str__(self):
        return str(self.args[0]) if self.args else ""


def _second() -> Dimension:
    return get_dimensions(units.second)


#: the names every group defines and every expression may use: the one list the parser's
#: refusal of model variables, the dimension checks and the objects' expressions read
IMPLICIT_NAMES = ("t", "dt", "t_in_timesteps", "i", "N")


def implicit_dimensions() -> dict[str, Dimension]:
    """``{name: dimensions}`` of :data:`IMPLICIT_NAMES`."""
    return {name: _second() if name in ("t", "dt") else DIMENSIONLESS for name in IMPLICIT_NAMES}


def reserved_dimensions(name: str) -> Dimension | None:
    """Dimensions of the names every model has (:data:`IMPLICIT_NAMES`, the noise ``xi``,
    ``xi_*``)."""
    if name in IMPLICIT_NAMES:
        return implicit_dimensions()[name]
    if is_noise_name(name):
        return _second() ** -0.5
    return None


_CONSTANTS = ("pi", "e", "inf")


def unit_dimensions(name: str) -> Dimension | None:
    """Dimensions of a unit name of :mod:`brianjit.units` (``'mV'``, ``'siemens'``), else None."""
    value = getattr(units, name, None)
    if isinstance(value, units.Quantity):
        return get_dimensions(value)
    return None


def _lookup(dims_of_name: DimsOfName | None) -> Callable[[str], Dimension | None]:
    def caller(name: str) -> Dimension | None:
        if dims_of_name is None:
            return None
        try:
            if isinstance(dims_of_name, Mapping):
                return dims_of_name[name]
            return dims_of_name(name)
        except KeyError:
            return None

    def lookup(name: str) -> Dimension | None:
        for source in (reserved_dimensions, caller, unit_dimensions):
            dim = source(name)
            if dim is not None:
                return dim
        return DIMENSIONLESS if name in _CONSTANTS else None

    return lookup


def _is_dimensionless(dim: Dimension) -> bool:
    return dim == DIMENSIONLESS


class _Checker:
    """One walk over one expression; ``text`` is what error messages quote."""

    def __init__(self, text: str, lookup, functions: Mapping[str, FunctionSpec]):
        self.text = text
        self.lookup = lookup
        self.functions = functions
        self.stateful_calls = set()  # names of users' stateful functions called so far

    def mismatch(self, detail: str):
        raise DimensionMismatchError(f"Expression {self.text!r}: {detail}")

    def describe(self, nodes) -> str:
        return ", ".join(f"{str(n)!r} has dimensions {self.dims(n)}" for n in nodes)

    def same_dims(self, nodes, what: str) -> Dimension:
        dims = [self.dims(n) for n in nodes]
        if any(d != dims[0] for d in dims[1:]):
            self.mismatch(f"{what} needs equal dimensions, but {self.describe(nodes)}")
        return dims[0]

    def dims(self, node: sympy.Basic) -> Dimension:
        if isinstance(node, sympy.Symbol):
            dim = self.lookup(node.name)
            if dim is None:
                raise UnknownIdentifierError(
                    f"Unknown identifier {node.name!r} in expression {self.text!r}")
            if isinstance(dim, FunctionSpec):
                raise TypeError(f"{node.name!r} is a function: call it, in expression "
                                f"{self.text!r}")
            return dim
        if isinstance(node, sympy.logic.boolalg.BooleanAtom) or (not node.args and node.is_number):
            return DIMENSIONLESS
        if isinstance(node, sympy.Add):
            return self.same_dims(node.args, "addition/subtraction")
        if isinstance(node, sympy.Mul):
            result = DIMENSIONLESS
            for arg in node.args:
                result = result * self.dims(arg)
            return result
        if isinstance(node, sympy.Pow):
            return self.power(node)
        if isinstance(node, sympy.Mod):
            return self.same_dims(node.args, "the remainder operator %")
        if isinstance(node, sympy.core.relational.Relational):
            self.same_dims(node.args, "comparison")
            return DIMENSIONLESS
        if isinstance(node, sympy.logic.boolalg.BooleanFunction):
            for arg in node.args:
                self.dims(arg)
            return DIMENSIONLESS
        if isinstance(node, (sympy.Function, sympy.Min, sympy.Max)):
            return self.call(node)
        raise TypeError(f"cannot determine the dimensions of {node} ({type(node).__name__}) in "
                        f"expression {self.text!r}")

    def power(self, node: sympy.Pow) -> Dimension:
        base, exponent = node.args
        base_dim, exp_dim = self.dims(base), self.dims(exponent)
        if not _is_dimensionless(exp_dim):
            self.mismatch(f"the exponent {str(exponent)!r} must be dimensionless but has "
                          f"dimensions {exp_dim}")
        if _is_dimensionless(base_dim):
            return DIMENSIONLESS
        if not (exponent.is_number and not exponent.free_symbols):
            self.mismatch(f"{str(base)!r} has dimensions {base_dim}, so its exponent must be a "
                          f"number, not {str(exponent)!r}")
        return base_dim ** float(exponent)

    def call(self, node: sympy.Function) -> Dimension:
        from brianjit.model.functions import spec_for_node
        spec = spec_for_node(node, self.functions)
        name = getattr(node.func, "__name__", str(node.func))
        if spec is None and isinstance(self.lookup(name), FunctionSpec):
            spec = self.lookup(name)  # a function from the namespace, e.g. a TimedArray
        if spec is None:
            raise UnknownIdentifierError(
                f"Unknown function {name!r} in expression {self.text!r}")
        if spec.stateful and spec.build is None:  # a user's (random) function: as Brian2,
            # one call per expression, since sympy merges equal calls ('f() - f()' is 0)
            if name in self.stateful_calls:
                raise NotImplementedError(
                    f"The expression {self.text!r} contains more than one call of {name}, a "
                    f"function with state (stateless=False): such calls might be merged "
                    f"('f() - f()' would be 0); compute them in separate statements")
            self.stateful_calls.add(name)
        args = node.args[:spec.nargs] if spec.stateful else node.args
        if spec.name is not None and len(args) != spec.nargs:
            self.mismatch(f"function {name!r} takes {spec.nargs} argument(s), got {len(args)}")
        name = spec.name or name
        arg_dims = [self.dims(a) for a in args]
        for k, (arg, dim) in enumerate(zip(args, arg_dims)):
            rule = spec.arg_dims[min(k, spec.nargs - 1)]
            if rule == "first":
                rule = 0
            if isinstance(rule, int) and dim != arg_dims[rule]:
                self.mismatch(f"the arguments {rule + 1} and {k + 1} of {name} need equal "
                              f"dimensions, but {self.describe([args[rule], arg])}")
            wanted = rule if isinstance(rule, Dimension) else \
                {"1": DIMENSIONLESS, "second": _second()}.get(rule, dim)
            if dim != wanted:
                self.mismatch(f"argument {k + 1} of {name} ({str(arg)!r}) must have dimensions "
                              f"{wanted} but has {dim}")
        if callable(spec.result_dims):  # a user function's return_unit=lambda a, b: ...
            return get_dimensions(spec.result_dims(*arg_dims))
        if not isinstance(spec.result_dims, str):
            return spec.result_dims
        if spec.result_dims == "1":
            return DIMENSIONLESS
        if spec.result_dims == "first":
            return arg_dims[0]
        if spec.result_dims == "sqrt(first)":
            return arg_dims[0] ** 0.5
        return arg_dims[0] / arg_dims[1]  # "first/second"


def get_expr_dimensions(expr: sympy.Basic | str, dims_of_name: DimsOfName | None = None,
                        functions: Mapping[str, FunctionSpec] | None = None,
                        text: str | None = None) -> Dimension:
    """The dimensions of ``expr`` (a model string, or sympy as returned by the parser).

    ``dims_of_name`` maps names to Dimensions (a mapping or a callable that raises KeyError for
    names it does not know); ``functions`` describes user functions by name (default functions
    are always known); ``text`` is quoted in error messages (default: the expression).
    Raises ``DimensionMismatchError`` for inconsistent units and :class:`UnknownIdentifierError`
    (a ``KeyError``) for names or functions nobody knows."""
    from brianjit.model.functions import DEFAULT_FUNCTIONS
    if isinstance(expr, str):
        text = expr if text is None else text
        expr = parse_expression(expr, evaluate=False)
    all_functions = dict(DEFAULT_FUNCTIONS)
    all_functions.update(functions or {})
    checker = _Checker(text if text is not None else str(expr), _lookup(dims_of_name),
                       all_functions)
    return checker.dims(expr)
