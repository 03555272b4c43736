"""The native cable solver against a dense numpy solve of the same implicit step, on random trees.

The reference is written from the physics, not from Brian2's algorithm: the unknowns are the
new voltages of every compartment and of every branch point (a section's start and end nodes),
the equations are each compartment's current balance (capacitive = membrane + axial, the axial
currents taken at the new voltages) and each node's current conservation (a sealed end at the
root's start), and numpy.linalg.solve solves them at once. The native solver eliminates per
section and then over the branch points; both must agree to rounding. Rounding here means
relative to how stiff the coupling is: the elimination loses the digits of the ratio of a
compartment's axial conductance per area to its ``Cm/dt`` (a small soma is tightly coupled to
its neighbours), so the tolerance is a few ulps times that ratio (measured: at most 0.5 ulp
times the ratio over 48 random trees).
"""
import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from brianjit import Network, SpatialNeuron, amp, farad, meter, ohm, second, siemens, volt
from brianjit.spatialneuron.flat import flatten

from test_morphology_properties import trees

_MODEL = """
Im = g*(E - v) + I_in/area : amp/meter**2
g : siemens/meter**2
E : volt
I_in : amp
"""


def dense_step(flat, v, Cm, g, E, I_in, Ri, dt):
    """One implicit step of the cable equation for the tree ``flat``: new voltages of the
    compartments (and Ic), by a dense solve over compartments and branch points."""
    n, S = flat.n, flat.n_sections
    area, r1, r2 = (flat.values[k] for k in ("area", "r_length_1", "r_length_2"))
    size = n + S + 1                     # compartments, then nodes 0..S
    A, rhs = np.zeros((size, size)), np.zeros(size)

    def couple(row, column, conductance):
        """axial current conductance*(V_column - V_row) into compartment ``row``, per area"""
        A[row, row] -= conductance / area[row]
        A[row, column] += conductance / area[row]

    for s in range(S):
        first, last = flat.section_start[s], flat.section_end[s] - 1
        start_node, end_node = n + flat.section_parent[s] + 1, n + s + 1
        couple(first, start_node, r1[first] / Ri)
        couple(last, end_node, r2[last] / Ri)
        for j in range(first + 1, last + 1):
            conductance = 1 / (Ri / r2[j - 1] + Ri / r1[j])
            couple(j, j - 1, conductance)
            couple(j - 1, j, conductance)
        # current conservation at the section's end node: what leaves through this section's
        # end and through its children's starts
        A[end_node, end_node] += r2[last] / Ri
        A[end_node, last] -= r2[last] / Ri
        for child in flat.children[flat.children_offsets[s]:flat.children_offsets[s + 1]]:
            child_first = flat.section_start[child]
            A[end_node, end_node] += r1[child_first] / Ri
            A[end_node, child_first] -= r1[child_first] / Ri
    # sealed end at the root's start: the node has the voltage of the first compartment
    A[n, n], A[n, flat.section_start[0]] = 1, -1
    # Cm/dt (v' - v) = g*(E - v') + I_in/area + axial(v')
    for j in range(n):
        A[j, j] -= Cm[j] / dt + g[j]
        rhs[j] = -Cm[j] / dt * v[j] - g[j] * E[j] - I_in[j] / area[j]
    new = np.linalg.solve(A, rhs)[:n]
    return new, Cm * (new - v) / dt


@settings(max_examples=4)
@given(st.lists(trees(), min_size=5, max_size=5), st.integers(0, 2**31 - 1))
def test_one_step_equals_a_dense_solve(roots, seed):
    rng = np.random.default_rng(seed)
    dt = 25e-6 * second
    neurons, expected = [], []
    for root in roots:
        flat = flatten(root)
        # zero-length compartments have no solution, and compartments far below a nanometre
        # (hypothesis draws 3.6e-86 m from the float constants of loaded modules) couple with
        # conductances near 1e165 per area, whose products overflow in any elimination order
        assume(np.all(flat.values["length"] > 1e-9))
        Ri = rng.uniform(50, 300) * 0.01   # ohm*m
        neuron = SpatialNeuron(root, _MODEL, Ri=Ri * ohm * meter, dt=dt)
        v, Cm = rng.uniform(-0.08, 0.03, flat.n), rng.uniform(0.005, 0.02, flat.n)
        g, E = rng.uniform(0, 20, flat.n), rng.uniform(-0.09, 0.05, flat.n)
        I_in = rng.normal(0, 1e-10, flat.n) * (rng.uniform(size=flat.n) < 0.3)
        neuron.v, neuron.Cm = v * volt, Cm * farad / meter**2
        neuron.g, neuron.E, neuron.I_in = g * siemens / meter**2, E * volt, I_in * amp
        neurons.append(neuron)
        stiffness = np.max((flat.values["r_length_1"] + flat.values["r_length_2"]) / Ri
                           / flat.values["area"] / (Cm / 25e-6))
        expected.append(dense_step(flat, v, Cm, g, E, I_in, Ri, 25e-6) + (stiffness,))
    Network(*neurons).run(dt)
    for neuron, (v_new, Ic, stiffness) in zip(neurons, expected):
        tolerance = (4 * stiffness + 100) * np.finfo(float).eps * np.max(np.abs(v_new))
        np.testing.assert_allclose(neuron.v_, v_new, rtol=0, atol=tolerance)
        # Ic = Cm*(v_new - v)/dt: the same absolute error, times Cm/dt
        np.testing.assert_allclose(neuron.Ic_, Ic, rtol=0,
                                   atol=tolerance * np.max(neuron.Cm_) / 25e-6 * 4)
