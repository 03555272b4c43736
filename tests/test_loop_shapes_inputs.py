"""The input shapes written with the loop toolkit (issue 10, item 4): ``while_loop`` with
several short-circuit tests, and the SpikeGenerator shape run alone on numpy arrays against a
numpy reference of Brian2's algorithm."""
import ctypes

import numpy as np
import pytest
from llvmlite import ir

from brianjit import kernel as K
from brianjit.codegen.kernels import lower_kernel
from brianjit.codegen.loops import while_loop
from brianjit.jit import compile_ir
from brianjit.memory import DynamicArray
from brianjit.objects.assembly import SlotTable

I64, PTR = ir.IntType(64), ir.PointerType()


def test_while_loop_tests_in_order_and_only_after_the_ones_before_held():
    """``while k < n and values[k] < limit: k += 1``; the second test never reads past ``n``
    (it counts its own evaluations into ``tested``)."""
    module = ir.Module()
    fn = ir.Function(module, ir.FunctionType(I64, [PTR, I64, I64, PTR]), name="f")
    values, n, limit, tested = fn.args
    b = ir.IRBuilder(fn.append_basic_block("entry"))
    k = b.alloca(I64)
    b.store(ir.Constant(I64, 0), k)
    with while_loop(b, "scan") as loop:
        current = b.load(k, typ=I64)
        loop.enter_if(b.icmp_signed("<", current, n))
        b.store(b.add(b.load(tested, typ=I64), ir.Constant(I64, 1)), tested)
        value = b.load(b.gep(values, [current], source_etype=I64), typ=I64)
        loop.enter_if(b.icmp_signed("<", value, limit))
        b.store(b.add(current, ir.Constant(I64, 1)), k)
    b.ret(b.load(k, typ=I64))
    f = compile_ir(str(module)).cfunc("f", ctypes.c_int64, ctypes.c_void_p, ctypes.c_int64,
                                      ctypes.c_int64, ctypes.c_void_p)
    data = np.array([1, 3, 5, 7, 9], dtype=np.int64)
    for n_, limit_ in [(5, 0), (5, 4), (5, 100), (0, 100), (3, 100)]:
        tested = np.zeros(1, dtype=np.int64)
        got = f(data.ctypes.data, n_, limit_, tested.ctypes.data)
        expected = next((k for k in range(n_) if not data[k] < limit_), n_)
        assert got == expected
        assert tested[0] == min(expected + 1, n_)   # never data[n]


def _reference(bins, neurons, size, steps, period, last=-1):
    """Brian2's SpikeGeneratorGroup algorithm, step by step (bins sorted)."""
    emitted = []
    for step in range(steps):
        if last < 0:
            last = int(np.searchsorted(bins, step, side="left"))
        timebin = step % period if period > 0 else step
        previous = last - 1 if last > 0 else 0
        if period > 0 and last > 0 and bins[previous] >= timebin:
            last = 0
        spikes = []
        while last < len(bins) and len(spikes) < size and bins[last] <= timebin:
            spikes.append(int(neurons[last]))
            last += 1
        emitted.append(spikes)
    return emitted


def _generator(bins, neurons, size, period, last=-1):
    slots = SlotTable()
    arrays = {"bins": DynamicArray(len(bins), dtype=np.int32),
              "neurons": DynamicArray(len(neurons), dtype=np.int32),
              "spikes": DynamicArray(size + 1, dtype=np.int32),
              "last": DynamicArray(1, dtype=np.int64), "period": DynamicArray(1, dtype=np.int64)}
    arrays["bins"].data[:], arrays["neurons"].data[:] = bins, neurons
    arrays["last"].data[0], arrays["period"].data[0] = last, period
    shape = K.SpikeGenerator(size, *(slots.slot(arrays[name]) for name in
                                     ("spikes", "bins", "neurons", "last", "period")))
    module = ir.Module()
    lower_kernel(module, K.Kernel("generator", shape, {}), "generator")
    f = compile_ir(str(module)).cfunc("generator", ctypes.c_int32, ctypes.c_void_p,
                                      ctypes.c_int64)
    table = ctypes.cast(slots.addresses(), ctypes.c_void_p)

    def run(step):
        assert f(table, step) == 0
        spikes = arrays["spikes"].data
        return spikes[:spikes[size]].tolist()
    return run


@pytest.mark.parametrize("period", [0, 12])
@pytest.mark.parametrize("size", [20, 3])
def test_spike_generator_shape_emits_brian2s_spikes(period, size):
    rng = np.random.default_rng(4)
    bins, neurons = [], []
    for b in range(0, 10):
        chosen = np.flatnonzero(rng.random(size) < 0.3)
        bins += [b] * len(chosen)
        neurons += chosen.tolist()
    bins, neurons = np.array(bins), np.array(neurons)
    run = _generator(bins, neurons, size, period)
    expected = _reference(bins, neurons, size, 40, period)
    assert [run(step) for step in range(40)] == expected


def test_spike_generator_started_late_skips_the_past_spikes():
    bins, neurons = np.array([0, 1, 1, 5, 9]), np.array([0, 1, 2, 3, 4])
    run = _generator(bins, neurons, 5, 0)
    assert [run(step) for step in range(3, 11)] == [[], [], [3], [], [], [], [4], []]
