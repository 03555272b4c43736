"""The morphology classes at Brian2's module path (``brian2.spatialneuron.morphology``), with
the helper classes Brian2 defines there (``isinstance(view, SubMorphology)`` works)."""
from .children import Children  # noqa: F401
from .compartments import MorphologyIndexWrapper, SubMorphology  # noqa: F401
from .sections import Cylinder, Section, Soma
from .topology import Topology  # noqa: F401
from .tree import Morphology

__all__ = ["Morphology", "Section", "Cylinder", "Soma"]
