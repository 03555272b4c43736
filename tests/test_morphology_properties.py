"""Properties of random morphologies: totals, the flattened view against the sections'
attributes, and selecting compartments by distance."""
import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_array_equal

from brianjit import Cylinder, Section, Soma, meter, um
from brianjit.spatialneuron.flat import flatten
from brianjit.spatialneuron.tree import iter_sections

_size = st.floats(0.5, 50)


@st.composite
def sections(draw):
    kind = draw(st.sampled_from(["soma", "cylinder", "section", "cylinder_xyz", "section_xyz"]))
    n = draw(st.integers(1, 6))
    if kind == "soma":
        return Soma(draw(_size) * um)
    if kind == "cylinder":
        return Cylinder(n=n, diameter=draw(_size) * um, length=draw(_size) * um)
    if kind == "cylinder_xyz":
        end = draw(st.lists(st.floats(-30, 30), min_size=3, max_size=3))
        return Cylinder(n=n, diameter=draw(_size) * um, x=[0, end[0]] * um,
                        y=[0, end[1]] * um, z=[0, end[2]] * um)
    diameters = draw(st.lists(_size, min_size=n + 1, max_size=n + 1)) * um
    if kind == "section":
        return Section(n=n, diameter=diameters,
                       length=draw(st.lists(_size, min_size=n, max_size=n)) * um)
    xyz = np.cumsum(draw(st.lists(st.floats(-10, 10), min_size=3 * (n + 1),
                                  max_size=3 * (n + 1))))
    return Section(n=n, diameter=diameters, x=xyz[0::3] * um, y=xyz[1::3] * um,
                   z=xyz[2::3] * um)


@st.composite
def trees(draw):
    parts = draw(st.lists(sections(), min_size=1, max_size=8))
    root = parts[0]
    attached = [root]
    for k, part in enumerate(parts[1:]):
        parent = attached[draw(st.integers(0, len(attached) - 1))]
        parent[f"s{k}"] = part
        attached.append(part)
    return root


@given(trees())
def test_flat_view_matches_the_sections(root):
    flat = flatten(root)
    tree = list(iter_sections(root))
    assert flat.n == root.total_compartments == sum(s.n for s in tree)
    assert flat.n_sections == root.total_sections == len(tree)
    # the total area is the sum of the sections' areas
    total_area = sum(float(np.sum(np.asarray(s.area))) for s in tree)
    assert np.isclose(np.sum(flat.values["area"]), total_area, rtol=1e-12)
    for index, section in enumerate(tree):
        start, end = flat.section_start[index], flat.section_end[index]
        assert_array_equal(np.atleast_1d(section.indices[:]), np.arange(start, end))
        assert (flat.compartment_section[start:end] == index).all()
        for name in ("area", "volume", "length", "distance", "diameter", "r_length_2"):
            assert_array_equal(flat.values[name][start:end], np.asarray(getattr(section, name)))
        assert flat.section_end_distance[index] == float(np.asarray(section.end_distance))
        parent = flat.section_parent[index]
        assert parent < index and (parent == -1) == (section.parent is None)
        if parent >= 0:
            assert tree[parent] is section.parent
            siblings = flat.children[flat.children_offsets[parent]:
                                     flat.children_offsets[parent + 1]]
            assert siblings[flat.section_index_in_parent[index]] == index
        x = flat.coordinates["x"][start:end] if flat.coordinates is not None else None
        if section.x is None:
            assert x is None or np.isnan(x).all()
        else:
            assert_array_equal(x, np.asarray(section.x))


@given(st.lists(_size, min_size=1, max_size=8), st.floats(0, 1), st.floats(0, 1))
def test_selecting_by_distance_gives_the_compartments_there(lengths, a, b):
    section = Section(n=len(lengths), diameter=np.ones(len(lengths) + 1) * um,
                      length=lengths * um)
    borders = np.concatenate([[0.0], np.cumsum(np.asarray(section.length))])
    total = borders[-1]
    tolerance = 1e-9 * total
    point = a * total
    k = section.indices[point * meter]
    assert borders[k] - tolerance <= point <= borders[k + 1] + tolerance
    low, high = sorted([a * total, b * total])
    if high - low < tolerance:
        return
    selected = np.atleast_1d(section.indices[low * meter:high * meter])
    assert (np.diff(selected) == 1).all()
    first, last = selected[0], selected[-1]
    # the selection covers [low, high] and every selected compartment overlaps it
    assert borders[first] - tolerance <= low and borders[last + 1] + tolerance >= high
    assert borders[first + 1] >= low - tolerance and borders[last] <= high + tolerance
