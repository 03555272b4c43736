"""Unit: a named, immutable scalar Quantity, and the registries that choose units for display.

A Unit is a Quantity with a Python name (``mvolt``, used by ``repr``), a display name (``mV``,
used by ``str``), a LaTeX name and a ``scale`` (the power of ten of its size: -3 for ``mvolt``).
Products, quotients and powers of units are again units, named as Brian2 names them
(``volt / second``, ``mV ms``, ``(mV ms)^2``, ``metre ** -1``), so unit expressions in model
strings and ``check_units`` read naturally; anything involving a plain number or an unnamed
quantity is a plain Quantity.

Display registries, consulted in this order (Brian2's): the standard units (the SI-prefixed
units and their squares and cubes, filled by :mod:`.allunits`), the user's units (every Unit
created after import, as Brian2 registers them automatically, and :func:`register_new_unit`),
and a few compound units (``joule / kelvin``, ``farad / metre`` ...). :func:`get_unit` finds the
unscaled unit of a dimension there.
"""
from __future__ import annotations

import contextlib
import math
import numbers

import numpy as np

from .dimensions import DIMENSIONLESS, Dimension, get_or_create_dimension
from .quantity import Quantity, get_dimensions, is_scalar_type

__all__ = ["Unit", "get_unit", "get_unit_for_display", "register_new_unit", "display_candidates",
           "defining_units", "power_of_ten", "PREFIXES", "PREFIX_LATEX"]

#: SI prefixes: symbol -> power of ten.
PREFIXES = {"y": -24, "z": -21, "a": -18, "f": -15, "p": -12, "n": -9, "u": -6, "m": -3,
            "c": -2, "d": -1, "da": 1, "h": 2, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15,
            "E": 18, "Z": 21, "Y": 24}
#: How a prefix is written in LaTeX, where that differs from the symbol.
PREFIX_LATEX = {"u": r"\mu"}


def _rebuild_unit(value, dim, name, dispname, latexname, iscompound, scale):
    return Unit(value, dim, scale, name, dispname, latexname, iscompound)


def power_of_ten(exponent: int) -> float:
    """``10**exponent`` correctly rounded (``10.0 ** 23`` is not)."""
    return float(f"1e{exponent}")


def _scale_of(value: float):
    """The power of ten of a unit's size: an int for a power of ten, else a float."""
    exponent = math.log10(value)
    return round(exponent) if power_of_ten(round(exponent)) == value else exponent


def _size(scale, fallback) -> float | None:
    """A composed unit's size: exactly ``10**scale`` for an integer scale, else ``fallback()``;
    None when it is not a positive finite double (``(zmol/Zg)**3`` underflows): the result of
    such unit algebra is then a plain Quantity, not a Unit."""
    try:
        size = power_of_ten(scale) if isinstance(scale, int) else fallback()
    except OverflowError:
        return None
    return size if 0 < size < math.inf else None


def _grouped(unit):
    """(name, dispname, latexname) of ``unit``, parenthesised when it is compound."""
    if unit.iscompound:
        return f"({unit.name})", f"({unit.dispname})", rf"\left({unit.latexname}\right)"
    return unit.name, unit.dispname, unit.latexname


class Unit(Quantity):
    """A named physical unit, e.g. ``Unit(1e-3, volt.dim, name="mvolt", dispname="mV")``.

    The arguments are Brian2's: ``value`` is the size of the unit in base SI units, ``dim`` its
    Dimension, ``scale`` its power of ten (``value == 10**scale``; computed when not given).
    Without names the unit is named after its dimension (``metre * second ** -1``). Units are
    read-only 0-d arrays.
    """

    def __new__(cls, value=1.0, dim=None, scale=None, name=None, dispname=None, latexname=None,
                iscompound=False):
        unit = Quantity.__new__(cls, value, dim=dim, dtype=float, copy=True)
        if unit.ndim != 0:
            raise TypeError(f"a Unit must be a single number, got shape {unit.shape}")
        size = float(unit.view(np.ndarray))
        if not (size > 0 and math.isfinite(size)):
            raise ValueError(f"the size of a unit must be a positive number, got {size!r}")
        if scale is None:
            scale = _scale_of(size)
        elif not math.isclose(size, 10.0 ** scale, rel_tol=1e-12):
            raise ValueError(f"a unit's value must be 10**scale (scale={scale}, value={size})")
        unit.setflags(write=False)
        dim = unit.dim
        if name is None:
            if dim is DIMENSIONLESS:
                name = "Unit(1)" if size == 1 else f"Unit({size!r})"
            else:
                name = repr(dim) if size == 1 else f"{size!r} * {dim!r}"
                iscompound = iscompound or size != 1
        if dispname is None:
            dispname = name if size != 1 else "1" if dim is DIMENSIONLESS else str(dim)
        if latexname is None:
            latexname = "" if dim is DIMENSIONLESS else dim._latex()
        unit.scale = scale
        unit.name = name
        unit.dispname = dispname
        unit.latexname = latexname
        unit.iscompound = iscompound
        if _AUTO_REGISTER[-1]:
            register_new_unit(unit)
        return unit

    def __array_finalize__(self, obj):
        super().__array_finalize__(obj)
        self.scale = getattr(obj, "scale", 0)
        self.name = getattr(obj, "name", None)
        self.dispname = getattr(obj, "dispname", None)
        self.latexname = getattr(obj, "latexname", None)
        self.iscompound = getattr(obj, "iscompound", False)

    @staticmethod
    def create(dim, name, dispname, latexname=None, scale=0) -> "Unit":
        """A new named unit of ``10**scale`` base units, e.g.
        ``Unit.create(volt.dim, "volt", "V")``; LaTeX defaults to ``\\mathrm{dispname}``."""
        if latexname is None:
            latexname = rf"\mathrm{{{dispname}}}"
        return Unit(_size(scale, 10.0 ** scale), dim, scale, str(name), str(dispname), latexname)

    @staticmethod
    def create_scaled_unit(baseunit, scalefactor) -> "Unit":
        """``baseunit`` with an SI prefix, e.g. ``Unit.create_scaled_unit(volt, "m")`` is mvolt."""
        scale = PREFIXES[scalefactor] + baseunit.scale
        prefix_latex = PREFIX_LATEX.get(scalefactor, scalefactor)
        return Unit(_size(scale, 10.0 ** scale), baseunit.dim, scale, scalefactor + baseunit.name,
                    scalefactor + baseunit.dispname,
                    rf"\mathrm{{{prefix_latex}}}{baseunit.latexname}")

    # --- unit algebra: unit (op) unit is a unit, named as Brian2 names it ----------------------
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if method == "__call__" and not kwargs:
            composed = _compose(ufunc, inputs)
            if composed is not None:
                return composed
        return super().__array_ufunc__(ufunc, method, *inputs, **kwargs)

    # Units are immutable: in-place operators refuse (Brian2's TypeError).
    def __iadd__(self, other):
        raise TypeError("Units cannot be modified in-place")

    __isub__ = __imul__ = __itruediv__ = __ifloordiv__ = __imod__ = __ipow__ = __iadd__

    def __eq__(self, other):
        if isinstance(other, Unit):
            return other.dim is self.dim and float(other) == float(self)
        return super().__eq__(other)

    def __ne__(self, other):
        if isinstance(other, Unit):
            return not self == other
        return super().__ne__(other)

    def __hash__(self):
        return hash((float(self), self.dim))

    def __repr__(self):
        return self.name

    def __str__(self):
        return self.dispname

    def __format__(self, spec):
        return format(str(self), spec)

    def _latex(self, *args):
        return self.latexname

    def _repr_latex_(self):
        return f"${self.latexname}$"

    def __reduce__(self):
        return (_rebuild_unit, (float(self), self.dim, self.name, self.dispname, self.latexname,
                                self.iscompound, self.scale))


def _power(unit, exponent):
    """``unit ** exponent`` (a Python number), named ``x ** e`` / ``x^e`` (``(x) ** e`` when x is
    compound)."""
    name, dispname, latexname = _grouped(unit)
    shown = int(exponent) if float(exponent).is_integer() else exponent
    latex_exponent = str(shown) if len(str(shown)) == 1 else f"{{{shown}}}"
    scale = unit.scale * exponent
    scale = round(scale) if float(scale).is_integer() else scale
    size = _size(scale, lambda: float(unit) ** exponent)
    if size is None:
        return None
    return Unit(size, unit.dim ** exponent, scale,
                f"{name} ** {shown!r}", f"{dispname}^{shown}", f"{latexname}^{latex_exponent}",
                iscompound=True)


def _product(first, second, divide):
    """``first * second`` (named ``a * b``, shown ``a b``) or ``first / second`` (``a / (b c)``,
    shown ``a/(b c)``)."""
    if not divide:
        scale = first.scale + second.scale
        size = _size(scale, lambda: float(first) * float(second))
        if size is None:
            return None
        return Unit(size, first.dim * second.dim, scale,
                    f"{first.name} * {second.name}", f"{first.dispname} {second.dispname}",
                    rf"{first.latexname}\,{second.latexname}", iscompound=True)
    left, right = _grouped(first), _grouped(second)
    scale = first.scale - second.scale
    size = _size(scale, lambda: float(first) / float(second))
    if size is None:
        return None
    return Unit(size, first.dim / second.dim, scale,
                f"{left[0]} / {right[0]}", f"{left[1]}/{right[1]}",
                rf"\frac{{{first.latexname}}}{{{second.latexname}}}", iscompound=True)


def _multiply(first, second):
    if isinstance(first, Unit) and isinstance(second, Unit):
        return _product(first, second, divide=False)
    return None


def _divide(first, second):
    if isinstance(second, Unit):
        if isinstance(first, Unit):
            return _product(first, second, divide=True)
        if is_scalar_type(first) and first == 1:
            return _power(second, -1)  # 1 / unit
    return None


def _raise(base, exponent):
    if isinstance(base, Unit) and is_scalar_type(exponent) and not np.iscomplexobj(exponent):
        if isinstance(exponent, (np.ndarray, np.generic)):
            exponent = exponent.item()  # a plain Python number, for the unit's name
        return _power(base, exponent)
    return None


# ufunc -> the Unit it makes of its inputs, or None when the result is a plain Quantity
_ALGEBRA = {np.multiply: _multiply, np.true_divide: _divide, np.power: _raise,
            np.square: lambda unit: _power(unit, 2), np.sqrt: lambda unit: _power(unit, 0.5),
            np.reciprocal: lambda unit: _power(unit, -1)}


def _compose(ufunc, inputs):
    """The Unit that ``ufunc(*inputs)`` gives when it combines units, or None (a Quantity)."""
    rule = _ALGEBRA.get(ufunc)
    return None if rule is None else rule(*inputs)


# --- registries -------------------------------------------------------------------------------
# dimension -> {size in base units: unit}
_STANDARD: dict[Dimension, dict[float, Unit]] = {}
_USER: dict[Dimension, dict[float, Unit]] = {}
_ADDITIONAL: dict[Dimension, dict[float, Unit]] = {}
_REGISTRIES = (_STANDARD, _USER, _ADDITIONAL)
_AUTO_REGISTER = [True]


def _add(registry, unit):
    """A later unit of the same size replaces an earlier one, except among the standard units,
    where the first spelling stays (``kilogram``, not ``kgram``)."""
    units = registry.setdefault(unit.dim, {})
    if registry is not _STANDARD or float(unit) not in units:
        units[float(unit)] = unit


@contextlib.contextmanager
def defining_units(registry=None):
    """While :mod:`.allunits` and :mod:`.constants` define their units: no automatic user
    registration; ``registry`` ("standard" or "additional") names where ``add`` puts units."""
    _AUTO_REGISTER.append(False)
    target = {"standard": _STANDARD, "additional": _ADDITIONAL}.get(registry)
    try:
        yield (lambda unit: _add(target, unit))
    finally:
        _AUTO_REGISTER.pop()


def register_new_unit(unit: Unit) -> None:
    """Let ``unit`` be chosen for printing quantities of its dimension (Brian2's user registry,
    consulted for dimensions that have no standard unit, such as ``pfarad / mmetre ** 2``)."""
    if not isinstance(unit, Unit):
        raise TypeError(f"register_new_unit needs a Unit, got {unit!r}")
    _add(_USER, unit)


def display_candidates(dim) -> list:
    """The units a quantity of dimension ``dim`` may be printed in: those of the first registry
    (standard, user, additional) that has any; empty when none has."""
    for registry in _REGISTRIES:
        units = registry.get(dim)
        if units:
            return list(units.values())
    return []


with defining_units():
    _DIMENSIONLESS_UNIT = Unit(1.0)


def get_unit(dim) -> Unit:
    """The unscaled SI unit for a dimension (``volt`` for voltage, not ``mvolt``); for a
    dimension without a registered unit, a unit named after the dimension in base units
    (``Unit(1)`` when dimensionless)."""
    dim = get_or_create_dimension(dim) if not isinstance(dim, Dimension) else dim
    if dim is DIMENSIONLESS:
        return _DIMENSIONLESS_UNIT
    for registry in _REGISTRIES:
        unit = registry.get(dim, {}).get(1.0)
        if unit is not None:
            return unit
    return Unit(1.0, dim)


def get_unit_for_display(dim) -> str:
    """How a dimension is named in messages: the display name of its SI unit (``"V"``,
    ``"m^-4 kg^-1 s^3 A^2"``), or ``"1"`` when dimensionless."""
    if isinstance(dim, numbers.Number) and not isinstance(dim, bool) and dim == 1:
        return "1"
    dim = dim if isinstance(dim, Dimension) else get_dimensions(dim)
    return "1" if dim is DIMENSIONLESS else str(get_unit(dim))
