"""Multicompartment neurons: morphologies (this part) and, later, the SpatialNeuron.

Modules: ``tree`` (Morphology: the tree, names, paths), ``sections`` (Soma, Section, Cylinder:
geometry), ``compartments`` (selecting compartments by index or distance), ``attributes`` (the
per-compartment attributes), ``children``, ``topology``, ``coordinates``
(``generate_coordinates``), ``swc`` (``from_points``, SWC files), ``flat`` (the tree as arrays
for the cable solver), ``lengths`` (checking length arguments). Pure Python and numpy.
"""
from .morphology import Cylinder, Morphology, Section, Soma

__all__ = ["Morphology", "Soma", "Cylinder", "Section"]
