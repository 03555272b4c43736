"""brianjit: Brian2's model language, compiled to native code with llvmlite.

``from brianjit import *`` gives what Brian2's star import gives: units, the simulation classes
and functions, and numpy's names (unit-aware where Brian2's are).
"""
from .only import *  # noqa: F401,F403
from .only import __all__ as _only_names
from .units.numpy_names import *  # noqa: F401,F403
from .units.numpy_names import __all__ as _numpy_names
# brianjit's own settings: reachable as brianjit.X, not part of the Brian2 star import
from .memory_budget import get_memory_limit, set_memory_limit  # noqa: F401

__version__ = "0.1.0"
__all__ = [*_numpy_names, *_only_names]
