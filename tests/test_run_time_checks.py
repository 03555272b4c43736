"""Checks Brian2 makes when a network is run, raised as a BrianObjectException that is also an
instance of the original error: random subexpressions that are not ``(constant over dt)``, and
Synapses with a pathway whose ``connect()`` was never called."""
import pytest

from brianjit import BrianObjectException, Network, NeuronGroup, Synapses, ms


@pytest.mark.parametrize("model", ["dv/dt = -v/(10*ms) : 1\ny = rand() : 1",
                                   "x : 1\nsub = rand() : 1 (shared)",
                                   "x : 1\nk = poisson(3) : integer"])
def test_random_subexpression_needs_constant_over_dt(model):
    G = NeuronGroup(2, model)
    with pytest.raises(BrianObjectException) as info:
        Network(G).run(0 * ms)
    assert isinstance(info.value, SyntaxError)
    assert "constant over dt" in str(info.value)


def test_random_subexpression_constant_over_dt_is_fine():
    G = NeuronGroup(2, "dv/dt = -v/(10*ms) : 1\ny = rand() : 1 (constant over dt)")
    Network(G).run(0 * ms)


def test_synapses_with_a_pathway_but_no_connect():
    G1 = NeuronGroup(1, "", threshold="True")
    G2 = NeuronGroup(1, "v : 1")
    S = Synapses(G1, G2, on_pre="v += 1")
    net = Network(G1, G2, S)
    with pytest.raises(BrianObjectException) as info:
        net.run(0 * ms)
    assert isinstance(info.value, TypeError) and "connect" in str(info.value)
    S.active = False
    net.run(0 * ms)   # switched off: fine
    S.active = True
    S.connect("False")
    net.run(0 * ms)   # connected (even with no synapses): fine


def test_missing_lastupdate_says_how_to_add_it():
    G = NeuronGroup(1, "v : 1", threshold="False")
    S = Synapses(G, G, on_pre="v += exp(-lastupdate/dt)")
    S.connect()
    with pytest.raises(BrianObjectException) as info:
        Network(G, S).run(0 * ms)
    assert isinstance(info.value, KeyError)
    assert "lastupdate = t" in str(info.value) and "lastupdate : second" in str(info.value)


def test_restored_synapses_count_as_connected(tmp_path):
    group = NeuronGroup(10, "x : 1", threshold="False", reset="", name="group")
    synapses = Synapses(group, group, on_pre="x += 1", name="synapses")
    synapses.connect(i=[1, 3, 5], j=[6, 4, 2])
    Network(group, synapses).store(filename=str(tmp_path / "state"))
    group = NeuronGroup(10, "x : 1", threshold="False", reset="", name="group")
    synapses = Synapses(group, group, on_pre="x += 1", name="synapses")
    net = Network(group, synapses)
    net.restore(filename=str(tmp_path / "state"))
    assert list(synapses.i[:]) == [1, 3, 5]
    net.run(0 * ms)


def test_reset_writing_a_shared_variable():
    from brianjit import linked_var
    G1 = NeuronGroup(1, "x : 1")
    G2 = NeuronGroup(2, "x_linked : 1 (linked)\ny : 1", threshold="y > 1",
                     reset="y = 0; x_linked += 1")
    G2.x_linked = linked_var(G1, "x")
    with pytest.raises(BrianObjectException) as info:
        Network(G1, G2).run(0 * ms)
    assert isinstance(info.value, SyntaxError) and "x_linked" in str(info.value)


def test_timed_array_used_as_a_value():
    from brianjit import TimedArray, amp
    import numpy as np
    ta = TimedArray(np.linspace(0, 10, 11), 1 * ms)
    G = NeuronGroup(3, "I : amp")
    with pytest.raises(ValueError, match="'ta' is a function"):
        G.I = "ta*amp"
    G.I = "ta(t)*amp"
