"""connect(j=...) and connect(i=...) refuse bad text with a ParseError that quotes what the user
wrote: a plain expression is parsed as written (in the brackets a generator needs, ' ' was the
empty tuple '()': a fuzz finding), a part of a generator is quoted inside the whole generator."""
import pytest

from brianjit import NeuronGroup, Synapses
from brianjit.model.parse import ParseError


@pytest.fixture
def synapses():
    group = NeuronGroup(4, "v : 1", threshold="v > 1", name="gen_err_group")
    return Synapses(group, group, "w : 1", on_pre="v_post += w", name="gen_err_synapses")


@pytest.mark.parametrize("text, message", [
    (" ", "empty expression in ' '"),
    ("", "empty expression in ''"),
    ("i, j", "tuples not allowed in model expressions in 'i, j'"),
    ("i) + (j", "in 'i) + (j'"),   # not '(i) + (j)', which the brackets would make valid
    ("() for k in range(2)", "(at '()') in '(() for k in range(2))'"),
    ("k for k in range(2) if v_post > ()", "(at '()') in '(k for k in range(2) if v_post > ())'"),
])
@pytest.mark.parametrize("side", ["i", "j"])
def test_bad_generator_text_is_quoted(synapses, side, text, message):
    with pytest.raises(ParseError) as err:
        synapses.connect(**{side: text})
    assert message in str(err.value)
    assert len(synapses) == 0


def test_plain_expressions_and_generators_still_connect(synapses):
    synapses.connect(j=" i ")
    synapses.connect(j="k for k in range(i, i + 2) if k < N_post")
    assert list(zip(synapses.i[:], synapses.j[:])) == [(0, 0), (1, 1), (2, 2), (3, 3), (0, 0),
                                                       (0, 1), (1, 1), (1, 2), (2, 2), (2, 3),
                                                       (3, 3)]
