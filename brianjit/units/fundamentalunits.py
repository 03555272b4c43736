"""``brian2.units.fundamentalunits``: the unit system's classes and helpers under Brian2's module
path, and Brian2's switch ``unit_checking``::

    import brian2.units.fundamentalunits as fundamentalunits
    fundamentalunits.unit_checking = False   # 3*second + 5*volt is 8 (in seconds)

The switch is a property of this module that reads and writes the one flag the checks consult
(:data:`brianjit.units.dimensions.unit_checking`), so setting it here takes effect everywhere.
"""
import sys
import types

from . import dimensions as _dimensions
from .dimensions import DIMENSIONLESS, Dimension, DimensionMismatchError, get_or_create_dimension
from .functions import check_units, in_best_unit, in_unit
from .quantity import (Quantity, fail_for_dimension_mismatch, get_dimensions,
                       have_same_dimensions, is_dimensionless, is_scalar_type)
from .unit import Unit, get_unit, get_unit_for_display, register_new_unit

__all__ = ["DimensionMismatchError", "get_or_create_dimension", "get_dimensions",
           "is_dimensionless", "have_same_dimensions", "in_unit", "in_best_unit", "Quantity",
           "Unit", "register_new_unit", "check_units", "is_scalar_type", "get_unit"]

#: also here, as in Brian2's module: DIMENSIONLESS, Dimension, fail_for_dimension_mismatch,
#: get_unit_for_display (imported above)


class _FundamentalUnitsModule(types.ModuleType):
    @property
    def unit_checking(self) -> bool:
        """Whether quantity operations check dimensions (Brian2's module-level switch)."""
        return _dimensions.unit_checking

    @unit_checking.setter
    def unit_checking(self, value):
        _dimensions.unit_checking = bool(value)


sys.modules[__name__].__class__ = _FundamentalUnitsModule
