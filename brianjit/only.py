"""``from brianjit.only import *``: brianjit's names (units, objects, functions) without numpy's."""
from .compat import device, get_device, prefs, reset_device, set_device
from .model.equations import Equations
from .model.integration import UnsupportedEquationsException
from .objects.clock import Clock, defaultclock
from .objects.linked import linked_var
from .objects.magic import collect, magic_network, restore, run, start_scope, store
from .objects.monitors import PopulationRateMonitor, SpikeMonitor, StateMonitor
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
from .units import *  # noqa: F401,F403  (the unit names and unit functions)
from .units import __all__ as _unit_names

__all__ = [
    # groups, synapses, inputs, monitors
    "NeuronGroup", "Synapses", "PoissonGroup", "PoissonInput", "SpikeGeneratorGroup",
    "TimedArray", "StateMonitor", "SpikeMonitor", "PopulationRateMonitor",
    # running
    "Network", "NetworkOperation", "network_operation", "run", "collect", "magic_network",
    "start_scope", "store", "restore", "Clock", "defaultclock", "seed",
    # multicompartment neurons
    "Morphology", "Soma", "Cylinder", "Section", "SpatialNeuron",
    # the model language
    "Equations", "UnsupportedEquationsException", "linked_var",
    # Brian2's code generation and device configuration (accepted, see brianjit.compat)
    "prefs", "set_device", "get_device", "device", "reset_device",
    *_unit_names,
]
