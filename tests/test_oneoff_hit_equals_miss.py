"""Property: a one-off statement answered from the cache of one-off kernels (a hit: no parse, the
binding replayed, the stored machine code) leaves the same state, bit for bit, as the miss path
that built it -- random numbers included (the same seed gives the same numbers)."""
import numpy as np
from hypothesis import given, settings, strategies as st

import brianjit as bj
from brianjit import mV
from brianjit.objects import oneoff_cache

_VOLT_TERMS = ["v", "ge", "n*mV", "c*mV", "rand()*mV", "abs(v)", "-ge", "clip(v, -2*mV, 2*mV)"]
_FACTORS = ["2", "c", "n", "rand()", "(1 - rand())", "exp(-c)", "(n % 2)", "int(c > 0)"]
_TARGETS = ["G.v = {!r}", "G.v['n > 1'] = {!r}", "G.v[2:5] = {!r}", "G.ge = {!r}",
            "G.ge['rand() < 0.5'] = {!r}"]


@st.composite
def _statements(draw):
    terms = draw(st.lists(st.tuples(st.sampled_from(_VOLT_TERMS),
                                    st.sampled_from(_FACTORS + [None])), min_size=1, max_size=4))
    ops = draw(st.lists(st.sampled_from(["+", "-"]), min_size=len(terms) - 1,
                        max_size=len(terms) - 1))
    text = ""
    for k, (term, factor) in enumerate(terms):
        part = term if factor is None else f"{factor}*{term}"
        text += part if k == 0 else f" {ops[k - 1]} {part}"
    return draw(st.sampled_from(_TARGETS)).format(text)


def _state_after(statement, c, seed):
    G = bj.NeuronGroup(8, "v : volt\nge : volt\nn : integer")
    G.v = np.linspace(-3, 3, 8) * mV
    G.ge = np.linspace(1, -1, 8) * mV
    G.n = np.arange(8) % 4
    bj.seed(seed)
    exec(statement, {"G": G, "c": c, "mV": mV})
    return G.v_.copy(), G.ge_.copy()


@settings(max_examples=25)
@given(_statements(), st.sampled_from([0.5, -1.25, 3]), st.integers(0, 2**32 - 1))
def test_a_hit_leaves_the_state_the_miss_path_left(statement, c, seed):
    first = _state_after(statement, c, seed)
    before = oneoff_cache.hits()
    second = _state_after(statement, c, seed)
    assert oneoff_cache.hits() == before + 1, statement
    for a, b in zip(first, second):
        assert a.tobytes() == b.tobytes(), statement
