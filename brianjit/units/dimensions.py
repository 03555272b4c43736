"""Physical dimensions: the seven SI base exponents, one canonical object per combination.

A :class:`Dimension` is what the unit checker compares. Because :func:`get_or_create_dimension`
hands out exactly one object per exponent tuple, comparing dimensions is cheap (``is`` works, and
``==``/``hash`` agree with it), and dimensions survive pickling without duplicating themselves.

The exponents are kept as a tuple of floats in ``dim._dims``, in the order length, mass, time,
current, temperature, amount of substance, luminous intensity.
"""
from __future__ import annotations

import numbers
from fractions import Fraction

__all__ = [
    "Dimension", "DIMENSIONLESS", "get_or_create_dimension", "DimensionMismatchError",
    "BASE_NAMES", "BASE_SYMBOLS",
]

#: Python names of the base units, in exponent order (as Brian2 prints them).
BASE_NAMES = ("metre", "kilogram", "second", "amp", "kelvin", "mole", "candle")
#: Display symbols of the base units, in exponent order.
BASE_SYMBOLS = ("m", "kg", "s", "A", "K", "mol", "cd")

# Every spelling accepted as a keyword of get_or_create_dimension (and by get_dimension), mapped
# to an exponent index: Brian2's (quantity, unit name and its plural, symbol; descriptions also
# capitalised, e.g. "Length", "Electric Current") and a few more.
_KEYWORD_INDEX = {}
for _index, (_symbol, *_words) in enumerate((
    ("m", "length", "metre", "metres", "meter", "meters"),
    ("kg", "mass", "kilogram", "kilograms", "kilogramme"),
    ("s", "time", "second", "seconds"),
    ("A", "current", "electric current", "electric_current", "amp", "ampere", "amperes"),
    ("K", "temperature", "kelvin", "kelvins"),
    ("mol", "substance", "quantity of substance", "Quantity of Substance",
     "quantity_of_substance", "amount", "mole", "moles"),
    ("cd", "luminosity", "luminous_intensity", "candle", "candles", "candela"),
)):
    _KEYWORD_INDEX[_symbol] = _index
    for _word in _words:
        for _spelling in (_word, _word.capitalize(), _word.title()):
            _KEYWORD_INDEX[_spelling] = _index

_REGISTRY: dict[tuple, "Dimension"] = {}


def _clean_exponent(value) -> float:
    """A float exponent, snapped to a nearby simple fraction so that (x**(1/3))**3 is exactly x."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"dimension exponents must be real numbers, got {value!r}")
    value = float(value)
    if value.is_integer():
        return value + 0.0  # turns -0.0 into 0.0
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"dimension exponents must be finite, got {value!r}")
    snapped = Fraction(value).limit_denominator(1000)
    if abs(float(snapped) - value) < 1e-9:
        value = float(snapped)
    return value + 0.0  # turns -0.0 into 0.0


def _format_exponent(value: float) -> str:
    return str(int(value)) if value == int(value) else repr(value)


class Dimension:
    """The physical dimension of a quantity: exponents of the seven SI base units.

    Never construct one directly; use :func:`get_or_create_dimension` (or arithmetic on existing
    dimensions), which guarantees one object per exponent combination.
    """
    __slots__ = ("_dims", "__weakref__")

    def __init__(self, dims):
        object.__setattr__(self, "_dims", dims)

    def __setattr__(self, name, value):
        raise AttributeError("Dimension objects are immutable")

    # --- algebra -------------------------------------------------------------------------------
    def __mul__(self, other):
        if not isinstance(other, Dimension):
            return NotImplemented
        if not any(other._dims):  # times a plain number: the most common product
            return self
        return get_or_create_dimension(tuple(a + b for a, b in zip(self._dims, other._dims)))

    def __truediv__(self, other):
        if not isinstance(other, Dimension):
            return NotImplemented
        if not any(other._dims):
            return self
        return get_or_create_dimension(tuple(a - b for a, b in zip(self._dims, other._dims)))

    def __pow__(self, exponent):
        if getattr(exponent, "ndim", None) == 0 and getattr(exponent, "dim", DIMENSIONLESS) is DIMENSIONLESS:
            exponent = float(exponent)  # a 0-d array or dimensionless quantity
        if isinstance(exponent, bool) or not isinstance(exponent, numbers.Real):
            raise TypeError(f"a dimension can only be raised to a real number, not {exponent!r}")
        if exponent == 1:
            return self
        return get_or_create_dimension(tuple(a * float(exponent) for a in self._dims))

    # Dimensions are shared singletons: never modified in place (``d *= x`` is a TypeError).
    def __imul__(self, other):
        raise TypeError("Dimension objects are immutable")

    __itruediv__ = __ipow__ = __imul__

    # --- comparison and hashing ----------------------------------------------------------------
    def __eq__(self, other):
        if isinstance(other, Dimension):
            return self._dims == other._dims
        return NotImplemented

    def __ne__(self, other):
        if isinstance(other, Dimension):
            return self._dims != other._dims
        return NotImplemented

    def __hash__(self):
        return hash(self._dims)

    # --- inspection ----------------------------------------------------------------------------
    @property
    def is_dimensionless(self) -> bool:
        return not any(self._dims)

    @property
    def dim(self) -> "Dimension":
        """The dimension itself, so that dimensions can be passed wherever quantities are."""
        return self

    def get_dimension(self, name: str) -> float:
        """The exponent of one base dimension, by any name get_or_create_dimension accepts."""
        try:
            return self._dims[_KEYWORD_INDEX[name]]
        except KeyError:
            raise KeyError(f"{name!r} is not the name of an SI base dimension") from None

    def _render(self, names, power, joiner) -> str:
        parts = []
        for name, exponent in zip(names, self._dims):
            if exponent == 1:
                parts.append(name)
            elif exponent != 0:
                parts.append(power(name, _format_exponent(exponent)))
        return joiner.join(parts)

    def __repr__(self):
        """Python code for this dimension in base units, e.g. ``metre * second ** -1``
        (``Dimension()`` when dimensionless), as Brian2 writes it."""
        return self._render(BASE_NAMES, "{} ** {}".format, " * ") or "Dimension()"

    def __str__(self):
        """Short display form in base-unit symbols, e.g. ``m s^-1`` (``1`` when dimensionless)."""
        return self._render(BASE_SYMBOLS, "{}^{}".format, " ") or "1"

    def _latex(self, *args):
        """LaTeX for sympy's ``latex()``, e.g. ``m\\,s^{-1}``."""
        return self._render(BASE_SYMBOLS, "{}^{{{}}}".format, r"\,") or "1"

    def __reduce__(self):
        return (get_or_create_dimension, (self._dims,))

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


def get_or_create_dimension(*args, **keywords) -> Dimension:
    """The canonical :class:`Dimension` for the given exponents.

    Call it with one sequence of seven exponents (``get_or_create_dimension([1, 0, -1, 0, 0, 0, 0])``)
    or with keywords naming base dimensions by quantity, unit name or symbol
    (``get_or_create_dimension(length=1, time=-1)``, ``get_or_create_dimension(m=1, s=-1)``).
    """
    if args and keywords:
        raise TypeError("give the exponents either as one sequence or as keywords, not both")
    if args:
        if len(args) != 1:
            raise TypeError("get_or_create_dimension takes one sequence of 7 exponents")
        (dims,) = args
        if isinstance(dims, Dimension):
            return dims
        try:
            dims = tuple(dims)
        except TypeError:
            raise TypeError(f"expected a sequence of 7 exponents, got {dims!r}") from None
        if len(dims) != 7:
            raise TypeError(f"a dimension needs a sequence of exactly 7 exponents, got "
                            f"{len(dims)}: {dims!r}")
    else:
        exponents = [0.0] * 7
        for name, value in keywords.items():
            if name not in _KEYWORD_INDEX:
                raise KeyError(f"{name!r} is not the name of an SI base dimension "
                               f"(use e.g. length, mass, time, current, temperature, "
                               f"substance, luminosity)")
            exponents[_KEYWORD_INDEX[name]] += value
        dims = exponents
    found = _REGISTRY.get(dims) if isinstance(dims, tuple) else None  # already canonical
    if found is not None:
        return found
    key = tuple(_clean_exponent(value) for value in dims)
    found = _REGISTRY.get(key)
    if found is None:
        found = _REGISTRY.setdefault(key, Dimension(key))
    return found


DIMENSIONLESS = get_or_create_dimension((0, 0, 0, 0, 0, 0, 0))

#: Brian2's switch ``brian2.units.fundamentalunits.unit_checking`` (set it there): False turns
#: the dimension checks of quantity arithmetic, ``have_same_dimensions`` and
#: ``fail_for_dimension_mismatch`` off; a result then has the first operand's dimensions.
unit_checking = True


class DimensionMismatchError(ValueError):
    """An operation needed equal (or no) dimensions but got different ones.

    ``str(error)`` is Brian2's: the description, then the display names of the offending units,
    e.g. ``Cannot calculate 3. mV + 2. ms, units do not match (units are V and s).``
    """

    def __init__(self, description: str, *dims):
        super().__init__(description, *dims)
        self.desc = description
        self.dims = dims

    def __str__(self):
        from .unit import get_unit_for_display
        shown = [get_unit_for_display(d) for d in self.dims]
        if not shown:
            return self.desc
        if len(shown) == 1:
            return f"{self.desc} (unit is {shown[0]})."
        if len(shown) == 2:
            return f"{self.desc} (units are {shown[0]} and {shown[1]})."
        return f"{self.desc} (units are {' '.join(f'({unit})' for unit in shown)})."

    def __reduce__(self):
        return (type(self), (self.desc, *self.dims))
