"""``brian2.parsing.sympytools``: model text to sympy and back, as Brian2's ``str_to_sympy``
and ``sympy_to_str``.

``str_to_sympy`` is brianjit's parser (:func:`brianjit.model.parse.parse_expression`: real
symbols, ``rand()`` numbered per call) with the constants ``pi``, ``e`` and ``inf`` as sympy's
own numbers, so that sympy can compute with them (``sin(pi)`` is 0, ``1.0/inf`` is 0);
``sympy_to_str`` prints a tree in the model language (``abs``, ``ceil``, ``inf``, ``and``,
``not``), which the parser reads back."""
from __future__ import annotations

__all__ = ["str_to_sympy", "sympy_to_str"]


def str_to_sympy(expr: str, variables=None):
    """The sympy expression of the model text ``expr``. ``variables`` is accepted for Brian2's
    signature; a name's declared type does not change the tree here."""
    import sympy

    from ..model.parse import parse_expression
    from ..model.symbols import symbol
    constants = {symbol("pi"): sympy.pi, symbol("e"): sympy.E, symbol("inf"): sympy.oo}
    return parse_expression(expr).xreplace(constants)


def sympy_to_str(sympy_expr) -> str:
    """``sympy_expr`` as model text."""
    from ..model.abstract_code import code_string
    return code_string(sympy_expr)
