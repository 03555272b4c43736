"""Geometry that gives the cable equation no finite solution is a ValueError when the
SpatialNeuron is made, naming the section, the compartment and its length and diameter
(``spatialneuron/cable_geometry.py``); it used to run into NaN voltages silently. Brian2 does not
check: its numpy target fails inside ``solve_banded`` during the run, its Cython target gives NaN
(measured with Brian2 2.9 for a 1e-200 m section). Compartments that are tiny but keep finite
coefficients (1 pm, 1e-100 m) run as in Brian2: the 1 pm voltages below are Brian2's (numpy
target), to the printed digits."""
import numpy as np
import pytest

from brianjit import (Cylinder, Network, Soma, SpatialNeuron, cm, meter, mV, ms, nA, ohm,
                      siemens, uF, um)

MODEL = """
Im = gL*(EL - v) : amp/meter**2
I : amp (point current)
"""
NAMES = {"gL": 1e-4 * siemens / cm**2, "EL": -70 * mV}


def _morphology(length, diameter, n=3):
    morpho = Soma(diameter=30 * um)
    morpho.axon = Cylinder(length=length, diameter=diameter, n=n)
    morpho.axon.rest = Cylinder(length=100 * um, diameter=1 * um, n=5)
    return morpho


def _neuron(length, diameter, Ri=100 * ohm * cm):
    return SpatialNeuron(_morphology(length, diameter), MODEL, Cm=1 * uF / cm**2, Ri=Ri,
                         namespace=NAMES, method="exponential_euler")


@pytest.mark.parametrize("length, diameter, compartment, problem", [
    (1e-200 * meter, 1 * um, 0, "axial conductances per area that overflow"),
    (1e-170 * meter, 1 * um, 0, "axial conductances per area that overflow"),
    (1 * um, 1e-200 * meter, 1, "joined to the compartment before it by no positive finite"),
    (0 * meter, 1 * um, 0, "no positive finite area"),
    (1 * um, 0 * meter, 0, "no positive finite area"),
])
def test_singular_or_overflowing_geometry_is_refused_at_construction(length, diameter,
                                                                     compartment, problem):
    with pytest.raises(ValueError) as error:
        _neuron(length, diameter)
    message = str(error.value)
    assert f"compartment {compartment} of Cylinder(" in message
    assert problem in message
    assert "(length " in message and ", diameter " in message
    assert "no finite solution" in message


def test_the_message_gives_the_compartments_own_length_and_diameter():
    morpho = Soma(diameter=30 * um)
    morpho.axon = Cylinder(length=4e-200 * meter, diameter=2 * um, n=4)
    with pytest.raises(ValueError) as error:
        SpatialNeuron(morpho, MODEL, namespace=NAMES)
    assert str(error.value).startswith("spatialneuron")
    assert "compartment 0 of Cylinder(diameter=2. * umetre, n=4, length=" in str(error.value)
    assert "(length 1.e-176 ym, diameter 2. um)" in str(error.value)


def test_an_axial_resistivity_set_later_is_checked_before_the_run():
    """Ri is a constant the user may set after construction: the run checks again."""
    neuron = _neuron(1e-150 * meter, 1 * um)
    neuron.Ri = 1e-20 * ohm * cm
    with pytest.raises(ValueError, match="overflow"):
        Network(neuron).run(0.1 * ms)


@pytest.mark.parametrize("length", [1e-12 * meter, 1e-100 * meter])
def test_tiny_compartments_with_finite_coefficients_run(length):
    neuron = _neuron(length, 1 * um)
    neuron.v = -65 * mV
    neuron.I[0] = 0.1 * nA
    Network(neuron).run(1 * ms)
    v = np.asarray(neuron.v)
    assert np.all(np.isfinite(v))
    if length == 1e-12 * meter:  # Brian2 2.9, numpy target, the same script
        np.testing.assert_allclose(v[:8], [-0.06241633, -0.06241633, -0.06241633, -0.06241633,
                                           -0.06254155, -0.06274122, -0.06289057, -0.06298994],
                                   rtol=0, atol=5e-9)
