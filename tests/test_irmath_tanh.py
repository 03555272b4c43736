"""tanh in IR (``codegen/irmath_trig.py``) evaluates expm1 once per lane, of the argument its case
needs (it evaluated both cases' expm1 and selected): the same bits as fdlibm's two-case formula
written out in numpy on the expm1 of the IR, and the body holds one copy of expm1's polynomial."""
import math

import numpy as np
import pytest
from llvmlite import ir

import irmath_harness as h
from brianjit.codegen.irmath import ir_function


@pytest.mark.parametrize("lanes", [1, 4])
def test_tanh_body_holds_one_expm1(lanes):
    module = ir.Module()
    body = str(ir_function(module, "tanh", lanes))
    # the highest coefficient of expm1's Taylor polynomial (irmath_explog._EXPM1_TAYLOR)
    last = ir.Constant(ir.DoubleType(), 1.0 / math.factorial(14)).get_reference()
    assert body.count(last) == lanes  # a vector constant repeats it per lane


def test_tanh_is_fdlibms_two_cases_over_the_irs_expm1():
    rng = np.random.default_rng(3)
    x = np.concatenate([rng.uniform(-25, 25, 20_000), rng.uniform(-1.2, 1.2, 20_000),
                        np.ldexp(rng.uniform(-1, 1, 4_000), rng.integers(-60, 5, 4_000)),
                        [0.0, -0.0, 1.0, -1.0, 22.0, -22.0, np.inf, -np.inf, np.nan,
                         np.nextafter(1.0, 0.0), 5e-324]])
    program = h.build(["tanh", "expm1"], [1, 4])
    ax = np.minimum(np.abs(x), 22.0)
    with np.errstate(invalid="ignore"):
        up = h.apply(program, "expm1", 1, 2.0 * ax)
        down = h.apply(program, "expm1", 1, -2.0 * ax)
        y = np.where(np.abs(x) >= 1.0, 1.0 - 2.0 / (up + 2.0), -down / (down + 2.0))
    y = np.where(np.abs(x) < 22.0, y, 1.0)
    expected = np.where(np.isnan(x), x, np.copysign(y, x))
    for lanes in (1, 4):
        got = h.apply(program, "tanh", lanes, x)
        np.testing.assert_array_equal(got.view(np.uint64), expected.view(np.uint64))
