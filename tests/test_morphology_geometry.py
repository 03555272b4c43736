"""Morphology geometry: golden values measured with Brian2 2.9.0 and analytic formulas.

The schematic tree is the one of Brian2's documentation (a soma, a tapering dendrite L, a
cylinder R with two children); its numbers were printed by Brian2 and are reproduced to the
last bit (brianjit evaluates Brian2's formulas in Brian2's order).
"""
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from brianjit import Cylinder, DimensionMismatchError, Morphology, Section, Soma, second, um


def schematic():
    soma = Soma(30 * um)
    soma.L = Section(n=5, diameter=[10, 8, 6, 4, 2, 0] * um, length=np.ones(5) * 20 * um)
    soma.R = Cylinder(n=10, diameter=5 * um, length=50 * um)
    soma.R.left = Cylinder(n=10, diameter=2.5 * um, length=50 * um)
    soma.R.right = Section(n=5, diameter=[5, 4, 3, 2, 1, 0] * um, length=np.ones(5) * 10 * um)
    return soma


def test_soma_sphere():
    soma = Soma(diameter=30 * um)
    assert soma.n == soma.total_compartments == soma.total_sections == 1
    assert_allclose(np.asarray(soma.area), [np.pi * 30e-6 ** 2], rtol=1e-15)
    assert_allclose(np.asarray(soma.volume), [np.pi * 30e-6 ** 3 / 6], rtol=1e-15)
    assert_allclose(np.asarray(soma.length), [30e-6], rtol=1e-15)
    assert_array_equal(np.asarray(soma.r_length_1), [1.0])
    assert soma.x is None and soma.coordinates is None


def test_cylinder_compartments():
    cyl = Cylinder(n=4, diameter=2 * um, length=40 * um)
    d, length = 2e-6, 10e-6
    assert_allclose(np.asarray(cyl.length), [length] * 4, rtol=1e-15)
    assert_allclose(np.asarray(cyl.area), [np.pi * d * length] * 4, rtol=1e-15)
    assert_allclose(np.asarray(cyl.volume), [np.pi * d ** 2 / 4 * length] * 4, rtol=1e-15)
    assert_allclose(np.asarray(cyl.r_length_1), [np.pi / 2 * d ** 2 / length] * 4, rtol=1e-15)
    assert_allclose(np.asarray(cyl.distance), [5e-6, 15e-6, 25e-6, 35e-6], rtol=1e-15)
    assert_allclose(float(np.asarray(cyl.end_distance)), 40e-6, rtol=1e-15)


def test_truncated_cones_analytic():
    # one cone from 6 um to 2 um over 3 um: slant sqrt(2^2 + 3^2) um (radii differ by 2 um)
    sec = Section(n=1, diameter=[6, 2] * um, length=[3] * um)
    slant = np.sqrt(2e-6 ** 2 + 3e-6 ** 2)
    assert_allclose(np.asarray(sec.area), [np.pi * (3e-6 + 1e-6) * slant], rtol=1e-14)
    r1, r2 = 3e-6, 1e-6
    assert_allclose(np.asarray(sec.volume), [np.pi * 3e-6 / 3 * (r1 ** 2 + r1 * r2 + r2 ** 2)],
                    rtol=1e-14)
    assert_allclose(np.asarray(sec.diameter), [4e-6], rtol=1e-15)
    assert_allclose(np.asarray(sec.r_length_1), [np.pi / 2 * 6e-6 * 4e-6 / 3e-6], rtol=1e-15)
    assert_allclose(np.asarray(sec.r_length_2), [np.pi / 2 * 4e-6 * 2e-6 / 3e-6], rtol=1e-15)


def test_tapered_section_golden_brian2():
    soma = schematic()
    assert_allclose(np.asarray(soma.L.area), [5.6619309475812507e-10, 4.4037240703409737e-10,
                                              3.1455171931006951e-10, 1.8873103158604173e-10,
                                              6.2910343862013902e-11], rtol=1e-15)
    assert_allclose(np.asarray(soma.L.volume), [1.2775810124598491e-15, 7.7492618788548235e-16,
                                                3.9793506945470706e-16, 1.4660765716752366e-16,
                                                2.0943951023931953e-17], rtol=1e-15)
    assert_allclose(np.asarray(soma.L.r_length_1),
                    [7.0685834705770335e-06, 4.3982297150257108e-06, 2.3561944901923452e-06,
                     9.4247779607693802e-07, 1.5707963267948966e-07], rtol=1e-15)
    assert_allclose(np.asarray(soma.L.r_length_2),
                    [5.6548667764616266e-06, 3.2986722862692831e-06, 1.5707963267948967e-06,
                     4.7123889803846901e-07, 0.0], rtol=1e-15)


def test_tree_distances_indices_golden_brian2():
    soma = schematic()
    assert soma.total_compartments == 31 and soma.total_sections == 5
    assert_array_equal(np.asarray(soma.R.right.distance),
                       [5.4999999999999995e-05, 6.4999999999999994e-05, 7.4999999999999993e-05,
                        8.4999999999999993e-05, 9.4999999999999992e-05])
    assert float(np.asarray(soma.R.left.end_distance)) == 9.999999999999999e-05
    assert_array_equal(soma.R.right.indices[:], np.arange(26, 31))
    assert_array_equal(soma.R.left.indices[:], np.arange(16, 26))
    assert soma.indices[:].tolist() == [0] and soma.indices[0] == 0
    # a soma adds nothing to the distance of its children
    assert_allclose(np.asarray(soma.L.distance)[0], 10e-6, rtol=1e-15)


def test_topology_golden_brian2():
    assert str(schematic().topology()) == (
        "( )  [root] \n   `-----|  .L\n   `----------|  .R\n"
        "               `----------|  .R.left\n               `-----|  .R.right\n")


def test_coordinates_relative_to_parent_golden_brian2():
    c = Cylinder(n=7, diameter=3 * um, x=[1, 31] * um, y=[2, -5] * um)
    c.a = Section(n=4, diameter=[3, 2.5, 2, 1.5, 1] * um, x=[0, 3, 6, 8, 9] * um,
                  z=[0, 1, 2, 2, 8] * um)
    soma = Soma(12 * um, x=3 * um, y=-2 * um, z=1 * um)
    c.a.s = soma
    soma.d = Cylinder(n=3, diameter=2 * um, x=[6, 20] * um)
    assert_allclose(np.asarray(c.a.x), [3.25e-05, 3.55e-05, 3.8e-05, 3.95e-05], rtol=1e-15)
    assert_allclose(np.asarray(c.a.end_z), [1e-06, 2e-06, 2e-06, 8e-06], rtol=1e-15)
    assert_allclose(np.asarray(c.a.distance), [3.2386982431582915e-05, 3.5549260091751299e-05,
                                               3.8130398921835495e-05, 4.2171780186984597e-05],
                    rtol=1e-15)
    # a soma's coordinates are absolute; its children start from its centre
    assert_allclose(np.asarray(soma.d.start_x),
                    [9.0000000000000002e-06, 1.3666666666666667e-05, 1.8333333333333329e-05],
                    rtol=1e-15)
    assert_allclose(np.asarray(soma.distance), [4.21717801869846e-05], rtol=1e-15)
    assert_allclose(float(np.asarray(soma.end_distance)), 4.521316145213371e-05, rtol=1e-15)
    points = np.asarray(c.a.coordinates)
    assert points.shape == (5, 3)
    assert_allclose(np.sqrt(np.sum(np.diff(points, axis=0) ** 2, axis=1)),
                    np.asarray(c.a.length), rtol=1e-14)


def test_generate_coordinates_seeded_golden_brian2():
    np.random.seed(3)
    generated = schematic().generate_coordinates(section_randomness=25,
                                                 compartment_randomness=10)
    assert_allclose(generated.R.left.coordinates_[-1],
                    [-7.8571999272019430e-06, 1.1184955805578975e-04, 1.5958570897808572e-05],
                    rtol=1e-10)
    assert_allclose(generated.L.end_x_, [3.6762252359247057e-06, 1.0514146829365926e-05,
                                         1.3213623749370016e-05, 1.5760572036482464e-05,
                                         1.8497831573291078e-05], rtol=1e-10)
    assert_allclose(np.asarray(generated.R.left.length), np.asarray(schematic().R.left.length))


def test_generate_coordinates_keeps_names_and_cylinders_with_coordinates():
    root = Soma(10 * um)
    root.axon = Cylinder(n=2, diameter=1 * um, x=[0, 10] * um)  # has coordinates already
    root.axon.L = Cylinder(n=3, diameter=1 * um, length=30 * um)
    generated = root.generate_coordinates()
    assert_array_equal(generated.axon.end_x_, root.axon.end_x_)
    assert generated['1'] is generated.axon and generated.axon.L.n == 3
    assert_allclose(np.asarray(generated.axon.L.length), [10e-6] * 3, rtol=1e-14)


def test_indexing_by_distance_golden_brian2():
    soma = schematic()
    assert_array_equal(soma.L[25 * um:55 * um].indices[:], [2, 3])
    assert soma.L.indices[40 * um] == 3  # a border belongs to the compartment that starts there
    assert soma.L.indices[39 * um] == 2
    assert soma.L.indices[100 * um] == 5  # the end belongs to the last compartment
    assert_allclose(np.asarray(soma.L[1:3].area), np.asarray(soma.L.area)[1:3])


@pytest.mark.parametrize("item, error", [
    (slice(3 * second, 5 * second), TypeError), (slice(3, 5 * um), TypeError),
    (slice(1 * um, 5 * um, 1 * um), TypeError), (slice(0, 4, 2), TypeError),
    (2.5, TypeError), (True, TypeError), (-1 * um, IndexError), (101 * um, IndexError),
    (5, IndexError), (-6, IndexError), (slice(3, 3), IndexError),
    (slice(50 * um, 10 * um), IndexError), (slice(0 * um, 150 * um), IndexError),
])
def test_bad_compartment_selection(item, error):
    with pytest.raises(error):
        schematic().L[item]


@pytest.mark.parametrize("make, error", [
    (lambda: Soma(10), DimensionMismatchError),
    (lambda: Soma(x=10), DimensionMismatchError),  # units are checked before 'missing diameter'
    (lambda: Soma([10, 20] * um), TypeError),
    (lambda: Cylinder(n=1.5, diameter=1 * um, length=1 * um), TypeError),
    (lambda: Cylinder(n=0, diameter=1 * um, length=1 * um), ValueError),
    (lambda: Cylinder(n=2, diameter=1 * um), TypeError),
    (lambda: Cylinder(n=2, diameter=1 * um, length=2 * um, x=[0, 2] * um), TypeError),
    (lambda: Cylinder(n=2, diameter=-1 * um, length=2 * um), ValueError),
    (lambda: Section(n=2, diameter=[1, 1] * um, length=[1, 1] * um), TypeError),
    (lambda: Section(n=2, diameter=[1, 1, np.nan] * um, length=[1, 1] * um), ValueError),
    (lambda: Section(n=2, diameter=[1, 1, 1] * um, length=[1, -1] * um), ValueError),
    (lambda: Section(n=2, diameter=[1, 1, 1] * um, x=[0, 1] * um), TypeError),
    (lambda: Morphology.from_file("neuron.asc"), NotImplementedError),
])
def test_bad_construction(make, error):
    with pytest.raises(error):
        make()


def test_len_is_ambiguous_and_n_must_not_be_a_filename():
    with pytest.raises(TypeError, match="ambiguous"):
        len(Soma(10 * um))
    with pytest.raises(TypeError, match="from_file"):
        Morphology.__init__(Soma(10 * um), "neuron.swc")
    with pytest.raises(TypeError):
        Morphology(1)  # abstract


def test_impossible_trees_are_refused():
    soma = Soma(10 * um)
    dend = Cylinder(n=2, diameter=1 * um, length=10 * um)
    soma.dend = dend
    with pytest.raises(ValueError, match="tree"):
        dend.back = soma  # a cycle
    with pytest.raises(ValueError, match="tree"):
        dend.self = dend
    other = Soma(10 * um)
    with pytest.raises(ValueError, match="already attached"):
        other.dend = dend  # two parents
    other.dend = dend.copy_section()
    soma.alias = dend  # the same child under a second name
    assert soma.alias is soma.dend and len(soma.children) == 1
    with pytest.raises(TypeError, match="Morphology"):
        soma['x1'] = 5
    with pytest.raises(AttributeError, match="attribute"):
        soma.area = Cylinder(n=1, diameter=1 * um, length=1 * um)
    with pytest.raises(AttributeError, match="does not exist"):
        soma.LR = Cylinder(n=1, diameter=1 * um, length=1 * um)  # no 'L' on the path


def test_names_paths_and_deletion():
    soma = schematic()
    assert soma['1'] is soma.L and soma['2'] is soma.R and soma['21'] is soma.R.left
    assert soma.R1 is soma.R.left and soma["R"]["2"] is soma.R.right
    assert soma.children.name(soma.R) == 'R' and 'L' in soma.children
    assert soma.R in soma.children
    removed = soma.R
    del soma.R
    assert soma.total_compartments == 6 and removed.parent is None
    with pytest.raises(AttributeError):
        soma['2']  # every name of a removed subtree goes with it
    with pytest.raises(AttributeError):
        del soma.R
    soma.again = removed  # a detached subtree can be attached again
    assert soma.again.right.indices[0] == 26


def test_copy_section_is_independent():
    sec = Section(n=2, diameter=[3, 2, 1] * um, x=[0, 1, 2] * um, type="dend")
    sec.child = Cylinder(n=1, diameter=1 * um, length=1 * um)
    copy = sec.copy_section()
    assert copy.type == "dend" and len(copy.children) == 0 and copy.parent is None
    assert_array_equal(copy.end_x_, sec.end_x_)
    lengths = copy.length
    lengths[0] = 5 * um  # attributes are fresh arrays: changing one changes nothing else
    assert_array_equal(np.asarray(copy.length), np.asarray(sec.length))
