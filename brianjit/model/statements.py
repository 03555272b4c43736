"""Abstract code (reset, on_pre, run_regularly): assignments parsed into :class:`Statement` objects.

The language is a sequence of assignments ``var op expr``, one per line or separated by ``;``, with
``#`` comments and blank lines; ``op`` is one of ``= += -= *= /= //= %= **=``. Each line is parsed
with Python's ``ast`` and its right-hand side translated by :mod:`brianjit.model.parse`; anything
else (``if``, ``del``, tuple targets, ``a = b = 1``, ``x.y = 1``...) is refused with a
:class:`StatementError` quoting the line.

Temporaries: as in Brian2, ``x = expr`` with a name that is not a variable of the group defines a
temporary, a value local to the code block that later lines may read. :func:`parse_statements` marks
them (``Statement.temporary``) when it is told the variable names, and
:func:`check_statements_units` gives them the dimensions of their first right-hand side.
"""
from __future__ import annotations

import ast
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace

from brianjit.model.dimensions import UnknownIdentifierError, get_expr_dimensions
from brianjit.model.parse import ParseError, parse_expression, parse_source, shorten
from brianjit.units import DIMENSIONLESS, Dimension, DimensionMismatchError
from ..lazy import lazy_module

sympy = lazy_module("sympy", rebind=globals())   # imported when first needed

__all__ = ["Statement", "StatementError", "parse_statements", "check_statements_units",
           "OPERATORS"]

_AUGMENTED = {ast.Add: "+=", ast.Sub: "-=", ast.Mult: "*=", ast.Div: "/=", ast.FloorDiv: "//=",
              ast.Mod: "%=", ast.Pow: "**="}
OPERATORS = ("=", *_AUGMENTED.values())

# What the right-hand side's dimensions must be, per operator: the variable's, or none.
_SAME_DIMS = ("=", "+=", "-=", "%=")
_DIMENSIONLESS_RHS = ("*=", "/=", "//=", "**=")


class StatementError(SyntaxError):
    """Abstract code that is not a valid list of assignments; the message quotes the line."""


@dataclass(frozen=True)
class Statement:
    """``var op expr``: ``expr`` is sympy, ``text`` the source line (quoted by error messages),
    ``rhs_text`` the right-hand side as written; ``temporary`` is True for ``=`` to a name that is
    not a variable (known only when :func:`parse_statements` was given the variable names)."""

    var: str
    op: str
    expr: sympy.Basic
    text: str
    temporary: bool = False
    rhs_text: str = field(default="", compare=False)

    def __str__(self):
        return f"{self.var} {self.op} {self.expr}"


def _lines(source: str) -> str:
    """Strip each line's indentation (code blocks are often indented triple-quoted strings)."""
    return "\n".join(line.strip() for line in source.splitlines())


def _statement(node: ast.stmt, source: str) -> Statement:
    text = ast.get_source_segment(source, node) or source
    if isinstance(node, ast.Assign):
        if len(node.targets) != 1:
            raise StatementError(f"Chained assignments are not allowed in {text!r}")
        target, op = node.targets[0], "="
    elif isinstance(node, ast.AugAssign):
        target, op = node.target, _AUGMENTED.get(type(node.op))
        if op is None:
            raise StatementError(f"Operator {type(node.op).__name__} is not allowed (only "
                                 f"{' '.join(OPERATORS)}) in {text!r}")
    else:
        raise StatementError(f"Only assignments ('var = expr', 'var += expr', ...) are allowed, "
                             f"not {type(node).__name__} statements, in {text!r}")
    if not isinstance(target, ast.Name):
        raise StatementError(f"The target of an assignment must be a single name in {text!r}")
    if target.id.startswith("__"):
        raise StatementError(f"Name {target.id!r} is not allowed in {text!r}")
    # The value's segment may span lines without its enclosing brackets: join them.
    rhs_text = " ".join((ast.get_source_segment(source, node.value) or "").split())
    try:
        expr = parse_expression(rhs_text)
    except ParseError as err:
        raise StatementError(f"{err} (in {text!r})") from None
    return Statement(target.id, op, expr, text, rhs_text=rhs_text)


def parse_statements(text: str, variables: Collection[str] | None = None) -> list[Statement]:
    """Parse a block of abstract code (``'v = v_r; w += b'``) into statements, in order.

    With ``variables`` (the names the code may write to), every assignment to another name is
    marked as a temporary; such a name must first be assigned with ``=``."""
    if not isinstance(text, str):
        raise TypeError(f"abstract code must be a string, not {type(text).__name__}")
    source = _lines(text)
    try:
        tree = parse_source(source, mode="exec")
    except ParseError as err:
        lines = source.splitlines()
        line = lines[err.lineno - 1] if err.lineno and err.lineno <= len(lines) else source
        raise StatementError(f"{err.reason[:1].upper()}{err.reason[1:]} in "
                             f"{shorten(line.strip())!r}") from None
    statements = [_statement(node, source) for node in tree.body]
    if variables is None:
        return statements
    variables, temporaries, result = set(variables), set(), []
    for st in statements:
        if st.var not in variables:
            if st.var not in temporaries and st.op != "=":
                raise StatementError(f"{st.op!r} on {st.var!r}, which is not a variable (nor an "
                                     f"earlier temporary), in {st.text!r}")
            temporaries.add(st.var)
            st = replace(st, temporary=True)
        result.append(st)
    return result


def check_statements_units(statements: list[Statement], dims_of_name, functions=None
                           ) -> dict[str, Dimension]:
    """Check each statement's units as Brian2 does: ``=``, ``+=``, ``-=``, ``%=`` need the
    right-hand side to have the variable's dimensions; ``*=``, ``/=``, ``//=`` need it
    dimensionless; ``**=`` needs both dimensionless. An ``=`` to a name ``dims_of_name`` does not
    know defines a temporary with the dimensions of its right-hand side.

    Returns ``{temporary: dimensions}``. Errors (``DimensionMismatchError``, or
    ``UnknownIdentifierError`` for names nobody knows) quote the statement."""
    temporaries: dict[str, Dimension] = {}

    def lookup(name):
        if name in temporaries:
            return temporaries[name]
        if dims_of_name is None:
            raise KeyError(name)
        return dims_of_name[name] if isinstance(dims_of_name, Mapping) else dims_of_name(name)

    def known(name):
        try:
            return lookup(name)
        except KeyError:
            return None

    for st in statements:
        try:
            rhs = (parse_expression(st.rhs_text, evaluate=False) if st.rhs_text else st.expr)
            rhs_dim = get_expr_dimensions(rhs, lookup, functions, text=st.rhs_text or None)
        except (DimensionMismatchError, UnknownIdentifierError) as err:
            raise type(err)(f"{err} (in {st.text!r})") from None
        var_dim = known(st.var)
        if var_dim is None:
            if st.op != "=":
                raise UnknownIdentifierError(f"Unknown variable {st.var!r} in {st.text!r}")
            temporaries[st.var] = rhs_dim
            continue
        if st.op in _SAME_DIMS and rhs_dim != var_dim:
            raise DimensionMismatchError(
                f"Inconsistent units in {st.text!r}: {st.var!r} has dimensions {var_dim} but the "
                f"right-hand side has {rhs_dim}")
        if st.op in _DIMENSIONLESS_RHS and rhs_dim != DIMENSIONLESS:
            raise DimensionMismatchError(
                f"Inconsistent units in {st.text!r}: the right-hand side of {st.op!r} must be "
                f"dimensionless but has dimensions {rhs_dim}")
        if st.op == "**=" and var_dim != DIMENSIONLESS:
            raise DimensionMismatchError(
                f"Inconsistent units in {st.text!r}: '**=' changes the dimensions of {st.var!r} "
                f"({var_dim}); it is only allowed on dimensionless variables")
    return temporaries
