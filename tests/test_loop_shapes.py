"""Loop shapes lowered one kernel at a time and run on numpy arrays, against numpy references:
the loop toolkit (``codegen/loops.py``), the element shapes whole and in the parts a threaded run
calls (``codegen/partition.py``: any split into ranges computes what the whole loop computes),
and which kernels may be partitioned at all."""
import ctypes

import numpy as np
import pytest
import sympy
from llvmlite import ir

from brianjit import kernel as K
from brianjit.codegen.kernels import lower_kernel
from brianjit.codegen.loops import for_range, while_loop
from brianjit.codegen.partition import (elementwise_together, lower_partitioned,
                                        partitionable)
from brianjit.jit import compile_ir
from brianjit.memory import DynamicArray
from brianjit.model.symbols import rand, symbol
from brianjit.objects.assembly import SlotTable

I64 = ir.IntType(64)
v, x, i = symbol("v"), symbol("x"), symbol("i")


# ---- the toolkit ---------------------------------------------------------------------------------

def _compile_i64(build, nargs):
    module = ir.Module()
    fn = ir.Function(module, ir.FunctionType(I64, [I64] * nargs), name="f")
    b = ir.IRBuilder(fn.append_basic_block("entry"))
    b.ret(build(b, *fn.args))
    return compile_ir(str(module)).cfunc("f", ctypes.c_int64, *[ctypes.c_int64] * nargs)


def test_for_range_is_pythons_range_and_nests():
    def build(b, start, stop):
        total = b.alloca(I64)
        b.store(ir.Constant(I64, 0), total)
        with for_range(b, start, stop, "outer") as k:
            with for_range(b, ir.Constant(I64, 0), k, "inner") as m:
                b.store(b.add(b.load(total, typ=I64), b.add(b.mul(k, ir.Constant(I64, 100)), m)),
                        total)
        return b.load(total, typ=I64)
    f = _compile_i64(build, 2)
    for start, stop in [(0, 0), (3, 2), (0, 1), (2, 9), (-3, 4)]:
        assert f(start, stop) == sum(k * 100 + m for k in range(start, stop) for m in range(k))


def test_while_loop_runs_its_test_before_every_iteration():
    def build(b, n):  # Collatz steps of n
        value, steps = b.alloca(I64), b.alloca(I64)
        b.store(n, value)
        b.store(ir.Constant(I64, 0), steps)
        with while_loop(b, "collatz") as loop:
            current = b.load(value, typ=I64)
            loop.enter_if(b.icmp_signed(">", current, ir.Constant(I64, 1)))
            odd = b.trunc(current, ir.IntType(1))
            b.store(b.select(odd, b.add(b.mul(current, ir.Constant(I64, 3)), ir.Constant(I64, 1)),
                             b.sdiv(current, ir.Constant(I64, 2))), value)
            b.store(b.add(b.load(steps, typ=I64), ir.Constant(I64, 1)), steps)
        return b.load(steps, typ=I64)

    def collatz(n):
        steps = 0
        while n > 1:
            n, steps = (3 * n + 1 if n % 2 else n // 2), steps + 1
        return steps
    f = _compile_i64(build, 1)
    assert [f(n) for n in range(0, 30)] == [collatz(n) for n in range(0, 30)]


def test_a_while_loop_without_its_test_is_an_error():
    b = ir.IRBuilder(ir.Function(ir.Module(), ir.FunctionType(I64, []), "f").append_basic_block())
    with pytest.raises(RuntimeError, match="enter_if"):
        with while_loop(b):
            pass


# ---- element shapes, whole and partitioned -------------------------------------------------------

class Harness:
    """Arrays in a slot table, a kernel over them, and its functions compiled."""

    def __init__(self):
        self.slots = SlotTable()
        self.arrays = {}

    def array(self, name, values, dtype="float"):
        array = DynamicArray(len(values), dtype={"float": np.float64, "integer": np.int32,
                                                 "boolean": np.bool_}[dtype])
        array.data[:] = values
        self.arrays[name] = array
        return self.slots.array_var(name, array, dtype)

    def scratch(self, name, n, dtype=np.int32):
        array = DynamicArray(n, dtype=dtype)
        self.arrays[name] = array
        return self.slots.slot(array)

    def compile(self, kern):
        """(whole, part, rest) ctypes functions: the kernel lowered whole, and partitioned."""
        module = ir.Module()
        lower_kernel(module, kern, "whole")
        parted = lower_partitioned(module, kern, "parted")
        compiled = compile_ir(str(module))
        table = ctypes.cast(self.slots.addresses(), ctypes.c_void_p)
        step = ctypes.c_int64
        whole = compiled.cfunc("whole", ctypes.c_int32, ctypes.c_void_p, step)
        part = compiled.cfunc("parted.part", ctypes.c_int32, ctypes.c_void_p, step, step, step)
        rest = (compiled.cfunc("parted.rest", ctypes.c_int32, ctypes.c_void_p, step)
                if parted.rest is not None else None)
        return (lambda s: whole(table, s), lambda s, lo, hi: part(table, s, lo, hi),
                (lambda s: rest(table, s)) if rest else None)

    def snapshot(self):
        return {name: array.data.copy() for name, array in self.arrays.items()}

    def load(self, snapshot):
        for name, values in snapshot.items():
            self.arrays[name].data[:] = values


SPLITS = [[0, 1000], [0, 500, 1000], [0, 1, 999, 1000], [0, 64, 128, 700, 1000],
          [0, 333, 666, 1000]]


def _parts_agree_with_whole(h, kern, steps=3):
    """Every split of the elements into ranges (parts run in any order) ends in the state the
    whole kernel ends in; returns that state."""
    whole, part, rest = h.compile(kern)
    start = h.snapshot()
    for s in range(steps):
        assert whole(s) == 0
    expected = h.snapshot()
    for split in SPLITS:
        h.load(start)
        for s in range(steps):
            ranges = list(zip(split[:-1], split[1:]))
            for lo, hi in reversed(ranges):  # the order of the parts does not matter
                assert part(s, lo, hi) == 0
            if rest is not None:
                assert rest(s) == 0
        got = h.snapshot()
        for name in expected:
            assert got[name].tobytes() == expected[name].tobytes(), (split, name)
    return expected


def test_for_each_with_a_condition_and_random_numbers_matches_numpy_in_any_partition():
    h = Harness()
    values = np.linspace(-1, 1, 1000)
    variables = {"v": h.array("v", values), "x": h.array("x", np.zeros(1000))}
    kern = K.Kernel("update", K.ForEach(1000, condition=v > -0.5), variables,
                    [K.Assign("v", v * 0.5 + i), K.Assign("x", rand(), "+=")])
    result = _parts_agree_with_whole(h, kern, steps=1)
    expected = np.where(values > -0.5, values * 0.5 + np.arange(1000), values)
    assert np.array_equal(result["v"], expected)
    drawn = result["x"][values > -0.5]
    assert np.all((drawn >= 0) & (drawn < 1)) and len(np.unique(drawn)) == len(drawn)
    assert np.all(result["x"][values <= -0.5] == 0)


def test_threshold_compacts_spikes_in_index_order_in_any_partition():
    h = Harness()
    rng = np.random.default_rng(3)
    values = rng.uniform(0, 1, 1000)
    size = 1000
    variables = {"v": h.array("v", values)}
    spikespace = h.scratch("spikespace", size + 1)
    mask = h.scratch("mask", 1000 + 8, np.uint8)
    kern = K.Kernel("threshold", K.Threshold(size, spikespace, v > 0.9, mask), variables,
                    [K.Assign("v", sympy.Float(0.25))])
    result = _parts_agree_with_whole(h, kern, steps=1)
    fired = np.flatnonzero(values > 0.9)
    assert result["spikespace"][size] == len(fired)
    assert np.array_equal(result["spikespace"][:len(fired)], fired)
    assert np.array_equal(result["v"], np.where(values > 0.9, 0.25, values))


def test_for_each_spike_runs_the_spikes_of_its_range():
    h = Harness()
    size = 100
    spikes = np.zeros(size + 1, dtype=np.int32)
    fired = np.array([2, 10, 11, 50, 99])
    spikes[:len(fired)], spikes[size] = fired, len(fired)
    h.arrays["spikespace"] = DynamicArray(size + 1, dtype=np.int32)
    h.arrays["spikespace"].data[:] = spikes
    slot = h.slots.slot(h.arrays["spikespace"])
    variables = {"x": K.ArrayVar("x", h.slots.slot(_array(h, "x", np.zeros(40))), "float",
                                 offset=0)}
    kern = K.Kernel("reset", K.ForEachSpike(slot, size, 10, 50), variables,
                    [K.Assign("x", x + 1 + i)])
    module = ir.Module()
    lower_kernel(module, kern, "reset")
    f = compile_ir(str(module)).cfunc("reset", ctypes.c_int32, ctypes.c_void_p, ctypes.c_int64)
    assert f(ctypes.cast(h.slots.addresses(), ctypes.c_void_p), 0) == 0
    expected = np.zeros(40)
    expected[[0, 1]] = [1, 2]  # neurons 10 and 11 of the range [10, 50): relative 0 and 1
    assert np.array_equal(h.arrays["x"].data, expected)


def _array(h, name, values):
    array = DynamicArray(len(values))
    array.data[:] = values
    h.arrays[name] = array
    return array


# ---- what may be partitioned ---------------------------------------------------------------------

def _var(name, slot, **kw):
    return K.ArrayVar(name, slot, "float", **kw)


def test_elementwise_kernels_are_partitionable_and_order_dependent_ones_are_not():
    plain = K.Kernel("k", K.ForEach(10), {"v": _var("v", 0)}, [K.Assign("v", v + 1)])
    assert partitionable(plain)
    through_index = K.Kernel("k", K.ForEach(10), {"v": _var("v", 0, index="j"),
                                                  "j": K.ArrayVar("j", 1, "integer")},
                             [K.Assign("v", v + 1)])
    assert not partitionable(through_index)
    aliased = K.Kernel("k", K.ForEach(10), {"v": _var("v", 0), "x": _var("x", 0, offset=3)},
                       [K.Assign("v", x + 1)])
    assert not partitionable(aliased)
    python = K.Kernel("k", K.ForEach(10), {"v": _var("v", 0)}, [K.Assign("v", v + 1)],
                      functions={"f": K.PythonFunction("f", 1, (2,), 3, ("float",), "float")})
    assert not partitionable(python)
    rows = K.Kernel("k", K.ForEachRow(0), {"v": _var("v", 1)}, [K.Assign("v", v + 1)])
    assert not partitionable(rows)


def test_kernels_of_the_same_elements_share_a_part_only_when_no_element_reads_another():
    update = K.Kernel("u", K.ForEach(10), {"v": _var("v", 0)}, [K.Assign("v", v + 1)])
    test = K.Kernel("t", K.Threshold(10, 5, v > 1, 6), {"v": _var("v", 0)})
    assert elementwise_together(update, test)
    other_size = K.Kernel("t", K.Threshold(12, 5, v > 1, 6), {"v": _var("v", 0)})
    assert not elementwise_together(update, other_size)
    shifted = K.Kernel("t", K.Threshold(10, 5, v > 1, 6), {"v": _var("v", 0, offset=1)})
    assert not elementwise_together(update, shifted)
