"""The morphology classes at Brian2's module path (``brian2.spatialneuron.morphology``)."""
from .sections import Cylinder, Section, Soma
from .tree import Morphology

__all__ = ["Morphology", "Section", "Cylinder", "Soma"]
