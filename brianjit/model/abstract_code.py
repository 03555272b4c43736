"""A state update as Brian2's abstract code: what ``euler(eqs)`` returns.

brianjit compiles the sympy assignments of a step directly; this text exists for users who look at
what a method does (``print(rk4(eqs))``), in Brian2's layout: the method's temporaries, then
``_v = <new value>`` for every state variable, then ``v = _v``. Expressions are printed in the
model language (``randn()``, ``int(x)``, ``a//b``), not sympy's spelling of brianjit's internals.
"""
from __future__ import annotations

import sympy
from sympy.printing.precedence import PRECEDENCE
from sympy.printing.str import StrPrinter

from .methods import TempNamer
from .symbols import RANDOM_FUNCTIONS, floordiv, int_

__all__ = ["abstract_code", "code_string"]


class _ModelLanguagePrinter(StrPrinter):
    """sympy -> model text that :func:`brianjit.model.parse.parse_expression` reads back:
    the model language's names for functions and constants (``abs``, ``ceil``, ``arcsin``,
    ``inf``, ``e``), ``and``/``or``/``not``, ``==``/``!=``, ``%`` and ``//``."""

    _FUNCTION_NAMES = {"Abs": "abs", "ceiling": "ceil", "asin": "arcsin", "acos": "arccos",
                       "atan": "arctan", "asinh": "arcsinh", "acosh": "arccosh",
                       "atanh": "arctanh"}

    def _print_Function(self, expr):
        if expr.func in RANDOM_FUNCTIONS:   # randn(k): k only tells draws apart
            return f"{expr.func.__name__}()"
        if expr.func is int_:
            return f"int({self._print(expr.args[0])})"
        if expr.func is floordiv:
            a, b = (self.parenthesize(arg, PRECEDENCE["Mul"]) for arg in expr.args)
            return f"{a}//{b}"
        name = self._FUNCTION_NAMES.get(type(expr).__name__, expr.func.__name__)
        return f"{name}({', '.join(self._print(arg) for arg in expr.args)})"

    _print_Abs = _print_ceiling = _print_Function

    def _print_Mod(self, expr):
        a, b = (self.parenthesize(arg, PRECEDENCE["Mul"]) for arg in expr.args)
        return f"{a} % {b}"

    def _print_Relational(self, expr):
        op = {"==": "==", "!=": "!="}.get(expr.rel_op, expr.rel_op)
        a, b = (self.parenthesize(arg, PRECEDENCE["Relational"]) for arg in expr.args)
        return f"{a} {op} {b}"

    def _print_And(self, expr):
        return " and ".join(self.parenthesize(a, PRECEDENCE["And"]) for a in expr.args)

    def _print_Or(self, expr):
        return " or ".join(self.parenthesize(a, PRECEDENCE["Or"]) for a in expr.args)

    def _print_Not(self, expr):
        return f"not({self._print(expr.args[0])})"

    def _print_Infinity(self, expr):
        return "inf"

    def _print_NegativeInfinity(self, expr):
        return "-inf"

    def _print_Exp1(self, expr):
        return "e"


def code_string(expr) -> str:
    """``expr`` in the model language."""
    return _ModelLanguagePrinter().doprint(expr)


def abstract_code(update, state_names) -> str:
    """Brian2's abstract code for ``update`` (``(target, expr)`` pairs of :func:`integrate`)
    of the variables ``state_names``."""
    states = list(state_names)
    temporaries = [(t, e) for t, e in update if t not in states]
    writes = {t: e for t, e in update if t in states}
    taken = {t for t, _ in update} | set(states)
    for _, expr in update:
        taken |= {s.name for s in expr.free_symbols}
    namer, lines, finals = TempNamer(taken), [], []
    for target, expr in temporaries:
        lines.append(f"{target} = {code_string(expr)}")
    for name in states:
        value = writes.get(name, sympy.Symbol(name))
        buffered = isinstance(value, sympy.Symbol) and value.name != name and \
            any(t == value.name for t, _ in temporaries)
        if buffered:
            finals.append(f"{name} = {value.name}")
            continue
        temp = namer.new(name).name
        lines.append(f"{temp} = {code_string(value)}")
        finals.append(f"{name} = {temp}")
    return "\n".join(lines + finals)
