"""``brian2.equations.equations``: ``Equations``, ``SingleEquation``, ``EquationError``, the kinds
and types of definitions, Brian2's identifier checks and ``dimensions_and_type_from_string``
(not bound by the star import, as in Brian2); defined in :mod:`brianjit.model.equations`."""
from ..model.equations import (BOOLEAN, DIFFERENTIAL_EQUATION, FLOAT, INTEGER, PARAMETER,
                               SUBEXPRESSION, EquationError, Equations, SingleEquation,
                               check_identifier_basic, check_identifier_constants,
                               check_identifier_functions, check_identifier_reserved,
                               check_identifier_units, dimensions_and_type_from_string,
                               extract_constant_subexpressions)

__all__ = ["Equations", "SingleEquation", "EquationError", "DIFFERENTIAL_EQUATION",
           "SUBEXPRESSION", "PARAMETER", "FLOAT", "INTEGER", "BOOLEAN", "check_identifier_basic",
           "check_identifier_reserved", "check_identifier_constants",
           "check_identifier_functions", "check_identifier_units",
           "dimensions_and_type_from_string", "extract_constant_subexpressions"]
