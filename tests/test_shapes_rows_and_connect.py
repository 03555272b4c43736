"""Kernel-level tests of the synapse-table shapes (codegen/shapes_synapses.py): ``ForEachRow``
(a loop over a table whose length is read when the kernel starts: Synapses' state updates and
summed variables) and ``Connect`` (synapse creation, as objects/connect.py builds it). Each
kernel is built by hand, lowered alone and run on arrays against a numpy reference written from
the shape's definition in brianjit/kernel.py; random numbers against ``codegen.rng``'s numpy
reference of the same counter-based streams."""
import math

import numpy as np
import pytest
import sympy

from brianjit import kernel as K
from brianjit.codegen import rng
from brianjit.model.symbols import rand, symbol
from brianjit.objects.seed import ONEOFF_FIRST_STREAM
from shape_harness import Harness, grown, lower_alone, scalar

SEED = 1234567
w, x, v_pre, v_post, i, j, k = (symbol(n) for n in ("w", "x", "v_pre", "v_post", "i", "j", "k"))


# ---- ForEachRow ----------------------------------------------------------------------------------

N_PRE, N_POST = 6, 4


def _synapses(n, seed=2):
    """A harness with a synapse table of ``n`` rows (i, j, w, x) and the neurons' ``v``."""
    r = np.random.default_rng(seed)
    h = Harness()
    variables = {"i": h.array("i", r.integers(0, N_PRE, n), "integer"),
                 "j": h.array("j", r.integers(0, N_POST, n), "integer"),
                 "w": h.array("w", r.random(n)), "x": h.array("x", np.zeros(n)),
                 "_seed": scalar(h, "_seed", SEED, "int64")}
    v_pre_values, v_post_values = r.normal(size=N_PRE), r.normal(size=N_POST)
    v = h.array("v_pre", v_pre_values)
    variables["v_pre"] = K.ArrayVar("v_pre", v.slot, "float", index="i")
    v = h.array("v_post", v_post_values)
    variables["v_post"] = K.ArrayVar("v_post", v.slot, "float", index="j")
    return h, variables


def _resize(h, n, seed):
    """New rows (as connect() appends them): every per-synapse array gets length ``n``."""
    r = np.random.default_rng(seed)
    old = len(h.arrays["i"].data)
    for name in ("i", "j", "w", "x"):
        h.arrays[name].resize(n)
    if n > old:
        h.arrays["i"].data[old:] = r.integers(0, N_PRE, n - old)
        h.arrays["j"].data[old:] = r.integers(0, N_POST, n - old)
        h.arrays["w"].data[old:] = r.random(n - old)
        h.arrays["x"].data[old:] = 0


def test_for_each_row_updates_every_row_of_a_table_that_changes_length():
    """``w = w*0.5 + v_pre`` and ``x = v_post + rand()`` (the ends read through ``i``/``j``;
    expressions of one rounding each, so numpy's bits are the kernel's) once per row; the number of rows is the table's at each call, so rows added or removed
    after compiling are seen without recompiling."""
    h, variables = _synapses(30)
    kern = K.Kernel("stateupdate", K.ForEachRow(h.slots.slot(h.arrays["i"])), variables,
                    [K.Assign("w", w * 0.5 + v_pre), K.Assign("x", v_post + rand())],
                    first_stream=7)
    f = lower_alone(h, kern)
    for step, n in enumerate([30, 30, 75, 0, 12, 200]):
        _resize(h, n, seed=step)
        before = h.snapshot()
        assert f(step) == 0
        pre, post = before["i"], before["j"]
        want_w = before["w"] * 0.5 + before["v_pre"][pre]
        assert h.arrays["w"].data.tobytes() == want_w.tobytes()
        want_x = before["v_post"][post] + rng.uniform(SEED, 7, np.arange(n), step)
        assert h.arrays["x"].data.tobytes() == want_x.tobytes()
        assert len(h.arrays["w"].data) == n


def test_for_each_row_with_a_condition_and_a_summed_variable():
    """A summed variable's kernel: ``v_post += w`` through ``j`` in synapse order (sequential
    additions, so the bits are numpy's loop's), only for rows where the condition holds."""
    h, variables = _synapses(120)
    kern = K.Kernel("summed", K.ForEachRow(h.slots.slot(h.arrays["i"]), condition=w > 0.3),
                    variables, [K.Assign("v_post", w, "+=")])
    f = lower_alone(h, kern)
    for step in range(3):
        before = h.snapshot()
        assert f(step) == 0
        want = before["v_post"].copy()
        for row in range(120):
            if before["w"][row] > 0.3:
                want[before["j"][row]] += before["w"][row]
        assert h.arrays["v_post"].data.tobytes() == want.tobytes()
        assert h.arrays["w"].data.tobytes() == before["w"].tobytes()


# ---- Connect -------------------------------------------------------------------------------------

def _connect(outer_size, other_size, condition=None, p=None, p_constant=False, n=1,
             outer_is_pre=True, inner=None, skip_if_invalid=False, prefilter=None,
             sample_size=None):
    """A Connect kernel as objects/connect.py builds it: ``inner`` is a generator's
    (name, start, stop, step, target), None for every pair."""
    h = Harness()
    pre, post = grown(h, "pre", 0, np.int32), grown(h, "post", 0, np.int32)
    error = grown(h, "error", 2, np.int64)
    outer_name = "i" if outer_is_pre else "j"
    if inner is None:
        inner = ("j", sympy.Integer(0), sympy.Integer(other_size), 1, j)
    name, start, stop, step, target = inner
    shape = K.Connect(outer_size, other_size, outer_name, name, start, stop, step, target,
                      condition, p, p_constant, sympy.Integer(n) if isinstance(n, int) else n,
                      outer_is_pre, skip_if_invalid, pre, post, error, prefilter, sample_size)
    kern = K.Kernel("connect", shape, {"_seed": scalar(h, "_seed", SEED, "int64")},
                    first_stream=ONEOFF_FIRST_STREAM)
    return h, lower_alone(h, kern)


def _pairs(h):
    return list(zip(h.arrays["pre"].data.tolist(), h.arrays["post"].data.tolist()))


def test_connect_with_a_condition_and_n_copies():
    """Every (i, j) in outer-then-inner order where the condition holds, ``n`` copies each
    (here ``n`` an expression of both ends)."""
    cond = sympy.And(sympy.Ne(i, j), sympy.StrictLessThan(i + 2 * j, 12))
    h, f = _connect(7, 5, condition=cond, n=sympy.Integer(1) + sympy.Mod(i, 2))
    assert f(0) == 0
    want = [(a, b) for a in range(7) for b in range(5) if a != b and a + 2 * b < 12
            for _ in range(1 + a % 2)]
    assert _pairs(h) == want


def test_connect_with_a_constant_probability_skips_geometrically():
    """``p`` a number: per outer index ``a``, the gap to the next kept candidate is
    ``floor(log(1 - u) / log1p(-p))`` with ``u`` the uniforms of stream ``first_stream`` at
    (index a, step = the number of the draw); the condition still filters kept candidates."""
    p = 0.15
    cond = sympy.Ne(i, j)
    h, f = _connect(40, 60, condition=cond, p=sympy.Float(p), p_constant=True)
    assert f(0) == 0
    inverse_log = 1.0 / math.log1p(-p)
    want = []
    for a in range(40):
        draws = 0

        def gap():
            nonlocal draws
            u = 1.0 - float(rng.uniform(SEED, ONEOFF_FIRST_STREAM, a, draws))
            draws += 1
            return int(min(math.log(u) * inverse_log, 2.0 ** 62))
        position = gap()
        while position < 60:
            if a != position:
                want.append((a, position))
            position += 1 + gap()
    assert _pairs(h) == want
    assert abs(len(want) - p * 40 * 59) < 4 * math.sqrt(p * 40 * 59)   # a sane sample


def test_connect_with_a_probability_expression_draws_per_pair():
    """``p`` an expression: a pair is kept where ``rand() < p``, the uniform of pair
    ``a*other_size + target`` at the kernel's step from stream ``first_stream``."""
    p = (i + 1) * sympy.Float(0.1)
    h, f = _connect(9, 30, p=p, p_constant=False)
    assert f(5) == 0
    u = rng.uniform(SEED, ONEOFF_FIRST_STREAM, np.arange(9 * 30), 5).reshape(9, 30)
    want = [(a, b) for a in range(9) for b in range(30) if u[a, b] < (a + 1) * 0.1]
    assert _pairs(h) == want


def test_connect_generator_over_the_post_side_skips_out_of_range_targets():
    """``i = k for k in range(j - 2, j + 3, 2) if k != 3`` (outer ``j``, targets on the pre
    side), ``skip_if_invalid``: targets outside the presynaptic group are left out."""
    inner = ("k", j - 2, j + 3, 2, k)
    h, f = _connect(6, 5, outer_is_pre=False, inner=inner, skip_if_invalid=True,
                    prefilter=sympy.Ne(k, 3))
    assert f(0) == 0
    want = [(kk, b) for b in range(6) for kk in range(b - 2, b + 3, 2) if kk != 3 and 0 <= kk < 5]
    assert _pairs(h) == want


def test_connect_stops_at_the_first_out_of_range_pair():
    """Without ``skip_if_invalid`` the first candidate outside the other group stops the kernel
    with status 2, the pair (i, j) in ``error``; the synapses before it are appended."""
    inner = ("k", i, i + 3, 1, k)       # j = k for k in range(i, i + 3): i=3 reaches j=5
    h, f = _connect(5, 5, inner=inner)
    assert f(0) == 2
    assert h.arrays["error"].data.tolist() == [3, 5]
    assert _pairs(h) == [(a, b) for a in range(4) for b in range(a, a + 3)][:-1]


def test_connect_samples_distinct_targets_by_selection_sampling():
    """``j = k for k in sample(N_post, size=i % 4 + 1)``: position ``pos`` of the ``n``
    candidates is taken when ``u*(n - pos) < still needed``, ``u`` the uniform of stream
    ``first_stream`` at (outer index, pos): exactly ``size`` distinct targets, in order."""
    inner = ("k", sympy.Integer(0), sympy.Integer(8), 1, k)
    h, f = _connect(10, 8, inner=inner, sample_size=sympy.Mod(i, 4) + 1)
    assert f(0) == 0
    want = []
    for a in range(10):
        needed = a % 4 + 1
        for pos in range(8):
            if float(rng.uniform(SEED, ONEOFF_FIRST_STREAM, a, pos)) * (8 - pos) < needed:
                needed -= 1
                want.append((a, pos))
        assert sum(1 for pair in want if pair[0] == a) == a % 4 + 1
    assert _pairs(h) == want


@pytest.mark.parametrize("skip_if_invalid", [False, True])
def test_connect_sample_size_outside_the_population(skip_if_invalid):
    """A size above the number of candidates stops the kernel with ``INVALID_SAMPLE_SIZE`` and
    (outer index, size) in ``error``, or with ``skip_if_invalid`` is clipped: all of them."""
    inner = ("k", sympy.Integer(0), sympy.Integer(3), 1, k)
    h, f = _connect(4, 3, inner=inner, sample_size=i + 1, skip_if_invalid=skip_if_invalid)
    if skip_if_invalid:
        assert f(0) == 0
        assert [a for a, _ in _pairs(h)] == [0, 1, 1, 2, 2, 2, 3, 3, 3]
        assert _pairs(h)[3:] == [(a, b) for a in (2, 3) for b in range(3)]
    else:
        assert f(0) == K.INVALID_SAMPLE_SIZE
        assert h.arrays["error"].data.tolist() == [3, 4]
