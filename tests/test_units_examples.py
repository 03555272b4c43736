"""Example tests of the units package: printing, ufuncs, numpy functions, indexing, helpers,
check_units, unit names and the star-import names."""
import subprocess
import sys

import numpy as np
import pytest

import brianjit.units as units
from brianjit.units import (DIMENSIONLESS, DimensionMismatchError, Quantity, Unit, amp, arange,
                            check_units, cm, cm2, exprel, fail_for_dimension_mismatch,
                            get_dimensions, get_or_create_dimension, get_unit,
                            get_unit_for_display, have_same_dimensions, Hz, is_dimensionless,
                            is_scalar_type, kilogram, metre, mM, ms, msecond, mV, mvolt, nS,
                            ohm, second, siemens, um, uF, volt)
from brianjit.units import Mohm, nA, numpy_names


# --- printing ------------------------------------------------------------------------------
def test_scalars_print_in_the_best_unit():
    assert str(3 * mV) == "3. mV"
    assert repr(3 * mV) == "3. * mvolt"
    assert str(20 * ms) == "20. ms"
    assert str(0.02 * volt) == "20. mV"
    assert str(70 * kilogram) == "70. kg"
    assert str(-65 * mV) == "-65. mV"
    assert str(Quantity(3.0)) == "3." and repr(Quantity(3.0)) == "Quantity(3.)"
    assert str(0 * mV) == "0. V"


def test_best_unit_is_brian2s_closest_to_ten():
    # Brian2 picks the unit whose magnitudes are closest to 10 (log scale), not the largest
    # magnitude in [1, 1000): outputs below are Brian2 2.9's
    assert str(0.5 * mV) == "0.5 mV"
    assert str(0.2 * mV) == "200. uV"
    assert str(500 * ms) == "0.5 s"
    assert str(5 * nA * 100 * Mohm) == "0.5 V"
    assert str([0, 0.398, 0.792] * mV) == "[0.    0.398 0.792] mV"
    big = np.linspace(0, 1, 5000) * second          # only the printed entries count
    assert str(big).endswith("1.00000000e+03] ms")


def test_arrays_print_like_numpy_with_a_unit():
    rates = [10, 20, 30] * Hz
    assert str(rates) == "[10. 20. 30.] Hz"
    assert repr(np.array([1.0, 2.0]) * mV) == "array([1., 2.]) * mvolt"
    assert str(np.array([1.0, 2.0]) * mV) == "[1. 2.] mV"


def test_units_print_their_names():
    assert repr(mV) == "mvolt" and str(mV) == "mV"
    assert repr(volt / second) == "volt / second"
    assert repr(metre ** 2) == "metre ** 2"
    assert repr(1 / second) == "second ** -1" and str(1 / second) == "s^-1"
    assert repr(volt / (amp * second)) == "volt / (amp * second)"
    assert repr(mV * mV) == "mvolt * mvolt" and str(mV * mV) == "mV mV"
    assert isinstance(volt / second, Unit) and not isinstance(2 * volt, Unit)


def test_dimensions_without_a_named_unit_print_in_base_units():
    # in a fresh process: a unit built in Python code elsewhere (amp/meter**2/volt ...) becomes a
    # display unit for the rest of the process, as in Brian2
    code = ("from brianjit import siemens, cm2\n"
            "q = 0.5 * siemens / cm2\n"
            "print(repr(q)); print(str(q))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    assert out == ["5000. * metre ** -4 * kilogram ** -1 * second ** 3 * amp ** 2",
                   "5000. m^-4 kg^-1 s^3 A^2"]


def test_in_unit_and_format():
    assert (3 * mV).in_unit(volt) == "0.003 V"
    assert (3 * mV).in_unit(mvolt, python_code=True) == "3. * mvolt"
    assert units.in_unit(3 * mV, volt) == "0.003 V"
    assert units.in_best_unit(0.003 * volt) == "3. mV"
    # a format spec formats the value in base SI units, as in Brian2
    assert f"{3 * mV:.4f}" == "0.0030" and f"{3 * mV}" == "3. mV"
    assert f"{Quantity(0.5):.1f}" == "0.5"
    with pytest.raises(DimensionMismatchError):
        (3 * mV).in_unit(second)
    with pytest.raises(TypeError):
        (3 * mV).in_unit(2 * mV)      # Brian2 writes '1.5 m^2 kg s^-3 A^-1': misleading


# --- ufuncs --------------------------------------------------------------------------------
def test_ufunc_dimension_rules():
    q = np.array([1.0, 4.0, 9.0]) * mV
    assert np.sqrt(q).dim is volt.dim ** 0.5
    assert np.square(q).dim is volt.dim ** 2
    assert np.reciprocal(q).dim is volt.dim ** -1
    for keep in (np.abs, np.negative, np.floor, np.ceil, np.rint):
        assert keep(q).dim is volt.dim
    assert np.maximum(q, 5 * mV).dim is volt.dim
    with pytest.raises(DimensionMismatchError):   # as in Brian2: dimensionless arguments only
        np.arctan2(q, q)
    assert np.hypot(3 * mV / mV, 4) == 5.0
    for plain in (np.isnan, np.isfinite, np.isinf, np.signbit, np.sign):
        assert not isinstance(plain(q), Quantity)
    comparison = q > 2 * mV
    assert type(comparison) is np.ndarray and comparison.tolist() == [False, True, True]


def test_functions_that_need_dimensionless_arguments():
    q = np.array([1.0, 2.0]) * mV
    for func in (np.exp, np.log, np.sin, np.cos, np.tanh, np.log10, np.expm1, exprel):
        with pytest.raises(DimensionMismatchError, match="dimensionless"):
            func(q)
        ratio = func(q / mV)
        np.testing.assert_allclose(np.asarray(ratio), np.asarray(func(np.array([1.0, 2.0]))))


def test_power_needs_a_dimensionless_scalar_exponent():
    assert ((2 * mV) ** 3).dim is volt.dim ** 3
    assert ((2 * mV) ** Quantity(2.0)).dim is volt.dim ** 2
    with pytest.raises(DimensionMismatchError):
        (2 * mV) ** (2 * mV)
    with pytest.raises(DimensionMismatchError):
        2 ** (2 * mV)
    with pytest.raises(TypeError, match="one exponent"):
        (np.array([1.0, 2.0]) * mV) ** np.array([1, 2])
    np.testing.assert_allclose(np.asarray(2 ** (np.array([1.0, 3.0]) * mV / mV)), [2, 8])


def test_reductions_keep_or_combine_units():
    q = np.array([1.0, 2.0, 3.0]) * mV
    assert np.sum(q).dim is volt.dim and float(np.sum(q) / mV) == pytest.approx(6)
    assert np.mean(q).dim is volt.dim
    assert np.var(q).dim is volt.dim ** 2
    assert np.std(q).dim is volt.dim
    assert np.prod(q).dim is volt.dim ** 3
    assert np.cumsum(q).dim is volt.dim
    assert np.max(q) == 3 * mV and np.min(q) == 1 * mV
    assert np.prod(np.ones((2, 3)) * mV, axis=1).dim is volt.dim ** 3
    with pytest.raises(TypeError):
        np.cumprod(q)
    assert np.sum(q, initial=0) == 6 * mV   # a plain zero has any unit
    with pytest.raises(DimensionMismatchError):
        np.sum(q, initial=1)


def test_in_place_operations():
    q = np.array([1.0, 2.0]) * mV
    q += 1 * mV
    q *= 2
    assert str(q) == "[4. 6.] mV"
    with pytest.raises(DimensionMismatchError):
        q += 1
    plain = np.array([1.0, 2.0])
    with pytest.raises(DimensionMismatchError, match="plain array"):
        np.multiply(plain, mV, out=plain)


def test_units_are_immutable():
    unit = mV
    with pytest.raises(TypeError):
        unit *= 2
    assert float(mV) == 1e-3 and mV.scale == -3
    with pytest.raises(ValueError):
        mV[()] = 1 * volt
    assert hash(mV) == hash(mvolt) and {mV: 1}[mvolt] == 1


def test_operands_that_are_not_numbers_are_left_to_python():
    assert (3 * mV == None) is False  # noqa: E711
    with pytest.raises(TypeError):
        3 * mV + "a"
    with pytest.raises(TypeError):
        Quantity("abc")


# --- numpy functions -------------------------------------------------------------------------
def test_array_functions_keep_units():
    q = np.array([1.0, 2.0, 3.0]) * mV
    assert np.clip(q, 1.5 * mV, 2.5 * mV).tolist() == [1.5 * mV, 2 * mV, 2.5 * mV]
    with pytest.raises(DimensionMismatchError):
        np.clip(q, 0, 1)
    assert np.clip(q, 0, 2 * mV).dim is volt.dim   # a plain zero has any unit
    assert np.concatenate([q, [4 * mV]]).dim is volt.dim
    with pytest.raises(DimensionMismatchError):
        np.concatenate([q, np.ones(2)])
    assert str(np.linspace(0 * mV, 10 * mV, 5)) == "[ 0.   2.5  5.   7.5 10. ] mV"
    with pytest.raises(DimensionMismatchError):
        np.linspace(1, 10 * mV, 5)
    assert np.linspace(0, 10 * mV, 5).dim is volt.dim
    assert np.where(q > 1.5 * mV, q, 0 * mV).dim is volt.dim
    assert np.where(q > 1.5 * mV, 0, q).dim is volt.dim
    with pytest.raises(DimensionMismatchError):
        np.where(q > 1.5 * mV, q, 1)
    assert np.dot(q, q).dim is volt.dim ** 2
    assert np.outer(q, q * ms).dim is volt.dim ** 2 * second.dim
    for func in (np.hstack, np.vstack, np.stack):
        assert func([q, q]).dim is volt.dim
    for func in (np.median, np.nanmean, np.ptp, np.sort, np.unique, np.diff, np.flip,
                 lambda x: np.roll(x, 1), lambda x: np.gradient(x), lambda x: np.tile(x, 2)):
        assert func(q).dim is volt.dim
    assert np.trapezoid(q, dx=1 * ms).dim is volt.dim * second.dim
    assert np.interp(1.5 * ms, [1, 2] * ms, [10, 20] * mV) == 15 * mV
    counts, edges = np.histogram(q, bins=2)
    assert edges.dim is volt.dim and counts.tolist() == [1, 2]
    assert np.zeros_like(q).dim is volt.dim
    assert np.argmax(q) == 2 and type(np.argsort(q)) is np.ndarray


def test_allclose_and_array_equal():
    q = np.array([1.0, 2.0]) * mV
    assert np.allclose(q, q + 1e-12 * volt)
    with pytest.raises(DimensionMismatchError):
        np.allclose(q, np.array([1.0, 2.0]))
    assert not np.array_equal(q, np.asarray(q))
    assert np.array_equal(q, q.copy())
    np.testing.assert_allclose(q, q)


def test_arange_and_like_functions():
    assert str(arange(0 * ms, 1 * ms, 0.25 * ms)) == "[0.   0.25 0.5  0.75] ms"   # Brian2
    assert arange(3).tolist() == [0, 1, 2] and not isinstance(arange(3), Quantity)
    with pytest.raises(DimensionMismatchError, match="step"):
        arange(10 * ms)
    with pytest.raises(DimensionMismatchError):
        arange(1, 10 * ms, 1 * ms)
    assert arange(0, 3 * ms, 1 * ms).dim is second.dim     # a plain zero has any unit
    with pytest.raises(TypeError, match="duplicate"):
        arange(0, stop=1)
    q = np.array([1.0, 2.0]) * mV
    assert type(units.zeros_like(q)) is np.ndarray and units.ones_like(q).tolist() == [1, 1]
    assert exprel(0.0) == 1.0 and exprel(1e-12) == pytest.approx(1.0)


# --- conversions and indexing ----------------------------------------------------------------
def test_conversion_to_plain_numbers():
    assert float(3 * mV / mV) == pytest.approx(3)
    np.testing.assert_array_equal(np.asarray([1, 2] * mV), [0.001, 0.002])
    assert type(np.asarray(3 * mV)) is np.ndarray
    # as in Brian2, a number with units converts to its value in base SI units
    assert float(3 * mV) == 0.003 and int(3 * second) == 3 and complex(2 * ms) == 0.002
    with pytest.raises(TypeError):
        [1, 2][1 * mV]


def test_indexing_iteration_and_tolist():
    q = np.arange(6.0).reshape(2, 3) * mV
    assert q[0].dim is volt.dim and q[0, 1] == 1 * mV and q[:, 1].shape == (2,)
    assert [x for x in q[0]] == [0 * mV, 1 * mV, 2 * mV]
    assert q.tolist()[1][2] == 5 * mV
    q[q > 2 * mV] = 0 * mV
    assert np.asarray(q).max() == pytest.approx(0.002)
    q[0] = [7, 8, 9] * mV
    assert q[0, 2] == 9 * mV
    with pytest.raises(DimensionMismatchError):
        q[0] = [7, 8, 9] * ms
    with pytest.raises(DimensionMismatchError):
        q.fill(3)


def test_construction_from_lists_of_quantities():
    q = Quantity([1 * mV, 2 * mV])
    assert q.dim is volt.dim and q.shape == (2,)
    with pytest.raises(DimensionMismatchError):
        Quantity([1 * mV, 2 * ms])
    with pytest.raises(TypeError, match="Mixing"):
        Quantity([0, 2 * ms])
    # Brian2's rule: nested lists are flattened, any other element (a tuple) is one element
    assert get_dimensions([[1 * mV], [2 * mV]]) is volt.dim
    pairs = Quantity([(1, 2 * ms), (2, 3 * ms)])
    assert pairs.dim is DIMENSIONLESS and pairs.tolist()[1][1] == 0.003
    assert Quantity.with_dimensions(2, length=1) == 2 * metre
    assert Quantity.with_dimensions(2, volt.dim) == 2 * volt
    assert (3 * mV).dimensions is volt.dim and (3 * mV).has_same_dimensions(volt)
    assert Quantity(2).is_dimensionless


# --- helpers ---------------------------------------------------------------------------------
def test_get_dimensions_and_friends():
    for plain in (3, 2.5, True, np.float64(1), np.arange(3), [1, 2], (1.0,)):
        assert get_dimensions(plain) is DIMENSIONLESS and is_dimensionless(plain)
    assert get_dimensions(3 * mV) is volt.dim and get_dimensions(volt.dim) is volt.dim
    assert get_dimensions([1 * mV, 2 * mV]) is volt.dim
    for nothing in ("volt", "1", b"1", None, {}, object()):
        with pytest.raises(TypeError):
            get_dimensions(nothing)
    assert get_dimensions(range(3)) is DIMENSIONLESS
    assert have_same_dimensions(3 * mV, volt) and not have_same_dimensions(3 * mV, 3)
    assert is_scalar_type(3) and is_scalar_type(np.float64(2)) and is_scalar_type(Quantity(2.0))
    assert not is_scalar_type(3 * mV) and not is_scalar_type([1]) and not is_scalar_type("a")


def test_mismatch_errors_name_both_units():
    error = pytest.raises(DimensionMismatchError, lambda: 3 * mV + 2 * ms).value
    assert isinstance(error, ValueError)
    assert "units are V and s" in str(error) and "3. mV" in str(error)
    message = pytest.raises(DimensionMismatchError, fail_for_dimension_mismatch, 3 * mV, 2 * ms,
                            "{a} vs {b}", a=3 * mV, b=2 * ms).value
    assert str(message) == "3. mV vs 2. ms (units are V and s)."
    single = pytest.raises(DimensionMismatchError, fail_for_dimension_mismatch, 3 * mV).value
    assert str(single) == "Dimension mismatch (unit is V)."
    assert fail_for_dimension_mismatch(3 * mV, 1 * volt) == (volt.dim, volt.dim)
    assert fail_for_dimension_mismatch(3 * mV, 0) == (volt.dim, DIMENSIONLESS)
    assert str(DimensionMismatchError("Just text")) == "Just text"


def test_get_unit_returns_the_si_unit():
    assert get_unit(volt.dim) is volt and get_unit(mV.dim) is volt
    assert get_unit(kilogram.dim) is kilogram and get_unit((1 / second).dim) is units.hertz
    assert repr(get_unit(DIMENSIONLESS)) == "Unit(1)"
    assert get_unit_for_display(volt.dim) == "V" and get_unit_for_display(DIMENSIONLESS) == "1"
    assert get_unit_for_display(1) == "1"


def test_check_units():
    @check_units(v=volt, n=1, flag=bool, w="v", result=volt)
    def f(v, n=1, flag=False, w=None):
        return v * n

    assert f(3 * mV, 2, True, w=1 * mV) == 6 * mV
    assert f(3 * mV, w=None) == 3 * mV
    with pytest.raises(DimensionMismatchError, match='argument "v"'):
        f(3, 2)
    with pytest.raises(DimensionMismatchError, match='argument "n"'):
        f(3 * mV, 2 * mV)
    with pytest.raises(TypeError, match="boolean"):
        f(3 * mV, flag=1)
    with pytest.raises(DimensionMismatchError, match='argument "w"'):
        f(3 * mV, w=1 * ms)
    assert f._orig_func.__name__ == "f" and f._arg_names == ["v", "n", "flag", "w"]
    assert f._arg_units == [volt, 1, bool, "v"] and f._return_unit is volt

    @check_units(v=volt)
    def g(v):
        return v

    # as in Brian2: None and strings (names of variables) pass; a mixed list is a TypeError
    assert g("v_rest") == "v_rest" and g(None) is None
    assert g([1 * mV, 2 * mV]) == [1 * mV, 2 * mV]
    with pytest.raises(TypeError):
        g([1, 2 * mV])
    with pytest.raises(TypeError):
        g(object())

    @check_units(x=second, result=lambda x: x ** 2)
    def square(x):
        return x

    with pytest.raises(DimensionMismatchError, match="result"):
        square(2 * ms)
    with pytest.raises(TypeError, match="no argument"):
        check_units(y=volt)(lambda x: x)
    with pytest.raises(TypeError, match="must be a unit"):
        check_units(x="v", y=3)(lambda x, y: x)


# --- unit names --------------------------------------------------------------------------------
def test_unit_names_exist_with_the_right_sizes():
    names = ["metre", "meter", "kilogram", "second", "amp", "ampere", "kelvin", "mole", "mol",
             "candela", "candle", "hertz", "newton", "pascal", "joule", "watt", "coulomb", "volt",
             "farad", "ohm", "siemens", "weber", "tesla", "henry", "lumen", "lux", "becquerel",
             "gray", "sievert", "katal", "radian", "steradian", "gram", "molar", "liter", "litre",
             "mV", "mvolt", "ms", "msecond", "nS", "nsiemens", "pA", "uF", "ufarad", "Hz", "kHz",
             "um", "umetre", "cm", "mmolar", "mM", "pF", "Mohm", "cm2", "um2", "metre2",
             "msecond3", "dametre", "ymetre", "Ysecond", "kmeter3", "uM", "nM", "mS", "us"]
    for name in names:
        assert isinstance(getattr(units, name), Unit), name
        assert name in units.__all__, name
    assert units.mV is units.mvolt and units.cm2 is units.cmetre2
    checks = {"cm2": 1e-4, "um2": 1e-12, "mM": 1.0, "liter": 1e-3, "Mohm": 1e6, "gram": 1e-3,
              "kgram": 1.0, "dametre": 10.0, "msecond3": 1e-9, "uF": 1e-6, "nS": 1e-9}
    for name, scale in checks.items():
        assert float(getattr(units, name)) == pytest.approx(scale, rel=1e-15), name
    assert um.dim is metre.dim and (cm * cm).dim is cm2.dim
    assert mM.dim is get_or_create_dimension(substance=1, length=-3)
    assert ohm.dim is (volt / amp).dim and siemens.dim is (1 / ohm).dim
    assert uF.dispname == "uF" and nS.dispname == "nS" and units.cmetre2.dispname == "cm^2"


def test_star_import_names():
    namespace = {}
    exec("from brianjit.units import *", namespace)  # noqa: S102 (test of the star import)
    assert namespace["mV"] is mV and namespace["check_units"] is check_units
    assert "np" not in namespace
    assert {"np", "array", "zeros", "arange", "linspace", "exp", "sqrt", "mean", "pi", "inf",
            "rand", "randn"} <= set(numpy_names.__all__)
    assert "bool" not in numpy_names.__all__
    for name in set(numpy_names.__all__) & set(units.__all__):
        assert getattr(numpy_names, name) is getattr(units, name), name
    assert not set(numpy_names.__all__) & set(units.allunits.ALL_UNITS)
    assert numpy_names.arange is arange and numpy_names.np.mean is np.mean  # np: unit-aware
    assert msecond is ms
