"""Brian2's module path ``brian2.equations``: scripts import the equation classes and their
error from here (``from brian2.equations.equations import EquationError``). The model language
itself lives in :mod:`brianjit.model`."""
from .codestrings import Expression, Statements
from .equations import Equations

__all__ = ["Equations", "Expression", "Statements"]
