"""PoissonGroup's candidate draws call one out-of-line Philox (``rng.philox_function``) instead
of inlining four copies of it (the build of the SWC benchmark, issue 8): the same random numbers
bit for bit, the same spikes as before the change, and the Bernoulli shape (written with the loop
toolkit) equal to a numpy reference of its algorithm."""
import ctypes
import hashlib

import numpy as np
import pytest
from llvmlite import ir

import brianjit as bj
from brianjit import kernel as K
from brianjit.codegen import rng
from brianjit.codegen.kernels import lower_kernel
from brianjit.jit import compile_ir
from brianjit.memory import DynamicArray
from brianjit.model.symbols import symbol
from brianjit.objects.assembly import SlotTable

I64, F64 = ir.IntType(64), ir.DoubleType()
_PHILOX_MULTIPLIER = str(0xD2511F53)


def _uniforms_both_ways():
    """f(seed, stream, index, step, out): out[0] inline (``emit_uniform``), out[1] through the
    out-of-line function."""
    module = ir.Module()
    fn = ir.Function(module, ir.FunctionType(ir.VoidType(), [I64] * 4 + [ir.PointerType()]),
                     name="f")
    b = ir.IRBuilder(fn.append_basic_block("entry"))
    seed, stream, index, step, out = fn.args
    b.store(rng.emit_uniform(b, seed, stream, index, step), out)
    key = rng.emit_key_call(b, seed, stream)
    b.store(rng.emit_uniform_call(b, key, index, step),
            b.gep(out, [ir.Constant(I64, 1)], source_etype=F64))
    b.ret_void()
    return compile_ir(str(module)).cfunc("f", None, *[ctypes.c_int64] * 4, ctypes.c_void_p)


def test_out_of_line_uniform_is_the_inline_uniform_bit_for_bit():
    f = _uniforms_both_ways()
    out = np.zeros(2)
    cases = [(0, 0, 0, 0), (1, 2, 3, 4), (2**40 + 7, 5, 2**33 + 1, 10**9), (-1, 7, 123, 2**31 - 1),
             (12345, 0, 2**62, 3)]
    for seed, stream, index, step in cases:
        f(seed, stream, index, step, out.ctypes.data)
        expected = rng.uniform(seed, stream, index, step)
        assert out[0] == out[1] == expected, (seed, stream, index, step)


def _bernoulli_kernel(p, seed_stream_first=0):
    """The Bernoulli shape alone over probabilities ``p``: (run(step) -> spikes, compiled)."""
    slots = SlotTable()
    size = len(p)
    keep = {"p": DynamicArray(size), "spikes": DynamicArray(size + 1, dtype=np.int32),
            "scratch": DynamicArray(size)}
    keep["p"].data[:] = p
    variables = {"p": slots.array_var("p", keep["p"], "float")}
    shape = K.BernoulliSpikes(size, slots.slot(keep["spikes"]), symbol("p"),
                              slots.slot(keep["scratch"]))
    module = ir.Module()
    lower_kernel(module, K.Kernel("poisson", shape, variables, first_stream=seed_stream_first),
                 "poisson")
    compiled = compile_ir(str(module))
    f = compiled.cfunc("poisson", ctypes.c_int32, ctypes.c_void_p, ctypes.c_int64)
    table = ctypes.cast(slots.addresses(), ctypes.c_void_p)

    def run(step):
        assert f(table, step) == 0
        spikes = keep["spikes"].data
        return spikes[:spikes[size]].tolist()
    return run, compiled


def _reference(p, step, first_stream):
    """The lowering's algorithm in numpy: geometric skips with q = max(p), thinning by p/q; the
    draw number indexes both streams (seed 0)."""
    p = np.where(p > 0, p, 0.0)
    p = np.where(p < 1, p, 1.0)
    q = p.max()
    if not q > 0:
        return []
    certain = q >= 1
    log_miss = np.log1p(-(0.5 if certain else q))
    spikes, position, draw = [], -1, 0
    while True:
        u = rng.uniform(0, first_stream, draw, step)
        gap = 0.0 if certain else min(np.floor(np.log1p(-u) / log_miss), float(len(p)))
        position += int(gap) + 1
        if position >= len(p):
            return spikes
        if rng.uniform(0, first_stream + 1, draw, step) * q < p[position]:
            spikes.append(position)
        draw += 1


@pytest.mark.parametrize("p", [
    np.linspace(0.0, 0.3, 50),                       # many spikes per step
    np.full(200, 5e-3),                              # rare spikes, long skips
    np.r_[np.zeros(10), 1.0, np.zeros(10), 0.5],     # q = 1: every element a candidate
    np.r_[np.nan, -1.0, 0.2, np.inf, 0.0],           # NaN and negative never, >= 1 always
    np.zeros(7),                                     # q = 0: no draws at all
])
def test_bernoulli_shape_draws_the_spikes_of_its_numpy_reference(p):
    run, _ = _bernoulli_kernel(p, seed_stream_first=3)
    for step in range(20):
        assert run(step) == _reference(p, step, 3), step


def test_the_kernel_calls_one_copy_of_philox():
    _, compiled = _bernoulli_kernel(np.full(20, 0.1))
    kernel = compiled.optimized_ir.split("define ")
    with_rounds = [f.split("(")[0] for f in kernel[1:] if _PHILOX_MULTIPLIER in f]
    assert len(with_rounds) == 1 and "philox" in with_rounds[0], with_rounds


# recorded with the inline draws (commit 6294181), seed 5, 50 ms at dt = 0.1 ms
_GOLDEN = [(2105, "f3828689e4813d75"), (267, "0299b98bb0036279")]


def test_poissongroup_spikes_are_those_of_the_inline_draws():
    bj.start_scope()
    bj.seed(5)
    g = bj.PoissonGroup(100, rates=np.linspace(0, 800, 100) * bj.Hz)
    h = bj.PoissonGroup(10, rates="(1 + i)*100*Hz")
    monitors = bj.SpikeMonitor(g), bj.SpikeMonitor(h)
    bj.Network(g, h, *monitors).run(50 * bj.ms)
    for monitor, (count, digest) in zip(monitors, _GOLDEN):
        i = np.asarray(monitor.i[:], dtype=np.int64)
        t = np.asarray(monitor.t_[:] / 1e-4).round().astype(np.int64)
        assert len(i) == count
        assert hashlib.sha256(i.tobytes() + t.tobytes()).hexdigest()[:16] == digest
