"""Philox4x32-10 in IR: Random123 known answers, equality with the numpy reference, moments,
independence of streams and indices, finiteness of normals."""
import ctypes

import numpy as np
import pytest
from hypothesis import given, strategies as st
from llvmlite import ir

from brianjit.codegen import rng
from brianjit.jit import compile_ir

I32, I64, D = ir.IntType(32), ir.IntType(64), ir.DoubleType()
KAT = [  # Random123 tests/kat_vectors: counter, key, expected
    ((0, 0, 0, 0), (0, 0), (0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8)),
    ((0xFFFFFFFF,) * 4, (0xFFFFFFFF,) * 2, (0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD)),
    ((0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344), (0xA4093822, 0x299F31D0),
     (0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1)),
]


@pytest.fixture(scope="module")
def native():
    """philox(ptr in6, ptr out4) and fill_{uniform,normal}(ptr out, i64 n, seed, stream, step)."""
    module = ir.Module()
    philox = ir.Function(module, ir.FunctionType(ir.VoidType(), [ir.PointerType()] * 2), "philox")
    b = ir.IRBuilder(philox.append_basic_block())
    words = [b.load(b.gep(philox.args[0], [ir.Constant(I64, k)], source_etype=I32), typ=I32)
             for k in range(6)]
    for k, word in enumerate(rng.emit_philox(b, words[:4], words[4:])):
        b.store(word, b.gep(philox.args[1], [ir.Constant(I64, k)], source_etype=I32))
    b.ret_void()
    for name, emit in (("uniform", rng.emit_uniform), ("normal", rng.emit_normal)):
        fn = ir.Function(module, ir.FunctionType(ir.VoidType(), [ir.PointerType(), I64, I64, I64, I64]),
                         "fill_" + name)
        out, n, seed, stream, step = fn.args
        entry, loop, done = (fn.append_basic_block(s) for s in ("entry", "loop", "done"))
        b = ir.IRBuilder(entry)
        b.cbranch(b.icmp_signed(">", n, ir.Constant(I64, 0)), loop, done)
        b.position_at_end(loop)
        index = b.phi(I64)
        index.add_incoming(ir.Constant(I64, 0), entry)
        value = emit(b, seed, stream, index, step)
        b.store(value, b.gep(out, [index], source_etype=D))
        following = b.add(index, ir.Constant(I64, 1))
        index.add_incoming(following, loop)
        b.cbranch(b.icmp_signed("==", following, n), done, loop)
        b.position_at_end(done)
        b.ret_void()
    compiled = compile_ir(str(module))
    fill = {name: compiled.cfunc("fill_" + name, None, ctypes.c_void_p, *[ctypes.c_int64] * 4)
            for name in ("uniform", "normal")}
    return compiled.cfunc("philox", None, ctypes.c_void_p, ctypes.c_void_p), fill, compiled


def _fill(native, kind, n, seed, stream, step):
    out = np.empty(n)
    native[1][kind](out.ctypes.data, n, seed, stream, step)
    return out


@pytest.mark.parametrize("counter,key,expected", KAT)
def test_known_answers_ir_and_numpy(native, counter, key, expected):
    words = np.array(counter + key, dtype=np.uint32)
    out = np.zeros(4, dtype=np.uint32)
    native[0](words.ctypes.data, out.ctypes.data)
    assert tuple(int(w) for w in out) == expected
    assert tuple(int(w) for w in rng.philox4x32_10(counter, key)) == expected


@given(seed=st.integers(-2**63, 2**63 - 1), stream=st.integers(0, 2**40),
       step=st.integers(0, 2**62))
def test_ir_equals_numpy_reference(native, seed, stream, step):
    index = np.arange(37)
    u = _fill(native, "uniform", 37, seed, stream, step)
    assert np.array_equal(u, rng.uniform(seed, stream, index, step))
    z = _fill(native, "normal", 37, seed, stream, step)
    np.testing.assert_allclose(z, rng.normal(seed, stream, index, step), rtol=1e-13, atol=1e-14)


def test_uniform_range_resolution_and_moments(native):
    n = 200_000
    u = _fill(native, "uniform", n, 12345, 3, 17)
    assert u.min() >= 0.0 and u.max() < 1.0
    # 53 bits: multiples of 2**-53, and low bits are used
    assert np.all(u * 2.0**53 == np.floor(u * 2.0**53))
    assert np.any((u * 2.0**53) % 2 == 1)
    sigma = 1 / np.sqrt(n)
    assert abs(u.mean() - 0.5) < 5 * sigma * np.sqrt(1 / 12)
    assert abs(u.var() - 1 / 12) < 5 * sigma * np.sqrt(1 / 180)


def test_normal_moments_and_finiteness(native):
    n = 200_000
    z = _fill(native, "normal", n, 99, 0, 5)
    assert np.all(np.isfinite(z)) and np.abs(z).max() < 8.58
    sigma = 1 / np.sqrt(n)
    assert abs(z.mean()) < 5 * sigma
    assert abs(z.var() - 1) < 5 * sigma * np.sqrt(2)
    assert abs(np.mean(z**3)) < 5 * sigma * np.sqrt(15)
    assert abs(np.mean(z**4) - 3) < 5 * sigma * np.sqrt(96)


def test_normal_extreme_block_is_finite():
    # the radius uniform is on (0, 1]: all-zero bits give the largest radius, still finite
    assert np.isfinite(rng._reference_unit(np.uint32(0), np.uint32(0), 1)) and \
        rng._reference_unit(np.uint32(0), np.uint32(0), 1) == 2.0**-53


def test_streams_indices_steps_and_seeds_are_independent(native):
    n = 50_000
    base = _fill(native, "uniform", n, 1, 0, 0)
    others = [_fill(native, "uniform", n, 1, 1, 0), _fill(native, "uniform", n, 1, 0, 1),
              _fill(native, "uniform", n, 2, 0, 0), _fill(native, "uniform", n, 0, 1, 0)]
    for other in others:
        assert np.corrcoef(base, other)[0, 1] < 5 / np.sqrt(n)
        assert np.mean(base == other) < 1e-3
    # neighbouring indices are uncorrelated too
    assert abs(np.corrcoef(base[:-1], base[1:])[0, 1]) < 5 / np.sqrt(n)


def test_same_arguments_same_numbers(native):
    a = _fill(native, "normal", 1000, 7, 2, 3)
    assert np.array_equal(a, _fill(native, "normal", 1000, 7, 2, 3))
    u = _fill(native, "uniform", 1000, 7, 2, 3)
    # a prefix does not depend on how many are drawn (no state between indices): bit for bit for
    # uniforms; normals of the scalar remainder loop use libm, of the vector body libmvec, which
    # may differ in the last bit
    assert np.array_equal(_fill(native, "uniform", 10, 7, 2, 3), u[:10])
    np.testing.assert_allclose(_fill(native, "normal", 10, 7, 2, 3), a[:10], rtol=4e-16, atol=1e-16)


def test_normal_loop_vectorises(native):
    asm = native[2].assembly
    assert "_ZGV" in asm or "ymm" in asm or "xmm" in asm
