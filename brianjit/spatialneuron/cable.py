"""The cable solver of a SpatialNeuron: the object that advances ``v`` every time step.

It runs at ``groups`` with ``order=1``, as Brian2's ``SpatialStateUpdater`` does, so it sees
the gating variables the neuron's own state updater (order 0) has just advanced. Its one kernel
(``CableStep``, lowered in ``codegen/shapes_cable.py``) is the whole implicit step: no Python
and no numpy run per step. What depends only on the geometry, ``Cm``, ``Ri`` and ``dt`` (the
matrix without the membrane conductance, the end conductances of every section) is computed
with numpy before each run (``prepare_run``), with Brian2's formulas in Brian2's order, so
changing ``Cm`` or ``dt`` between runs never recompiles.

The solver's arrays are attributes with the names Brian2's template gives the arrays of the
same meaning (``_starts``, ``_ends``, ``_morph_parent_i``, ``_invr0``, ``_invrn``, ``_v_star``,
``_u_plus``, ``_u_minus``, ``_c``, ``_v_previous``, ``_P_diag``, ``_P_parent``, ``_B``), so the
scheme reads side by side with Brian2's; the others have their own names.
"""
from __future__ import annotations

import numpy as np

from .. import kernel as K
from ..memory import DynamicArray
from ..objects.base import BrianObject
from .cable_geometry import check_cable_geometry

__all__ = ["SpatialStateUpdater"]

#: CableStep field -> (attribute, dtype, size: 'n' compartments, 'S' sections, 'S+1', 'S+2')
_ARRAYS = {
    "diagonal": ("_diagonal", np.float64, "n"), "lower": ("_lower", np.float64, "n"),
    "upper": ("_upper", np.float64, "n"),
    "starts": ("_starts", np.int32, "S"), "ends": ("_ends", np.int32, "S"),
    "parent_node": ("_morph_parent_i", np.int32, "S"),
    "invr0": ("_invr0", np.float64, "S"), "invrn": ("_invrn", np.float64, "S"),
    "start_rhs": ("_start_rhs", np.float64, "S"), "end_rhs": ("_end_rhs", np.float64, "S"),
    "node_offsets": ("_node_offsets", np.int32, "S+2"),
    "node_children": ("_node_children", np.int32, "S"),
    "bi": ("_bi", np.float64, "n"), "v_star": ("_v_star", np.float64, "n"),
    "u_plus": ("_u_plus", np.float64, "n"), "u_minus": ("_u_minus", np.float64, "n"),
    "c": ("_c", np.float64, "n"), "v_previous": ("_v_previous", np.float64, "n"),
    "p_diag": ("_P_diag", np.float64, "S+1"), "b": ("_B", np.float64, "S+1"),
    "p_parent": ("_P_parent", np.float64, "S"), "p_child": ("_P_child", np.float64, "S"),
}


#: the per-compartment values ``check_cable_geometry`` reads
_CHECKED = ("area", "r_length_1", "r_length_2", "length", "diameter")


class SpatialStateUpdater(BrianObject):
    """Solves the cable equation of ``neuron`` (flattened as ``flat``) once per time step;
    ``gtot`` and ``I0`` are the linearised membrane current (see ``membrane.py``)."""

    add_to_magic_network = False

    def __init__(self, neuron, flat, gtot, I0):
        BrianObject.__init__(self, name=f"{neuron.name}_spatialstateupdater*",
                             default_name="spatialstateupdater", clock=neuron.clock,
                             when="groups", order=1)
        self.neuron = neuron
        self.gtot, self.I0 = gtot, I0
        self.n, self.n_sections = flat.n, flat.n_sections
        sizes = {"n": flat.n, "S": flat.n_sections, "S+1": flat.n_sections + 1,
                 "S+2": flat.n_sections + 2}
        self._arrays = {}
        for field, (attribute, dtype, size) in _ARRAYS.items():
            array = DynamicArray(sizes[size], dtype=dtype)
            self._arrays[field] = array
            # fixed-size arrays: their buffers never move, so the views stay theirs
            setattr(self, attribute, array.data)
        self._starts[:] = flat.section_start
        self._ends[:] = flat.section_end
        self._morph_parent_i[:] = flat.section_parent + 1
        # node 0 (the root's start) has the root section below it; node s + 1 (section s's end)
        # has the children of section s
        self._node_offsets[:] = np.concatenate([[0], flat.children_offsets + 1])
        self._node_children[:] = np.concatenate([[0], flat.children])

    def prepare_run(self, n_steps):
        """The coefficients that hold for the whole run (Brian2's ``before_run``)."""
        values = self.neuron.variables
        area = values["area"].array.data
        r_length_1, r_length_2 = values["r_length_1"].array.data, values["r_length_2"].array.data
        Ri = values["Ri"].array.data[0]
        Cm = values["Cm"].array.data
        dt = self.clock.dt_
        first, last = self._starts, self._ends - 1
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            # axial conductance between compartments j - 1 and j; none across a section's start
            invr = np.zeros(self.n)
            invr[1:] = 1.0 / (Ri * (1 / r_length_2[:-1] + 1 / r_length_1[1:]))
            invr[first] = 0
            diagonal = -(Cm / dt) - invr / area
            diagonal[:-1] -= invr[1:] / area[:-1]
            self._lower[:] = invr / area
            self._upper[:-1] = invr[1:] / area[:-1]
            self._upper[-1] = 0
            self._invr0[:] = r_length_1[first] / Ri
            self._invrn[:] = r_length_2[last] / Ri
            # firsts are distinct, lasts too: a one-compartment section gets both, in order
            diagonal[first] -= self._invr0 / area[first]
            diagonal[last] -= self._invrn / area[last]
            self._diagonal[:] = diagonal
            self._start_rhs[:] = -(self._invr0 / area[first])
            self._end_rhs[:] = -(self._invrn / area[last])
        # checked at construction too; Ri may have been set since
        check_cable_geometry(self.neuron.name, self.neuron.flat_morphology.sections,
                             {name: values[name].array.data for name in _CHECKED}, self._starts,
                             self._ends, Ri)

    def kernels(self, ctx):
        neuron = self.neuron
        variables = {name: ctx.slots.array_var(name, var.array, var.dtype, var.scalar)
                     for name, var in neuron.variables.items()}
        variables.update(ctx.environment(neuron, self.clock))
        slots = {field: ctx.slots.slot(array) for field, array in self._arrays.items()}
        shape = K.CableStep(self.gtot, self.I0, **slots)
        return [(self._own_entry(), K.Kernel(f"{self.name}_cable", shape, variables, [],
                                     ctx.next_stream_block(), ctx.functions(neuron)))]

    def __repr__(self):
        return f"<SpatialStateUpdater {self.name!r} of {self.neuron.name!r}>"
