"""Kernel-level tests of the function shapes (``FUNCTION_LOWERINGS`` in codegen/shapes_inputs.py):
``TimedArrayFunction`` and ``BinomialSample`` called from a ``ForEach`` kernel built by hand,
lowered alone (whole and in every split of codegen/partition.py: both are pure functions, so the
kernel stays partitionable) and run on arrays, against numpy references written from the shapes'
definitions in brianjit/kernel.py: Brian2's TimedArray indexing and ``codegen.rng``'s numpy
reference of the binomial draws."""
import math

import numpy as np
import pytest
import sympy

from brianjit import kernel as K
from brianjit.codegen import rng
from brianjit.codegen.partition import partitionable
from brianjit.model.symbols import symbol
from shape_harness import Harness, grown, scalar
from test_loop_shapes import _parts_agree_with_whole

SIZE = 1000   # the harness's splits cover 1000 elements
SEED = 987654321
DT = 0.1e-3


# ---- TimedArrayFunction --------------------------------------------------------------------------

def _upsampling(group_dt, table_dt):
    """Brian2's K = max(int(2**ceil(log2(8/dt*table_dt))), 1), from the exponent (exact)."""
    mantissa, exponent = math.frexp((8.0 / group_dt) * table_dt)   # mantissa in [0.5, 1)
    return 2.0 ** max(exponent - 1 if mantissa == 0.5 else exponent, 0)


def _timed_reference(table, table_dt, group_dt, t, column=None):
    """Brian2's compiled TimedArray: the row ``int((t/epsilon + 0.5)/K)`` clipped to the table,
    ``epsilon = table_dt/K``; a column outside the table gives NaN."""
    upsample = _upsampling(group_dt, table_dt)
    epsilon = table_dt / upsample
    position = (np.asarray(t) / epsilon + 0.5) / upsample
    position = np.where(position >= 0, position, 0.0)
    row = np.minimum(position, len(table) - 1).astype(np.int64)
    if column is None:
        return table[row, 0]
    inside = (column >= 0) & (column < table.shape[1])
    return np.where(inside, table[row, np.where(inside, column, 0)], np.nan)


@pytest.mark.parametrize("table_dt", [0.3e-3, 1e-3, 0.1e-3, 0.05e-3])
def test_timed_array_reads_brian2s_row_clipped_and_nan_outside_the_columns(table_dt):
    """``x = ta(tt)`` (1D), ``y = tb(tt, c)`` (2D) at per-element times (before the start,
    on and next to the half-steps, past the end) and columns (-1 and the width included),
    ``z = ta(t)`` at the step's time; then the table changes shape without recompiling."""
    h = Harness()
    r = np.random.default_rng(4)
    rows = 17
    edges = (np.arange(-3, rows + 3) + 0.5) * table_dt
    times = np.concatenate([edges, np.nextafter(edges, -np.inf), np.nextafter(edges, np.inf),
                            r.uniform(-2 * table_dt, (rows + 2) * table_dt, SIZE)])[:SIZE]
    columns = r.integers(-1, 5, SIZE)   # the 2D table has 4 columns
    variables = {"tt": h.array("tt", times), "c": h.array("c", columns, "integer"),
                 "x": h.array("x", np.zeros(SIZE)), "y": h.array("y", np.zeros(SIZE)),
                 "z": h.array("z", np.zeros(SIZE)), "dt": scalar(h, "dt", DT)}
    one, two = grown(h, "one", (rows, 1), np.float64), grown(h, "two", (rows, 4), np.float64)
    h.arrays["one"].data[:] = r.normal(size=(rows, 1))
    h.arrays["two"].data[:] = r.normal(size=(rows, 4))
    ta, tb = sympy.Function("ta"), sympy.Function("tb")
    tt, c = symbol("tt"), symbol("c")
    kern = K.Kernel("timed", K.ForEach(SIZE), variables,
                    [K.Assign("x", ta(tt)), K.Assign("y", tb(tt, c)),
                     K.Assign("z", ta(symbol("t")))],
                    functions={"ta": K.TimedArrayFunction(one, table_dt, 1),
                               "tb": K.TimedArrayFunction(two, table_dt, 2)})
    assert partitionable(kern)
    for new_rows in (rows, 5):
        if new_rows != rows:   # the shape is read at run time
            for name, width in (("one", 1), ("two", 4)):
                h.arrays[name].resize((new_rows, width))
                h.arrays[name].data[:] = r.normal(size=(new_rows, width))
        steps = 3
        result = _parts_agree_with_whole(h, kern, steps=steps)
        one_table, two_table = result["one"], result["two"]
        want_x = _timed_reference(one_table, table_dt, DT, times)
        want_y = _timed_reference(two_table, table_dt, DT, times, columns)
        want_z = _timed_reference(one_table, table_dt, DT, (steps - 1) * DT)
        assert result["x"].tobytes() == want_x.tobytes()
        assert result["y"].tobytes() == want_y.tobytes()
        assert np.all(result["z"] == want_z)


# ---- BinomialSample ------------------------------------------------------------------------------

@pytest.mark.parametrize("n,p", [(20, 0.1), (50, 0.9), (7, 0.5), (1000, 0.3)])
def test_binomial_sample_draws_codegen_rngs_numbers_per_element_and_step(n, p):
    """``x += b()``: per element and step a Binomial(n, p) number from the kernel's first
    stream at (element, step): inversion bit for bit, the normal approximation (``n*p > 5`` and
    ``n*(1-p) > 5``) up to libm's rounding of log and cos; every split draws the same."""
    h = Harness()
    variables = {"x": h.array("x", np.zeros(SIZE)), "_seed": scalar(h, "_seed", SEED, "int64")}
    b = sympy.Function("b")
    kern = K.Kernel("binomial", K.ForEach(SIZE), variables, [K.Assign("x", b(), "+=")],
                    first_stream=40, functions={"b": K.BinomialSample(n, p)})
    assert partitionable(kern)
    steps = 3
    result = _parts_agree_with_whole(h, kern, steps=steps)
    want = sum(rng.binomial(SEED, 40, np.arange(SIZE), s, n, p) for s in range(steps))
    if rng.binomial_constants(n, p)["normal"]:
        np.testing.assert_allclose(result["x"], want, rtol=1e-12, atol=1e-9)
    else:
        assert result["x"].tobytes() == want.tobytes()
        assert np.all((result["x"] >= 0) & (result["x"] <= steps * n))
    mean = result["x"].mean() / steps
    assert abs(mean - n * p) < 5 * math.sqrt(n * p * (1 - p) / SIZE / steps)
