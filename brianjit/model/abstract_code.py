"""A state update as Brian2's abstract code: what ``euler(eqs)`` returns.

brianjit compiles the sympy assignments of a step directly; this text exists for users who look at
what a method does (``print(rk4(eqs))``), in Brian2's layout: the method's temporaries, then
``_v = <new value>`` for every state variable, then ``v = _v``. Expressions are printed in the
model language (``randn()``, ``int(x)``, ``a//b``), not sympy's spelling of brianjit's internals.
"""
from __future__ import annotations

import sympy
from sympy.printing.str import StrPrinter

from .methods import TempNamer
from .symbols import RANDOM_FUNCTIONS, floordiv, int_

__all__ = ["abstract_code", "code_string"]


class _ModelLanguagePrinter(StrPrinter):
    def _print_Function(self, expr):
        if expr.func in RANDOM_FUNCTIONS:   # randn(k): k only tells draws apart
            return f"{expr.func.__name__}()"
        if expr.func is int_:
            return f"int({self._print(expr.args[0])})"
        if expr.func is floordiv:
            a, b = (self.parenthesize(arg, 50) for arg in expr.args)
            return f"{a}//{b}"
        return super()._print_Function(expr)


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
