"""Brian2's devices (``brian2.devices``): see :mod:`brianjit.devices.device`."""
from .device import *  # noqa: F401,F403
from .device import __all__
