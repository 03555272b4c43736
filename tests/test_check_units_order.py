"""check_units checks the units of the arguments given before Python reports a missing one, as
Brian2's does: ``Soma(x=10)`` (no diameter) is a DimensionMismatchError."""
import pytest

from brianjit import DimensionMismatchError, check_units, meter


def test_units_of_given_arguments_come_before_a_missing_argument():
    @check_units(a=meter, b=meter)
    def f(a, b):
        return a + b

    with pytest.raises(DimensionMismatchError):
        f(b=3)
    with pytest.raises(TypeError, match="missing"):
        f(b=3 * meter)
    assert f(1 * meter, b=2 * meter) == 3 * meter
