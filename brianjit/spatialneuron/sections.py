"""The section types: a spherical Soma, a Section of truncated cones, a Cylinder.

Geometry follows Brian2's formulas, evaluated in the same order so that the numbers agree to
the last bit. For compartments with start/end diameters d1, d2 and length l:

* area = pi/2 (d1 + d2) sqrt((d1 - d2)^2/4 + l^2)   (the cone's side; a cylinder's: pi d l)
* volume = pi l (d1^2 + d1 d2 + d2^2) / 12           (a cylinder's: pi (d/2)^2 l)
* r_length_1 = pi/2 d1 dm / l, r_length_2 = pi/2 dm d2 / l, with dm = (d1 + d2)/2 (the
  diameter at the midpoint): divided by the resistivity, the axial conductances of each half
* distance: the parent's end distance + the cumulated lengths up to each midpoint

A Soma is one isopotential compartment: area pi d^2, volume pi d^3/6, "length" d, and r_length
1 m (a very small axial resistance). It is a point: its coordinates are its centre, it adds
nothing to the distance of its children, and its children's coordinates are relative to it.
A section's coordinates are relative to the end of its parent (when the parent has any).
"""
from __future__ import annotations

import numpy as np

from ..units import check_units, meter
from .lengths import (length_array, metres, optional_coordinates, readonly, single_length)
from .tree import Anchor, Morphology, Placement

__all__ = ["Soma", "Section", "Cylinder"]


class Soma(Morphology):
    """A spherical, isopotential soma of the given ``diameter``, optionally at (x, y, z)."""

    @check_units(diameter=meter, x=meter, y=meter, z=meter)
    def __init__(self, diameter, x=None, y=None, z=None, type="soma"):
        value = single_length(diameter, "Soma: diameter")
        coordinates = [None if c is None else single_length(c, f"Soma: {axis}", nonnegative=False)
                       for axis, c in zip("xyz", (x, y, z))]
        Morphology.__init__(self, n=1, type=type)
        self._diameter_value = value
        if all(c is None for c in coordinates):
            self._position = None
        else:
            self._position = readonly([0.0 if c is None else c for c in coordinates])

    def _local_geometry(self):
        d = np.array([self._diameter_value])
        return {"length": d, "start_diameter": d, "diameter": d, "end_diameter": d,
                "area": np.pi * d ** 2, "volume": (np.pi * d ** 3) / 6,
                "r_length_1": np.ones(1), "r_length_2": np.ones(1)}

    def _placed(self, anchor):
        position = self._position
        points = None if position is None else np.vstack([position, position])
        return Placement(np.array([anchor.last_distance]), points,
                         Anchor(anchor.end_distance, anchor.last_distance, position))

    def __repr__(self):
        text = f"Soma(diameter={metres(self._diameter_value)!r}"
        if self._position is not None:
            text += ", " + ", ".join(f"{axis}={metres(value)!r}"
                                     for axis, value in zip("xyz", self._position))
        if self.type != "soma":
            text += f", type={self.type!r}"
        return text + ")"


class Section(Morphology):
    """An unbranched section of ``n`` truncated cones: ``diameter`` gives the n+1 diameters at
    the borders between compartments, and either ``length`` the n lengths or ``x``/``y``/``z``
    the n+1 points (relative to the end of the parent section; a missing axis is 0)."""

    @check_units(diameter=meter, length=meter, x=meter, y=meter, z=meter)
    def __init__(self, diameter, n=1, length=None, x=None, y=None, z=None, type=None):
        Morphology.__init__(self, n=n, type=type)
        n = self._n
        name = type_name(self)
        self._node_diameters = length_array(diameter, f"{name}: diameter", n + 1)
        lengths = None if length is None else length_array(length, f"{name}: length", n)
        self._set_extent(lengths, optional_coordinates(x, y, z, name, n + 1))

    def _set_extent(self, lengths, points):
        """Keep either the lengths or the relative points (and the lengths they imply)."""
        if points is not None and lengths is not None:
            raise TypeError(f"{type_name(self)}: cannot specify coordinates and length at "
                            f"the same time")
        if points is None and lengths is None:
            raise TypeError(f"{type_name(self)}: no length specified, need the length or at "
                            f"least one of x, y and z")
        self._relative_points = points
        if points is not None:
            step = points[1:] - points[:-1]
            lengths = readonly(np.sqrt(step[:, 0] ** 2 + step[:, 1] ** 2 + step[:, 2] ** 2))
        self._length = lengths

    def _local_geometry(self):
        d1, d2, length = self._node_diameters[:-1], self._node_diameters[1:], self._length
        geometry = {"length": np.array(length), "start_diameter": np.array(d1),
                    "diameter": 0.5 * (d1 + d2), "end_diameter": np.array(d2)}
        geometry.update(self._cone_geometry(d1, d2, length))
        return geometry

    @staticmethod
    def _cone_geometry(d1, d2, length):
        middle = (d1 + d2) * 0.5
        with np.errstate(divide="ignore", invalid="ignore"):  # zero-length compartments
            return {"area": np.pi / 2 * (d1 + d2) * np.sqrt(((d1 - d2) ** 2) / 4 + length ** 2),
                    "volume": np.pi * length * (d1 ** 2 + d1 * d2 + d2 ** 2) / 12,
                    "r_length_1": np.pi / 2 * (d1 * middle) / length,
                    "r_length_2": np.pi / 2 * (middle * d2) / length}

    def _placed(self, anchor):
        length = self._length
        distance = anchor.end_distance + np.cumsum(length) - 0.5 * length
        end_distance = distance[-1] + 0.5 * length[-1]
        points = self._relative_points
        if points is not None and anchor.point is not None:
            points = anchor.point + points
        return Placement(distance, points,
                         Anchor(float(end_distance), float(distance[-1]),
                                None if points is None else points[-1]))

    def _diameter_repr(self):
        d = self._node_diameters
        if np.all(np.abs(d[1:] - d[1]) <= d[1] * 1e-12):
            return repr(metres(d[1]))
        return repr(metres(d))

    def __repr__(self):
        text = f"{type_name(self)}(diameter={self._diameter_repr()}"
        if self._n != 1:
            text += f", n={self._n}"
        if self._relative_points is not None:
            text += ", " + ", ".join(f"{axis}={metres(values)!r}" for axis, values
                                     in zip("xyz", self._shown_points().T))
        else:
            text += f", length={metres(self._shown_length())!r}"
        if self.type is not None:
            text += f", type={self.type!r}"
        return text + ")"

    def _shown_points(self):
        return self._relative_points

    def _shown_length(self):
        return self._length


class Cylinder(Section):
    """A section of ``n`` compartments with one ``diameter``: either its total ``length`` or its
    start and end points (``x``/``y``/``z``: two values each, relative to the parent's end)."""

    @check_units(diameter=meter, length=meter, x=meter, y=meter, z=meter)
    def __init__(self, diameter, n=1, length=None, x=None, y=None, z=None, type=None):
        Morphology.__init__(self, n=n, type=type)
        n = self._n
        value = single_length(diameter, "Cylinder: diameter")
        self._node_diameters = readonly(np.full(n + 1, value))
        lengths = None
        if length is not None:
            lengths = readonly(np.ones(n) * (single_length(length, "Cylinder: length") / n))
        ends = optional_coordinates(x, y, z, "Cylinder (start and end point)", 2)
        points = None
        if ends is not None:
            points = readonly(np.column_stack([np.linspace(ends[0, k], ends[1, k], n + 1)
                                               for k in range(3)]))
        self._set_extent(lengths, points)

    def _local_geometry(self):
        d, length = self._node_diameters[:-1], self._length
        with np.errstate(divide="ignore", invalid="ignore"):  # zero-length compartments
            r_length = np.pi / 2 * (d ** 2) / length
        return {"length": np.array(length), "start_diameter": np.array(d),
                "diameter": np.array(d), "end_diameter": np.array(d),
                "area": np.pi * d * length, "volume": np.pi * (d / 2) ** 2 * length,
                "r_length_1": r_length, "r_length_2": np.array(r_length)}

    def _diameter_repr(self):
        return repr(metres(self._node_diameters[0]))

    def _shown_points(self):
        return self._relative_points[[0, -1]]

    def _shown_length(self):
        return np.sum(self._length)


def type_name(section) -> str:
    return type(section).__name__
