"""``from brianjit.only import *``: brianjit's names (units, objects, functions) without numpy's
or pylab's, as ``from brian2.only import *``.

The unit names are bound at once (numpy's names need the unit-aware functions anyway); every
other name is imported from its module when first used (:mod:`brianjit.lazy`), so that
``import brianjit`` loads neither the object model nor sympy, llvmlite's engine or Python's
``logging``. The star import binds them all, and so imports their modules.
"""
from .lazy import lazy_names
from .units import *  # noqa: F401,F403  (the unit names and unit functions)
from .units import __all__ as _unit_names

#: where each of brianjit's own names comes from
_SOURCES = {
    ".devices": ("all_devices", "device", "get_device", "reset_device", "set_device"),
    ".model.codestrings": ("Expression", "Statements"),
    ".model.equations": ("Equations",),
    ".model.exact": ("exact", "linear"),
    ".model.exponential_euler": ("exponential_euler",),
    ".model.independent": ("independent",),
    ".model.integration": ("UnsupportedEquationsException",),
    ".model.methods": ("ExplicitStateUpdater", "euler", "heun", "milstein", "rk2", "rk4"),
    ".model.stateupdaters": ("StateUpdateMethod",),
    ".objects.base": ("BrianObject", "Nameable"),
    ".objects.clock": ("Clock", "defaultclock"),
    ".objects.exceptions": ("BrianObjectException", "MagicError"),
    ".objects.group": ("Group",),
    ".objects.hierarchy": ("SpikeSource", "VariableOwner"),
    ".objects.linked": ("linked_var",),
    ".objects.magic": ("MagicNetwork", "collect", "magic_network", "profiling_summary",
                       "restore", "run", "scheduling_summary", "start_scope", "stop", "store"),
    ".objects.binomial": ("BinomialFunction",),
    ".objects.eventmonitor": ("EventMonitor", "SpikeMonitor"),
    ".objects.default_functions": ("DEFAULT_FUNCTIONS", "timestep"),
    ".objects.functions": ("Function", "declare_types", "implementation"),
    ".objects.implementations": ("NumpyCodeObject",),
    ".objects.monitors": ("PopulationRateMonitor", "StateMonitor"),
    ".objects.network": ("Network",),
    ".objects.neurongroup": ("NeuronGroup",),
    ".objects.operations": ("NetworkOperation", "network_operation"),
    ".objects.poissongroup": ("PoissonGroup",),
    ".objects.poissoninput": ("PoissonInput",),
    ".objects.seed": ("seed",),
    ".objects.spikegenerator": ("SpikeGeneratorGroup",),
    ".objects.synapses": ("Synapses",),
    ".objects.timedarray": ("TimedArray",),
    ".spatialneuron": ("Cylinder", "Morphology", "Section", "Soma", "SpatialNeuron"),
    ".preferences": ("BrianPreference", "PreferenceError", "brian_prefs", "prefs"),
    ".utils.logger": ("BrianLogger", "get_logger", "std_silent"),
}

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
    "BrianLogger", "get_logger", "std_silent",
    *_unit_names,
]


def restore_initial_state():
    """Brian2's reset of its global state: preferences back to their defaults (and the
    preference files), ``defaultclock.dt`` back to 0.1 ms."""
    from .objects.clock import defaultclock
    from .preferences import prefs
    prefs.reset_to_defaults()
    prefs.load_preferences()
    defaultclock.dt = 0.1 * msecond  # noqa: F405


__getattr__, __dir__ = lazy_names(globals(), _SOURCES)
