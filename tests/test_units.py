"""Property tests of the unit algebra: dimensions form a group, quantities follow it, conversions
and pickling round-trip, mismatches raise."""
import pickle
import re

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from brianjit.units import (DIMENSIONLESS, DimensionMismatchError, Quantity, Unit, get_dimensions,
                            get_or_create_dimension, get_unit)
from brianjit.units import allunits
from brianjit.units.unit import display_candidates

# Exponents as they occur in physics: integers and halves (sqrt of noise terms).
exponents = st.integers(-8, 8).map(lambda n: n / 2)
dimensions = st.tuples(*[exponents] * 7).map(get_or_create_dimension)
integer_dimensions = st.tuples(*[st.integers(-3, 3)] * 7).map(get_or_create_dimension)
magnitudes = st.floats(1e-6, 1e6)
values = st.floats(-1e6, 1e6, allow_nan=False).filter(lambda x: x == 0 or abs(x) > 1e-6)
value_arrays = st.lists(values, min_size=1, max_size=5).map(np.array)


@st.composite
def quantities(draw, dims=integer_dimensions):
    return Quantity(draw(value_arrays), dim=draw(dims))


@st.composite
def quantity_pairs(draw):
    """Two quantities of the same shape; half of the time with the same dimensions."""
    n = draw(st.integers(1, 5))
    arrays = st.lists(values, min_size=n, max_size=n).map(np.array)
    first = Quantity(draw(arrays), dim=draw(integer_dimensions))
    dim = first.dim if draw(st.booleans()) else draw(integer_dimensions)
    return first, Quantity(draw(arrays), dim=dim)


named_units = st.sampled_from(sorted(allunits.ALL_UNITS)).map(allunits.ALL_UNITS.get)


# --- dimensions: a group under * -------------------------------------------------------------
@given(dimensions, dimensions, dimensions)
def test_dimension_multiplication_is_associative_and_commutative(a, b, c):
    assert (a * b) * c is a * (b * c)
    assert a * b is b * a


@given(dimensions)
def test_dimension_identity_and_inverse(a):
    assert a * DIMENSIONLESS is a
    assert a * a ** -1 is DIMENSIONLESS
    assert a / a is DIMENSIONLESS
    assert (a ** -1) ** -1 is a


@given(dimensions, dimensions)
def test_division_is_multiplication_by_inverse(a, b):
    assert a / b is a * b ** -1


@given(dimensions, st.integers(-4, 4), st.integers(-4, 4))
def test_powers_add_and_multiply(a, m, n):
    assert a ** m * a ** n is a ** (m + n)
    assert (a ** m) ** n is a ** (m * n)


@given(dimensions, st.integers(1, 7))
def test_fractional_powers_invert(a, n):
    assert (a ** n) ** (1 / n) is a
    assert (a ** (1 / n)) ** n is a


@given(st.tuples(*[exponents] * 7))
def test_one_canonical_object_per_exponent_tuple(exps):
    dim = get_or_create_dimension(exps)
    assert get_or_create_dimension(list(exps)) is dim
    assert get_or_create_dimension(dim._dims) is dim
    assert dim._dims == tuple(float(e) for e in exps)
    assert all(isinstance(e, float) for e in dim._dims)
    assert hash(dim) == hash(get_or_create_dimension(exps))


@given(dimensions)
def test_dimension_pickles_to_the_same_object(a):
    assert pickle.loads(pickle.dumps(a)) is a


def test_dimension_keywords_and_printing():
    speed = get_or_create_dimension(length=1, time=-1)
    assert speed is get_or_create_dimension(m=1, s=-1)
    assert speed is get_or_create_dimension([1, 0, -1, 0, 0, 0, 0])
    assert repr(speed) == "metre * second ** -1"
    assert str(speed) == "m s^-1"
    force = get_or_create_dimension(length=1, mass=1, time=-2)
    assert repr(force) == "metre * kilogram * second ** -2"
    assert repr(DIMENSIONLESS) == "Dimension()" and str(DIMENSIONLESS) == "1"   # Brian2's
    assert repr(get_or_create_dimension(time=-0.5)) == "second ** -0.5"
    assert speed.get_dimension("length") == 1 and speed.get_dimension("time") == -1
    assert DIMENSIONLESS.is_dimensionless and not speed.is_dimensionless


def test_dimension_bad_input_is_a_clear_error():
    with pytest.raises(KeyError, match="speed"):
        get_or_create_dimension(speed=1)
    with pytest.raises(TypeError, match="7 exponents"):
        get_or_create_dimension([1, 2])
    with pytest.raises(TypeError):
        get_or_create_dimension(["a"] * 7)
    with pytest.raises(ValueError, match="finite"):
        get_or_create_dimension(length=float("nan"))
    with pytest.raises(AttributeError):
        DIMENSIONLESS._dims = (1,) * 7
    with pytest.raises(TypeError):
        DIMENSIONLESS ** "2"


# --- quantities follow the dimension algebra ------------------------------------------------
@pytest.mark.filterwarnings("ignore:divide by zero", "ignore:invalid value")
@given(quantity_pairs())
def test_product_and_quotient_dimensions(pair):
    a, b = pair
    # a dimensionless result is a plain number or array, as in Brian2
    assert get_dimensions(a * b) is a.dim * b.dim
    assert get_dimensions(a / b) is a.dim / b.dim
    np.testing.assert_array_equal(np.asarray(a * b), np.asarray(a) * np.asarray(b))


@given(quantities(), st.integers(1, 4))
def test_power_then_root_gives_back_the_quantity(q, n):
    dim = q.dim
    q = abs(q) + Quantity(1.0, dim=dim)  # positive values, so roots are real
    back = (q ** n) ** (1 / n)
    assert get_dimensions(back) is dim
    np.testing.assert_allclose(np.asarray(back), np.asarray(q), rtol=1e-12)
    root = np.sqrt(q * q)
    assert get_dimensions(root) is dim


@given(quantity_pairs())
def test_adding_needs_equal_dimensions(pair):
    a, b = pair
    if a.dim is b.dim:
        assert get_dimensions(a + b) is a.dim and get_dimensions(a - b) is a.dim
        assert (a < b).dtype == bool and not isinstance(a < b, Quantity)
    else:
        for operation in (np.add, np.subtract, np.less, np.equal, np.maximum):
            with pytest.raises(DimensionMismatchError):
                operation(a, b)


@given(quantities(dims=integer_dimensions.filter(lambda d: d is not DIMENSIONLESS)), values)
def test_plain_numbers_do_not_mix_with_units_but_zero_does(q, x):
    assume(x != 0)
    for number in (x, np.full(q.shape, x)):
        with pytest.raises(DimensionMismatchError):
            q + number
        with pytest.raises(DimensionMismatchError):
            number - q
        with pytest.raises(DimensionMismatchError):
            q > number
    # Brian2's rule: a plain zero has any unit
    for zero in (0, 0.0, np.float64(0), np.zeros(q.shape), False):
        assert get_dimensions(q + zero) is q.dim and get_dimensions(zero - q) is q.dim
        np.testing.assert_array_equal(np.asarray(zero - q), -np.asarray(q))
        np.testing.assert_array_equal(q > zero, np.asarray(q) > 0)
        np.testing.assert_array_equal(np.maximum(q, zero), q.clip(min=0 * q.item(0)))
    assert (q * x).dim is q.dim


@given(value_arrays, values)
def test_dimensionless_quantities_mix_with_plain_numbers(arr, x):
    q = Quantity(arr)
    np.testing.assert_array_equal(np.asarray(q + x), arr + x)
    assert float(Quantity(x)) == x


@given(magnitudes, named_units)
def test_in_unit_round_trips(x, unit):
    assume(unit.dim is not DIMENSIONLESS)
    q = x * unit
    text = q.in_unit(unit, precision=17)
    number, _, shown = text.partition(" ")
    assert shown == unit.dispname
    np.testing.assert_allclose(float(number) * float(unit), np.asarray(q), rtol=1e-12)
    code = q.in_unit(unit, python_code=True)
    assert code.endswith(f" * {unit.name}")


_BY_DISPNAME = {u.dispname: u for unit in allunits.all_units
                for u in display_candidates(unit.dim)}


@given(st.floats(1e-20, 1e20), st.sampled_from(["volt", "second", "siemens", "farad", "amp",
                                                 "hertz", "metre", "molar", "ohm", "metre2"]))
def test_printed_quantity_reads_back_in_a_fitting_unit(x, base):
    q = x * allunits.ALL_UNITS[base]
    number, unit_name = str(q).split(" ")
    unit = _BY_DISPNAME[unit_name]
    assert unit.dim is q.dim
    value = float(np.asarray(q))
    # numpy shows at most 8 digits after the point
    size = float(unit)
    np.testing.assert_allclose(float(number) * size, value, rtol=1e-7, atol=1e-8 * size)
    # Brian2's rule: the unit that brings the number closest to 10 on a log scale
    def deviation(u):
        return abs(np.log10(abs(value) / float(u)) - 1)
    assert deviation(unit) <= min(deviation(u) for u in display_candidates(q.dim)) + 1e-9


@given(quantities(dims=dimensions))
def test_quantity_pickles(q):
    back = pickle.loads(pickle.dumps(q))
    assert isinstance(back, Quantity) and back.dim is q.dim
    np.testing.assert_array_equal(np.asarray(back), np.asarray(q))


@given(named_units)
def test_units_pickle_with_their_names(unit):
    back = pickle.loads(pickle.dumps(unit))
    assert isinstance(back, Unit)
    assert (back.name, back.dispname, back.dim, back.scale) == \
        (unit.name, unit.dispname, unit.dim, unit.scale)


@given(integer_dimensions)
def test_get_unit_is_unscaled_and_named(dim):
    unit = get_unit(dim)
    assert isinstance(unit, Unit) and unit.dim is dim and float(unit) == 1.0 and unit.scale == 0
    if dim is not DIMENSIONLESS:
        assert re.fullmatch(r"[\w *.\-/()]+", repr(unit))


@given(quantities(), st.integers(0, 4))
def test_indexing_keeps_units_and_setitem_checks_them(q, i):
    assume(i < q.size)
    item = q[i]
    assert isinstance(item, Quantity) and item.ndim == 0 and item.dim is q.dim
    q[i] = item * 2
    if q.dim is not DIMENSIONLESS:
        with pytest.raises(DimensionMismatchError):
            q[i] = 1.0
