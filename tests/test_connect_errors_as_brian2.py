"""connect()'s errors of Brian2's classes: a generator given as the condition is a ValueError, a
condition that is a lone non-boolean value (``'1*mV'``) a TypeError, and a literal float or
boolean as a ``range()`` bound Brian2's TypeError naming the argument."""
import numpy as np
import pytest

from brianjit import BrianObjectException, NeuronGroup, Synapses


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


def test_condition_with_explicit_indices_is_a_value_error(S):
    with pytest.raises(ValueError):
        S.connect("i == j", j=np.arange(10))


def test_generator_with_explicit_other_end_is_a_type_error(S):
    with pytest.raises(TypeError):
        S.connect(i=[1, 2], j="string")


def test_out_of_range_target_is_a_brian_object_exception(S):
    with pytest.raises(BrianObjectException) as info:
        S.connect(j="100")
    assert isinstance(info.value, IndexError) and "outside allowed range" in str(info.value)
    assert len(S) == 0


def test_generator_condition_reading_the_target_checks_the_range_first():
    G = NeuronGroup(16, "v : 1")
    G.v = "i"
    S = Synapses(G, G)
    # for i > 11, i+k leaves the group: v_post there must never be read
    with pytest.raises(IndexError, match="outside allowed range"):
        S.connect(j="i+k for k in range(0, 5) if i <= N_post-5 and v_post >= 0")
    assert len(S) == 0
    S.connect(j="i+k for k in range(0, 5) if v_post >= i + 3", skip_if_invalid=True)
    expected = [(i, j) for i in range(16) for j in range(i + 3, min(i + 5, 16))]
    assert sorted(zip(S.i[:], S.j[:])) == expected


@pytest.mark.parametrize("condition", ["N_incoming < 5", "N_outgoing < 5"])
def test_synapse_counts_in_conditions_are_refused(condition):
    S = Synapses(NeuronGroup(5, ""), NeuronGroup(3, ""))
    with pytest.raises(ValueError, match=condition.split()[0]):
        S.connect(condition)
