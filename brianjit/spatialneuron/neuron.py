"""SpatialNeuron: one neuron with a morphology, one compartment per element (Brian2's).

A SpatialNeuron is a NeuronGroup of compartments (numbered as ``morphology.indices``) whose
model is the user's membrane current plus the geometry (``membrane.py``); its own state updater
advances the gating variables, and a contained :class:`~.cable.SpatialStateUpdater` advances
``v`` by the cable equation. Everything a NeuronGroup does (thresholds, resets, monitors,
synapses onto compartments, store/restore) works per compartment.

Compartments are selected as in Brian2: ``neuron.main`` (the root section), ``neuron.dend`` or
``neuron.LR`` (a whole subtree: its compartments are contiguous), ``neuron[10:20]``,
``neuron.dend[10*um:50*um]``, ``neuron[morpho.dend]``, and ``neuron.v[morpho.dend[5*um]]``.
"""
from __future__ import annotations

import copy
import numbers
import operator

import numpy as np

from ..objects.model_warnings import note_missing_coordinates
from ..objects.neurongroup import NeuronGroup
from ..objects.operations import RunRegularly
from ..objects.subgroup import Subgroup
from ..units import DimensionMismatchError, Quantity, cm, get_dimensions, meter, ohm, uF
from .cable import SpatialStateUpdater
from .cable_geometry import check_cable_geometry
from .compartments import SubMorphology
from .flat import flatten
from .membrane import membrane_model
from .tree import Morphology

__all__ = ["SpatialNeuron", "SpatialSubgroup"]

_PATH_CHARACTERS = frozenset("LR123456789")
_GEOMETRY = ("length", "distance", "area", "volume", "diameter", "r_length_1", "r_length_2")


class _Compartments:
    """What every selection of a SpatialNeuron's compartments shares: ``indices`` (absolute,
    i.e. in the neuron's numbering), morphology objects as indices, and Brian2's ``_indices``."""

    @property
    def indices(self):
        """``group.indices[item]``: the neuron's indices of the selected compartments."""
        return _IndexWrapper(self)

    def _indices(self, item=slice(None)):
        return np.arange(self.start - self.owner.start, self.stop - self.owner.start)[item]

    def check_index(self, item):
        if isinstance(item, (Morphology, SubMorphology)):
            item = np.atleast_1d(item._indices()) - (self.start - self.owner.start)
            if item.size and (item.min() < 0 or item.max() >= len(self)):
                raise IndexError(f"the compartments {item + self.start} are not part of "
                                 f"{self.name}")
        return super().check_index(item)


class _IndexWrapper:
    def __init__(self, group):
        self._group = group

    def __getitem__(self, item):
        if isinstance(item, str):
            return self._group.indices_where(item) + (self._group.start - self._group.owner.start)
        return self._group._indices(item)


class SpatialNeuron(_Compartments, NeuronGroup):
    """A neuron with a morphology (Brian2's SpatialNeuron): ``model`` defines the membrane
    current ``Im`` (amp/meter**2) in every compartment; ``Cm`` (farad/meter**2, per compartment)
    and ``Ri`` (ohm*meter, one value) are its specific capacitance and axial resistivity.
    ``threshold_location`` (a compartment index or a morphology such as
    ``morpho.axon[30*um]``) restricts the threshold to one compartment."""

    def __init__(self, morphology=None, model=None, threshold=None, refractory=False, reset=None,
                 events=None, threshold_location=None, dt=None, clock=None, order=0,
                 Cm=0.9 * uF / cm**2, Ri=150 * ohm * cm, name="spatialneuron*", dtype=None,
                 namespace=None, method=("exact", "exponential_euler", "rk2", "heun"),
                 method_options=None):
        if not isinstance(morphology, Morphology):
            raise TypeError(f"A SpatialNeuron needs a Morphology (e.g. a Soma or a Cylinder), "
                            f"not {morphology!r}")
        if model is None:
            raise TypeError("A SpatialNeuron needs a model that defines the membrane current Im")
        # a copy, as Brian2: later changes to the user's tree do not change the neuron; the
        # copy is detached from the tree above it, so its indices are the neuron's
        self.morphology = copy.deepcopy(morphology, memo={id(morphology._parent): None})
        self.flat_morphology = flat = flatten(self.morphology)
        membrane = membrane_model(model, flat.coordinates is not None)
        #: the user's equations, before the SpatialNeuron added to them (Brian2's name)
        self.user_equations = membrane.user
        NeuronGroup.__init__(self, flat.n, membrane.equations, method=method,
                             threshold=_threshold_at(threshold, threshold_location, flat.n),
                             reset=reset, refractory=refractory, namespace=namespace,
                             dtype=dtype, dt=dt, clock=clock, order=order, name=name,
                             method_options=method_options, events=events)
        for name in _GEOMETRY:
            self.variables[name].array.data[:] = flat.values[name]
        if flat.coordinates is not None:
            for axis in "xyz":
                self.variables[axis].array.data[:] = flat.coordinates[axis]
            note_missing_coordinates(flat.coordinates)
        self.Cm = Cm
        self.Ri = Ri
        check_cable_geometry(self.name, flat.sections, flat.values, flat.section_start,
                             flat.section_end, float(self.variables["Ri"].array.data[0]))
        updater = SpatialStateUpdater(self, flat, membrane.gtot, membrane.I0)
        object.__setattr__(self, "diffusion_state_updater", updater)
        self.contained_objects.append(updater)
        if membrane.constant_over_dt:
            # computed once per step before anything else, as Brian2's SubexpressionUpdater
            code = "\n".join(f"{eq.varname} = {eq.expr.code}" for eq in membrane.constant_over_dt)
            object.__setattr__(self, "subexpression_updater", RunRegularly(
                self, code, when="before_start", order=order,
                name=f"{self.name}_subexpression_update*"))

    def __getattr__(self, name):
        selection = _subtree(self, name)
        return selection if selection is not None else NeuronGroup.__getattr__(self, name)

    def __getitem__(self, item):
        return _segment(self, item)

    def __repr__(self):
        return f"SpatialNeuron({self.morphology!r}, {len(self)} compartments, name={self.name!r})"


class SpatialSubgroup(_Compartments, Subgroup):
    """The compartments of a subtree (``neuron.dend``) or of one section (``neuron.main``);
    its ``morphology`` is that subtree."""

    def __init__(self, neuron, start, stop, morphology):
        object.__setattr__(self, "morphology", morphology)
        Subgroup.__init__(self, neuron, start, stop)

    def __getattr__(self, name):
        selection = _subtree(self, name)
        return selection if selection is not None else Subgroup.__getattr__(self, name)

    def __getitem__(self, item):
        return _segment(self, item)


class CompartmentGroup(_Compartments, Subgroup):
    """A contiguous range of compartments (``neuron[10:20]``, ``neuron.dend[5*um:20*um]``)."""


def _subtree(group, name):
    """``group.main`` or ``group.<subtree>`` as a SpatialSubgroup; None for other names."""
    morphology = group.__dict__.get("morphology")
    if morphology is None or name.startswith("_") or name == "morphology":
        return None
    neuron = group.owner
    if name == "main":
        start = morphology._start_index()
        return SpatialSubgroup(neuron, start, start + morphology.n, morphology)
    if name in morphology.children or (name and set(name) <= _PATH_CHARACTERS):
        subtree = morphology[name]
        start = subtree._start_index()
        return SpatialSubgroup(neuron, start, start + subtree.total_compartments, subtree)
    return None


def _segment(group, item):
    """``group[item]``: a contiguous range of compartments (Brian2's rules)."""
    neuron = group.owner
    bounds = (item.start, item.stop) if isinstance(item, slice) else (item,)
    if any(isinstance(b, Quantity) for b in bounds):
        # lengths along the section: a slice, or (brianjit) the compartment at one distance
        if isinstance(item, slice) and item.step is not None:
            raise ValueError("Cannot specify a step size for slicing based on length")
        for bound in bounds:
            if bound is not None and get_dimensions(bound) is not get_dimensions(meter):
                raise DimensionMismatchError(f"Start and stop of a slice of compartments "
                                             f"should be lengths, not {item!r}")
        indices = np.atleast_1d(group.morphology.indices[item])
        start, stop = int(indices[0]), int(indices[-1]) + 1
    elif isinstance(item, (Morphology, SubMorphology)):
        start, stop = _start_stop(np.atleast_1d(item._indices()), len(neuron))
    else:
        start, stop = _start_stop(item, len(group))
        start, stop = start + group.start - neuron.start, stop + group.start - neuron.start
    if not 0 <= start < stop <= len(neuron):
        raise IndexError(f"Illegal start/end values for a subgroup of {group.name}: "
                         f"{start} >= {stop} or outside 0..{len(neuron)}")
    return CompartmentGroup(neuron, start, stop)


def _start_stop(item, n):
    """(start, stop) of a slice, an index or contiguous indices into ``n`` elements."""
    if isinstance(item, slice):
        start, stop, step = item.indices(n)
        if step != 1:
            raise IndexError("Subgroups have to be contiguous (no step)")
        return start, stop
    if isinstance(item, (numbers.Integral, np.integer)) and not isinstance(item, bool):
        index = int(item) + (n if item < 0 else 0)
        return index, index + 1
    indices = np.asarray(item)
    if indices.ndim != 1 or indices.dtype.kind not in "iu":
        raise TypeError(f"Subgroups are made with a slice, an index or contiguous integer "
                        f"indices, not {item!r}")
    if not (indices.size and np.all(np.diff(indices) == 1)):
        raise IndexError("Subgroups can only be constructed using contiguous indices")
    return int(indices[0]), int(indices[-1]) + 1


def _threshold_at(threshold, location, n):
    """The threshold condition restricted to compartment ``location`` (Brian2's rewrite)."""
    if location is None:
        return threshold
    if threshold is None:
        raise ValueError("threshold_location needs a threshold")
    if isinstance(location, (Morphology, SubMorphology)):
        location = location._indices()
    try:
        index = operator.index(location)
    except TypeError:
        raise AttributeError(f"Threshold can only be applied on a single location, not "
                             f"{location!r}") from None
    if not 0 <= index < n:
        raise IndexError(f"threshold_location {index} is not a compartment of this neuron "
                         f"(0..{n - 1})")
    return f"({threshold}) and (i == {index})"
