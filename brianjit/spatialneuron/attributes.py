"""The per-compartment attributes Brian2 exposes, defined once for sections and their slices.

A whole section (``morpho.axon``) and a view on some of its compartments (``morpho.axon[2:5]``)
offer the same attributes: ``area``, ``volume``, ``length``, ``r_length_1``, ``r_length_2``,
``diameter``, ``start_diameter``, ``end_diameter``, ``distance`` (Quantities, one value per
compartment), the coordinates ``start_x``, ``x``, ``end_x`` (and y, z) at the start, midpoint
and end of each compartment, ``coordinates`` (the n+1 points), and their unitless versions
(``x_``, ``coordinates_``: floats in metres). A class provides two primitives, the plain values of
one attribute and the absolute points of its compartments (None without coordinates), and
inherits everything else from :class:`CompartmentAttributes`.
"""
from __future__ import annotations

import numpy as np

from .lengths import CUBIC_METRE, METRE, SQUARE_METRE, metres

__all__ = ["CompartmentAttributes", "PER_COMPARTMENT", "points_at"]

#: attribute -> dimension; the values come from ``_compartment_values(name)``
PER_COMPARTMENT = {
    "area": SQUARE_METRE, "volume": CUBIC_METRE, "length": METRE,
    "r_length_1": METRE, "r_length_2": METRE, "diameter": METRE,
    "start_diameter": METRE, "end_diameter": METRE, "distance": METRE,
}

_DOCS = {
    "area": "The membrane area of each compartment (without the end disks of a cone).",
    "volume": "The volume of each compartment.",
    "length": "The length of each compartment (a soma's is its diameter).",
    "r_length_1": "Geometry factor of the axial conductance from the start to the midpoint of "
                  "each compartment: divided by the intracellular resistivity, a conductance.",
    "r_length_2": "Geometry factor of the axial conductance from the midpoint to the end of "
                  "each compartment: divided by the intracellular resistivity, a conductance.",
    "diameter": "The diameter at the midpoint of each compartment.",
    "start_diameter": "The diameter at the start of each compartment.",
    "end_diameter": "The diameter at the end of each compartment.",
    "distance": "The distance from the root of the morphology to the midpoint of each "
                "compartment, along the tree.",
}


def points_at(points: np.ndarray, where: str) -> np.ndarray:
    """The start (``'start_'``), midpoint (``''``) or end (``'end_'``) of each compartment."""
    start, end = points[:-1], points[1:]
    if where == "start_":
        return start
    if where == "end_":
        return end
    return start + 0.5 * (end - start)


def _per_compartment(name, dim):
    def get(self):
        return metres(self._compartment_values(name), dim)
    return property(get, doc=_DOCS[name])


def _coordinate(where, axis, with_units):
    column = "xyz".index(axis)
    place = {"start_": "start", "": "midpoint", "end_": "end"}[where]

    def get(self):
        points = self._absolute_points()
        if points is None:
            return None
        values = np.array(points_at(points, where)[:, column])
        return metres(values) if with_units else values
    unit = "" if with_units else " (floats in metres)"
    return property(get, doc=f"The {axis} coordinate at the {place} of each compartment{unit}; "
                             f"None without coordinates.")


class CompartmentAttributes:
    """Attributes of a sequence of compartments, from ``_compartment_values(name)`` (plain
    floats in SI units, for the names in PER_COMPARTMENT) and ``_absolute_points()``."""

    def _compartment_values(self, name: str) -> np.ndarray:
        raise NotImplementedError

    def _absolute_points(self):
        raise NotImplementedError

    @property
    def coordinates_(self):
        """The n+1 points (start of the first compartment, end of each) as an (n+1, 3) array of
        floats in metres; None without coordinates."""
        points = self._absolute_points()
        return None if points is None else np.array(points)

    @property
    def coordinates(self):
        """The n+1 points (start of the first compartment, end of each) as an (n+1, 3)
        Quantity; None without coordinates."""
        points = self._absolute_points()
        return None if points is None else metres(points)


for _name, _dim in PER_COMPARTMENT.items():
    setattr(CompartmentAttributes, _name, _per_compartment(_name, _dim))
for _where in ("start_", "", "end_"):
    for _axis in "xyz":
        setattr(CompartmentAttributes, f"{_where}{_axis}", _coordinate(_where, _axis, True))
        setattr(CompartmentAttributes, f"{_where}{_axis}_", _coordinate(_where, _axis, False))
del _name, _dim, _where, _axis
