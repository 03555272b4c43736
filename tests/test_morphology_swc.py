"""Morphologies from points and SWC files: structure, geometry, a write/read round trip, and
errors that name the offending line."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from brianjit import Morphology, Soma

# a soma, an axon that splits into two dendrites, an apical dendrite (x y z radius in um)
SWC = """# a small test neuron
1 1 0 0 0 5 -1

2 2 10 0 0 1 1
3 2 20 0 0 1 2
4 2 30 0 0 1 3
5 3 30 10 0 0.5 4
6 3 30 20 0 0.5 5
7 3 40 0 0 0.5 4
8 4 0 -10 0 2 1
9 4 0 -30 0 1 8
"""

_SWC_TYPE = {"soma": 1, "axon": 2, "dend": 3, "apic": 4}


def write_swc(morphology, path):
    """Write a morphology with coordinates as SWC (one point per compartment end)."""
    lines, counter = [], 0

    def point(kind, xyz, diameter, parent):
        nonlocal counter
        counter += 1
        x, y, z = (float(v) for v in np.asarray(xyz) / 1e-6)
        lines.append(f"{counter} {_SWC_TYPE.get(kind, 0)} {x!r} {y!r} {z!r} "
                     f"{float(diameter) / 2e-6!r} {parent}")
        return counter

    stack = [(morphology, -1)]
    while stack:
        section, parent = stack.pop()
        if isinstance(section, Soma):
            last = point("soma", section.coordinates_[0], np.asarray(section.diameter)[0],
                         parent)
        else:
            points = section.coordinates_
            last = parent
            if parent == -1:
                last = point(section.type, points[0], np.asarray(section.start_diameter)[0], -1)
            for xyz, diameter in zip(points[1:], np.asarray(section.end_diameter)):
                last = point(section.type, xyz, diameter, last)
        stack.extend((child, last) for child in reversed(list(section.children)))
    path.write_text("\n".join(lines) + "\n")


def test_structure_and_geometry(tmp_path):
    path = tmp_path / "neuron.swc"
    path.write_text(SWC)
    soma = Morphology.from_file(str(path))
    assert isinstance(soma, Soma) and soma.total_sections == 5 and soma.total_compartments == 9
    assert soma.L is soma.axon and soma.R is soma.apic and soma.axon.type == "axon"
    assert soma.axon.L is soma.axon.dend and soma.axon.R is soma.axon.dend2
    assert_allclose(np.asarray(soma.diameter), [10e-6], rtol=1e-15)
    assert_allclose(np.asarray(soma.axon.length), [10e-6] * 3, rtol=1e-14)
    # a soma's child starts at its centre with its own first diameter
    assert_allclose(np.asarray(soma.axon.start_diameter), [2e-6] * 3, rtol=1e-15)
    # other children start at their parent point with the parent's diameter
    assert_allclose(np.asarray(soma.axon.dend.start_diameter), [2e-6, 1e-6], rtol=1e-15)
    assert_allclose(np.asarray(soma.axon.dend2.distance), [35e-6], rtol=1e-14)
    assert_allclose(np.asarray(soma.apic.end_y), [-10e-6, -30e-6], rtol=1e-14)
    assert_allclose(np.asarray(soma.apic.area)[1],
                    np.pi / 2 * (4e-6 + 2e-6) * np.sqrt((2e-6) ** 2 / 4 + (20e-6) ** 2),
                    rtol=1e-14)


def test_round_trip(tmp_path):
    first = tmp_path / "first.swc"
    first.write_text(SWC)
    loaded = Morphology.from_swc_file(str(first))
    second = tmp_path / "second.swc"
    write_swc(loaded, second)
    again = Morphology.from_swc_file(str(second))
    assert str(again.topology()) == str(loaded.topology())
    for name in ("axon", "axon.dend", "axon.dend2", "apic"):
        a, b = loaded, again
        for step in name.split("."):
            a, b = a[step], b[step]
        assert a.n == b.n and a.type == b.type
        for attribute in ("area", "volume", "distance", "diameter", "r_length_1", "x", "end_z"):
            assert_allclose(np.asarray(getattr(b, attribute)),
                            np.asarray(getattr(a, attribute)), rtol=1e-12, atol=1e-18)


@pytest.mark.parametrize("line, fragment", [
    ("2 2 10 0 0 1", "has 6"),
    ("2 2 ten 0 0 1 1", "x coordinate"),
    ("2 axon 10 0 0 1 1", "type"),
    ("1 2 10 0 0 1 1", "Two points with the index 1"),
    ("2 2 10 0 0 1 7", "parents have to be listed before"),
    ("2 2 10 0 0 1 -1", "only the first point can be a root"),
    ("2 2 10 0 0 -1 1", "cannot be negative"),
    ("2 2 10 0 0 1 2", "itself as its parent"),
    ("2 2 10 0 nan 1 1", "z coordinate"),
])
def test_malformed_files_name_the_line(tmp_path, line, fragment):
    path = tmp_path / "bad.swc"
    path.write_text(f"# header\n1 1 0 0 0 5 -1\n{line}\n3 3 0 0 5 1 1\n")
    with pytest.raises(ValueError, match=fragment) as error:
        Morphology.from_file(str(path))
    assert "line 3" in str(error.value) and repr(line) in str(error.value)


def test_points_names_and_chains():
    points = [(1, "soma", 0, 0, 0, 10, -1)]
    for k, name in enumerate(["a", "b", "c"]):  # three children: numbered names
        points.append((2 + 2 * k, name, 10 * (k + 1), 0, 0, 2, 1))
        points.append((3 + 2 * k, name, 10 * (k + 1), 10, 0, 2, 2 + 2 * k))
    morpho = Morphology.from_points(points)
    assert morpho["1"] is morpho.a and morpho["3"] is morpho.c and "L" not in morpho.children
    assert morpho.c.n == 2 and morpho.c.type == "c"


def test_three_point_soma():
    soma = [(1, "soma", 0, 0, 0, 20, -1), (2, "soma", 0, 10, 0, 20, 1),
            (3, "soma", 0, -10, 0, 20, 1), (4, "dend", 20, 0, 0, 2, 1)]
    morpho = Morphology.from_points(soma)
    assert isinstance(morpho, Soma) and morpho.total_compartments == 2
    wrong_diameter = list(soma)
    wrong_diameter[1] = (2, "soma", 0, 10, 0, 18, 1)
    with pytest.raises(ValueError, match="not all the diameters are identical"):
        Morphology.from_points(wrong_diameter)
    wrong_place = list(soma)
    wrong_place[2] = (3, "soma", 0, -12, 0, 20, 1)
    with pytest.raises(ValueError, match=r"radius is 10\.000um"):
        Morphology.from_points(wrong_place)
    # without spherical_soma the root is a lone point, which cannot be a section (as in Brian2)
    with pytest.raises(ValueError, match="single point"):
        Morphology.from_points(soma, spherical_soma=False)


def test_several_somata_are_logged(brian_logs):
    points = [(1, "dend", 0, 0, 0, 1, -1), (2, "dend", 10, 0, 0, 1, 1),
              (3, "soma", 20, 0, 0, 10, 2), (4, "dend", 30, 0, 0, 1, 3),
              (5, "soma", 40, 0, 0, 10, 4)]
    morpho = Morphology.from_points(points)
    assert morpho.total_sections == 4 and morpho.total_compartments == 4
    assert [name.endswith("soma_compartments") for _, name, _ in brian_logs] == [True]


@pytest.mark.parametrize("points, fragment", [
    ([], "at least one point"),
    ([(1, "dend", 0, 0, 0, 1, -1), (2, "axon", 1, 0, 0, 1, 1)], "single point"),
    ([(1, "soma", 0, 0, 0, 1, 5)], "has to be the root"),
    ([(1, "soma", 0, 0, 0, 1)], "7 values"),
    ([(1, 3, 0, 0, 0, 1, -1)], "string or None"),
])
def test_bad_points(points, fragment):
    with pytest.raises((ValueError, TypeError), match=fragment):
        Morphology.from_points(points)


def test_long_chain_is_not_recursive():
    points = [(1, "soma", 0, 0, 0, 1, -1)]
    points += [(i, "dend", i * 10, 0, 0, 5, i - 1) for i in range(2, 20001)]
    morpho = Morphology.from_points(points)
    assert morpho.total_compartments == 20000 and morpho.total_sections == 2
    assert_allclose(float(np.asarray(morpho.dend.end_distance)), 0.2, rtol=1e-12)
