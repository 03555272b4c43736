"""``Quantity(G.v)``: a Quantity made from a group's variable view keeps the view's unit and,
with ``copy=True``, does not follow later changes of the group."""
import numpy as np
import pytest

from brianjit import DimensionMismatchError, NeuronGroup, Quantity, mV, ms, volt


def test_quantity_of_a_view_has_its_unit_and_is_a_copy():
    G = NeuronGroup(3, "v : volt")
    G.v = [1, 2, 3] * mV
    q = Quantity(G.v, copy=True)
    assert q.dim is volt.dim
    np.testing.assert_allclose(np.asarray(q), [1e-3, 2e-3, 3e-3])
    G.v = 0 * mV
    np.testing.assert_allclose(np.asarray(q), [1e-3, 2e-3, 3e-3])


def test_quantity_of_a_view_with_another_dim_is_refused():
    G = NeuronGroup(2, "v : volt")
    with pytest.raises(DimensionMismatchError):
        Quantity(G.v, dim=ms.dim)
