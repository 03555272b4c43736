"""Brian2's ``Equations``: model definitions with units and flags, parsed into sympy.

Grammar (one definition may span several lines; ``#`` starts a comment)::

    dv/dt = (El - v)/tau : volt (unless refractory)     # differential equation
    I = g*(E - v) : amp                                # subexpression
    g : siemens (constant)                             # parameter

A definition ends with the line holding its ``:``; the lines before it (an open bracket or simply a
line without ``:``) continue the expression. After the ``:`` come the unit -- any product, quotient
or power of base unit names (``volt``, ``siemens/metre**2``, ``Hz``, ``1``) or ``boolean`` /
``integer`` -- and optional flags in parentheses.

Keyword arguments substitute names by simple name replacement, as in Brian2: a string renames
(``Equations('dx/dt = -x/tau : 1', x='v', tau='tau_e')``), a number or Quantity inserts a constant
(written as value times base units, e.g. ``tau=10*ms`` becomes ``(0.01*second)``).

Definitions are checked when parsed (names, units, flags valid for the kind of definition,
duplicates, cyclic subexpressions, how the noise ``xi`` enters); units of the right-hand sides are
checked by :meth:`Equations.check_units` once the caller knows the dimensions of external names.
Every error is an :class:`EquationError` quoting the offending line.
"""
from __future__ import annotations

import keyword
import math
import numbers
import re
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

import brianjit.units as units
from brianjit.model.codestrings import Expression
from brianjit.model.dimensions import (IMPLICIT_NAMES, UnknownIdentifierError,
                                       get_expr_dimensions, unit_dimensions)
from brianjit.model.parse import ParseError, parse_expression, substitute
from brianjit.model.names import is_noise_name, symbol
from brianjit.model.known_texts import passed_before, remember_passed
from brianjit.model.plain_units import DEFAULT_FUNCTION_NAMES, plain_unit
from brianjit.units import DIMENSIONLESS, Dimension, DimensionMismatchError, get_dimensions
from ..lazy import lazy_module

sympy = lazy_module("sympy", rebind=globals())   # imported when first needed

__all__ = [
    "Equations", "SingleEquation", "EquationError", "DIFFERENTIAL_EQUATION", "SUBEXPRESSION",
    "PARAMETER", "split_stochastic", "check_identifier", "EquationSyntaxError",
    "EquationTypeError", "extract_constant_subexpressions",
    "IDENTIFIER_CHECKS", "check_identifier_basic", "check_identifier_reserved",
    "check_identifier_refractory", "check_identifier_constants", "check_identifier_functions",
    "check_identifier_units", "dimensions_and_type_from_string", "FLOAT", "INTEGER", "BOOLEAN",
    "Dependency", "NameSet", "Expression",
]

FLOAT, INTEGER, BOOLEAN = "float", "integer", "boolean"
DIFFERENTIAL_EQUATION = "differential equation"
SUBEXPRESSION = "subexpression"
PARAMETER = "parameter"

EXCLUSIVE_FLAGS = ({"event-driven", "clock-driven"},)

_REFRACTORY_NAMES = frozenset({"not_refractory", "refractory", "refractory_until"})
BASE_UNIT_NAMES = ("metre", "kilogram", "second", "amp", "kelvin", "mole", "candela")

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_SUBEXPRESSIONS = "the subexpressions"
_NAME_IN_TEXT = re.compile(r"\b[A-Za-z_][A-Za-z0-9_]*\b")
_DIFF_LHS = re.compile(r"d\s*([A-Za-z_][A-Za-z0-9_]*)\s*/\s*dt\Z")
_UNIT_AND_FLAGS = re.compile(r"\s*(?P<unit>[^()]*?)\s*(?:\((?P<flags>[^()]*)\))?\s*\Z")


class EquationError(ValueError):
    """Malformed, inconsistent or forbidden model equations; the message quotes the line."""

    def __init__(self, message: str, line: str | None = None):
        if line is not None:
            message = f"{message} in {' '.join(line.split())!r}"
        super().__init__(message)


class EquationSyntaxError(EquationError, SyntaxError):
    """What Brian2 reports as a SyntaxError in equations: a name a model variable cannot have
    (reserved, a unit, not an identifier...) or a substitution that is neither a name nor a
    scalar. It is also an EquationError (and so a ValueError)."""

    def __init__(self, message: str, line: str | None = None):
        super().__init__(message, line)
        self.msg = self.args[0]   # what SyntaxError's str() shows


class EquationTypeError(EquationError, TypeError):
    """What Brian2 reports as a TypeError in equations: a differential equation declared
    ``boolean`` or ``integer``. It is also an EquationError (and so a ValueError)."""


class Dependency(NamedTuple):
    """One entry of ``Equations.dependencies``: a definition read, and the subexpressions
    through which it is read (empty: directly)."""

    equation: "SingleEquation"
    via: tuple[str, ...] = ()


@dataclass(frozen=True)
class SingleEquation:
    """One definition, as Brian2's ``SingleEquation(type, varname, dimensions, var_type, expr,
    flags)``: ``type`` is DIFFERENTIAL_EQUATION, SUBEXPRESSION or PARAMETER; ``dim`` the
    variable's dimensions (a unit or quantity is taken for its dimensions); ``expr`` the
    right-hand side as an :class:`~brianjit.model.codestrings.Expression` (None for
    parameters); ``line`` the original text, quoted by error messages; ``unit_text`` the unit as
    declared (``'amp/meter**2'``, ``'boolean'``), which ``str()`` writes back."""

    type: str
    varname: str
    dim: Dimension
    var_type: str = "float"
    expr: Expression | None = None
    flags: tuple[str, ...] = ()
    line: str = field(default="", compare=False)
    unit_text: str | None = field(default=None, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "dim", get_dimensions(self.dim))
        object.__setattr__(self, "flags", tuple(self.flags or ()))
        if self.expr is not None and not isinstance(self.expr, Expression):
            raise TypeError(f"The right-hand side of {self.varname!r} must be an Expression "
                            f"(or None for a parameter), not {type(self.expr).__name__}")
        if self.var_type in ("boolean", "integer") and self.dim is not DIMENSIONLESS:
            raise TypeError(f"{self.var_type} variables are dimensionless ({self.varname!r})")
        if self.type == DIFFERENTIAL_EQUATION and self.var_type != "float":
            raise TypeError(f"Differential equations define floating point variables "
                            f"({self.varname!r} is {self.var_type})")

    @property
    def unit(self):
        """The variable's unit (Brian2's ``SingleEquation.unit``: ``volt``, ``Unit(1)``)."""
        return units.get_unit(self.dim)

    @property
    def identifiers(self) -> set[str]:
        """Names the right-hand side uses (Brian2's: every name in the text, functions and units
        included)."""
        return self.expr.identifiers if self.expr is not None else set()

    @property
    def stochastic_variables(self) -> set[str]:
        """The noise names (``xi``, ``xi_*``) the right-hand side uses."""
        return {name for name in self.identifiers if is_noise_name(name)}

    @property
    def sympy_expr(self) -> sympy.Basic | None:
        """The right-hand side as brianjit's stages read it (``expr.sympy_expr``)."""
        return self.expr.sympy_expr if self.expr is not None else None

    @property
    def typed_expr(self) -> sympy.Basic | None:
        """The right-hand side as a value of the declared type, what a name standing for this
        subexpression means elsewhere: ``int(...)`` of it for an ``integer`` subexpression
        (``clip(n, -0.5, 1.5) : integer`` is 0 or 1, as in Brian2), else ``sympy_expr``."""
        from brianjit.model.symbols import int_
        if self.expr is not None and self.var_type == "integer":
            return int_(self.sympy_expr)
        return self.sympy_expr

    def _latex_sides(self) -> tuple[str, str | None]:
        """LaTeX of the left- and right-hand side (None for a parameter)."""
        name = sympy.latex(sympy.Symbol(self.varname))
        if self.type == DIFFERENTIAL_EQUATION:
            name = rf"\frac{{\mathrm{{d}}{name}}}{{\mathrm{{d}}t}}"
        return name, (sympy.latex(self.sympy_expr) if self.expr is not None else None)

    def _latex(self, *args):
        """LaTeX of the definition (sympy's printer calls this; so does ``_repr_latex_``)."""
        lhs, rhs = self._latex_sides()
        return lhs if rhs is None else f"{lhs} = {rhs}"

    def _repr_latex_(self):
        return f"${self._latex()}$"

    def __str__(self):
        flags = f" ({', '.join(self.flags)})" if self.flags else ""
        rhs = " ".join(self.expr.code.split()) if self.expr is not None else ""
        lhs = {DIFFERENTIAL_EQUATION: f"d{self.varname}/dt = {rhs}",
               SUBEXPRESSION: f"{self.varname} = {rhs}"}.get(self.type, self.varname)
        unit = self.unit_text or (self.var_type if self.var_type != "float" else
                                  "1" if self.dim is DIMENSIONLESS else repr(self.unit))
        return f"{lhs} : {unit}{flags}"


class NameSet(AbstractSet):
    """The names of some definitions, as Brian2 gives them (a set: ``eqs.diff_eq_names ==
    {'v'}``), iterated in the order of definition, so that what brianjit builds from them does
    not depend on string hashing."""

    def __init__(self, names: Iterable[str]):
        self._names = dict.fromkeys(names)

    def __contains__(self, name):
        return name in self._names

    def __iter__(self):
        return iter(self._names)

    def __len__(self):
        return len(self._names)

    __hash__ = AbstractSet._hash   # immutable, like a frozenset

    def __repr__(self):
        return "{" + ", ".join(map(repr, self._names)) + "}" if self._names else "set()"


def _refuse_name(name: str, reason: str | None, line: str | None) -> None:
    if reason:
        raise EquationSyntaxError(f"Invalid variable name {name!r}: it {reason}", line)


def check_identifier_basic(name: str, line: str | None = None) -> None:
    """Refuse a name that is not an identifier, is a Python keyword or starts with ``_``."""
    _refuse_name(name, "is not a valid identifier" if not _IDENTIFIER.match(name) else
                 "is a Python keyword" if keyword.iskeyword(name) or name in ("True", "False",
                                                                            "None") else
                 "starts with '_' (reserved for internal names)" if name.startswith("_") else
                 None, line)


def check_identifier_reserved(name: str, line: str | None = None) -> None:
    """Refuse the names every group defines (``dimensions.IMPLICIT_NAMES``) and the noise
    ``xi``, ``xi_*``."""
    _refuse_name(name, "is reserved" if name in IMPLICIT_NAMES or is_noise_name(name) else None,
                 line)


def check_identifier_refractory(name: str, line: str | None = None) -> None:
    """Refuse the names of refractoriness: ``not_refractory refractory refractory_until``."""
    _refuse_name(name, "is reserved for refractoriness" if name in _REFRACTORY_NAMES else None,
                 line)


def check_identifier_constants(name: str, line: str | None = None) -> None:
    """Refuse the names of the default constants ``pi e inf``."""
    _refuse_name(name, "is a default constant" if name in ("pi", "e", "inf") else None, line)


def check_identifier_functions(name: str, line: str | None = None) -> None:
    """Refuse the names of default functions (``exp``, ``sin`` ...)."""
    _refuse_name(name, "is the name of a default function"
                 if name in DEFAULT_FUNCTION_NAMES else None, line)


def check_identifier_units(name: str, line: str | None = None) -> None:
    """Refuse unit names (``volt``, ``mV`` ...)."""
    _refuse_name(name, "is the name of a unit" if unit_dimensions(name) is not None else None,
                 line)


#: Brian2's identifier checks, in the order they are applied
IDENTIFIER_CHECKS = (check_identifier_basic, check_identifier_reserved,
                     check_identifier_refractory, check_identifier_constants,
                     check_identifier_functions, check_identifier_units)


def check_identifier(name: str, line: str | None = None) -> None:
    """Refuse names a model variable cannot have: every check of :data:`IDENTIFIER_CHECKS`
    (an EquationSyntaxError quoting ``line``), then those users registered with
    ``Equations.register_identifier_check`` (what they raise)."""
    for check in IDENTIFIER_CHECKS:
        check(name, line)
    for check in sorted(set(Equations.identifier_checks) - set(IDENTIFIER_CHECKS),
                        key=lambda f: getattr(f, "__qualname__", "")):
        check(name)


def _strip_comment(line: str) -> str:
    return line.split("#", 1)[0]


def _definitions(text: str) -> list[str]:
    """Split model text into definitions: each ends with the line holding its ':'."""
    chunks, current = [], []
    for raw in text.splitlines():
        line = _strip_comment(raw)
        if not current and not line.strip():
            continue
        current.append(line)
        if ":" in line:
            chunks.append("\n".join(current))
            current = []
    if current:
        raise EquationError("Missing ':' and unit (every definition needs ': unit')",
                            "\n".join(current))
    return chunks


def dimensions_and_type_from_string(unit_string: str) -> tuple[Dimension, str]:
    """Brian2's ``(dimensions, var_type)`` of a unit declaration (``'volt'``,
    ``'siemens/metre**2'``, ``'1'``, ``'boolean'``, ``'integer'``); an EquationError (a
    ValueError) for anything else, scaled units (``mV``) included."""
    return _parse_unit(unit_string.strip(), unit_string)


def _parse_unit(unit_text: str, line: str) -> tuple[Dimension, str]:
    """(dimensions, var_type) of a unit declaration; only unscaled (base) units are allowed."""
    if unit_text in ("boolean", "integer"):
        return DIMENSIONLESS, unit_text
    if not unit_text:
        raise EquationError("Missing unit after ':'", line)
    plain = plain_unit(unit_text)
    if plain is not None and math.isclose(plain[0], 1.0, rel_tol=1e-9):
        return plain[1], "float"
    try:
        expr = parse_expression(unit_text)
    except ParseError as err:
        raise EquationError(f"Invalid unit {unit_text!r} ({err})", line) from None
    scale, dim = _evaluate_unit(expr, unit_text, line)
    if not math.isclose(scale, 1.0, rel_tol=1e-9):
        raise EquationError(f"Unit {unit_text!r} has a scale factor ({scale:g}); declare variables "
                            "in unscaled units (volt, not mV)", line)
    return dim, "float"


def _evaluate_unit(expr: sympy.Basic, unit_text: str, line: str) -> tuple[float, Dimension]:
    if isinstance(expr, sympy.Symbol):
        value = getattr(units, expr.name, None)
        if not isinstance(value, units.Quantity):
            raise EquationError(f"Unknown unit {expr.name!r}", line)
        return _si_value(value), get_dimensions(value)
    if isinstance(expr, sympy.Float):
        raise EquationError(f"The unit {unit_text!r} contains the number {expr}: use only units "
                            f"(e.g. 'siemens/metre**2', not '1.0*siemens/metre**2')", line)
    if isinstance(expr, (sympy.Integer, sympy.Rational)):
        return float(expr), DIMENSIONLESS
    if isinstance(expr, sympy.Mul):
        scale, dim = 1.0, DIMENSIONLESS
        for arg in expr.args:
            s, d = _evaluate_unit(arg, unit_text, line)
            scale, dim = scale * s, dim * d
        return scale, dim
    if isinstance(expr, sympy.Pow) and isinstance(expr.exp, sympy.Number):
        s, d = _evaluate_unit(expr.base, unit_text, line)
        return s ** float(expr.exp), d ** float(expr.exp)
    raise EquationError(f"Invalid unit {unit_text!r}: only products, quotients and numeric powers "
                        "of unit names are allowed", line)


def _si_value(value) -> float:
    """The number of a scalar (a Quantity in SI base units, without its dimensions)."""
    return float(np.asarray(value, dtype=float))


def _constant_text(name: str, value) -> str:
    """Model text for a substituted number or Quantity: value times base units, in brackets."""
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, units.Quantity)):
        raise EquationSyntaxError(f"Cannot substitute {name!r} with {value!r}: use a name "
                                  "(string), a number or a scalar quantity")
    try:
        number = _si_value(value)
    except (TypeError, ValueError):
        raise EquationSyntaxError(f"Cannot substitute {name!r} with {value!r}: not a scalar") from None
    dims = get_dimensions(value)._dims if isinstance(value, units.Quantity) else ()
    factors = [str(int(value)) if isinstance(value, numbers.Integral) else repr(number)]
    for unit_name, power in zip(BASE_UNIT_NAMES, dims):
        if power:
            factors.append(unit_name if power == 1 else f"{unit_name}**{power:g}")
    return "(" + "*".join(factors) + ")"


def _substitution_map(substitutions: Mapping) -> dict[str, str]:
    result = {}
    for name, value in substitutions.items():
        if isinstance(value, str):
            if not _IDENTIFIER.match(value) or keyword.iskeyword(value):
                raise EquationSyntaxError(f"Cannot substitute {name!r} with {value!r}: a string "
                                      "substitution must be a name")
            result[name] = value
        else:
            result[name] = _constant_text(name, value)
    return result


def _parse_definition(chunk: str, replace: dict[str, str], used: set[str],
                      deferred: bool) -> SingleEquation:
    line = chunk.strip()
    definition, _, unit_and_flags = chunk.partition(":")
    match = _UNIT_AND_FLAGS.match(unit_and_flags)
    if match is None:
        raise EquationError("Cannot read the unit and flags after ':' (expected 'unit' or "
                            "'unit (flag, ...)')", line)
    dim, var_type = _parse_unit(match["unit"], line)
    flags = _parse_flags(match["flags"], line)
    lhs, has_rhs, rhs = definition.partition("=")
    lhs = lhs.strip()
    diff = _DIFF_LHS.match(lhs)
    kind = DIFFERENTIAL_EQUATION if diff else SUBEXPRESSION if has_rhs else PARAMETER
    name = diff.group(1) if diff else lhs
    if kind == DIFFERENTIAL_EQUATION and not has_rhs:
        raise EquationError("A differential equation needs '= expression'", line)
    if name in replace:
        used.add(name)
        name = replace[name]
        if not _IDENTIFIER.match(name):
            raise EquationError(f"Cannot replace the variable {lhs!r} with a value", line)
    check_identifier(name, line)
    if kind == DIFFERENTIAL_EQUATION and var_type != "float":
        raise EquationTypeError(f"Differential equations define floating point variables, not "
                                f"{var_type}", line)
    expr = None
    if kind != PARAMETER:
        expr_text = _NAME_IN_TEXT.sub(lambda m: _replace(m.group(), replace, used), rhs).strip()
        expr = Expression.deferred(expr_text, " ".join(expr_text.split()))
        if not deferred:
            try:
                expr.sympy_expr
            except ParseError as err:
                raise EquationError(f"Invalid right-hand side: {err}", line) from None
    return SingleEquation(kind, name, dim, var_type, expr, flags, line, match["unit"])


def _replace(name: str, replace: dict[str, str], used: set[str]) -> str:
    if name in replace:
        used.add(name)
        return replace[name]
    return name


def _parse_flags(text: str | None, line: str) -> tuple[str, ...]:
    if text is None:
        return ()
    flags = tuple(" ".join(f.split()) for f in text.split(","))
    if "" in flags:
        raise EquationError("Empty flag", line)
    if len(set(flags)) != len(flags):
        raise EquationError("Repeated flag", line)
    return flags


def _check_flags_for_kind(kind: str, flags, allowed: Mapping, line: str,
                          exclusive=EXCLUSIVE_FLAGS) -> None:
    for flag in flags:
        if flag not in allowed.get(kind, ()):
            ok = ", ".join(repr(f) for f in allowed.get(kind, ())) or "none"
            raise EquationError(f"Flag {flag!r} is not allowed for a {kind} (allowed: {ok})", line)
    for group in exclusive:
        if len(group.intersection(flags)) > 1:
            raise EquationError(f"Flags {sorted(group)} exclude each other", line)


def split_stochastic(expr: sympy.Basic) -> tuple[sympy.Expr, dict[str, sympy.Expr]]:
    """Split ``f + g1*xi_1 + g2*xi_2`` into ``(f, {'xi_1': g1, 'xi_2': g2})``.

    Raises ValueError when a noise symbol does not enter linearly (``xi**2``, ``exp(xi)``, ...)."""
    noise = sorted((s for s in expr.free_symbols if is_noise_name(s.name)), key=lambda s: s.name)
    terms = {}
    for xi in noise:
        g = sympy.diff(expr, xi)
        if any(is_noise_name(s.name) for s in g.free_symbols):
            raise ValueError(f"the noise {xi.name!r} must enter linearly (f + g*{xi.name}) in "
                             f"{expr}")
        terms[xi.name] = g
    f = expr.xreplace({xi: 0 for xi in noise})
    return f, terms


class Equations(Mapping):
    """Model equations, a read-only mapping from variable name to :class:`SingleEquation`
    (in the order of definition).

    ``Equations(text, **substitutions)`` parses model text; ``Equations([SingleEquation, ...])``
    assembles definitions built by code (no name checks: groups add internal variables this way).
    ``a + b`` joins two sets of equations (a variable defined twice is an error)."""

    #: Brian2's registry of identifier checks (one-argument callables raising for a name a
    #: variable cannot have); :func:`check_identifier` applies them to every defined name
    identifier_checks: set = set(IDENTIFIER_CHECKS)

    @staticmethod
    def register_identifier_check(func) -> None:
        """Add ``func(name)`` to the checks of every variable name (Brian2's extension point)."""
        if not callable(func):
            raise ValueError(f"Can only register callables, not {func!r}")
        Equations.identifier_checks.add(func)

    @staticmethod
    def check_identifier(name: str) -> None:
        """Apply every registered identifier check to ``name``."""
        check_identifier(name)

    def __init__(self, eqns: str | Iterable[SingleEquation] = "", **substitutions):
        if isinstance(eqns, str):
            replace = _substitution_map(substitutions)
            record = ("equations", repr((eqns, sorted(replace.items()))))
            passed = passed_before(*record)
            used: set[str] = set()
            definitions = [_parse_definition(c, replace, used, passed)
                           for c in _definitions(eqns)]
            unused = sorted(set(replace) - used)
            if unused:
                raise EquationError(f"Substitution for {', '.join(map(repr, unused))}, but the "
                                    "equations do not use that name")
        elif substitutions:
            raise TypeError("substitutions are only possible for equations given as text")
        else:
            definitions = list(eqns)
            for eq in definitions:
                if not isinstance(eq, SingleEquation):
                    raise TypeError(f"Equations takes model text or SingleEquation objects, not "
                                    f"{type(eq).__name__}")
            record = ("definitions", repr([(eq.type, eq.varname, eq.var_type, eq.flags,
                                            eq.expr and " ".join(eq.expr.code.split()))
                                           for eq in definitions]))
            # a tree a caller built may print as a text that passed without being its parse
            passed = all(eq.expr is None or eq.expr.tree_from_text for eq in definitions) \
                and passed_before(*record)
        self._equations: dict[str, SingleEquation] = {}
        for eq in definitions:
            previous = self._equations.get(eq.varname)
            if previous is not None:
                raise EquationError(f"Variable {eq.varname!r} is defined twice (first in "
                                    f"{previous.line!r})", eq.line)
            self._equations[eq.varname] = eq
        self._subexpr_order = self._sort_subexpressions()
        self._sympy_parts = None
        if not passed:
            # the checks that need sympy run now, where the text is written; once passed, a
            # later process defers them (and the parse) until something needs them
            self._sympy_checked()
            if all(eq.expr is None or eq.expr.tree_from_text for eq in self.values()):
                remember_passed(*record)

    def _sympy_checked(self) -> tuple[dict, dict]:
        """``(right-hand sides with subexpressions inlined, noise terms)``, computed (and
        checked) when first needed."""
        if self._sympy_parts is None:
            substituted = self._substitute_subexpressions()
            self._sympy_parts = (substituted, self._noise_terms_of(substituted))
        return self._sympy_parts

    # -- mapping ---------------------------------------------------------------------------
    def __getitem__(self, name: str) -> SingleEquation:
        return self._equations[name]

    def __iter__(self):
        return iter(self._equations)

    def __len__(self):
        return len(self._equations)

    def _names_of(self, *kinds: str) -> NameSet:
        return NameSet(n for n, eq in self._equations.items() if eq.type in kinds)

    @property
    def names(self) -> NameSet:
        """Every defined variable (in order of definition)."""
        return NameSet(self._equations)

    @property
    def diff_eq_names(self) -> NameSet:
        return self._names_of(DIFFERENTIAL_EQUATION)

    @property
    def subexpr_names(self) -> NameSet:
        return self._names_of(SUBEXPRESSION)

    @property
    def eq_names(self) -> NameSet:
        """The differential equations and subexpressions."""
        return self._names_of(DIFFERENTIAL_EQUATION, SUBEXPRESSION)

    @property
    def parameter_names(self) -> NameSet:
        return self._names_of(PARAMETER)

    @property
    def constant_over_dt_names(self) -> tuple[str, ...]:
        """The subexpressions flagged ``constant over dt``, each after those it uses: groups store
        them and evaluate them once at the start of every step (Brian2's SubexpressionUpdater)."""
        return tuple(n for n in self._subexpr_order if "constant over dt" in self[n].flags)

    @property
    def ordered(self) -> list[SingleEquation]:
        """Brian2's update order: the subexpressions, each after the subexpressions it uses, then
        the differential equations, then the parameters (each of these two sorted by name)."""
        by_name = sorted(self.values(), key=lambda eq: eq.varname)
        return ([self[n] for n in self._subexpr_order]
                + [eq for eq in by_name if eq.type == DIFFERENTIAL_EQUATION]
                + [eq for eq in by_name if eq.type == PARAMETER])

    @property
    def diff_eq_expressions(self) -> list[tuple[str, Expression]]:
        """``(name, right-hand side)`` of every differential equation, in order of definition."""
        return [(n, eq.expr) for n, eq in self.items() if eq.type == DIFFERENTIAL_EQUATION]

    @property
    def eq_expressions(self) -> list[tuple[str, Expression]]:
        """``(name, right-hand side)`` of every differential equation and subexpression."""
        return [(n, eq.expr) for n, eq in self.items() if eq.expr is not None]

    @property
    def dimensions(self) -> dict[str, Dimension]:
        """``{name: dimensions}`` of every defined variable."""
        return {n: eq.dim for n, eq in self.items()}

    @property
    def identifiers(self) -> set[str]:
        """Brian2's: every name the right-hand sides use that is not defined here (external
        names, functions, units, ``t``, noise)."""
        return set().union(*(eq.identifiers for eq in self.values())) - set(self._equations)

    def get_substituted_expressions(self, variables=None, include_subexpressions=False):
        """Brian2's ``(name, Expression)`` of every differential equation (after, with
        ``include_subexpressions``, every subexpression in update order) with the
        subexpressions it uses substituted (except those flagged ``constant over dt``, which
        brianjit stores). ``variables`` is accepted for Brian2's signature; names need no
        declarations here."""
        result = [(n, Expression(sympy_expression=rhs))
                  for n, rhs in self._sympy_checked()[0].items()]
        if include_subexpressions:
            inlined, invalid = self._inlined_subexpressions()
            result = [(s.name, Expression(sympy_expression=expr)) for s, expr in inlined.items()
                      if expr not in invalid] + result
        return result

    @property
    def substituted_expressions(self) -> list[tuple[str, Expression]]:
        """The differential equations with subexpressions substituted
        (:meth:`get_substituted_expressions`)."""
        return self.get_substituted_expressions()

    @property
    def dependencies(self) -> dict[str, list["Dependency"]]:
        """Brian2's ``Equations.dependencies``: for each differential equation and subexpression,
        the definitions its right-hand side reads, directly or through subexpressions, each once
        (by the shortest chain), with ``via``: the subexpressions in between."""
        result = {}
        for eq in self.values():
            if eq.expr is None:
                continue
            found, queue = {}, [(eq.varname, ())]
            while queue:
                current, via = queue.pop(0)
                for name in sorted(self[current].identifiers):
                    if name not in self._equations or name in found:
                        continue
                    found[name] = Dependency(self[name], via)
                    if name in self.subexpr_names:
                        queue.append((name, via + (name,)))
            result[eq.varname] = list(found.values())
        return result

    # -- subexpressions --------------------------------------------------------------------
    def _sort_subexpressions(self) -> list[str]:
        subexprs = list(self.subexpr_names)
        deps = {n: [d for d in self[n].identifiers if d in subexprs] for n in subexprs}
        order, state = [], {}

        def visit(name, path):
            if state.get(name) == "done":
                return
            if state.get(name) == "active":
                cycle = path[path.index(name):] + [name]
                raise EquationError("Cyclic subexpression definitions "
                                    f"({' -> '.join(cycle)})", self[name].line)
            state[name] = "active"
            for dep in sorted(deps[name], key=subexprs.index):
                visit(dep, path + [name])
            state[name] = "done"
            order.append(name)

        for name in subexprs:
            visit(name, [])
        return order

    def _inlined_subexpressions(self):
        """``({symbol: the subexpression with those it uses inlined}, {placeholder: error})``
        in update order; a subexpression that is not a number once inlined stands for a
        placeholder symbol, mapped to its error."""
        inlined: dict[sympy.Symbol, sympy.Basic] = {}
        invalid: dict[sympy.Symbol, ParseError] = {}
        for name in self._subexpr_order:
            eq = self[name]
            if "constant over dt" in eq.flags:
                continue  # stored and updated once per step, as in Brian2
            try:
                inlined[symbol(name)] = substitute(eq.typed_expr, inlined, eq.line,
                                                   _SUBEXPRESSIONS)
            except ParseError as error:
                placeholder = symbol(f"_invalid_{name}")
                inlined[symbol(name)], invalid[placeholder] = placeholder, error
        return inlined, invalid

    def _substitute_subexpressions(self) -> dict[str, sympy.Basic]:
        """The differential equations' right-hand sides with the subexpressions inlined. A
        subexpression that is not a number once inlined (``Cm/gtot`` with ``gtot = 0``) is an
        error only where a differential equation uses it: unused, it may be infinite, as in
        Brian2 (where it is computed, it is checked again)."""
        inlined, invalid = self._inlined_subexpressions()
        result = {}
        for n in self.diff_eq_names:
            rhs = substitute(self[n].sympy_expr, inlined, self[n].line, _SUBEXPRESSIONS)
            errors = [invalid[s] for s in rhs.free_symbols if s in invalid]
            if errors:
                raise errors[0]
            result[n] = rhs
        return result

    def substituted_rhs(self, names: Iterable[str] | None = None) -> dict[str, sympy.Basic]:
        """``{var: RHS}`` for the differential equations (all, or ``names``), with every
        subexpression substituted (except those flagged ``constant over dt``, which stay names),
        in order of definition: the input of the integrators."""
        wanted = self.diff_eq_names if names is None else tuple(names)
        substituted = self._sympy_checked()[0]
        unknown = [n for n in wanted if n not in substituted]
        if unknown:
            raise KeyError(f"No differential equation for {', '.join(map(repr, unknown))}")
        return {n: substituted[n] for n in wanted}

    # -- noise -----------------------------------------------------------------------------
    def _noise_terms_of(self, substituted: dict) -> dict:
        """``{equation: {noise name: factor}}``, checked: every noise enters linearly, the
        plain ``xi`` in one equation at most."""
        plain_xi_users = []
        noise_terms = {}
        for name, rhs in substituted.items():
            try:
                _, terms = split_stochastic(rhs)
            except ValueError as err:
                raise EquationError(f"Invalid stochastic equation: {err}", self[name].line) from None
            noise_terms[name] = terms
            if "xi" in terms:
                plain_xi_users.append(name)
        if len(plain_xi_users) > 1:
            raise EquationError(f"The plain noise 'xi' is used by several equations "
                                f"({', '.join(plain_xi_users)}); name each noise (xi_1, xi_2, ...: "
                                "one name used in several equations is one shared noise)",
                                self[plain_xi_users[1]].line)
        return noise_terms

    @property
    def stochastic_variables(self) -> set[str]:
        """Noise symbols (``xi``, ``xi_*``) the differential equations use."""
        if not any(is_noise_name(name) for name in self.identifiers):
            return set()   # known without sympy: a noise of the tree is a name of the text
        return set().union(*(t.keys() for t in self._sympy_checked()[1].values()))

    @property
    def is_stochastic(self) -> bool:
        return bool(self.stochastic_variables)

    @property
    def stochastic_type(self) -> str | None:
        """None without noise; ``'additive'`` when no noise factor depends on a variable with a
        differential equation or on time ``t``; ``'multiplicative'`` otherwise (Brian2's rule;
        the integrators classify the system they integrate themselves)."""
        if not self.is_stochastic:
            return None
        states = {symbol(n) for n in [*self.diff_eq_names, "t"]}
        for terms in self._sympy_checked()[1].values():
            if any(g.free_symbols & states for g in terms.values()):
                return "multiplicative"
        return "additive"

    # -- checks ----------------------------------------------------------------------------
    def check_stateful_subexpressions(self) -> None:
        """Brian2's rule: a subexpression that draws random numbers (``rand()``, ``randn()``,
        ``poisson()``) must be ``(constant over dt)``, else each use would draw anew
        (SyntaxError, raised when a run starts)."""
        from brianjit.model.functions import is_stateful_call
        for name in self._subexpr_order:
            eq = self[name]
            if "constant over dt" not in eq.flags and \
                    any(is_stateful_call(node) for node in sympy.preorder_traversal(eq.sympy_expr)):
                raise SyntaxError(f"The subexpression '{name}' refers to a stateful function "
                                  f"(e.g. rand()). Such expressions should only be evaluated once "
                                  f"per timestep, add the 'constant over dt' flag (in "
                                  f"'{eq.expr}').")

    def check_units(self, dims_of_name=None, functions=None) -> None:
        """Check every right-hand side: a differential equation's has the variable's dimensions
        per second, a subexpression's the variable's. Names defined here have their declared
        dimensions; other names are looked up in ``dims_of_name`` (see
        :func:`~brianjit.model.dimensions.get_expr_dimensions`). Errors quote the line.

        Brian2's form ``check_units(group, run_namespace)`` resolves the other names as a run
        of ``group`` would: its variables, its ``namespace``, then ``run_namespace``, units and
        constants."""
        from brianjit.objects.group import Group
        if isinstance(dims_of_name, Group):
            dims_of_name, functions = self._dimensions_for(dims_of_name, functions), None
        def lookup(name):
            eq = self._equations.get(name)
            if eq is not None:
                return eq.dim
            if dims_of_name is None:
                raise KeyError(name)
            return dims_of_name[name] if isinstance(dims_of_name, Mapping) else dims_of_name(name)

        for eq in self.values():
            if eq.type == PARAMETER:
                continue
            try:
                found = get_expr_dimensions(" ".join(eq.expr.code.split()), lookup, functions)
            except DimensionMismatchError as err:
                raise DimensionMismatchError(f"{err} (in {eq.line!r})") from None
            except UnknownIdentifierError as err:
                raise UnknownIdentifierError(f"{err} (in {eq.line!r})") from None
            expected = eq.dim / get_dimensions(units.second) if eq.type == DIFFERENTIAL_EQUATION \
                else eq.dim
            if found != expected:
                what = f"{eq.varname}/second" if eq.type == DIFFERENTIAL_EQUATION else eq.varname
                raise DimensionMismatchError(
                    f"Inconsistent units in the {eq.type} {eq.line!r}: the right-hand side has "
                    f"dimensions {found}, but {what} has dimensions {expected}")

    def _dimensions_for(self, group, run_namespace) -> dict:
        """``{name: dimensions (or a function's FunctionSpec)}`` of the names these equations
        use but do not define, as ``group`` resolves them when it runs."""
        from brianjit.model.functions import DEFAULT_FUNCTIONS
        from brianjit.model.namespace import resolve_names
        from brianjit.objects.functions import ModelFunction, as_function
        variables = group.variables
        external = {n for n in self.identifiers
                    if n not in DEFAULT_FUNCTIONS and not is_noise_name(n)}
        dims = {n: variables[n].dim for n in external if n in variables}
        values = resolve_names(external - set(dims), group.namespace, run_namespace or {},
                               owner="the equations")
        for name, value in values.items():
            if callable(value) and not isinstance(value, units.Quantity):
                value = as_function(name, value)
            dims[name] = value.function_spec if isinstance(value, ModelFunction) \
                else get_dimensions(value)
        return dims

    def check_flags(self, allowed: Mapping[str, Iterable[str]],
                    incompatible_flags: Iterable[Iterable[str]] = ()) -> None:
        """Refuse flags a particular group does not support: ``allowed`` maps each kind of
        definition to its flags; ``incompatible_flags`` lists sets of flags that exclude each other."""
        allowed = {k: tuple(v) for k, v in allowed.items()}
        groups = tuple(set(g) for g in incompatible_flags or ()) + EXCLUSIVE_FLAGS
        for eq in self.values():
            _check_flags_for_kind(eq.type, eq.flags, allowed, eq.line, groups)

    # -- combination and display -----------------------------------------------------------
    def substitute(self, **substitutions) -> "Equations":
        """New equations with names replaced by other names or by values, exactly as
        ``Equations(text, **substitutions)`` replaces them (Brian2's ``Equations.substitute``)."""
        return Equations(str(self), **substitutions)

    def __add__(self, other):
        if isinstance(other, str):
            other = Equations(other)
        if not isinstance(other, Equations):
            return NotImplemented
        return Equations([*self.values(), *other.values()])

    def __radd__(self, other):
        if isinstance(other, str):
            return Equations(other) + self
        return NotImplemented

    def __str__(self):
        return "\n".join(str(eq) for eq in self.values())

    def __repr__(self):
        return f"Equations({str(self)!r})"

    def _latex(self, *args):
        """The definitions as one LaTeX ``align*`` block, a row each with its unit and flags
        (what a notebook shows for an ``Equations``, as Brian2's)."""
        rows = []
        for eq in self.values():
            unit = rf"\text{{{eq.var_type}}}" if eq.var_type != "float" else (
                "1" if eq.dim is DIMENSIONLESS else eq.unit._latex())
            flags = rf", \text{{flags: {', '.join(eq.flags)}}}" if eq.flags else ""
            lhs, rhs = eq._latex_sides()
            rows.append(f"{lhs} &&& ({unit}{flags})" if rhs is None else
                        f"{lhs} &= {rhs} && ({unit}{flags})")
        return r"\begin{align*}" + (r"\\" + "\n").join(rows) + r"\end{align*}"

    def _repr_latex_(self):
        return self._latex()


def extract_constant_subexpressions(eqs: Equations) -> tuple[Equations, Equations]:
    """Brian2's split of ``eqs`` for a group that stores its ``(constant over dt)``
    subexpressions: ``(eqs with each of them as a parameter of that name, the subexpressions
    themselves)``, in update order."""
    variable, constant = [], []
    for eq in eqs.ordered:
        if eq.type == SUBEXPRESSION and "constant over dt" in eq.flags:
            flags = tuple(f for f in eq.flags if f != "constant over dt")
            variable.append(SingleEquation(PARAMETER, eq.varname, eq.dim, eq.var_type, None,
                                           flags, eq.line, eq.unit_text))
            constant.append(eq)
        else:
            variable.append(eq)
    return Equations(variable), Equations(constant)
