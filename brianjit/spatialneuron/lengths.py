"""Length arguments of the morphology classes: checked once, then kept as plain floats in metres.

Sections store their geometry as read-only float64 arrays in metres (no Quantity inside), so the
formulas are numpy arithmetic and a copied section can share them; the public attributes wrap
fresh results in Quantities. The constructors check the dimensions with ``check_units`` (so, as in
Brian2, a value that is not a length is a DimensionMismatchError even when another argument is
missing); every argument then goes through this module: a wrong number of values is a TypeError
(as in Brian2), a NaN, an infinity or a negative diameter/length a ValueError.
"""
from __future__ import annotations

import numpy as np

from ..units import Quantity, meter

__all__ = ["METRE", "SQUARE_METRE", "CUBIC_METRE", "metres", "readonly", "single_length",
           "length_array", "optional_coordinates"]

METRE = meter.dim
SQUARE_METRE = (meter ** 2).dim
CUBIC_METRE = (meter ** 3).dim


def metres(values, dim=METRE):
    """A fresh Quantity of the float values ``values`` (in base SI units) with ``dim``."""
    return Quantity(np.array(values, dtype=float), dim=dim)


def readonly(values) -> np.ndarray:
    """A float64 copy of ``values`` that cannot be changed in place (sections share them)."""
    array = np.array(values, dtype=float)
    array.flags.writeable = False
    return array


def _values(value, what: str) -> np.ndarray:
    """The values of a length argument (its dimension checked by the constructor's
    ``check_units``), in metres, as a plain float array."""
    array = np.array(Quantity(value), dtype=float)
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{what} has to be finite, got {value!r}")
    return array


def _nonnegative(array: np.ndarray, what: str, value) -> np.ndarray:
    if np.any(array < 0):
        raise ValueError(f"{what} cannot be negative, got {value!r}")
    return array


def single_length(value, what: str, nonnegative: bool = True) -> float:
    """One length (a scalar or a single-element array), in metres."""
    array = _values(value, what)
    if array.shape not in ((), (1,)):
        raise TypeError(f"{what} has to be a single value, got {array.size} values "
                        f"(shape {array.shape})")
    if nonnegative:
        _nonnegative(array, what, value)
    return float(array.reshape(()))


def length_array(value, what: str, size: int, nonnegative: bool = True) -> np.ndarray:
    """A one-dimensional array of exactly ``size`` lengths, in metres (read-only)."""
    array = _values(value, what)
    if array.ndim != 1 or array.shape[0] != size:
        raise TypeError(f"{what} has to be a one-dimensional array of {size} values, got "
                        f"shape {array.shape}")
    if nonnegative:
        _nonnegative(array, what, value)
    return readonly(array)


def optional_coordinates(x, y, z, what: str, size: int):
    """The x, y, z arguments of a section as an (size, 3) array (a missing axis is 0), or None
    when none is given. Each given axis needs ``size`` values."""
    if x is None and y is None and z is None:
        return None
    columns = [np.zeros(size) if value is None
               else length_array(value, f"{what}: '{axis}'", size, nonnegative=False)
               for axis, value in zip("xyz", (x, y, z))]
    return readonly(np.column_stack(columns))
