"""numpy functions on a view of a subexpression that uses the user's names (``I = x*g`` with
``g`` a variable of the calling code): the names are found in the user's code, also when numpy
is the caller of the view (``np.mean(G.I)``), as for ``G.I[:]``."""
import numpy as np
from numpy.testing import assert_allclose

from brianjit import NeuronGroup


def test_numpy_functions_find_the_callers_names():
    g = 2
    G = NeuronGroup(3, "x : 1\nI = x*g : 1")
    G.x = [1, 2, 3]
    assert_allclose(G.I[:], [2, 4, 6])
    assert_allclose(np.array(G.I), [2, 4, 6])
    assert np.mean(G.I) == 4
    assert np.sum(G.I) == 12 and np.max(G.I) == 6
    g = 3   # noqa: F841  (read by the model at the next evaluation)
    assert np.mean(G.I) == 6
