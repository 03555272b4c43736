"""``G.v`` computes and indexes like the array it shows, with Brian2's units and errors.

Golden behaviour from Brian2 2.9.0 (runtime target, measured): ``np.asanyarray(G.v)`` keeps the
unit and ``np.asarray(G.v)`` drops it; ``G.v[:, None]`` is a column (matplotlib asks for it);
``2**G.x`` works for a dimensionless ``x`` and is a TypeError for ``2**G.v`` with a unit;
in-place operators write back through the group's unit checks; ``G.v[0, 0]`` is an IndexError,
``G.v[object()]`` and ``G.v[1.5]`` TypeErrors; a shared variable takes only ``[:]``."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

from brianjit import DimensionMismatchError, Hz, NeuronGroup, mV, second, volt
from brianjit.units import Quantity


@pytest.fixture
def group():
    G = NeuronGroup(10, "x : 1\ny : volt\nidx : integer\nf : Hz (shared)")
    G.x = np.arange(10)
    G.y = np.arange(10)[::-1] * mV
    G.idx = np.arange(10)
    G.f = 50 * Hz
    return G


def test_numpy_sees_the_values_with_their_units(group):
    as_any = np.asanyarray(group.y)
    assert isinstance(as_any, Quantity) and as_any.dim == volt.dim
    plain = np.asarray(group.y)
    assert type(plain) is np.ndarray and np.allclose(plain, np.arange(10)[::-1] * 1e-3)
    shared = np.asanyarray(group.f)
    assert shared.shape == () and float(shared) == 50 and shared.dim == Hz.dim
    assert np.asarray(group.x, dtype=np.int32).dtype == np.int32
    assert np.mean(group.y) == 4.5 * mV


def test_column_view_for_matplotlib(group):
    column = group.y[:, None]
    assert column.shape == (10, 1) and column.dim == volt.dim
    assert np.array_equal(np.asarray(column)[:, 0], np.asarray(group.y))
    assert group.y_[:, None].shape == (10, 1)


def test_arithmetic_and_powers(group):
    assert np.allclose(2 ** group.x, 2.0 ** np.arange(10))
    assert np.allclose(group.x ** 2, np.arange(10) ** 2)
    assert np.allclose(np.asarray(group.y ** 2), (np.arange(10)[::-1] * 1e-3) ** 2)
    assert np.array_equal(group.idx % 3, np.arange(10) % 3)
    assert np.allclose(np.asarray(2 * mV + group.y), (np.arange(10)[::-1] + 2) * 1e-3)
    assert np.allclose(group.x @ group.x, np.arange(10) @ np.arange(10))
    with pytest.raises(TypeError, match="exponent"):
        2 ** group.y
    assert np.allclose(2 ** group.y_, 2 ** (np.arange(10)[::-1] * 1e-3))   # no unit: allowed
    with pytest.raises(DimensionMismatchError):
        group.x + group.y
    with pytest.raises(DimensionMismatchError):
        3 + group.y


def test_in_place_operators_write_back_with_unit_checks(group):
    group.y += 1 * mV
    group.y *= 2
    group.y -= 2 * mV
    group.y /= 2.0
    assert np.allclose(np.asarray(group.y), np.arange(10)[::-1] * 1e-3)
    group.idx //= 2
    group.idx **= 2
    assert np.array_equal(group.idx[:], (np.arange(10) // 2) ** 2)
    sub = group[2:5]
    sub.x += 10
    assert np.array_equal(group.x[:], [0, 1, 12, 13, 14, 5, 6, 7, 8, 9])
    with pytest.raises(DimensionMismatchError):
        group.y.__iadd__(3)
    with pytest.raises(DimensionMismatchError):
        group.y.__imul__(3 * second)
    for op in ("__iadd__", "__isub__", "__imul__", "__idiv__", "__itruediv__"):
        with pytest.raises(TypeError, match="strings"):
            getattr(group.y, op)("string")


def test_in_place_on_a_subexpression_is_an_error():
    G = NeuronGroup(3, "v : 1\ns = 2*v : 1")
    with pytest.raises(TypeError, match="subexpression"):
        G.s.__iadd__(1)


def test_illegal_indices_raise_brian2s_errors(group):
    for view in (group.y, group.y_):
        with pytest.raises(IndexError):
            view[0, 0]
        with pytest.raises(TypeError):
            view[object()]
        with pytest.raises(TypeError):
            view[1.5]
        with pytest.raises(IndexError):
            view[10]
    for item in (0, 1, slice(0, 1), "i > 5"):
        with pytest.raises(IndexError):
            group.f[item]
        with pytest.raises(IndexError):
            group.f.set_item(item, 100 * Hz)
    with pytest.raises(ValueError):
        group.f.set_item(slice(None), [0, 1] * Hz)
    group.f.set_item(slice(None), 20 * Hz)
    assert group.f.get_item(slice(None)) == 20 * Hz


def test_views_are_hashable_and_printable(group):
    assert hash(group.x) == hash(group.x)
    assert "neurongroup" in repr(group.y) and "y_" in repr(group.y_)


@given(st.data())
def test_indexing_a_view_equals_indexing_the_array(data):
    n = data.draw(st.integers(1, 12))
    values = np.arange(n) * 1.5 - 3
    G = NeuronGroup(n, "v : volt")
    G.v_ = values
    kind = data.draw(st.sampled_from(["int", "ints", "mask", "slice"]))
    if kind == "int":
        item = data.draw(st.integers(-n, n - 1))
    elif kind == "ints":
        item = data.draw(st.lists(st.integers(-n, n - 1), max_size=2 * n))
        item = np.array(item, dtype=np.int64)
    elif kind == "mask":
        item = np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    else:
        item = slice(data.draw(st.none() | st.integers(-n - 2, n + 2)),
                     data.draw(st.none() | st.integers(-n - 2, n + 2)),
                     data.draw(st.none() | st.integers(1, 3) | st.integers(-3, -1)))
    assert np.array_equal(G.v_[item], values[item])
    assert np.array_equal(np.asarray(G.v[item]), values[item])
    # and writing through the view writes what numpy would write
    expected = values.copy()
    expected[item] = 7.0
    G.v_[item] = 7.0
    assert np.array_equal(G.v_[:], expected)


def test_variables_named_like_methods_are_variables():
    """Brian2's own tests name a variable ``variable``: setting and reading it must reach the
    variable, not a method of the group (a variable wins over a class attribute when set)."""
    G = NeuronGroup(3, "func = 2*variable : 1\nvariable : 1\nstate : 1")
    G.variable = [1, 2, 3]
    assert G.variable[:].tolist() == [1, 2, 3] and G.func[:].tolist() == [2, 4, 6]
    G.state = 5                               # G.state stays Brian2's method when read
    assert G.state("state")[:].tolist() == [5, 5, 5]
