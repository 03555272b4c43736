"""SpatialNeuron's model, units and errors, compartment selection, and how it works with the rest
(monitors, synapses onto compartments, store/restore, new parameter values between runs)."""
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from brianjit import (Cylinder, DimensionMismatchError, NeuronGroup, Network, Section, Soma,
                      SpatialNeuron, SpikeGeneratorGroup, SpikeMonitor, StateMonitor, Synapses,
                      cm, defaultclock, get_dimensions, ms, mV, nA, nS, ohm, siemens, uF, um,
                      volt)
from brianjit.model.equations import EquationError

PASSIVE = "Im = gL*(EL - v) : amp/meter**2"
NAMES = {"gL": 1e-4 * siemens / cm**2, "EL": -70 * mV}


def tree():
    morpho = Soma(diameter=20 * um)
    morpho.dend = Cylinder(diameter=2 * um, length=100 * um, n=10)
    morpho.dend.L = Cylinder(diameter=1 * um, length=40 * um, n=4)
    morpho.dend.R = Cylinder(diameter=1 * um, length=60 * um, n=3)
    morpho.axon = Cylinder(diameter=1 * um, length=200 * um, n=20)
    return morpho


# ---- the model -----------------------------------------------------------------------------

@pytest.mark.parametrize("model, error", [
    ("gL : siemens/meter**2", TypeError),                        # no Im
    ("Im : amp/meter**2", TypeError),                             # Im is not an expression
    ("Im = gL*(EL - v) : amp/meter**2 (constant over dt)", TypeError),   # flags on Im
    ("Im = gL*(EL - v)*area : amp", DimensionMismatchError),      # not a current density
    ("Im = gL*(EL - v) : amp/meter**2\nI : meter (point current)", DimensionMismatchError),
    ("Im = gL*clip(EL - v, -10*mV, 10*mV) : amp/meter**2", TypeError),   # not differentiable
    ("Im = gL*EL*int(v > EL) : amp/meter**2", TypeError),
    ("Im = gL*EL*sign(v/mV) : amp/meter**2", TypeError),
    ("Im = gL*(EL - user_fun(v)) : amp/meter**2", TypeError),
    ("Im = gL*(EL - v) : amp/meter**2\nv : volt", EquationError),   # v is the neuron's
    ("Im = gL*(EL - v) : amp/meter**2\ndx/dt = -x/ms : 1 (unless refractory)", EquationError),
    ("Im = gL*(EL - v) + gL*mV*xi*sqrt(ms) : amp/meter**2", NotImplementedError),
])
def test_models_brian2_refuses(model, error):
    with pytest.raises(error):
        SpatialNeuron(Soma(10 * um), model)


def test_point_currents_enter_the_membrane_current_per_area():
    neuron = SpatialNeuron(Soma(10 * um), "Im = 0*nA/cm**2 : amp/meter**2\n"
                                          "I1 = 1*nA : amp (point current)\n"
                                          "I2 = 1*nA : amp (point current, constant over dt)")
    assert "I1/area" in neuron.equations["Im"].expr.code
    assert "I2/area" in neuron.equations["Im"].expr.code


@pytest.mark.parametrize("Cm, Ri", [(1 * uF, 100 * ohm * cm), (1 * uF / cm**2, 100 * ohm)])
def test_capacitance_and_resistivity_are_checked(Cm, Ri):
    with pytest.raises(DimensionMismatchError):
        SpatialNeuron(Soma(10 * um), PASSIVE, Cm=Cm, Ri=Ri)


def test_the_morphology_must_be_one():
    with pytest.raises(TypeError):
        SpatialNeuron(None, PASSIVE)
    with pytest.raises(TypeError):
        SpatialNeuron(NeuronGroup(1, "v : volt"), PASSIVE)


def test_neurongroups_refuse_the_multicompartment_flag():
    with pytest.raises(EquationError):
        NeuronGroup(1, "I : amp (point current)")


def test_a_step_function_of_time_in_im_is_fine():
    """Calls and comparisons that do not involve v are constants for the derivative."""
    neuron = SpatialNeuron(Soma(10 * um), "Im = gL*(EL - v)*int(t >= 1*ms) : amp/meter**2",
                           namespace=NAMES)
    neuron.v = 0 * mV
    net = Network(neuron)
    net.run(1 * ms)
    assert neuron.v[0] == 0 * mV
    net.run(1 * ms)
    assert neuron.v[0] < -5 * mV


def test_geometry_and_constants():
    morpho = tree()
    neuron = SpatialNeuron(morpho, PASSIVE, Cm=1 * uF / cm**2, Ri=100 * ohm * cm,
                           namespace=NAMES)
    for name in ("area", "length", "distance", "diameter", "volume", "r_length_1", "r_length_2"):
        assert_allclose(getattr(neuron.dend.L.main, name + "_"),
                        np.asarray(getattr(morpho.dend.L, name)), rtol=1e-15)
    assert_allclose(neuron.Cm, 1 * uF / cm**2)
    assert neuron.Ri == 100 * ohm * cm
    assert not hasattr(neuron, "x")          # no coordinates: no x, y, z
    # a passive membrane's time constant and the cable's space constant
    assert_allclose(neuron.time_constant, 1 * uF / cm**2 / (1e-4 * siemens / cm**2))
    d, Ri, gL = 1e-6, 1.0, 1.0
    assert_allclose(neuron.axon.space_constant_, np.sqrt(d / (4 * Ri * gL)), rtol=1e-12)


def test_coordinates():
    morpho = Soma(diameter=20 * um)
    morpho.axon = Cylinder(diameter=1 * um, x=[0, 10] * um, y=[0, 20] * um, n=4)
    neuron = SpatialNeuron(morpho, PASSIVE, namespace=NAMES)
    assert_allclose(neuron.axon.x, morpho.axon.x)
    assert_allclose(neuron.axon.y, morpho.axon.y)


# ---- selecting compartments ----------------------------------------------------------------

def test_sections_subtrees_paths_and_distances():
    morpho = tree()
    neuron = SpatialNeuron(morpho, PASSIVE, namespace=NAMES)
    neuron.v = "i*volt"
    assert_array_equal(neuron.main.indices[:], [0])
    assert_array_equal(neuron.dend.indices[:], np.arange(1, 18))        # the whole subtree
    assert_array_equal(neuron.dend.main.indices[:], np.arange(1, 11))
    assert_array_equal(neuron.dend.L.indices[:], np.arange(11, 15))
    assert_array_equal(neuron.dend.R.v_, np.arange(15, 18))
    assert_array_equal(neuron.axon.indices[:], np.arange(18, 38))
    assert_array_equal(neuron[5:8].v_, [5, 6, 7])
    assert_array_equal(neuron.axon[2].v_, [20])
    # the compartments that overlap a stretch of the section, the one at a distance
    assert_array_equal(neuron.axon[25 * um:55 * um].v_, [20, 21, 22, 23])
    assert_array_equal(neuron.axon[55 * um].v_, [23])
    assert_array_equal(neuron[morpho.dend.R].v_, [15, 16, 17])
    assert_array_equal(neuron.v[morpho.dend.L], [11, 12, 13, 14] * volt)
    neuron.v[morpho.axon[15 * um]] = -1 * volt
    assert neuron.v[19] == -1 * volt
    neuron.dend.L.v = 0 * volt
    assert_array_equal(neuron.v_[10:16], [10, 0, 0, 0, 0, 15])
    morpho2 = Soma(diameter=20 * um)
    morpho2.L = Cylinder(diameter=1 * um, length=10 * um, n=2)
    morpho2.L.R = Cylinder(diameter=1 * um, length=10 * um, n=3)
    neuron2 = SpatialNeuron(morpho2, PASSIVE, namespace=NAMES)
    assert_array_equal(neuron2.LR.indices[:], [3, 4, 5])          # a path: child R of child L


@pytest.mark.parametrize("item, error", [
    ([3, 5], IndexError), (slice(2, 8, 2), IndexError), (slice(5, 2), IndexError),
    (slice(0 * um, 10 * um, 2), ValueError), (slice(0 * um, 10 * ms), DimensionMismatchError),
    ("i > 3", TypeError),
])
def test_selections_that_make_no_range(item, error):
    neuron = SpatialNeuron(tree(), PASSIVE, namespace=NAMES)
    with pytest.raises(error):
        neuron[item]


def test_threshold_location():
    morpho = Soma(10 * um)
    morpho.axon = Cylinder(1 * um, n=2, length=20 * um)
    model = PASSIVE + "\nfire : boolean"
    for location in (morpho.axon[15 * um], morpho.axon.indices[15 * um], 2):
        neuron = SpatialNeuron(morpho, model, threshold="fire", threshold_location=location,
                               namespace=NAMES)
        spikes = SpikeMonitor(neuron)
        net = Network(neuron, spikes)
        neuron.fire = True
        net.run(defaultclock.dt)
        neuron.fire = [True, True, False]
        net.run(defaultclock.dt)
        assert_array_equal(spikes.i, [2])
    for location in ([2, 3], morpho.axon[5 * um:15 * um]):
        with pytest.raises(AttributeError):
            SpatialNeuron(morpho, model, threshold="fire", threshold_location=location)
    with pytest.raises(IndexError):
        SpatialNeuron(morpho, model, threshold="fire", threshold_location=3)
    with pytest.raises(ValueError):
        SpatialNeuron(morpho, model, threshold_location=2)


# ---- with the rest -------------------------------------------------------------------------

SYNAPTIC = """
Im = gL*(EL - v) : amp/meter**2
I_syn = gs*(0*mV - v) : amp (point current)
dgs/dt = -gs/(2*ms) : siemens
"""


def test_synapses_onto_compartments_and_monitors_of_sections():
    morpho = tree()
    neuron = SpatialNeuron(morpho, SYNAPTIC, namespace=NAMES, method="exact")
    neuron.v = -70 * mV
    source = SpikeGeneratorGroup(1, [0], [1] * ms)
    synapses = Synapses(source, neuron, "w : siemens", on_pre="gs += w")
    synapses.connect(i=0, j=morpho.dend[50 * um])
    synapses.w = 10 * nS
    target = morpho.dend.indices[50 * um]
    assert_array_equal(synapses.j, [target])
    dendrite = StateMonitor(neuron, "v", record=morpho.dend)
    tips = StateMonitor(neuron.dend, "v", record=[0, 9])
    Network(neuron, source, synapses, dendrite, tips).run(3 * ms)
    assert_array_equal(dendrite.record, np.arange(1, 11))
    peak = dendrite.v_.max(axis=1)
    assert np.argmax(peak) == target - 1          # the depolarisation is largest there
    assert_allclose(dendrite[morpho.dend[50 * um]].v, dendrite[target].v)
    assert_allclose(tips[0].v, dendrite[1].v)     # the same compartment seen twice


def test_constant_over_dt_subexpressions_are_updated_before_each_step():
    model = """
    Im = gL*(EL - v) + I_lag : amp/meter**2
    I_lag = gL*(v - EL) : amp/meter**2 (constant over dt)
    """
    neuron = SpatialNeuron(Soma(10 * um), model, namespace=NAMES)
    neuron.v = -50 * mV
    monitor = StateMonitor(neuron, ["v", "I_lag"], record=0, when="start")
    Network(neuron, monitor).run(0.5 * ms)
    # I_lag is computed at the start of every step from that step's v
    assert_allclose(monitor.I_lag_[0], 1.0 * (monitor.v_[0] + 0.07), rtol=1e-12)


def test_store_restore_chunks_and_new_values_without_rebuild():
    model = """
    Im = gL*(EL - v) + gNa*m**3*(50*mV - v) : amp/meter**2
    dm/dt = (1/(1 + exp(-(v + 40*mV)/(5*mV))) - m)/ms : 1
    gNa : siemens/meter**2
    I : amp (point current)
    """
    neuron = SpatialNeuron(tree(), model, threshold="v > -20*mV", threshold_location=30,
                           refractory=2 * ms, namespace=NAMES)
    neuron.v = -70 * mV
    neuron.gNa = 10e-3 * siemens / cm**2
    neuron.I[0] = 0.3 * nA
    spikes = SpikeMonitor(neuron)
    net = Network(neuron, spikes)
    net.store()
    net.run(20 * ms)
    v, count = neuron.v_.copy(), spikes.num_spikes
    assert count > 1
    net.restore()
    for _ in range(4):
        net.run(5 * ms)
    assert_array_equal(neuron.v_, v)
    assert spikes.num_spikes == count
    # a new capacitance and time step between runs: new coefficients, same program
    net.restore()
    neuron.Cm = 2 * uF / cm**2
    net.run(1 * ms)
    assert net.timings["build"] == 0


def test_numpy_sees_variables_with_their_unit():
    group = NeuronGroup(3, "v : volt")
    group.v = [1, 2, 3] * mV
    assert_array_equal(np.asarray(group.v), [0.001, 0.002, 0.003])
    assert get_dimensions(np.asanyarray(group.v)) is get_dimensions(volt)
    assert_allclose(group.v, [1, 2, 3] * mV)      # numpy.testing compares the quantities


def test_geometry_without_a_solution_is_refused_when_the_neuron_is_made():
    """A section that narrows to a point has no axial conductance at its end: the branch-point
    system is singular there (Brian2's numpy target fails inside its solver; its compiled
    targets give NaN). brianjit says so when the SpatialNeuron is made
    (tests/test_cable_geometry_refused.py has the other cases)."""
    morpho = Soma(diameter=20 * um)
    morpho.dend = Section(diameter=[2, 1, 0] * um, length=[10, 10] * um, n=2)
    with pytest.raises(ValueError, match="axial conductance at the end"):
        SpatialNeuron(morpho, PASSIVE, namespace=NAMES)
