"""Compartment indices are numbered once per tree and renumbered after any change of the tree."""
import numpy as np
from numpy.testing import assert_array_equal

from brianjit import Cylinder, Soma, um


def test_indices_follow_changes_of_the_tree():
    morpho = Soma(diameter=10 * um)
    morpho.dend = Cylinder(diameter=1 * um, length=10 * um, n=4)
    morpho.axon = Cylinder(diameter=1 * um, length=10 * um, n=5)
    assert_array_equal(morpho.axon.indices[:], np.arange(5, 10))
    morpho.dend.tip = Cylinder(diameter=1 * um, length=10 * um, n=3)   # before the axon
    assert_array_equal(morpho.axon.indices[:], np.arange(8, 13))
    assert_array_equal(morpho.dend.tip.indices[:], [5, 6, 7])
    detached = morpho.dend
    del morpho.dend
    assert_array_equal(morpho.axon.indices[:], np.arange(1, 6))
    assert_array_equal(detached.tip.indices[:], [4, 5, 6])     # its own tree now
    assert morpho.axon[5 * um].indices[:] == 3


def test_every_section_of_a_large_tree_has_its_place():
    root = Cylinder(diameter=1 * um, length=10 * um, n=1)
    tips = [root]
    for _ in range(9):                       # 1,023 sections
        new = []
        for tip in tips:
            tip.L = Cylinder(diameter=1 * um, length=10 * um, n=1)
            tip.R = Cylinder(diameter=1 * um, length=10 * um, n=1)
            new += [tip.L, tip.R]
        tips = new
    starts = [tip.indices[0] for tip in tips]   # one numbering, not one walk per section
    assert sorted(starts) == starts and len(set(starts)) == 512
