"""How model names become sympy symbols, apart from :mod:`brianjit.model.symbols` (whose sympy
function classes need sympy when the module is imported): objects check and list their names
with these without importing sympy, which a script whose models are all in the disk cache never
needs (issue 9, target 2). ``symbol`` imports sympy with its first call.
"""
from __future__ import annotations
from ..lazy import lazy_module

sympy = lazy_module("sympy", rebind=globals())

__all__ = ["symbol", "is_noise_name"]


def is_noise_name(name: str) -> bool:
    """True for the white-noise names ``xi`` and ``xi_<suffix>`` -- and only those: ``xinput`` or
    ``xi2`` are ordinary names (a constant, a variable), as in Brian2."""
    return name == "xi" or name.startswith("xi_")


def symbol(name: str) -> sympy.Symbol:
    """The one way to make the sympy symbol for a model name."""
    return sympy.Symbol(name, real=True)
