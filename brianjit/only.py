"""``from brianjit.only import *``: brianjit's names (units, objects, functions) without numpy's
or pylab's, as ``from brian2.only import *``.

``BrianLogger``, ``get_logger`` and ``std_silent`` are found by this module's ``__getattr__``, so
that ``import brianjit`` does not load Python's ``logging`` until something logs.
"""
from .devices import all_devices, device, get_device, reset_device, set_device
from .model.codestrings import Expression, Statements
from .model.equations import Equations
from .model.exact import exact, linear
from .model.exponential_euler import exponential_euler
from .model.independent import independent
from .model.integration import UnsupportedEquationsException
from .model.methods import ExplicitStateUpdater, euler, heun, milstein, rk2, rk4
from .model.stateupdaters import StateUpdateMethod
from .objects.base import BrianObject, Nameable
from .objects.clock import Clock, defaultclock
from .objects.exceptions import BrianObjectException, MagicError
from .objects.group import Group
from .objects.hierarchy import SpikeSource, VariableOwner
from .objects.linked import linked_var
from .objects.magic import (MagicNetwork, collect, magic_network, profiling_summary, restore, run,
                            scheduling_summary, start_scope, stop, store)
from .objects.binomial import BinomialFunction
from .objects.eventmonitor import EventMonitor, SpikeMonitor
from .objects.default_functions import DEFAULT_FUNCTIONS, timestep
from .objects.functions import Function, declare_types, implementation
from .objects.implementations import NumpyCodeObject
from .objects.monitors import PopulationRateMonitor, StateMonitor
from .objects.network import Network
from .objects.neurongroup import NeuronGroup
from .objects.operations import NetworkOperation, network_operation
from .objects.poissongroup import PoissonGroup
from .objects.poissoninput import PoissonInput
from .objects.seed import seed
from .objects.spikegenerator import SpikeGeneratorGroup
from .objects.synapses import Synapses
from .objects.timedarray import TimedArray
from .spatialneuron import Cylinder, Morphology, Section, Soma, SpatialNeuron
from .preferences import BrianPreference, PreferenceError, brian_prefs, prefs
from .units import *  # noqa: F401,F403  (the unit names and unit functions)
from .units import __all__ as _unit_names

#: names found on first use (the logging system loads with them)
LAZY_NAMES = ("BrianLogger", "get_logger", "std_silent")

__all__ = [
    # groups, synapses, inputs, monitors
    "NeuronGroup", "Synapses", "PoissonGroup", "PoissonInput", "SpikeGeneratorGroup",
    "TimedArray", "StateMonitor", "SpikeMonitor", "EventMonitor", "PopulationRateMonitor",
    # running
    "Network", "NetworkOperation", "network_operation", "run", "collect", "magic_network",
    "start_scope", "store", "restore", "Clock", "defaultclock", "seed", "stop",
    "MagicNetwork", "scheduling_summary", "profiling_summary",
    # the object model (for subclasses and isinstance checks) and its errors
    "BrianObject", "Nameable", "Group", "VariableOwner", "SpikeSource", "BrianObjectException",
    "MagicError",
    # multicompartment neurons
    "Morphology", "Soma", "Cylinder", "Section", "SpatialNeuron",
    # the model language
    "Equations", "Expression", "Statements", "UnsupportedEquationsException", "linked_var",
    # integration methods (Brian2's brian2.stateupdaters)
    "StateUpdateMethod", "ExplicitStateUpdater", "exact", "linear", "independent",
    "exponential_euler", "euler", "rk2", "rk4", "heun", "milstein",
    # user-defined functions
    "Function", "implementation", "declare_types", "DEFAULT_FUNCTIONS", "BinomialFunction",
    "timestep", "NumpyCodeObject",
    # Brian2's preferences and devices (brianjit.preferences, brianjit.devices)
    "prefs", "brian_prefs", "BrianPreference", "PreferenceError",
    "set_device", "get_device", "device", "reset_device", "all_devices",
    "restore_initial_state",
    # Brian2's logging (brianjit.utils.logger)
    *LAZY_NAMES,
    *_unit_names,
]


def restore_initial_state():
    """Brian2's reset of its global state: preferences back to their defaults (and the
    preference files), ``defaultclock.dt`` back to 0.1 ms."""
    prefs.reset_to_defaults()
    prefs.load_preferences()
    defaultclock.dt = 0.1 * msecond  # noqa: F405


def __getattr__(name):
    if name in LAZY_NAMES:
        from .utils import logger
        return getattr(logger, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
