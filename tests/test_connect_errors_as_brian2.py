"""connect()'s errors of Brian2's classes: a generator given as the condition is a ValueError, a
condition that is a lone non-boolean value (``'1*mV'``) a TypeError, and a literal float or
boolean as a ``range()`` bound Brian2's TypeError naming the argument."""
import pytest

from brianjit import NeuronGroup, Synapses


@pytest.fixture
def S():
    G = NeuronGroup(42, "b : boolean")
    return Synapses(G, G)


def test_generator_as_condition(S):
    with pytest.raises(ValueError, match="generator"):
        S.connect("k for k in range(1)")


@pytest.mark.parametrize("condition", ["1*mV", "i*2", "3"])
def test_non_boolean_condition(S, condition):
    with pytest.raises(TypeError, match="boolean"):
        S.connect(condition)


def test_boolean_variable_as_condition(S):
    S.source.b = "i < 2"
    S.connect("b_pre")
    assert len(S) == 2 * 42


@pytest.mark.parametrize("generator, argument", [
    ("k for k in range(42.0)", "high"), ("k for k in range(0.0, 42)", "low"),
    ("k for k in range(0, 42, 1.0)", "step"), ("k for k in range(True, 42)", "low"),
    ("k for k in sample(0, True, p=0.5)", "high")])
def test_range_bounds_must_be_integers(S, generator, argument):
    with pytest.raises(TypeError, match=f"'{argument}' argument of the range function"):
        S.connect(j=generator)


def test_synaptic_subexpressions_in_conditions():
    G = NeuronGroup(5, "v : 1\nb : boolean")
    G.v = "i % 3"
    G.b = "i < 2"
    S = Synapses(G, G, "sub_1 = v_pre : 1\nsub_2 = v_post : 1\nok = b_pre : boolean")
    S.connect("sub_1 == sub_2 and i != j")
    assert sorted(zip(S.i[:], S.j[:])) == [(0, 3), (1, 4), (3, 0), (4, 1)]
    S2 = Synapses(G, G, "ok = b_pre : boolean")
    S2.connect("ok")
    assert len(S2) == 2 * 5
