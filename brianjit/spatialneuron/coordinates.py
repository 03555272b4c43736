"""``generate_coordinates``: a copy of a morphology with 3D points for the sections without any.

Brian2's layout rules, so that a plot looks the same (and a seeded random layout is Brian2's):

* a Soma stays where it is (a generated one goes to its parent's end, the origin for the root);
* the children of a section without a direction (a soma, the root) fan out in the x-y plane,
  child k of m at the angle pi/2 + 2 pi k/m from the x axis; the children of a section with a
  direction fan out over 180 degrees around it, child k of m at -pi/2 + pi (k+1)/(m+1) (in the
  x-y plane if the parent lies in it);
* with ``section_randomness`` (degrees), each section's direction is instead its parent's, bent
  by an exponentially distributed angle about a random axis; ``compartment_randomness`` bends
  each compartment likewise about its section's direction;
* a child of a soma starts on the soma's surface, any other child at its parent's end;
* a root section without coordinates points along -y (Brian2 divides by zero there).

The random numbers come from numpy's global generator (``np.random.rand``, then
``np.random.exponential``, per bend, sections in compartment order), which ``seed()`` seeds.
Lengths and diameters are unchanged, so the morphology stays electrically the same.
"""
from __future__ import annotations

import numpy as np

from .lengths import metres
from .sections import Cylinder, Section, Soma
from .tree import ROOT_ANCHOR

__all__ = ["generate_coordinates"]

_Z_AXIS = np.array([0.0, 0.0, 1.0])


def _rotate(vector, axis, angle):
    """``vector`` rotated by ``angle`` about ``axis`` (Rodrigues' formula, Brian2's sign)."""
    return (vector * np.cos(angle) - np.cross(axis, vector) * np.sin(angle)
            + axis * np.dot(axis, vector) * (1 - np.cos(angle)))


def _bend(direction, sigma):
    """``direction`` bent by an exponentially distributed angle (mean ``sigma`` radians) about
    a random axis."""
    if sigma == 0:
        return direction
    if direction[0] != 0 or direction[1] != 0:
        axis = np.array([direction[1], direction[0], 0.0])
    else:
        axis = np.array([1.0, 0.0, 0.0])
    axis = _rotate(axis, direction, np.random.rand() * np.pi * 2)
    angle = np.random.exponential(sigma, 1)
    return _rotate(direction, axis, angle)


def _unit(vector):
    return vector / np.sqrt(np.sum(vector ** 2))


def _parent_direction(parent_points):
    """The unit vector from the parent's start to its end (zero for a soma, the root or a
    section that ends where it starts)."""
    if parent_points is None:
        return np.zeros(3)
    direction = parent_points[-1] - parent_points[0]
    norm = np.sqrt(np.sum(direction ** 2))
    return direction / norm if norm != 0 else np.zeros(3)


def _section_direction(parent_direction, nth, siblings, sigma):
    if not np.any(parent_direction):
        angle = np.pi / 2 + 2 * np.pi / siblings * nth
        direction = _rotate(np.array([1.0, 0.0, 0.0]), _Z_AXIS, angle)
    else:
        direction = parent_direction
        if sigma == 0:
            axis = _Z_AXIS if direction[2] == 0 else np.array([-direction[1], direction[2], 0.0])
            angle = -np.pi / 2 + np.pi / (siblings + 1) * (nth + 1)
            direction = _rotate(direction, axis, angle)
    if sigma > 0:
        direction = _bend(direction, sigma)
    return _unit(direction)


def _new_section(original, parent, parent_points, nth, siblings, section_sigma,
                 compartment_sigma):
    direction = _section_direction(_parent_direction(parent_points), nth, siblings,
                                   section_sigma)
    if isinstance(parent, Soma):
        origin = np.asarray(parent.diameter)[0] / 2 * direction
    else:
        origin = np.zeros(3)
    points = [origin]
    for length in np.asarray(original.length):
        points.append(points[-1] + length * _unit(_bend(direction, compartment_sigma)))
    points = metres(np.array(points))
    if isinstance(original, Cylinder) and compartment_sigma == 0:
        ends = points[[0, -1]]
        return Cylinder(original.diameter[0], n=original.n, x=ends[:, 0], y=ends[:, 1],
                        z=ends[:, 2], type=original.type)
    diameters = np.hstack([np.asarray(original.start_diameter[:1]),
                           np.asarray(original.end_diameter)])
    return Section(metres(diameters), n=original.n, x=points[:, 0], y=points[:, 1],
                   z=points[:, 2], type=original.type)


def _attach(new, original, new_parent):
    """Attach ``new`` under ``new_parent`` with all the names ``original`` has in its parent."""
    names = original.parent.children
    new_parent.children.add(names.name(original), new)
    for alias in names.names(original):
        if alias not in new_parent.children:
            new_parent.children.add(alias, new)


def generate_coordinates(root, section_randomness=0.0, compartment_randomness=0.0,
                         overwrite_existing=False):
    """A new morphology like ``root``, with coordinates for every section (see module doc)."""
    section_sigma = section_randomness * np.pi / 180
    compartment_sigma = compartment_randomness * np.pi / 180
    new_root = None
    # (original section, its new parent, the new parent's placement, nth child, siblings)
    stack = [(root, None, None, 0, 1)]
    while stack:
        original, parent, parent_placed, nth, siblings = stack.pop()
        parent_points = None if parent_placed is None else parent_placed.points
        if not overwrite_existing and original._has_coordinates():
            new = original.copy_section()
        elif isinstance(original, Soma):
            centre = np.zeros(3) if parent_placed is None else parent_placed.child_anchor.point
            new = Soma(original.diameter, x=metres(centre[0]), y=metres(centre[1]),
                       z=metres(centre[2]), type=original.type)
        else:
            new = _new_section(original, parent, parent_points, nth, siblings, section_sigma,
                               compartment_sigma)
        if parent is None:
            new_root = new
        else:
            _attach(new, original, parent)
        placed = new._placed(ROOT_ANCHOR if parent_placed is None
                             else parent_placed.child_anchor)
        children = list(original.children)
        for k in reversed(range(len(children))):
            stack.append((children[k], new, placed, k, len(children)))
    return new_root
