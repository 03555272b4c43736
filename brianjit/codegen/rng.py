"""Random numbers in generated code: Philox4x32-10, a counter-based generator, emitted as IR.

Why counter-based: a random number is a pure function of (seed, stream, index, step), so it does
not matter in which order, chunk or thread neurons are updated — results are bit-for-bit the same
(DESIGN.md, invariant 4) and loops over neurons still vectorise (no state carried between
iterations). The ``stream`` is a constant per ``rand()``/``randn()`` call site, ``index`` the
neuron or synapse index, ``step`` the time step.

Layout: the Philox key is ``philox(counter=(stream, 0), key=seed)`` (the first two words), so
every (seed, stream) pair gets its own key; LLVM hoists that block out of loops since seed and
stream are loop invariant. The counter is ``(index, step)`` as four 32-bit words, low word first.
One block of 128 bits gives one number: a uniform uses 53 bits, a normal two 53-bit uniforms
through Box-Muller, with the radius' uniform on (0, 1] so it never takes ``log(0)`` (hence
``|randn()| < 8.58`` always).

:func:`philox4x32_10`, :func:`uniform` and :func:`normal` are the numpy reference of the same
functions, for tests and for users who want to reproduce a simulation's random numbers.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from llvmlite import ir

from .mathfuncs import FAST_MATH, call_math

__all__ = ["RandomContext", "emit_philox", "emit_block", "emit_uniform", "emit_normal",
           "philox_function", "emit_key_call", "emit_uniform_call",
           "philox4x32_10", "uniform", "normal", "emit_binomial", "binomial", "binomial_constants",
           "BINOMIAL_STREAMS", "emit_poisson", "poisson", "POISSON_STREAMS"]

_MULTIPLIERS = (0xD2511F53, 0xCD9E8D57)
_WEYL = (0x9E3779B9, 0xBB67AE85)
_ROUNDS = 10
_I32, _I64, _DOUBLE = ir.IntType(32), ir.IntType(64), ir.DoubleType()
_TWO_POW_M53 = 2.0 ** -53


@dataclass
class RandomContext:
    """What the expression lowering needs to emit random numbers: ``seed``, ``index`` and
    ``step`` as i64 ir.Values, and the stream number of the first random call it will meet
    (the k-th call gets ``first_stream + k``)."""

    seed: ir.Value
    index: ir.Value
    step: ir.Value
    first_stream: int = 0


# --- IR ------------------------------------------------------------------------------------------

def _mulhilo(builder, multiplier: int, word):
    product = builder.mul(builder.zext(word, _I64), ir.Constant(_I64, multiplier))
    high = builder.trunc(builder.lshr(product, ir.Constant(_I64, 32)), _I32)
    return high, builder.trunc(product, _I32)


def emit_philox(builder: ir.IRBuilder, counter, key):
    """Philox4x32-10 of four i32 counter words and two i32 key words; returns four i32 words."""
    c0, c1, c2, c3 = counter
    k0, k1 = key
    for round_number in range(_ROUNDS):
        if round_number:
            k0 = builder.add(k0, ir.Constant(_I32, _WEYL[0]))
            k1 = builder.add(k1, ir.Constant(_I32, _WEYL[1]))
        hi0, lo0 = _mulhilo(builder, _MULTIPLIERS[0], c0)
        hi1, lo1 = _mulhilo(builder, _MULTIPLIERS[1], c2)
        c0, c1, c2, c3 = (builder.xor(builder.xor(hi1, c1), k0), lo1,
                          builder.xor(builder.xor(hi0, c3), k1), lo0)
    return [c0, c1, c2, c3]


def _split(builder, value):
    """An i64 as its (low, high) i32 words."""
    return builder.trunc(value, _I32), builder.trunc(builder.lshr(value, ir.Constant(_I64, 32)), _I32)


def _as_i64(value):
    return ir.Constant(_I64, value) if isinstance(value, int) else value


def _key(builder, philox, seed, stream):
    """The Philox key (two i32 words) of (seed, stream): the first two words of
    ``philox(counter=(stream, 0), key=seed)``, where ``philox(builder, counter, key)`` is
    :func:`emit_philox` or a call of :func:`philox_function` (the same bits)."""
    zero = ir.Constant(_I32, 0)
    return philox(builder, [*_split(builder, _as_i64(stream)), zero, zero],
                  _split(builder, _as_i64(seed)))[:2]


def _counter(builder, index, step):
    """The Philox counter of (index, step): four i32 words, low word first."""
    return [*_split(builder, _as_i64(index)), *_split(builder, _as_i64(step))]


def emit_block(builder: ir.IRBuilder, seed, stream, index, step):
    """The 128 random bits (four i32 words) for (seed, stream, index, step), each an i64 ir.Value
    or a Python int."""
    key = _key(builder, emit_philox, seed, stream)
    return emit_philox(builder, _counter(builder, index, step), key)


def _unit(builder, low, high, offset: int):
    """(53 high bits of the 64-bit word high:low + offset) * 2**-53 as a double."""
    word = builder.or_(builder.shl(builder.zext(high, _I64), ir.Constant(_I64, 32)),
                       builder.zext(low, _I64))
    bits = builder.lshr(word, ir.Constant(_I64, 11))
    if offset:
        bits = builder.add(bits, ir.Constant(_I64, offset))
    return builder.fmul(builder.sitofp(bits, _DOUBLE), ir.Constant(_DOUBLE, _TWO_POW_M53))


def emit_uniform(builder: ir.IRBuilder, seed, stream, index, step) -> ir.Value:
    """A double uniform on [0, 1) with 53 random bits."""
    w = emit_block(builder, seed, stream, index, step)
    return _unit(builder, w[0], w[1], 0)


def emit_normal(builder: ir.IRBuilder, seed, stream, index, step) -> ir.Value:
    """A standard normal double (Box-Muller, cosine branch); always finite."""
    w = emit_block(builder, seed, stream, index, step)
    radius_uniform = _unit(builder, w[0], w[1], 1)   # (0, 1]
    angle_uniform = _unit(builder, w[2], w[3], 0)    # [0, 1)
    log_u = call_math(builder, "log", [radius_uniform])
    radius = call_math(builder, "sqrt", [builder.fmul(log_u, ir.Constant(_DOUBLE, -2.0),
                                                      flags=FAST_MATH)])
    angle = builder.fmul(angle_uniform, ir.Constant(_DOUBLE, 2 * math.pi), flags=FAST_MATH)
    return builder.fmul(radius, call_math(builder, "cos", [angle]), flags=FAST_MATH)


# --- out of line: one copy of the rounds per module ------------------------------------------------
# An inlined Philox4x32-10 costs LLVM ~13 ms to optimise and compile (processor time; InstCombine
# and instruction selection on its chain of 64-bit products), so code that draws at a few places
# per step, not in a vectorised loop (PoissonGroup's skips), calls one internal function instead.

_PHILOX_NAME = "brianjit.philox4x32_10"
_WORDS = ir.LiteralStructType([_I32] * 4)


def philox_function(module: ir.Module) -> ir.Function:
    """Philox4x32-10 as one internal, never inlined function of ``module``,
    ``{i32, i32, i32, i32} (i32 c0, c1, c2, c3, k0, k1)``; the same bits as :func:`emit_philox`."""
    fn = module.globals.get(_PHILOX_NAME)
    if fn is None:
        fn = ir.Function(module, ir.FunctionType(_WORDS, [_I32] * 6), name=_PHILOX_NAME)
        fn.linkage = "internal"
        for attribute in ("noinline", "nounwind"):
            fn.attributes.add(attribute)
        b = ir.IRBuilder(fn.append_basic_block("entry"))
        result = ir.Constant(_WORDS, ir.Undefined)
        for k, word in enumerate(emit_philox(b, fn.args[:4], fn.args[4:])):
            result = b.insert_value(result, word, k)
        b.ret(result)
    return fn


def _call(builder, counter, key):
    words = builder.call(philox_function(builder.module), [*counter, *key])
    return [builder.extract_value(words, k) for k in range(4)]


def emit_key_call(builder: ir.IRBuilder, seed, stream):
    """The Philox key (two i32 words) of (seed, stream), as :func:`emit_block` derives it,
    through :func:`philox_function`."""
    return _key(builder, _call, seed, stream)


def emit_uniform_call(builder: ir.IRBuilder, key, index, step) -> ir.Value:
    """:func:`emit_uniform` for the key of :func:`emit_key_call`, through
    :func:`philox_function`: the same double."""
    w = _call(builder, _counter(builder, index, step), key)
    return _unit(builder, w[0], w[1], 0)


# --- numpy reference -----------------------------------------------------------------------------

def philox4x32_10(counter, key):
    """Philox4x32-10 on numpy arrays: ``counter`` four uint32 arrays, ``key`` two; returns four."""
    c = [np.asarray(w, dtype=np.uint64) & 0xFFFFFFFF for w in counter]
    k = [np.asarray(w, dtype=np.uint64) & 0xFFFFFFFF for w in key]
    mask = np.uint64(0xFFFFFFFF)
    for round_number in range(_ROUNDS):
        if round_number:
            k = [(k[0] + np.uint64(_WEYL[0])) & mask, (k[1] + np.uint64(_WEYL[1])) & mask]
        p0 = c[0] * np.uint64(_MULTIPLIERS[0])
        p1 = c[2] * np.uint64(_MULTIPLIERS[1])
        c = [(p1 >> np.uint64(32)) ^ c[1] ^ k[0], p1 & mask,
             (p0 >> np.uint64(32)) ^ c[3] ^ k[1], p0 & mask]
    return [w.astype(np.uint32) for w in c]


def _words(value):
    value = np.asarray(value, dtype=np.int64).view(np.uint64)
    return value & np.uint64(0xFFFFFFFF), value >> np.uint64(32)


def _reference_block(seed, stream, index, step):
    zero = np.uint64(0)
    key = philox4x32_10([*_words(stream), zero, zero], _words(seed))[:2]
    return philox4x32_10([*_words(index), *_words(step)], key)


def _reference_unit(low, high, offset):
    word = (high.astype(np.uint64) << np.uint64(32)) | low.astype(np.uint64)
    return ((word >> np.uint64(11)) + np.uint64(offset)).astype(np.float64) * _TWO_POW_M53


def uniform(seed, stream, index, step) -> np.ndarray:
    """numpy reference of :func:`emit_uniform` (arguments broadcast; int64 values)."""
    w = _reference_block(seed, stream, index, step)
    return _reference_unit(w[0], w[1], 0)


def normal(seed, stream, index, step) -> np.ndarray:
    """numpy reference of :func:`emit_normal` (equal up to libm's rounding of log and cos)."""
    w = _reference_block(seed, stream, index, step)
    radius = np.sqrt(-2.0 * np.log(_reference_unit(w[0], w[1], 1)))
    return radius * np.cos(_reference_unit(w[2], w[3], 0) * (2 * math.pi))


# --- binomial numbers (PoissonInput) -------------------------------------------------------------

#: random streams one binomial call site owns: inversion restarts (astronomically rare) draw
#: their uniform from the next stream; after this many restarts the draw gives 0
BINOMIAL_STREAMS = 64


def binomial_constants(n: int, p: float, approximate: bool = True) -> dict:
    """Brian2's choice and constants for Binomial(n, p): ``normal`` (mean ``loc``, deviation
    ``scale``) when ``approximate`` and ``n*p > 5`` and ``n*(1-p) > 5``, else inversion of the
    distribution of the smaller of p and 1-p (``reverse``: return ``n - X``), restarted above
    ``bound``."""
    if approximate and n * p > 5 and n * (1 - p) > 5:
        return {"normal": True, "loc": n * p, "scale": math.sqrt(n * p * (1 - p))}
    reverse = p > 0.5
    small = 1.0 - p if reverse else p
    q = 1.0 - small
    return {"normal": False, "reverse": reverse, "p": small, "q": q,
            "qn": math.exp(n * math.log(q)) if q > 0 else 0.0,
            "bound": min(n, n * small + 10.0 * math.sqrt(n * small * q + 1))}


def emit_binomial(builder: ir.IRBuilder, seed, first_stream: int, index, step, n: int,
                  p: float, approximate: bool = True) -> ir.Value:
    """A Binomial(n, p) number as a double, drawn from streams ``first_stream`` onwards
    (see :func:`binomial_constants`; :func:`binomial` is the numpy reference)."""
    c = binomial_constants(n, p, approximate)
    f64 = lambda x: ir.Constant(_DOUBLE, x)  # noqa: E731
    if c["normal"]:
        z = emit_normal(builder, seed, first_stream, index, step)
        return builder.fadd(builder.fmul(z, f64(c["scale"])), f64(c["loc"]))
    b = builder
    func = b.function
    entry = b.block
    head = func.append_basic_block("binomial.head")
    body = func.append_basic_block("binomial.body")
    restart = func.append_basic_block("binomial.restart")
    advance = func.append_basic_block("binomial.advance")
    done = func.append_basic_block("binomial.done")
    u0 = emit_uniform(b, seed, first_stream, index, step)
    b.branch(head)
    b.position_at_end(head)
    x = b.phi(_I64, name="x")
    px = b.phi(_DOUBLE, name="px")
    u = b.phi(_DOUBLE, name="u")
    attempt = b.phi(_I64, name="attempt")
    x.add_incoming(ir.Constant(_I64, 0), entry)
    px.add_incoming(f64(c["qn"]), entry)
    u.add_incoming(u0, entry)
    attempt.add_incoming(ir.Constant(_I64, 0), entry)
    more = b.and_(b.fcmp_ordered(">", u, px),
                  b.icmp_signed("<", attempt, ir.Constant(_I64, BINOMIAL_STREAMS)))
    b.cbranch(more, body, done)
    b.position_at_end(body)
    x1 = b.add(x, ir.Constant(_I64, 1))
    b.cbranch(b.fcmp_ordered(">", b.sitofp(x1, _DOUBLE), f64(c["bound"])), restart, advance)
    b.position_at_end(restart)
    attempt1 = b.add(attempt, ir.Constant(_I64, 1))
    stream = b.add(ir.Constant(_I64, first_stream), attempt1)
    u_new = emit_uniform(b, seed, stream, index, step)
    x.add_incoming(ir.Constant(_I64, 0), b.block)
    px.add_incoming(f64(c["qn"]), b.block)
    u.add_incoming(u_new, b.block)
    attempt.add_incoming(attempt1, b.block)
    b.branch(head)
    b.position_at_end(advance)
    factor = b.fmul(b.sitofp(b.sub(ir.Constant(_I64, n + 1), x1), _DOUBLE), f64(c["p"]))
    px_new = b.fdiv(b.fmul(factor, px), b.fmul(b.sitofp(x1, _DOUBLE), f64(c["q"])))
    x.add_incoming(x1, advance)
    px.add_incoming(px_new, advance)
    u.add_incoming(b.fsub(u, px), advance)
    attempt.add_incoming(attempt, advance)
    b.branch(head)
    b.position_at_end(done)
    exhausted = b.icmp_signed(">=", attempt, ir.Constant(_I64, BINOMIAL_STREAMS))
    result = b.select(exhausted, ir.Constant(_I64, 0), x)
    if c["reverse"]:
        result = b.sub(ir.Constant(_I64, n), result)
    return b.sitofp(result, _DOUBLE)


def binomial(seed, stream, index, step, n: int, p: float) -> np.ndarray:
    """numpy reference of :func:`emit_binomial` (``index``/``step`` broadcast; loops in Python)."""
    c = binomial_constants(n, p)
    index, step = np.broadcast_arrays(np.asarray(index, dtype=np.int64),
                                      np.asarray(step, dtype=np.int64))
    if c["normal"]:
        return normal(seed, stream, index, step) * c["scale"] + c["loc"]
    out = np.empty(index.shape)
    for pos in np.ndindex(index.shape):
        x, px, attempt = 0, c["qn"], 0
        u = float(uniform(seed, stream, index[pos], step[pos]))
        while u > px and attempt < BINOMIAL_STREAMS:
            x += 1
            if x > c["bound"]:
                x, px, attempt = 0, c["qn"], attempt + 1
                u = float(uniform(seed, stream + attempt, index[pos], step[pos]))
            else:
                u -= px
                px = ((n - x + 1) * c["p"] * px) / (x * c["q"])
        x = 0 if attempt >= BINOMIAL_STREAMS else x
        out[pos] = n - x if c["reverse"] else x
    return out


# --- Poisson numbers (the model function poisson(lam)) -------------------------------------------

#: random streams one poisson() call site owns: stream k holds the uniforms of attempt k of the
#: rejection method (lam >= 10: each attempt is accepted with probability > 0.85; after this many
#: rejections, probability < 1e-50, the draw gives round(lam)); inversion (lam < 10) uses stream 0
POISSON_STREAMS = 64
#: inversion steps at most (lam < 10: P(X > 200) < 1e-150); this also ends the search when the
#: floating-point sum of the probabilities stops short of the uniform
_INVERSION_STEPS = 200
_PTRS_MIN_LAM = 10.0


def _ptrs_constants(lam, sqrt, log):
    """Hormann's PTRS constants for mean ``lam`` (as numpy computes them)."""
    b = 0.931 + 2.53 * sqrt(lam)
    a = -0.059 + 0.02483 * b
    return {"a": a, "b": b, "log_invalpha": log(1.1239 + 1.1328 / (b - 3.4)),
            "vr": 0.9277 - 3.6224 / (b - 2)}


def emit_poisson(builder: ir.IRBuilder, seed, first_stream: int, index, step,
                 lam: ir.Value) -> ir.Value:
    """A Poisson(lam) number (an i64) for a double ``lam`` that may differ per element.

    lam < 10: inversion by sequential search with one uniform (stream ``first_stream``);
    lam >= 10: Hormann's transformed rejection (PTRS, as numpy), attempt k drawing its two
    uniforms from stream ``first_stream + k``; lam <= 0 or NaN: 0; lam = inf (or beyond the i64
    range): INT64_MIN, the integer conversion's "indefinite" value. Every number is a pure function
    of (seed, stream, index, step): chunking and element order never change it.
    :func:`poisson` is the numpy reference."""
    from .types import convert  # types imports the model's function table; rng stays light

    b = builder
    f64 = lambda x: ir.Constant(_DOUBLE, x)  # noqa: E731
    i64 = lambda x: ir.Constant(_I64, x)  # noqa: E731
    arith = dict(flags=())  # no fusing into FMA: the numpy reference must give the same numbers
    func = b.function
    blocks = {name: func.append_basic_block(f"poisson.{name}") for name in (
        "choose", "small", "small.loop", "small.step", "large", "large.loop", "large.body",
        "large.test", "large.next", "done")}
    results = []

    b.cbranch(b.fcmp_ordered(">", lam, f64(0.0)), blocks["choose"], blocks["done"])
    results.append((f64(0.0), b.block))

    b.position_at_end(blocks["choose"])
    b.cbranch(b.fcmp_ordered(">=", lam, f64(_PTRS_MIN_LAM)), blocks["large"], blocks["small"])

    # inversion: x = 0, p = s = exp(-lam); while u > s: x += 1, p *= lam/x, s += p
    b.position_at_end(blocks["small"])
    u = emit_uniform(b, seed, first_stream, index, step)
    p0 = call_math(b, "exp", [b.fneg(lam)])
    b.branch(blocks["small.loop"])
    b.position_at_end(blocks["small.loop"])
    x, p, total = b.phi(_I64, "x"), b.phi(_DOUBLE, "p"), b.phi(_DOUBLE, "s")
    x.add_incoming(i64(0), blocks["small"])
    p.add_incoming(p0, blocks["small"])
    total.add_incoming(p0, blocks["small"])
    more = b.and_(b.fcmp_ordered(">", u, total), b.icmp_signed("<", x, i64(_INVERSION_STEPS)))
    results.append((b.sitofp(x, _DOUBLE), blocks["small.loop"]))
    b.cbranch(more, blocks["small.step"], blocks["done"])
    b.position_at_end(blocks["small.step"])
    x1 = b.add(x, i64(1))
    p1 = b.fdiv(b.fmul(p, lam, **arith), b.sitofp(x1, _DOUBLE), **arith)
    x.add_incoming(x1, blocks["small.step"])
    p.add_incoming(p1, blocks["small.step"])
    total.add_incoming(b.fadd(total, p1, **arith), blocks["small.step"])
    b.branch(blocks["small.loop"])

    # PTRS (Hormann 1993), as numpy's random_poisson_ptrs
    b.position_at_end(blocks["large"])
    slam = call_math(b, "sqrt", [lam])
    loglam = call_math(b, "log", [lam])
    big_b = b.fadd(f64(0.931), b.fmul(f64(2.53), slam, **arith), **arith)
    a = b.fadd(f64(-0.059), b.fmul(f64(0.02483), big_b, **arith), **arith)
    log_invalpha = call_math(b, "log", [b.fadd(f64(1.1239), b.fdiv(
        f64(1.1328), b.fsub(big_b, f64(3.4), **arith), **arith), **arith)])
    vr = b.fsub(f64(0.9277), b.fdiv(f64(3.6224), b.fsub(big_b, f64(2.0), **arith), **arith),
                **arith)
    fallback = call_math(b, "floor", [b.fadd(lam, f64(0.5), **arith)])
    b.branch(blocks["large.loop"])
    b.position_at_end(blocks["large.loop"])
    attempt = b.phi(_I64, "attempt")
    attempt.add_incoming(i64(0), blocks["large"])
    results.append((fallback, blocks["large.loop"]))
    b.cbranch(b.icmp_signed(">=", attempt, i64(POISSON_STREAMS)), blocks["done"],
              blocks["large.body"])
    b.position_at_end(blocks["large.body"])
    w = emit_block(b, seed, b.add(i64(first_stream), attempt), index, step)
    big_u = b.fsub(_unit(b, w[0], w[1], 0), f64(0.5), **arith)
    v = _unit(b, w[2], w[3], 0)
    us = b.fsub(f64(0.5), call_math(b, "fabs", [big_u]), **arith)
    k = call_math(b, "floor", [b.fadd(b.fadd(b.fmul(b.fadd(b.fdiv(b.fmul(f64(2.0), a, **arith), us,
                                                                   **arith), big_b, **arith),
                                                            big_u, **arith), lam, **arith),
                                      f64(0.43), **arith)])
    quick = b.and_(b.fcmp_ordered(">=", us, f64(0.07)), b.fcmp_ordered("<=", v, vr))
    results.append((k, blocks["large.body"]))
    b.cbranch(quick, blocks["done"], blocks["large.test"])
    b.position_at_end(blocks["large.test"])
    reject = b.or_(b.fcmp_ordered("<", k, f64(0.0)),
                   b.and_(b.fcmp_ordered("<", us, f64(0.013)), b.fcmp_ordered(">", v, us)))
    lhs = b.fsub(b.fadd(call_math(b, "log", [v]), log_invalpha, **arith),
                 call_math(b, "log", [b.fadd(b.fdiv(a, b.fmul(us, us, **arith), **arith), big_b,
                                             **arith)]), **arith)
    rhs = b.fsub(b.fadd(b.fneg(lam), b.fmul(k, loglam, **arith), **arith),
                 call_math(b, "lgamma", [b.fadd(k, f64(1.0), **arith)]), **arith)
    accept = b.and_(b.not_(reject), b.fcmp_ordered("<=", lhs, rhs))
    results.append((k, blocks["large.test"]))
    b.cbranch(accept, blocks["done"], blocks["large.next"])
    b.position_at_end(blocks["large.next"])
    attempt.add_incoming(b.add(attempt, i64(1)), blocks["large.next"])
    b.branch(blocks["large.loop"])

    b.position_at_end(blocks["done"])
    result = b.phi(_DOUBLE, "poisson")
    for value, block in results:
        result.add_incoming(value, block)
    return convert(b, result, "float", "integer")


def poisson(seed, stream, index, step, lam) -> np.ndarray:
    """numpy reference of :func:`emit_poisson` (arguments broadcast; loops in Python; equal up
    to libm's rounding of exp, log and lgamma)."""
    seed, stream, index, step, lam = np.broadcast_arrays(
        *(np.asarray(x, dtype=np.int64) for x in (seed, stream, index, step)),
        np.asarray(lam, dtype=np.float64))
    out = np.empty(lam.shape, dtype=np.int64)
    for pos in np.ndindex(lam.shape):
        out[pos] = _poisson_one(int(seed[pos]), int(stream[pos]), int(index[pos]),
                                int(step[pos]), float(lam[pos]))
    return out


def _poisson_one(seed, stream, index, step, lam):
    if not lam > 0:
        return 0
    if lam < _PTRS_MIN_LAM:
        u = float(uniform(seed, stream, index, step))
        x, p = 0, math.exp(-lam)
        total = p
        while u > total and x < _INVERSION_STEPS:
            x += 1
            p = p * lam / x
            total += p
        return x
    c = _ptrs_constants(lam, math.sqrt, math.log)
    loglam = math.log(lam)
    for attempt in range(POISSON_STREAMS):
        w = _reference_block(seed, stream + attempt, index, step)
        big_u = float(_reference_unit(w[0], w[1], 0)) - 0.5
        v = float(_reference_unit(w[2], w[3], 0))
        us = 0.5 - abs(big_u)
        k = math.floor((2 * c["a"] / us + c["b"]) * big_u + lam + 0.43)
        if us >= 0.07 and v <= c["vr"]:
            return k
        if k < 0 or (us < 0.013 and v > us):
            continue
        log_v = math.log(v) if v > 0 else -math.inf
        if (log_v + c["log_invalpha"] - math.log(c["a"] / (us * us) + c["b"])
                <= -lam + k * loglam - math.lgamma(k + 1)):
            return k
    value = math.floor(lam + 0.5)
    return int(value) if abs(value) < 2.0 ** 63 else -(1 << 63)
