"""Every named unit Brian2 users expect, generated from one table of base and derived units.

Each base entry gives a Python name, a display symbol, its dimension and its size as a power of
ten. From the table we generate the SI-prefixed forms (``mvolt``, ``kmetre``, ``dametre``, ...)
and the squared and cubed forms of all of them (``metre2``, ``umetre3``, ``msecond2``, ...), plus
Brian2's short aliases (``mV``, ``ms``, ``nS``, ``cm2``, ``mM``, ...), which are the very same
objects as the long names. All of them land in :data:`ALL_UNITS` (name -> Unit), in the list
:data:`all_units` (as Brian2's ``brian2.units.allunits.all_units``) and in this module's
namespace; ``__all__`` lists them for star imports. Names, display names, LaTeX names and scales
are Brian2's.

Display: only the canonical spelling of each unit with a power-of-1000 prefix is a standard
unit for printing (``mvolt`` but not ``dvolt``, ``metre`` but not ``meter``), so
``print(0.02*volt)`` gives ``20. mV``; a few compound units (``joule / kelvin``,
``farad / metre`` ...) are shown for dimensions no standard unit has, as in Brian2.
"""
from __future__ import annotations

from .dimensions import get_or_create_dimension
from .unit import PREFIX_LATEX, PREFIXES, Unit, defining_units, power_of_ten

__all__ = ["ALL_UNITS", "all_units", "PREFIXES"]

_DISPLAY_PREFIXES = {p for p, power in PREFIXES.items() if power % 3 == 0}

# name, symbol, dimension keywords, power of ten of the unit in base units,
# prefixed forms exist, shown when printing. Order matters: the first registered unit of a scale
# wins, so kilogram (not kgram) is the SI unit of mass.
_BASE_TABLE = (
    ("metre", "m", {"length": 1}, 0, True, True),
    ("meter", "m", {"length": 1}, 0, True, False),
    ("kilogram", "kg", {"mass": 1}, 0, False, True),
    ("kilogramme", "kg", {"mass": 1}, 0, False, False),
    ("gram", "g", {"mass": 1}, -3, True, True),
    ("gramme", "g", {"mass": 1}, -3, True, False),
    ("second", "s", {"time": 1}, 0, True, True),
    ("amp", "A", {"current": 1}, 0, True, True),
    ("ampere", "A", {"current": 1}, 0, True, False),
    ("kelvin", "K", {"temperature": 1}, 0, False, True),
    ("mole", "mol", {"substance": 1}, 0, True, True),
    ("mol", "mol", {"substance": 1}, 0, True, False),
    ("candle", "cd", {"luminosity": 1}, 0, True, True),
    ("candela", "cd", {"luminosity": 1}, 0, False, False),
    ("molar", "M", {"substance": 1, "length": -3}, 3, True, True),
    ("liter", "l", {"length": 3}, -3, True, False),
    ("litre", "l", {"length": 3}, -3, True, False),
    ("radian", "rad", {}, 0, True, False),
    ("steradian", "sr", {}, 0, True, False),
    ("hertz", "Hz", {"time": -1}, 0, True, True),
    ("newton", "N", {"length": 1, "mass": 1, "time": -2}, 0, True, True),
    ("pascal", "Pa", {"length": -1, "mass": 1, "time": -2}, 0, True, True),
    ("joule", "J", {"length": 2, "mass": 1, "time": -2}, 0, True, True),
    ("watt", "W", {"length": 2, "mass": 1, "time": -3}, 0, True, True),
    ("coulomb", "C", {"time": 1, "current": 1}, 0, True, True),
    ("volt", "V", {"length": 2, "mass": 1, "time": -3, "current": -1}, 0, True, True),
    ("farad", "F", {"length": -2, "mass": -1, "time": 4, "current": 2}, 0, True, True),
    ("ohm", "ohm", {"length": 2, "mass": 1, "time": -3, "current": -2}, 0, True, True),
    ("siemens", "S", {"length": -2, "mass": -1, "time": 3, "current": 2}, 0, True, True),
    ("weber", "Wb", {"length": 2, "mass": 1, "time": -2, "current": -1}, 0, True, True),
    ("tesla", "T", {"mass": 1, "time": -2, "current": -1}, 0, True, True),
    ("henry", "H", {"length": 2, "mass": 1, "time": -2, "current": -2}, 0, True, True),
    ("lumen", "lm", {"luminosity": 1}, 0, True, False),
    ("lux", "lx", {"luminosity": 1, "length": -2}, 0, True, True),
    ("becquerel", "Bq", {"time": -1}, 0, True, False),
    ("gray", "Gy", {"length": 2, "time": -2}, 0, True, True),
    ("sievert", "Sv", {"length": 2, "time": -2}, 0, True, False),
    ("katal", "kat", {"substance": 1, "time": -1}, 0, True, True),
)

#: Brian2's short names: alias -> long name.
_ALIASES = {
    "mV": "mvolt", "mA": "mamp", "uA": "uamp", "nA": "namp", "pA": "pamp",
    "pF": "pfarad", "uF": "ufarad", "nF": "nfarad", "nS": "nsiemens", "uS": "usiemens",
    "mS": "msiemens", "ms": "msecond", "us": "usecond", "Hz": "hertz", "kHz": "khertz",
    "MHz": "Mhertz", "cm": "cmetre", "cm2": "cmetre2", "cm3": "cmetre3", "mm": "mmetre",
    "mm2": "mmetre2", "mm3": "mmetre3", "um": "umetre", "um2": "umetre2", "um3": "umetre3",
    "mM": "mmolar", "uM": "umolar", "nM": "nmolar",
}


def _build(add_standard):
    units: dict[str, Unit] = {}
    for name, symbol, dims, power, prefixable, shown in _BASE_TABLE:
        dim = get_or_create_dimension(**dims)
        forms = [("", 0)]
        if prefixable:
            forms += list(PREFIXES.items())
        for prefix, prefix_power in forms:
            prefix_latex = rf"\mathrm{{{PREFIX_LATEX.get(prefix, prefix)}}}" if prefix else ""
            for exponent in (1, 2, 3):
                scale = (power + prefix_power) * exponent
                if exponent == 1:
                    dispname, latexname = prefix + symbol, prefix_latex + rf"\mathrm{{{symbol}}}"
                else:
                    dispname = f"{prefix}{symbol}^{exponent}"
                    latexname = rf"\mathrm{{{dispname}}}"
                unit = Unit(power_of_ten(scale), dim ** exponent, scale,
                            prefix + name + ("" if exponent == 1 else str(exponent)), dispname,
                            latexname)
                units[unit.name] = unit
                if shown and (prefix == "" or prefix in _DISPLAY_PREFIXES):
                    add_standard(unit)
    for alias, target in _ALIASES.items():
        units[alias] = units[target]
    return units


def _additional_units(u):
    """Compound units Brian2 shows for dimensions without a standard unit."""
    return (u["pascal"] * u["second"], u["newton"] * u["metre"], u["watt"] / u["metre"] ** 2,
            u["joule"] / u["kelvin"], u["joule"] / (u["kilogram"] * u["kelvin"]),
            u["joule"] / u["kilogram"], u["watt"] / (u["metre"] * u["kelvin"]),
            u["joule"] / u["metre"] ** 3, u["volt"] / u["metre"] ** 3,
            u["coulomb"] / u["metre"] ** 3, u["coulomb"] / u["metre"] ** 2,
            u["farad"] / u["metre"], u["henry"] / u["metre"], u["joule"] / u["mole"],
            u["joule"] / (u["mole"] * u["kelvin"]), u["coulomb"] / u["kilogram"],
            u["gray"] / u["second"], u["katal"] / u["metre"] ** 3)


with defining_units("standard") as _add_standard:
    ALL_UNITS: dict[str, Unit] = _build(_add_standard)
with defining_units("additional") as _add_additional:
    for _unit in _additional_units(ALL_UNITS):
        _add_additional(_unit)

#: Every named unit, as a list (Brian2's ``all_units``).
all_units = list(ALL_UNITS.values())
globals().update(ALL_UNITS)
__all__ += list(ALL_UNITS)
