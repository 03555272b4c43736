"""``PoissonInput(N=1000.0)``: Brian2 scripts compute N as a float; a whole number is accepted
and means the integer, anything else is refused."""
import numpy as np
import pytest

from brianjit import Hz, NeuronGroup, PoissonInput


@pytest.mark.parametrize("N", [1000.0, np.float32(3), np.int64(7), 0.0])
def test_whole_numbers(N):
    P = PoissonInput(NeuronGroup(2, "x : 1"), "x", N, 10 * Hz, 0.1)
    assert P.N == int(N) and isinstance(P.N, int)


@pytest.mark.parametrize("N", [1000.5, -1, -1.0, float("nan"), float("inf"), True])
def test_other_values_refused(N):
    with pytest.raises(TypeError, match="non-negative integer"):
        PoissonInput(NeuronGroup(2, "x : 1"), "x", N, 10 * Hz, 0.1)
