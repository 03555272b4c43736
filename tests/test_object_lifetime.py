"""Objects die when their last reference goes (no reference cycles through the object itself),
as in Brian2: an object never run gives Brian2's "never included in a network" warning at once,
where the user dropped it, not during some later, unrelated code (a garbage collection)."""
import gc
import weakref

import pytest

from brianjit import (NeuronGroup, PoissonGroup, PopulationRateMonitor, SpikeGeneratorGroup,
                      SpikeMonitor, StateMonitor, Synapses, Hz, ms)
from brianjit.utils.logger import catch_logs

MAKERS = {
    "neurongroup": lambda G: NeuronGroup(2, "dv/dt = -v/(10*ms) : 1", threshold="v > 1",
                                         reset="v = 0", refractory=1 * ms),
    "poissongroup": lambda G: PoissonGroup(2, 5 * Hz),
    "spikegeneratorgroup": lambda G: SpikeGeneratorGroup(2, [0, 1], [1, 2] * ms),
    "synapses": lambda G: Synapses(G, G, "w : 1", on_pre="v += w"),
    "spikemonitor": lambda G: SpikeMonitor(G),
    "statemonitor": lambda G: StateMonitor(G, "v", record=True),
    "ratemonitor": lambda G: PopulationRateMonitor(G),
}


def _make_and_drop(kind, G):
    """A weak reference to a new object whose only reference was this function's frame (the
    user's frame: connect() reads its variables, which CPython caches while the frame lives)."""
    obj = MAKERS[kind](G)
    if kind == "synapses":
        obj.connect()
    return weakref.ref(obj)


@pytest.mark.parametrize("kind", sorted(MAKERS))
def test_an_unused_object_dies_and_warns_where_it_is_dropped(kind):
    G = NeuronGroup(2, "v : 1", threshold="v > 1")
    gc.collect()
    gc.disable()
    try:
        with catch_logs() as logs:
            alive = _make_and_drop(kind, G)
            assert alive() is None, f"a {kind} is kept alive by a reference cycle"
            assert any(entry[1].endswith("unused_brian_object") for entry in logs)
    finally:
        gc.enable()
    del G
