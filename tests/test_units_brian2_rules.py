"""Property tests of the places where Brian2's units are permissive (and where they are not):
zero and infinity against any unit, float() of a quantity, lists mixing quantities, in-place
operations, numpy.testing on quantities, and unit algebra that reads back from its repr."""
import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import brianjit.units as units
from brianjit.units import (DIMENSIONLESS, DimensionMismatchError, Quantity, Unit,
                            get_dimensions, mV, ms, second, volt)
from brianjit.units.allunits import all_units
from brianjit.units.unit import defining_units

with_dims = [u for u in all_units if u.dim is not DIMENSIONLESS]
unit_with_dims = st.sampled_from(with_dims)
finite = st.floats(-1e6, 1e6, allow_nan=False)
arrays = st.lists(finite, min_size=1, max_size=4).map(np.array)
plain_zeros = st.sampled_from([0, 0.0, np.float64(0), np.int32(0), False, np.zeros(1),
                               np.array(0.0), "zeros like the quantity"])


@given(arrays, unit_with_dims, plain_zeros)
def test_a_plain_zero_fits_every_unit(values, unit, zero):
    q = values * unit
    zero = np.zeros_like(values) if isinstance(zero, str) else zero
    si = np.asarray(q)
    for result, expected in ((q + zero, si + np.asarray(zero)), (zero - q, np.asarray(zero) - si),
                             (np.maximum(q, zero), np.maximum(si, zero))):
        assert get_dimensions(result) is unit.dim
        np.testing.assert_array_equal(np.asarray(result), expected)
    for compare in (np.less, np.greater_equal, np.equal, np.not_equal):
        np.testing.assert_array_equal(compare(q, zero), compare(si, zero))
        np.testing.assert_array_equal(compare(zero, q), compare(zero, si))
    q[...] = zero
    assert q.dim is unit.dim and not np.any(np.asarray(q))


@given(arrays, unit_with_dims, st.floats(-1e6, 1e6).filter(lambda x: x != 0))
def test_other_plain_numbers_do_not_fit_a_unit(values, unit, x):
    q = values * unit
    for operation in (np.add, np.subtract, np.less, np.equal, np.maximum):
        with pytest.raises(DimensionMismatchError):
            operation(q, x)
        with pytest.raises(DimensionMismatchError):
            operation(np.full(3, x), q[:1])
    with pytest.raises(DimensionMismatchError):
        q[0] = x


@given(arrays, unit_with_dims)
def test_a_scalar_infinity_compares_with_every_unit(values, unit):
    q = values * unit
    assert np.all(q < np.inf) and np.all(np.inf > q) and np.all(q <= np.inf)
    assert np.all(q > -np.inf) and np.all(-np.inf < q) and np.all(q != np.inf)
    assert not np.any(q == -np.inf)
    with pytest.raises(DimensionMismatchError):   # only comparisons, and only a single value
        q + np.inf
    with pytest.raises(DimensionMismatchError):
        q < np.array([np.inf, np.inf])
    with pytest.raises(DimensionMismatchError):
        q < np.nan


@given(finite, st.sampled_from(all_units))
def test_float_of_a_quantity_is_its_value_in_base_units(x, unit):
    q = x * unit
    si = x * float(unit)
    assert float(unit) == float(np.asarray(unit))
    assert float(q) == pytest.approx(si, rel=1e-12, abs=1e-300)
    assert complex(q) == pytest.approx(si, rel=1e-12, abs=1e-300)
    if abs(si) < 1e15:
        assert int(q) == int(np.asarray(q))
    assert f"{q:.6e}" == f"{float(q):.6e}" and f"{q}" == str(q)


@given(st.lists(finite, min_size=1, max_size=5), unit_with_dims, st.integers(0, 4))
def test_lists_of_quantities_follow_brian2s_rules(xs, unit, position):
    items = [x * unit for x in xs]
    expected = np.array([float(item) for item in items])
    q = Quantity(items)
    assert q.dim is unit.dim and np.array_equal(np.asarray(q), expected)
    assert get_dimensions(items) is unit.dim
    nested = Quantity([items, items])        # nested lists are flattened
    assert nested.dim is unit.dim and nested.shape == (2, len(xs))
    position = min(position, len(xs))
    with pytest.raises(TypeError, match="Mixing"):
        Quantity(items[:position] + [1.0] + items[position:])
    other = next(u for u in with_dims if u.dim is not unit.dim)
    with pytest.raises(DimensionMismatchError):
        Quantity(items[:position] + [1 * other] + items[position:])
    # any element that is not a list (a tuple) is one element: a record of plain values
    records = Quantity([(i, item) for i, item in enumerate(items)])
    assert records.dim is DIMENSIONLESS
    assert np.array_equal(np.asarray(records)[:, 1], expected)


@given(finite, finite, unit_with_dims)
def test_in_place_operations_rebind_single_numbers_and_write_through_arrays(x, y, unit):
    single = x * unit
    alias = single
    single += y * unit
    single *= 2
    assert float(alias) == float(x * unit)                 # the original is untouched
    assert float(single) == pytest.approx(2 * (float(x * unit) + float(y * unit)))
    vector = np.array([x]) * unit
    alias = vector
    vector += y * unit
    vector *= 2
    assert alias is vector and alias.dim is unit.dim
    with pytest.raises(DimensionMismatchError):
        vector += 1 * second if unit.dim is not second.dim else 1 * volt


@given(st.sampled_from(all_units))
def test_units_and_dimensions_are_never_changed_in_place(unit):
    for operation in ("__iadd__", "__isub__", "__imul__", "__itruediv__", "__ifloordiv__",
                      "__imod__", "__ipow__"):
        with pytest.raises(TypeError):
            getattr(unit, operation)(unit)
    for operation in ("__imul__", "__itruediv__", "__ipow__"):
        with pytest.raises(TypeError):
            getattr(unit.dim, operation)(unit.dim)
    assert float(unit) == float(np.asarray(unit))


@given(arrays, unit_with_dims, st.floats(1e-3, 1e3))
def test_numpy_testing_works_on_quantities(values, unit, factor):
    q = values * unit
    np.testing.assert_array_equal(q, q.copy())
    np.testing.assert_equal(q, q.copy())
    np.testing.assert_allclose(q, q * (1 + 1e-12))
    np.testing.assert_array_less(q - abs(q) - 1 * unit, q)
    assume(np.any(values != 0) and factor != 1)
    with pytest.raises(AssertionError):
        np.testing.assert_allclose(q, q * factor, rtol=1e-9)


_NAMESPACE = {name: getattr(units, name) for name in units.__all__}


@given(st.sampled_from(with_dims), st.sampled_from(with_dims), st.sampled_from(with_dims),
       st.sampled_from([-2, -1, 0.5, 2, 3]))
def test_unit_algebra_gives_units_whose_repr_reads_back(a, b, c, n):
    # (without registering the units it creates for printing, which would change how later
    # tests print quantities of those dimensions)
    with defining_units():
        cases = ((a * b, float(a) * float(b), a.dim * b.dim),
                 (a / (b * c), float(a) / (float(b) * float(c)), a.dim / (b.dim * c.dim)),
                 ((a / b) ** n, np.float64(float(a) / float(b)) ** n, (a.dim / b.dim) ** n),
                 (1 / a, 1 / float(a), a.dim ** -1))
        for composed, value, dim in cases:
            if not 0 < value < np.inf:  # beyond doubles ((zmol/Zg)**3): a Quantity, not a Unit
                assert not isinstance(composed, Unit) and composed.dim is dim
                continue
            assert isinstance(composed, Unit) and composed.dim is dim
            assert float(composed) == pytest.approx(value, rel=1e-12)
            assert composed.scale == pytest.approx(np.log10(value), abs=1e-9)
            back = eval(repr(composed), _NAMESPACE)  # noqa: S307 (reading back our own repr)
            assert back.dim is dim and float(back) == pytest.approx(value, rel=1e-12)
            assert str(composed) == composed.dispname != ""


def test_units_combined_with_numbers_are_quantities_and_brian2s_corner_cases():
    assert type(2 * mV) is Quantity and type(mV * ms) is Unit and type(mV + mV) is Quantity
    assert type(5 * second / second) is float and type(np.ones(2) * mV / mV) is np.ndarray
    assert np.isreal(np.ones(2) * mV).tolist() == [True, True]
    with pytest.raises(TypeError):
        np.bitwise_and(np.ones(2, dtype=int) * volt, 1)
    with pytest.raises(DimensionMismatchError):
        np.hypot(3 * mV, 4 * mV)
    with pytest.raises(TypeError):
        "text" * (3 * mV)
    with pytest.raises(ValueError):
        units.where([True], 1 * mV)
    with pytest.raises(TypeError):
        units.where([True], 1 * mV, 1 * mV, 1 * mV)


def test_variable_views_know_their_unit():
    from brianjit import NeuronGroup
    G = NeuronGroup(3, "x : 1\ny : volt\nidx : integer")
    assert G.y.unit is volt and G.y.dim is volt.dim
    assert G.x.unit.dim is DIMENSIONLESS and G.idx.dim is DIMENSIONLESS
    G.y = 0          # a plain zero fits any unit, as in Brian2
    with pytest.raises(DimensionMismatchError):
        G.y = 1
