"""``brian2.equations.equations``: ``Equations``, ``SingleEquation`` and ``EquationError``
(not bound by the star import, as in Brian2); defined in :mod:`brianjit.model.equations`."""
from ..model.equations import EquationError, Equations, SingleEquation

__all__ = ["Equations", "SingleEquation", "EquationError"]
