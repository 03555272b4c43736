"""``connect(j='k for k in sample(..., size=...)')``: a fixed number of distinct targets per
source (Brian2's fixed-size sampling), sorted, uniform over the subsets, with Brian2's errors for
sizes outside the population and clipping under ``skip_if_invalid``."""
import itertools

import numpy as np
import pytest

from brianjit import NeuronGroup, Synapses, seed


def _groups(n_pre=4, n_post=7):
    G = NeuronGroup(n_pre, "x : integer")
    G.x = "i"
    return G, NeuronGroup(n_post, "y : integer")


def test_exact_size_sorted_and_distinct():
    G, G2 = _groups()
    S = Synapses(G, G2)
    S.connect(j="k for k in sample(N_post, size=3)")
    assert list(S.N_outgoing_pre[:]) == [3, 3, 3, 3]
    for source in range(4):
        targets = list(S.j[source, :])
        assert targets == sorted(set(targets))


def test_whole_population_and_none():
    G, G2 = _groups()
    S_all, S_none = Synapses(G, G2), Synapses(G, G2)
    S_all.connect(j="k for k in sample(N_post, size=N_post)")
    S_none.connect(j="k for k in sample(N_post, size=0)")
    assert len(S_none) == 0
    assert list(zip(S_all.i[:], S_all.j[:])) == list(itertools.product(range(4), range(7)))


def test_size_from_presynaptic_variable_and_negative_step():
    G, G2 = _groups()
    S = Synapses(G, G2)
    S.connect(j="k for k in sample(N_post-1, 0, -2, size=int(x_pre==2)*3)")
    assert list(S.i[:]) == [2, 2, 2]
    assert list(S.j[:]) == [6, 4, 2]   # in the order of the range


def test_over_presynaptic_neurons():
    G, G2 = _groups()
    S = Synapses(G, G2)
    S.connect(i="k for k in sample(N_pre, size=3)")
    assert list(S.N_incoming_post[:]) == [3] * 7


@pytest.mark.parametrize("size", ["i+4", "3-i"])
def test_size_outside_population_is_an_index_error(size):
    G, G2 = _groups(5, 7)
    S = Synapses(G, G2)
    with pytest.raises(IndexError, match="sample size"):
        S.connect(j=f"k for k in sample(N_post, size={size})")
    assert len(S) == 0   # all or nothing


def test_skip_if_invalid_clips_the_size():
    G, G2 = _groups(5, 7)
    S1, S2 = Synapses(G, G2), Synapses(G, G2)
    S1.connect(j="k for k in sample(N_post, size=i+4)", skip_if_invalid=True)
    S2.connect(j="k for k in sample(N_post, size=3-i)", skip_if_invalid=True)
    assert list(S1.N_outgoing_pre[:]) == [4, 5, 6, 7, 7]
    assert list(S2.N_outgoing_pre[:]) == [3, 2, 1, 0, 0]


def test_p_and_size_together_are_refused():
    G, G2 = _groups()
    with pytest.raises(SyntaxError):
        Synapses(G, G2).connect(j="k for k in sample(N_post, p=0.1, size=2)")


def test_subsets_are_uniform():
    # 2 of 5 targets for 4000 sources: each of the 10 subsets about 400 times
    seed(3)
    G, G2 = NeuronGroup(4000, ""), NeuronGroup(5, "")
    S = Synapses(G, G2)
    S.connect(j="k for k in sample(N_post, size=2)")
    pairs = S.j[:].reshape(-1, 2)
    codes = pairs[:, 0] * 5 + pairs[:, 1]
    counts = np.array([np.sum(codes == a * 5 + b) for a, b in itertools.combinations(range(5), 2)])
    assert counts.sum() == 4000
    chi2 = ((counts - 400) ** 2 / 400).sum()
    assert chi2 < 27.9   # 9 degrees of freedom, p = 0.001
