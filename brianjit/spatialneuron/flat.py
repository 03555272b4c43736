"""The flattened morphology: the tree as plain numpy arrays, in the order the solver uses.

``flatten(morpho)`` walks the tree once (depth-first pre-order, the order of ``morpho.indices``)
and returns a :class:`FlatMorphology`; docs/architecture.md ("Morphologies") describes the
layout. In short: compartments ``section_start[s] <= k < section_end[s]`` belong to section
``s``; ``section_parent[s] < s`` (-1 for the root), so a loop from the last section to the
first visits children before parents; the children of section ``s`` are
``children[children_offsets[s]:children_offsets[s + 1]]``, in order. Branch points are the
nodes of the cable solver's small linear system: node 0 is the start of the root section and
node ``s + 1`` the end of section ``s``, so section ``s`` runs from node
``section_parent[s] + 1`` to node ``s + 1``. All values are float64 in SI units (no
Quantities); the per-compartment values are bit-identical to the sections' attributes.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .attributes import PER_COMPARTMENT, points_at
from .tree import ROOT_ANCHOR

__all__ = ["FlatMorphology", "flatten"]

_COORDINATES = tuple(f"{where}{axis}" for where in ("start_", "", "end_") for axis in "xyz")


@dataclass(frozen=True, eq=False)
class FlatMorphology:
    """A morphology as arrays (see the module docstring)."""
    n: int                    # compartments
    n_sections: int
    sections: tuple           # the Morphology objects, in order
    values: dict              # PER_COMPARTMENT name -> float64[n]
    coordinates: dict         # 'start_x' ... 'end_z' -> float64[n] (NaN in sections without
    #                           coordinates), or None when no section has coordinates
    compartment_section: np.ndarray    # int32[n]: the section of each compartment
    section_start: np.ndarray          # int32[n_sections]: first compartment
    section_end: np.ndarray            # int32[n_sections]: one past the last compartment
    section_parent: np.ndarray         # int32[n_sections]: parent section, -1 for the root
    section_index_in_parent: np.ndarray  # int32[n_sections]: position among its siblings
    section_depth: np.ndarray          # int32[n_sections]: 0 for the root
    section_end_distance: np.ndarray   # float64[n_sections]: distance at the section's end
    children_offsets: np.ndarray       # int32[n_sections + 1]
    children: np.ndarray               # int32[n_sections - 1]: child sections, grouped by parent


def flatten(morphology) -> FlatMorphology:
    """The arrays of the tree rooted at ``morphology`` (see the module docstring)."""
    sections, parents, positions, depths = [], [], [], []
    local, placed = [], []
    stack = [(morphology, -1, 0, 0, ROOT_ANCHOR)]
    while stack:
        section, parent, position, depth, anchor = stack.pop()
        index = len(sections)
        sections.append(section)
        parents.append(parent)
        positions.append(position)
        depths.append(depth)
        local.append(section._local_geometry())
        placement = section._placed(anchor)
        placed.append(placement)
        children = list(section.children)
        for k in reversed(range(len(children))):
            stack.append((children[k], index, k, depth + 1, placement.child_anchor))

    counts = np.array([s.n for s in sections], dtype=np.int32)
    ends = np.cumsum(counts, dtype=np.int32)
    starts = ends - counts
    values = {name: np.concatenate([g[name] for g in local]) for name in PER_COMPARTMENT
              if name != "distance"}
    values["distance"] = np.concatenate([p.distance for p in placed])
    parent_array = np.array(parents, dtype=np.int32)
    # children grouped by parent, in order: a stable sort of the sections by parent
    order = np.argsort(parent_array[1:], kind="stable").astype(np.int32) + 1
    offsets = np.zeros(len(sections) + 1, dtype=np.int32)
    np.add.at(offsets, parent_array[1:] + 1, 1)
    return FlatMorphology(
        n=int(ends[-1]), n_sections=len(sections), sections=tuple(sections), values=values,
        coordinates=_coordinates(sections, placed),
        compartment_section=np.repeat(np.arange(len(sections), dtype=np.int32), counts),
        section_start=starts, section_end=ends, section_parent=parent_array,
        section_index_in_parent=np.array(positions, dtype=np.int32),
        section_depth=np.array(depths, dtype=np.int32),
        section_end_distance=np.array([p.child_anchor.end_distance for p in placed]),
        children_offsets=np.cumsum(offsets, dtype=np.int32), children=order)


def _coordinates(sections, placed):
    if all(p.points is None for p in placed):
        return None
    columns = {name: [] for name in _COORDINATES}
    for section, placement in zip(sections, placed):
        points = placement.points
        if points is None:
            for column in columns.values():
                column.append(np.full(section.n, np.nan))
            continue
        for name, column in columns.items():
            column.append(points_at(points, name[:-1])[:, "xyz".index(name[-1])])
    return {name: np.concatenate(parts) for name, parts in columns.items()}
