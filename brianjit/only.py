"""``from brianjit.only import *``: brianjit's names (units, objects, functions) without numpy's."""
from .model.equations import Equations
from .model.integration import UnsupportedEquationsException
from .objects.clock import Clock, defaultclock
from .objects.magic import collect, magic_network, restore, run, start_scope, store
from .objects.monitors import PopulationRateMonitor, SpikeMonitor, StateMonitor
from .objects.network import Network
from .objects.neurongroup import NeuronGroup
from .objects.operations import NetworkOperation, network_operation
from .objects.seed import seed
from .objects.synapses import Synapses
from .units import *  # noqa: F401,F403  (the unit names and unit functions)
from .units import __all__ as _unit_names

__all__ = ["Equations", "UnsupportedEquationsException", "Clock", "defaultclock", "collect",
           "magic_network", "run", "start_scope", "PopulationRateMonitor", "SpikeMonitor", "StateMonitor",
           "Network", "NeuronGroup", "NetworkOperation", "network_operation", "store",
           "restore", "seed", "Synapses", *_unit_names]

from .objects.poissongroup import PoissonGroup  # noqa: E402  (inputs)
from .objects.poissoninput import PoissonInput  # noqa: E402
from .objects.spikegenerator import SpikeGeneratorGroup  # noqa: E402
from .objects.timedarray import TimedArray  # noqa: E402

__all__ += ["PoissonGroup", "PoissonInput", "SpikeGeneratorGroup", "TimedArray"]
