"""``brian2.core.functions``: user-defined functions and the default ones (brianjit keeps them in
``objects/functions.py`` and ``objects/default_functions.py``)."""
from ..objects.default_functions import DEFAULT_FUNCTIONS, timestep
from ..objects.functions import Function, declare_types, implementation

__all__ = ["Function", "DEFAULT_FUNCTIONS", "timestep", "implementation", "declare_types"]
