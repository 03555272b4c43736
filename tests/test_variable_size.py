"""``Variable.size`` as Brian2's: the number of stored values of a group's variable, of a
monitor's records (following their growth)."""
from brianjit import Network, NeuronGroup, StateMonitor, defaultclock


def test_sizes_follow_the_records():
    G = NeuronGroup(2, "v : 1\ns : 1 (shared)")
    mon = StateMonitor(G, "v", record=True)
    assert G.variables["v"].size == 2 and G.variables["s"].size == 1
    Network(G, mon).run(10 * defaultclock.dt)
    assert mon.variables["t"].size == 10
