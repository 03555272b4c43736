"""Code that uses 'lastupdate' where nothing defines it gets Brian2's advice in the KeyError
(add 'lastupdate : second' and 'lastupdate = t'), in every object's code: a Synapses' pathway,
its run_regularly, a NeuronGroup's reset or run_regularly."""
import pytest

from brianjit import BrianObjectException, Network, NeuronGroup, Synapses, ms


def _run_error(*objects):
    with pytest.raises(BrianObjectException) as exc:
        Network(*objects).run(0 * ms)
    assert isinstance(exc.value, KeyError)
    return str(exc.value.__cause__)


def _assert_advice(message):
    assert '"lastupdate"' in message
    assert "lastupdate : second" in message and "lastupdate = t" in message


def test_synapses_pathway():
    G = NeuronGroup(1, "v : 1", threshold="False")
    S = Synapses(G, G, on_pre="v += exp(-lastupdate/dt)")
    S.connect()
    _assert_advice(_run_error(G, S))


def test_synapses_run_regularly():
    G = NeuronGroup(1, "v : 1")
    S = Synapses(G, G)
    S.connect()
    S.run_regularly("v += exp(-lastupdate/dt)")
    _assert_advice(_run_error(G, S))


def test_neurongroup_code():
    G = NeuronGroup(1, "v : 1", threshold="v > 1", reset="v = lastupdate/ms")
    _assert_advice(_run_error(G))
    H = NeuronGroup(1, "v : 1")
    H.run_regularly("v = lastupdate/ms")
    _assert_advice(_run_error(H))


def test_other_unknown_names_get_no_advice():
    G = NeuronGroup(1, "v : 1")
    G.run_regularly("v = last_update/ms")
    message = _run_error(G)
    assert '"last_update"' in message and "lastupdate = t" not in message
