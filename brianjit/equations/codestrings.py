"""``brian2.equations.codestrings``: ``Expression`` and ``Statements`` (defined in
:mod:`brianjit.model.codestrings`)."""
from ..model.codestrings import Expression, Statements

__all__ = ["Expression", "Statements"]
