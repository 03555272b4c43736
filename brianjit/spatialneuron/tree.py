"""Morphology: a tree of unbranched sections, built and navigated as in Brian2.

``morpho.axon = Cylinder(...)`` attaches a subtree, ``morpho.axon`` / ``morpho['axon']`` reads it,
``morpho['1']`` is the first child, ``morpho.LR`` (any string of ``L``, ``R`` and digits 1-9) is a
path: the child ``R`` of the child ``L``. ``del morpho.axon`` detaches it. Indexing with numbers
or lengths selects compartments of this section (``morpho.axon[10*um:50*um]``, see
``compartments.py``).

Positions along the tree (distances, absolute coordinates) depend on the ancestors, geometry
(areas, diameters) does not. Each section type provides its local geometry and a ``_placed``
method that turns the :class:`Anchor` it hangs from (the distance and point where its parent
ends) into its own distances, points and the anchor of its children. Attributes walk the
ancestors from the root; the flattened view (``flat.py``) passes anchors down once, with the
same arithmetic, so both give identical numbers. Every walk is a loop, never a recursion:
reconstructed neurons can be thousands of sections deep.
"""
from __future__ import annotations

import abc
import operator
import weakref
from typing import NamedTuple

import numpy as np

from .attributes import CompartmentAttributes
from .children import Children, structure_version
from .compartments import MorphologyIndexWrapper, SubMorphology, compartment_range, is_whole
from .lengths import metres

__all__ = ["Morphology", "Anchor", "Placement", "ROOT_ANCHOR", "iter_sections"]

#: characters of a path name: 'LR' is the child 'R' of the child 'L', '12' the 2nd of the 1st
_PATH_CHARACTERS = frozenset("LR123456789")


class Anchor(NamedTuple):
    """Where a section hangs from: its parent's end (floats in metres)."""
    end_distance: float    # distance from the root at the parent's end
    last_distance: float   # distance at the midpoint of the parent's last compartment
    point: object          # the parent's absolute end point (3,), None without coordinates


ROOT_ANCHOR = Anchor(0.0, 0.0, None)

#: root -> (structure_version(), {id(section): index of its first compartment})
_START_INDICES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


class Placement(NamedTuple):
    """A section placed in its tree: midpoint distances (n,), absolute points (n+1, 3) or None,
    and the anchor its children hang from."""
    distance: np.ndarray
    points: object
    child_anchor: Anchor


def iter_sections(root):
    """The sections of the subtree ``root`` in depth-first pre-order (a section, then each of its
    children's subtrees in order): the order of compartment indices, as in Brian2."""
    stack = [root]
    while stack:
        section = stack.pop()
        yield section
        stack.extend(reversed(list(section._children)))


def _is_path(name: str) -> bool:
    return len(name) > 1 and all(c in _PATH_CHARACTERS for c in name)


class Morphology(CompartmentAttributes, abc.ABC):
    """A neuronal morphology: a tree of unbranched sections of compartments.

    Create a :class:`Soma`, :class:`Section` or :class:`Cylinder` and attach subtrees to it, or
    load one with :meth:`from_file` / :meth:`from_points`.
    """

    def __init__(self, n, type=None):
        if isinstance(n, str):
            raise TypeError("Need the number of compartments, not a string; to load a "
                            "morphology from a file use Morphology.from_file(filename)")
        try:
            count = operator.index(n)
        except TypeError:
            if not (isinstance(n, (float, np.floating)) and float(n).is_integer()):
                raise TypeError(f"The number of compartments n has to be an integer, "
                                f"not {n!r}") from None
            count = int(n)
        if count <= 0:
            raise ValueError(f"The number of compartments n has to be at least 1, got {count}")
        self._n = count
        self.type = type
        self._children = Children(self)
        self._parent = None

    # --- what each section type provides ---------------------------------------------------------
    @abc.abstractmethod
    def _local_geometry(self) -> dict:
        """Per-compartment arrays (floats, SI) that do not depend on the tree: length,
        start_diameter, diameter, end_diameter, area, volume, r_length_1, r_length_2."""

    @abc.abstractmethod
    def _placed(self, anchor: Anchor) -> Placement:
        """This section's distances and points when it hangs from ``anchor``."""

    # --- tree ------------------------------------------------------------------------------------
    @property
    def n(self):
        """The number of compartments in this section."""
        return self._n

    def __len__(self):
        raise TypeError("The 'length' of a Morphology is ambiguous: use its 'n' attribute for "
                        "the number of compartments in this section or 'total_compartments' "
                        "for the number in the whole subtree")

    @property
    def parent(self):
        """The section this one is attached to (None for the root)."""
        return self._parent

    @property
    def children(self):
        """The subtrees attached to this section (a :class:`Children` object)."""
        return self._children

    @property
    def total_compartments(self):
        """The number of compartments in this section and every section below it."""
        return sum(section._n for section in iter_sections(self))

    @property
    def total_sections(self):
        """The number of sections in this subtree (this one included)."""
        return sum(1 for _ in iter_sections(self))

    def _root(self):
        node = self
        while node._parent is not None:
            node = node._parent
        return node

    def _start_index(self) -> int:
        """Index of this section's first compartment in the whole tree (pre-order). One walk
        numbers the whole tree; the numbers are kept until any tree changes (so selecting the
        compartments of every section of a reconstruction is not quadratic)."""
        root = self._root()
        cached = _START_INDICES.get(root)
        if cached is None or cached[0] != structure_version():
            starts, index = {}, 0
            for section in iter_sections(root):
                starts[id(section)] = index   # ids: no reference back to the key (weak)
                index += section._n
            cached = _START_INDICES[root] = (structure_version(), starts)
        return cached[1][id(self)]

    def _subtree(self, name: str):
        """The subtree called ``name`` (a child's name or a path like 'LRL')."""
        if _is_path(name):
            node = self
            for step in name:
                if step not in node._children:
                    break
                node = node._children[step]
            else:
                return node
        if name in self._children:
            return self._children[name]
        raise AttributeError(f"The subtree {name!r} does not exist")

    def _attachment_point(self, name: str):
        """(section, child name) where the subtree called ``name`` goes: for a path, the
        section reached by all but its last step."""
        if not _is_path(name):
            return self, name
        node = self
        for step in name[:-1]:
            if step not in node._children:
                raise AttributeError(f"Cannot use the name {name!r}: the subtree "
                                     f"{step!r} on its path does not exist")
            node = node._children[step]
        return node, name[-1]

    def __getitem__(self, item):
        """``morpho['axon']`` / ``morpho['LR']``: a subtree; ``morpho[5]``, ``morpho[2:4]``,
        ``morpho[10*um]``, ``morpho[10*um:20*um]``: compartments of this section."""
        if isinstance(item, str):
            return self._subtree(item)
        start, stop = compartment_range(self, item)
        return SubMorphology(self, start, stop)

    def __setitem__(self, name, child):
        section, last = self._attachment_point(str(name))
        section._children.add(last, child)

    def __delitem__(self, name):
        section, last = self._attachment_point(str(name))
        section._children.remove(last)

    def __getattr__(self, name):
        # only called for names that are not attributes: subtrees by name
        if name.startswith("_"):
            raise AttributeError(name)
        return self._subtree(name)

    def __setattr__(self, name, value):
        if name.startswith("_") or not isinstance(value, Morphology):
            object.__setattr__(self, name, value)
            return
        if hasattr(type(self), name) or name in self.__dict__:
            raise AttributeError(f"Cannot attach a subtree as {name!r}: that is an attribute of "
                                 f"{type(self).__name__}; use morpho[{name!r}] = ... instead")
        self[name] = value

    def __delattr__(self, name):
        if name.startswith("_") or name in self.__dict__:
            object.__delattr__(self, name)
        else:
            del self[name]

    # --- compartments ----------------------------------------------------------------------------
    @property
    def indices(self):
        """``morpho.indices[...]``: indices (in the flattened tree) of compartments selected as
        with ``morpho[...]``; ``morpho.indices[:]`` are this section's."""
        return MorphologyIndexWrapper(self)

    def _indices(self, item=None):
        if not is_whole(item):
            if isinstance(item, slice):
                return self[item]._indices(slice(None))
            return self[item]._indices(None)
        start = self._start_index()
        if item is None and self._n == 1:
            return start
        return np.arange(start, start + self._n)

    def _anchor(self) -> Anchor:
        """The anchor this section hangs from, walking its ancestors from the root."""
        ancestors = []
        node = self._parent
        while node is not None:
            ancestors.append(node)
            node = node._parent
        anchor = ROOT_ANCHOR
        for node in reversed(ancestors):
            anchor = node._placed(anchor).child_anchor
        return anchor

    def _compartment_values(self, name):
        if name == "distance":
            return self._placed(self._anchor()).distance
        return self._local_geometry()[name]

    def _absolute_points(self):
        return self._placed(self._anchor()).points

    def _has_coordinates(self) -> bool:
        """Whether this section has coordinates (they do not depend on the ancestors)."""
        return self._placed(ROOT_ANCHOR).points is not None

    @property
    def end_distance(self):
        """The distance from the root at the end of this section."""
        return metres(self._placed(self._anchor()).child_anchor.end_distance)

    # --- whole trees -----------------------------------------------------------------------------
    def copy_section(self):
        """A copy of this section alone (geometry and type; no parent, no children)."""
        clone = object.__new__(type(self))
        for name, value in self.__dict__.items():
            object.__setattr__(clone, name, value)  # geometry arrays are read-only: shared
        object.__setattr__(clone, "_children", Children(clone))
        object.__setattr__(clone, "_parent", None)
        return clone

    def topology(self):
        """A printable outline of the tree (as NEURON's ``topology()``)."""
        from .topology import Topology
        return Topology(self)

    def generate_coordinates(self, section_randomness=0.0, compartment_randomness=0.0,
                             overwrite_existing=False):
        """A copy of this tree with coordinates for the sections that have none (every section
        with ``overwrite_existing``): deterministic, or randomly bent by exponentially
        distributed angles (in degrees) per section and per compartment, drawn from numpy's
        generator (which ``seed()`` seeds). Lengths and diameters do not change."""
        from .coordinates import generate_coordinates
        return generate_coordinates(self, section_randomness, compartment_randomness,
                                    overwrite_existing)

    @staticmethod
    def from_points(points, spherical_soma=True):
        """A morphology from SWC-like points ``(index, name, x, y, z, diameter, parent)``
        (numbers in um; ``parent`` -1 for the first point)."""
        from .swc import from_points
        return from_points(points, spherical_soma=spherical_soma)

    @staticmethod
    def from_swc_file(filename, spherical_soma=True):
        """A morphology from an SWC file (``index type x y z radius parent`` per line)."""
        from .swc import from_swc_file
        return from_swc_file(filename, spherical_soma=spherical_soma)

    @staticmethod
    def from_file(filename, spherical_soma=True):
        """A morphology from a file (SWC, the only format supported, as in Brian2)."""
        from .swc import from_file
        return from_file(filename, spherical_soma=spherical_soma)
