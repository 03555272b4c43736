"""Morphologies from points: ``Morphology.from_points`` and SWC files (``from_swc_file``).

A point is ``(index, name, x, y, z, diameter, parent)`` in micrometres (an SWC line is
``index type x y z radius parent``; types 1-4 are named soma, axon, dend, apic). Points have to
come after their parent; the first one is the root (parent -1). As in Brian2:

* a run of points of the same name without branches is one section, with one compartment per
  point (the root section's first point only marks its start); it starts at its parent point,
  with the parent's diameter (a soma's child starts with its own first diameter);
* with ``spherical_soma``, a soma of a single point is a :class:`Soma`, and a "3-point soma"
  (the root and two soma leaves one radius away from it, neuromorpho.org's convention) is
  replaced by one; several somata are allowed but logged as a warning on the logger
  ``brianjit.spatialneuron.swc.soma_compartments``;
* a section is attached with its name (``dend``, ``dend2``, ...) and with ``L``/``R`` (for
  one or two children) or ``1``, ``2``, ... (more children).

Every error names the offending point, or the file's line and quotes its text.
"""
from __future__ import annotations

import math
import os

import numpy as np

from ..units import um
from ..utils import warn
from .sections import Section, Soma

__all__ = ["from_points", "from_swc_file", "from_file"]

_SWC_TYPES = {1: "soma", 2: "axon", 3: "dend", 4: "apic"}


class _Point:
    __slots__ = ("index", "name", "xyz", "diameter", "parent", "children", "where")

    def __init__(self, index, name, xyz, diameter, parent, where):
        self.index, self.name, self.xyz, self.diameter = index, name, xyz, diameter
        self.parent, self.children, self.where = parent, [], where


def _integer(value, what, where):
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not number.is_integer():
        raise ValueError(f"The {what} has to be an integer, got {value!r} in {where}")
    return int(number)


def _finite(value, what, where):
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number):
        raise ValueError(f"The {what} has to be a finite number, got {value!r} in {where}")
    return number


def _read_points(points, wheres):
    """The points as a list of _Point objects linked to their parents and children."""
    nodes, by_index = [], {}
    for point, where in zip(points, wheres):
        if len(point) != 7:
            raise ValueError(f"Each point needs 7 values (index, name, x, y, z, diameter, "
                             f"parent), got {len(point)} in {where}")
        index, name, x, y, z, diameter, parent = point
        index = _integer(index, "index", where)
        parent = _integer(parent, "parent index", where)
        if name is not None and not isinstance(name, str):
            raise TypeError(f"The name of a point has to be a string or None, got {name!r} "
                            f"in {where}")
        xyz = np.array([_finite(v, f"{axis} coordinate", where) for axis, v in zip("xyz",
                                                                                  (x, y, z))])
        diameter = _finite(diameter, "diameter", where)
        if diameter < 0:
            raise ValueError(f"The diameter cannot be negative, got {diameter} in {where}")
        if index in by_index:
            raise ValueError(f"Two points with the index {index}: "
                             f"{by_index[index].where} and {where}")
        if parent == index:
            raise ValueError(f"Point {index} lists itself as its parent in {where}")
        if not nodes:
            if parent != -1:
                raise ValueError(f"The first point has to be the root (parent -1), but its "
                                 f"parent is {parent} in {where}")
            parent_node = None
        elif parent not in by_index:
            raise ValueError(f"Did not find the point {parent} (the parent of point {index}) "
                             f"before {where}: parents have to be listed before their "
                             f"children, and only the first point can be a root")
        else:
            parent_node = by_index[parent]
        node = _Point(index, name, xyz, diameter, parent_node, where)
        if parent_node is not None:
            parent_node.children.append(node)
        nodes.append(node)
        by_index[index] = node
    if not nodes:
        raise ValueError("A morphology needs at least one point, got none")
    return nodes


def _merge_three_point_soma(nodes):
    """Replace a 3-point soma at the root by its first point (in place); warn about several
    somata otherwise."""
    root = nodes[0]
    leaves = [c for c in root.children if c.name == "soma"]
    if root.name == "soma" and len(leaves) == 2 and not any(c.children for c in leaves):
        three = [root] + leaves
        where = "; ".join(p.where for p in three)
        if not all(abs(p.diameter - root.diameter) < 1e-15 for p in three):
            raise ValueError(f"Found a '3-point soma' ({where}), but not all the diameters are "
                             f"identical")
        radius = root.diameter / 2
        distances = [float(np.sqrt(np.sum((p.xyz - root.xyz) ** 2))) for p in leaves]
        if any(abs(d - radius) > 0.1 for d in distances):
            raise ValueError(f"Cannot replace the '3-point soma' ({where}) by a sphere: the "
                             f"second and third points have to be one radius away from the "
                             f"first, but their distances are {distances[0]:.3f}um and "
                             f"{distances[1]:.3f}um, while the radius is {radius:.3f}um")
        root.children = [c for c in root.children if c not in leaves]
        return
    somata = sum(1 for p in nodes if p.name == "soma")
    if somata > 1:
        warn("brian2.spatialneuron.morphology.soma_compartments",
             f"Found {somata} soma compartments. If you have a 3-point soma, make sure it is at "
             f"the beginning.")


def _make_section(chain, spherical_soma):
    """The section made of a run of points (``chain``) hanging from ``chain[0].parent``."""
    first, parent = chain[0], chain[0].parent
    if spherical_soma and len(chain) == 1 and first.name == "soma":
        x, y, z = first.xyz
        return Soma(diameter=first.diameter * um, x=x * um, y=y * um, z=z * um)
    xyz = np.array([p.xyz for p in chain])
    diameters = np.array([p.diameter for p in chain])
    if parent is None:
        if len(chain) == 1:
            raise ValueError(f"Cannot make a section of the single point {first.where}: the "
                             f"root section needs at least two points unless it is a soma")
        points, n = xyz, len(chain) - 1
    else:
        soma_parent = parent.name is not None and parent.name.lower() == "soma"
        start_diameter = diameters[0] if soma_parent else parent.diameter
        diameters = np.hstack([start_diameter, diameters])
        points, n = np.vstack([np.zeros(3), xyz - parent.xyz]), len(chain)
    return Section(n=n, diameter=diameters * um, x=points[:, 0] * um, y=points[:, 1] * um,
                   z=points[:, 2] * um, type=first.name)


def _build(points, wheres, spherical_soma):
    nodes = _read_points(points, wheres)
    if spherical_soma:
        _merge_three_point_soma(nodes)
    root = None
    section_of = {}  # id of a section's last point -> the section
    stack = [nodes[0]]
    while stack:
        chain = [stack.pop()]
        while len(chain[-1].children) == 1 and chain[-1].children[0].name == chain[-1].name:
            chain.append(chain[-1].children[0])
        section = _make_section(chain, spherical_soma)
        if chain[0].parent is None:
            root = section
        else:
            section_of[id(chain[0].parent)].children.add(chain[0].name, section,
                                                         automatic_name=True)
        section_of[id(chain[-1])] = section
        stack.extend(reversed(chain[-1].children))
    _add_standard_names(root)
    return root


def _add_standard_names(root):
    """``L``/``R`` for one or two children, ``1``, ``2``, ... for more (a name a sibling was
    given already stays that sibling's)."""
    stack = [root]
    while stack:
        section = stack.pop()
        children = list(section.children)
        for k, child in enumerate(children):
            name = ("L" if k == 0 else "R") if len(children) <= 2 else str(k + 1)
            if name not in section.children:
                section.children.add(name, child)
        stack.extend(children)


def from_points(points, spherical_soma=True):
    """A morphology from points ``(index, name, x, y, z, diameter, parent)`` (in um)."""
    points = list(points)
    wheres = [f"point {k + 1} {tuple(p)!r}" if isinstance(p, (tuple, list)) else
              f"point {k + 1} ({p!r})" for k, p in enumerate(points)]
    return _build(points, wheres, spherical_soma)


def _swc_point(text, where):
    fields = text.split()
    if len(fields) != 7:
        raise ValueError(f"Each line of an SWC file has 7 space-separated entries (index type "
                         f"x y z radius parent), but {where} has {len(fields)}")
    index, kind, x, y, z, radius, parent = fields
    name = _SWC_TYPES.get(_integer(kind, "type", where))
    return (index, name, x, y, z, 2 * _finite(radius, "radius", where), parent)


def from_swc_file(filename, spherical_soma=True):
    """A morphology from an SWC file (``index type x y z radius parent`` per line, ``#``
    comments); see the module doc."""
    points, wheres = [], []
    with open(filename) as f:
        for number, line in enumerate(f, start=1):
            text = line.strip()
            if not text or text.startswith("#"):
                continue
            where = f"line {number} of {os.fspath(filename)!r}: {text!r}"
            points.append(_swc_point(text, where))
            wheres.append(where)
    return _build(points, wheres, spherical_soma)


def from_file(filename, spherical_soma=True):
    """A morphology from a file; only SWC (``.swc``) is supported, as in Brian2."""
    extension = os.path.splitext(os.fspath(filename))[1]
    if extension.lower() != ".swc":
        raise NotImplementedError(f"Cannot read {os.fspath(filename)!r}: SWC (.swc) is the only "
                                  f"supported morphology file format")
    return from_swc_file(filename, spherical_soma=spherical_soma)
