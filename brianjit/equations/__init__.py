"""Brian2's module path ``brian2.equations``: scripts import the equation classes and their
error from here (``from brian2.equations.equations import EquationError``). The model language
itself lives in :mod:`brianjit.model`."""
from .equations import *  # noqa: F401,F403
from .equations import __all__
