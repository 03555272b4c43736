"""Multicompartment neurons: morphologies and the SpatialNeuron.

Morphologies (pure Python and numpy): ``tree`` (Morphology: the tree, names, paths),
``sections`` (Soma, Section, Cylinder: geometry), ``compartments`` (selecting compartments by
index or distance), ``attributes`` (the per-compartment attributes), ``children``, ``topology``,
``coordinates`` (``generate_coordinates``), ``swc`` (``from_points``, SWC files), ``flat`` (the
tree as arrays for the cable solver), ``lengths`` (checking length arguments).

The neuron: ``neuron`` (SpatialNeuron and its compartment selections), ``membrane`` (the user's
model turned into every compartment's), ``cable`` (the object that solves the cable equation
each step; its kernel is lowered in ``codegen/shapes_cable.py``).
"""
from .morphology import Cylinder, Morphology, Section, Soma
from .neuron import SpatialNeuron

__all__ = ["Morphology", "Soma", "Cylinder", "Section", "SpatialNeuron"]
