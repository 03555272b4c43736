"""Unit: a named, immutable scalar Quantity, and the registry that chooses units for display.

A Unit is a Quantity with a Python name (``mvolt``, used by ``repr``) and a display name (``mV``,
used by ``str``). Products, quotients and powers of units are again units with composed names
(``volt / second``), so unit expressions in model strings and ``check_units`` read naturally;
anything involving a plain number or an unnamed quantity is a plain Quantity.

The registry remembers, per Dimension, the units worth showing (:func:`register_new_unit`) and
the unscaled SI unit (:func:`get_unit`); :func:`best_unit` picks the prefixed unit that suits a
quantity's magnitude for printing.
"""
from __future__ import annotations

import numbers

import numpy as np

from .dimensions import DIMENSIONLESS, Dimension, get_or_create_dimension
from .quantity import Quantity, get_dimensions

__all__ = ["Unit", "get_unit", "get_unit_for_display", "register_new_unit", "best_unit"]


def _rebuild_unit(value, dim, name, dispname, latexname, iscompound):
    return Unit(value, dim, name=name, dispname=dispname, latexname=latexname,
                iscompound=iscompound)


class Unit(Quantity):
    """A named physical unit, e.g. ``Unit(1e-3, volt.dim, name="mvolt", dispname="mV")``.

    ``value`` is the size of the unit in base SI units; ``dim`` its Dimension. Without names the
    unit is named after its dimension (``metre * second ** -1``). Units are read-only 0-d arrays.
    """

    def __new__(cls, value=1.0, dim=None, *, name=None, dispname=None, latexname=None,
                iscompound=False):
        unit = Quantity.__new__(cls, value, dim=dim, dtype=float, copy=True)
        if unit.ndim != 0:
            raise TypeError(f"a Unit must be a single number, got shape {unit.shape}")
        unit.setflags(write=False)
        scale = float(unit.view(np.ndarray))
        if name is None:
            if unit.dim is DIMENSIONLESS:
                name = "Unit(1)" if scale == 1 else f"Unit({scale!r})"
            else:
                name = repr(unit.dim) if scale == 1 else f"{scale!r} * {unit.dim!r}"
                iscompound = iscompound or scale != 1 or " " in name
        if dispname is None:
            dispname = name if unit.dim is DIMENSIONLESS or scale != 1 else str(unit.dim)
        unit.name = name
        unit.dispname = dispname
        unit.latexname = latexname if latexname is not None else dispname
        unit.iscompound = iscompound
        return unit

    def __array_finalize__(self, obj):
        super().__array_finalize__(obj)
        self.name = getattr(obj, "name", None)
        self.dispname = getattr(obj, "dispname", None)
        self.latexname = getattr(obj, "latexname", None)
        self.iscompound = getattr(obj, "iscompound", False)

    @property
    def scale(self) -> float:
        """Size of the unit in base SI units (``mvolt.scale == 0.001``)."""
        return float(self.view(np.ndarray))

    # --- unit algebra: unit (op) unit is a unit ------------------------------------------------
    def _compose(self, other, symbol, value, dim):
        def wrap(unit, right):
            needs = unit.iscompound and (symbol == "/" and right)
            return (f"({unit.name})", f"({unit.dispname})") if needs else (unit.name,
                                                                           unit.dispname)
        left_name, left_disp = wrap(self, False)
        right_name, right_disp = wrap(other, True)
        return Unit(value, dim, name=f"{left_name} {symbol} {right_name}",
                    dispname=f"{left_disp}{'*' if symbol == '*' else '/'}{right_disp}",
                    iscompound=True)

    def __mul__(self, other):
        if isinstance(other, Unit):
            return self._compose(other, "*", self.scale * other.scale, self.dim * other.dim)
        return super().__mul__(other)

    def __truediv__(self, other):
        if isinstance(other, Unit):
            return self._compose(other, "/", self.scale / other.scale, self.dim / other.dim)
        return super().__truediv__(other)

    def __rtruediv__(self, other):
        if isinstance(other, numbers.Real) and not isinstance(other, bool) and other == 1:
            right = f"({self.name})" if self.iscompound else self.name
            right_disp = f"({self.dispname})" if self.iscompound else self.dispname
            return Unit(1 / self.scale, self.dim ** -1, name=f"1 / {right}",
                        dispname=f"1/{right_disp}", iscompound=True)
        return super().__rtruediv__(other)

    def __pow__(self, exponent):
        if isinstance(exponent, numbers.Real) and not isinstance(exponent, bool):
            base = f"({self.name})" if self.iscompound else self.name
            base_disp = f"({self.dispname})" if self.iscompound else self.dispname
            shown = int(exponent) if exponent == int(exponent) else exponent
            return Unit(self.scale ** exponent, self.dim ** exponent, name=f"{base} ** {shown}",
                        dispname=f"{base_disp}^{shown}", iscompound=True)
        return super().__pow__(exponent)

    # Units are immutable: in-place operators fall back to the ordinary ones (x *= 2 rebinds x).
    def __iadd__(self, other):
        return NotImplemented

    __isub__ = __imul__ = __itruediv__ = __ifloordiv__ = __imod__ = __ipow__ = __iadd__

    def __hash__(self):
        return hash((self.scale, self.dim))

    def __repr__(self):
        return self.name

    def __str__(self):
        return self.dispname

    def __format__(self, spec):
        return format(str(self), spec)

    def __reduce__(self):
        return (_rebuild_unit, (self.scale, self.dim, self.name, self.dispname, self.latexname,
                                self.iscompound))


# --- registry ---------------------------------------------------------------------------------
_DISPLAY_UNITS: dict[Dimension, list[Unit]] = {}
_STANDARD_UNITS: dict[Dimension, Unit] = {}
_COMPOUND_UNITS: dict[Dimension, Unit] = {}
_DIMENSIONLESS_UNIT = Unit(1.0, DIMENSIONLESS, name="Unit(1)", dispname="1")


def register_new_unit(unit: Unit) -> None:
    """Let ``unit`` be chosen for printing quantities of its dimension.

    The first registered unit of scale 1 for a dimension becomes that dimension's SI unit
    (what :func:`get_unit` returns).
    """
    if not isinstance(unit, Unit):
        raise TypeError(f"register_new_unit needs a Unit, got {unit!r}")
    candidates = _DISPLAY_UNITS.setdefault(unit.dim, [])
    scale = unit.scale
    if all(existing.scale != scale for existing in candidates):
        candidates.append(unit)
        candidates.sort(key=lambda u: u.scale)
    if scale == 1.0:
        _STANDARD_UNITS.setdefault(unit.dim, unit)


def get_unit(dim) -> Unit:
    """The unscaled SI unit for a dimension (``volt`` for voltage, not ``mvolt``).

    For a dimension without a named unit, a unit named after the dimension in base units.
    """
    dim = get_or_create_dimension(dim) if not isinstance(dim, Dimension) else dim
    if dim is DIMENSIONLESS:
        return _DIMENSIONLESS_UNIT
    unit = _STANDARD_UNITS.get(dim)
    if unit is None:
        unit = _COMPOUND_UNITS.get(dim)
        if unit is None:
            unit = _COMPOUND_UNITS.setdefault(dim, Unit(1.0, dim))
    return unit


def get_unit_for_display(dim) -> str:
    """The name of the SI unit for a dimension as shown in messages: ``"volt"``, or ``"1"``."""
    if isinstance(dim, numbers.Number) and not isinstance(dim, bool) and dim == 1:
        return "1"
    dim = dim if isinstance(dim, Dimension) else get_dimensions(dim)
    return "1" if dim is DIMENSIONLESS else repr(get_unit(dim))


def best_unit(quantity) -> Unit:
    """Brian2's choice of display unit: the registered unit that brings the magnitudes closest to
    10, i.e. the least sum of ``(log10(|x|/scale) - 1)**2`` over the non-zero entries (only those
    numpy's printing shows, for a large array); the SI unit when every entry is zero."""
    dim = quantity.dim
    if dim is DIMENSIONLESS:
        return _DIMENSIONLESS_UNIT
    candidates = _DISPLAY_UNITS.get(dim)
    if not candidates:
        return get_unit(dim)
    magnitudes = np.abs(_shown_entries(quantity.view(np.ndarray)))
    magnitudes = magnitudes[np.isfinite(magnitudes) & (magnitudes > 0)]
    if magnitudes.size == 0:
        return get_unit(dim)
    scales = np.array([unit.scale for unit in candidates])
    deviations = ((np.log10(magnitudes[None, :] / scales[:, None]) - 1) ** 2).sum(axis=1)
    return candidates[int(np.argmin(deviations))]


def _shown_entries(values: np.ndarray) -> np.ndarray:
    """The entries numpy's printing shows, flattened: all of them, or for an array larger than
    the print threshold the first and last ``edgeitems`` along each long axis."""
    options = np.get_printoptions()
    if values.size <= options["threshold"]:
        return values.ravel()
    edge = options["edgeitems"]
    for axis, length in enumerate(values.shape):
        if length > 2 * edge:
            values = np.concatenate([values.take(range(edge), axis=axis),
                                     values.take(range(length - edge, length), axis=axis)], axis=axis)
    return values.ravel()
