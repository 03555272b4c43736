"""Kernel-level test of ``CableStep`` (codegen/shapes_cable.py): the kernel built by hand on the
solver's arrays of a small branched SpatialNeuron (coefficients from ``prepare_run``, as the
network computes them before a run), with the linearised membrane current written by hand,
lowered alone and run step by step against the dense numpy solve of
test_spatialneuron_solver.py (``dense_step``: the physics, not Brian2's algorithm)."""
import gc

import numpy as np

from brianjit import SpatialNeuron, amp, farad, meter, ohm, second, siemens, volt
from brianjit import kernel as K
from brianjit.model.symbols import symbol
from brianjit.utils.logger import catch_logs
from shape_harness import Harness, lower_alone, scalar
from test_spatialneuron_model import tree
from test_spatialneuron_solver import _MODEL, dense_step

DT = 25e-6


def test_cable_step_equals_a_dense_solve_step_after_step():
    """``v`` and ``Ic`` after each of several steps (the kernel's scratch arrays reused) equal
    the dense solve of the same implicit step from the ``v`` before it, to a few ulps times
    the coupling's stiffness (test_spatialneuron_solver.py's tolerance)."""
    Ri = 1.5   # ohm*m
    r = np.random.default_rng(8)
    with catch_logs():   # the neuron only lends its arrays; it is never run
        neuron = SpatialNeuron(tree(), _MODEL, Ri=Ri * ohm * meter, dt=DT * second)
        flat, n = neuron.flat_morphology, neuron.flat_morphology.n
        Cm, g = r.uniform(0.005, 0.02, n), r.uniform(0, 20, n)
        E, I_in = r.uniform(-0.09, 0.05, n), r.normal(0, 1e-10, n)
        neuron.v, neuron.Cm = r.uniform(-0.08, 0.03, n) * volt, Cm * farad / meter**2
        neuron.g, neuron.E, neuron.I_in = g * siemens / meter**2, E * volt, I_in * amp
        updater = neuron.diffusion_state_updater
        updater.prepare_run(1)   # the matrix and the sections' end conductances
        values = {name: np.asarray(getattr(neuron, name + "_")).copy()
                  for name in ("v", "Cm", "g", "E", "I_in", "area")}
        solver_arrays = dict(updater._arrays)
        del neuron, updater
        gc.collect()

    h = Harness()
    variables = {name: h.array(name, values[name]) for name in values}
    variables["Ic"] = h.array("Ic", np.zeros(n))
    variables["dt"] = scalar(h, "dt", DT)
    slots = {}
    for field, array in solver_arrays.items():
        h.arrays[field] = array
        slots[field] = h.slots.slot(array)
    g_, E_, I_in_, area = (symbol(name) for name in ("g", "E", "I_in", "area"))
    # Im = g*(E - v) + I_in/area: gtot = -dIm/dv, I0 = Im + gtot*v
    kern = K.Kernel("cable", K.CableStep(g_, g_ * E_ + I_in_ / area, **slots), variables)
    f = lower_alone(h, kern)

    area_values = flat.values["area"]
    stiffness = np.max((flat.values["r_length_1"] + flat.values["r_length_2"]) / Ri
                       / area_values / (Cm / DT))
    for step in range(4):
        v = h.arrays["v"].data.copy()
        v_new, Ic = dense_step(flat, v, Cm, g, E, I_in, Ri, DT)
        assert f(step) == 0
        tolerance = (4 * stiffness + 100) * np.finfo(float).eps * np.max(np.abs(v_new))
        np.testing.assert_allclose(h.arrays["v"].data, v_new, rtol=0, atol=tolerance)
        np.testing.assert_allclose(h.arrays["Ic"].data, Ic, rtol=0,
                                   atol=tolerance * np.max(Cm) / DT * 4)
        assert not np.allclose(h.arrays["v"].data, v)   # the step did move v
