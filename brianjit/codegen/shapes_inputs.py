"""Lowerings for the input objects: the SpikeGeneratorGroup's loop shape, and the functions a
kernel may call by name (a TimedArray's lookup, a binomial draw, a user's Python function).

Both functions are registered in ``FUNCTION_LOWERINGS`` and reached through ExprLowerer's
``functions`` hook: ``lower(emitter, description, lowerer, args)`` returns a double.
"""
from __future__ import annotations

import math

from llvmlite import ir

from .. import kernel as K
from . import callbacks, dynarray, loops, rng
from .kernels import FUNCTION_LOWERINGS, KernelEmitter, const, lowers
from .mathfuncs import call_math

I1, I32, I64, F64 = ir.IntType(1), ir.IntType(32), ir.IntType(64), ir.DoubleType()


# ---- SpikeGeneratorGroup ---------------------------------------------------------------------

@lowers(K.SpikeGenerator)
def _spike_generator(em: KernelEmitter, shape: K.SpikeGenerator):
    """Brian2's algorithm: with a period, the bin is the step modulo the period and the pointer
    restarts when the previous spike's bin is not before it; then every spike whose bin is not
    after the current one is emitted (at most ``size`` per step: the spike space's room)."""
    b = em.builder
    n_spikes = dynarray.emit_load_size(em.prologue, em.header(shape.timebins))
    bins, neurons = em.data(shape.timebins), em.data(shape.indices)
    spikes = em.data(shape.spikespace)
    last_ptr = em.data(shape.lastindex)
    period = b.load(em.data(shape.period_bins), typ=I64)
    pointer = em.alloca(I64)
    b.store(b.load(last_ptr, typ=I64), pointer)
    with b.if_then(b.icmp_signed("<", b.load(pointer, typ=I64), const(0))):
        b.store(_count_before(em, bins, n_spikes, em.step), pointer)
    last = b.load(pointer, typ=I64)
    periodic = b.icmp_signed(">", period, const(0))
    safe_period = b.select(periodic, period, const(1))
    timebin = b.select(periodic, b.srem(em.step, safe_period), em.step)
    # restart the period: the spike before the pointer is not earlier than the current bin
    previous = b.select(b.icmp_signed(">", last, const(0)), b.sub(last, const(1)), const(0))
    previous_bin = b.sext(b.load(b.gep(bins, [previous], source_etype=I32), typ=I32), I64)
    restart = b.and_(periodic, b.and_(b.icmp_signed(">", last, const(0)),
                                      b.icmp_signed(">=", previous_bin, timebin)))
    first = b.select(restart, const(0), last)

    count = em.alloca(I64)
    b.store(const(0), count)
    with loops.while_loop(b, name="emit") as loop:
        n = b.load(count, typ=I64)
        k = b.add(first, n)
        room = b.icmp_signed("<", n, const(shape.size))   # the spike space's
        loop.enter_if(b.and_(b.icmp_signed("<", k, n_spikes), room))
        spike_bin = b.sext(b.load(b.gep(bins, [k], source_etype=I32), typ=I32), I64)
        loop.enter_if(b.icmp_signed("<=", spike_bin, timebin))
        neuron = b.load(b.gep(neurons, [k], source_etype=I32), typ=I32)
        b.store(neuron, b.gep(spikes, [n], source_etype=I32))
        b.store(b.add(n, const(1)), count)
    n = b.load(count, typ=I64)
    b.store(b.add(first, n), last_ptr)
    b.store(b.trunc(n, I32), b.gep(spikes, [const(shape.size)], source_etype=I32))


def _count_before(em, bins, n_spikes, step):
    """How many spikes (sorted by bin) lie in bins before ``step``: where a pointer not yet
    placed (-1, new spikes) starts, so spikes already in the past are skipped as in Brian2."""
    b = em.builder
    count = em.alloca(I64)
    b.store(const(0), count)
    with loops.while_loop(b, name="skip") as loop:
        k = b.load(count, typ=I64)
        loop.enter_if(b.icmp_signed("<", k, n_spikes))
        spike_bin = b.sext(b.load(b.gep(bins, [k], source_etype=I32), typ=I32), I64)
        loop.enter_if(b.icmp_signed("<", spike_bin, step))
        b.store(b.add(k, const(1)), count)
    return b.load(count, typ=I64)


# ---- TimedArray --------------------------------------------------------------------------------

def _upsampling(b, ratio):
    """Brian2's K = max(int(2**ceil(log2(ratio))), 1) for a positive double ``ratio``, exactly:
    from the exponent and mantissa bits (a power of two is its own K), no libm."""
    bits = b.bitcast(ratio, I64)
    exponent = b.sub(b.and_(b.lshr(bits, const(52)), const(0x7FF)), const(1023))
    mantissa = b.and_(bits, const((1 << 52) - 1))
    power = b.add(exponent, b.zext(b.icmp_unsigned("!=", mantissa, const(0)), I64))
    power = b.select(b.icmp_signed("<", power, const(0)), const(0), power)
    power = b.select(b.icmp_signed(">", power, const(1023)), const(1023), power)
    return b.bitcast(b.shl(b.add(power, const(1023)), const(52)), F64)


def _clamp_index(b, position, rows):
    """int(position) clipped to ``[0, rows - 1]`` (NaN: 0), safe to convert."""
    last = b.sitofp(b.sub(rows, const(1)), F64)
    position = b.select(b.fcmp_ordered(">=", position, ir.Constant(F64, 0.0)), position,
                        ir.Constant(F64, 0.0))
    position = b.select(b.fcmp_ordered("<=", position, last), position, last)
    return b.fptosi(position, I64)


@lowers(K.TimedArrayFunction, FUNCTION_LOWERINGS)
def _timed_array(em: KernelEmitter, function: K.TimedArrayFunction, lowerer, args):
    """Brian2's compiled TimedArray: ``K`` upsamples the array's dt against the group's so that
    rounding never picks a neighbouring value; the step is ``int((t/epsilon + 0.5)/K)`` with
    ``epsilon = dt/K``, clipped to the rows; a column outside the array gives NaN."""
    if len(args) != function.ndim:
        raise TypeError(f"a {function.ndim}D TimedArray takes {function.ndim} argument(s), "
                        f"got {len(args)}")
    b = lowerer.builder
    p = em.prologue
    header = em.header(function.values)
    rows = dynarray.emit_load_size(p, header)
    columns = dynarray.emit_load_ncols(p, header)
    table_dt = ir.Constant(F64, function.dt)
    group_dt = em.base_values()["dt"]
    upsample = _upsampling(p, p.fmul(p.fdiv(ir.Constant(F64, 8.0), group_dt), table_dt))
    epsilon = p.fdiv(table_dt, upsample)
    t = lowerer.lower_as(args[0], "float")
    position = b.fdiv(b.fadd(b.fdiv(t, epsilon), ir.Constant(F64, 0.5)), upsample)
    row = _clamp_index(b, position, rows)
    if function.ndim == 1:
        column, inside = const(0), None
    else:
        column = lowerer.lower_as(args[1], "integer")
        inside = b.and_(b.icmp_signed(">=", column, const(0)), b.icmp_signed("<", column, columns))
        column = b.select(inside, column, const(0))
    value = b.load(b.gep(em.data(function.values), [b.add(b.mul(row, columns), column)],
                         source_etype=F64), typ=F64)
    if inside is not None:
        value = b.select(inside, value, ir.Constant(F64, math.nan))
    return value


# ---- PoissonInput's binomial -------------------------------------------------------------------

@lowers(K.BinomialSample, FUNCTION_LOWERINGS)
def _binomial(em: KernelEmitter, function: K.BinomialSample, lowerer, args):
    if args:
        raise TypeError("the binomial sample takes no arguments")
    random = lowerer.random
    if random is None:
        raise NotImplementedError("a binomial sample needs random numbers")
    first = random.first_stream + lowerer.streams_used
    lowerer.streams_used += rng.BINOMIAL_STREAMS
    return rng.emit_binomial(lowerer.builder, random.seed, first, random.index, random.step,
                             function.n, function.p, function.approximate)


# ---- PoissonGroup ----------------------------------------------------------------------------

@lowers(K.BernoulliSpikes)
def _bernoulli_spikes(em: KernelEmitter, shape: K.BernoulliSpikes):
    """Pass 1 (vectorised): every element's probability into ``scratch``, and their maximum
    ``q``. Pass 2: candidates are drawn by geometric skips with success probability ``q`` (one
    uniform number per candidate; Devroye's method), and a candidate ``k`` spikes with probability
    ``p_k / q`` (thinning). Every element thus spikes with probability ``p_k``, independently, as
    with one ``rand() < p_k`` per element, but the random numbers drawn per step are about twice
    the number of spikes. Random numbers are indexed by (stream, draw number, step)."""
    b = em.builder
    em.base_values()
    scratch = em.data(shape.scratch)
    top = em.alloca(F64)
    b.store(ir.Constant(F64, 0.0), top)

    def probabilities():  # the rates may call Python functions
        # O3's interleaved loop (not the compact hint): the compact one cost stdp-1, a
        # PoissonGroup of 1,000 driving one neuron, ~15 % of its run time
        with em.for_range(const(0), const(shape.size), name="probability") as i:
            p = em.run_statements([K.Assign("_p", shape.probability)], i, shape.size,
                                  declared={"_p": "float"})["_p"]
            if em.python_calls.capturing:
                return
            # as Brian2's ``rand() < rates*dt``: NaN and negative never spike, >= 1 (inf) always
            p = b.select(b.fcmp_ordered(">", p, ir.Constant(F64, 0.0)), p, ir.Constant(F64, 0.0))
            p = b.select(b.fcmp_ordered("<", p, ir.Constant(F64, 1.0)), p, ir.Constant(F64, 1.0))
            b.store(p, b.gep(scratch, [i], source_etype=F64))
            maxnum = em.module.declare_intrinsic("llvm.maxnum", [F64],
                                                 ir.FunctionType(F64, [F64, F64]))
            b.store(b.call(maxnum, [b.load(top, typ=F64), p], fastmath=("nnan", "nsz")), top)
    em.with_python_calls(probabilities)
    _draw_candidates(em, shape, b.load(top, typ=F64))


def _draw_candidates(em: KernelEmitter, shape: K.BernoulliSpikes, q):
    """Pass 2 of :func:`_bernoulli_spikes`: the spikes among the candidates, into the spike
    space. A loop whose trip count is the number of candidates (about one per spike), so it is
    written for compile time: the two draws per candidate call one out-of-line Philox
    (``rng.philox_function``) instead of inlining four copies of it (~0.04 s of LLVM's time),
    with the same bits."""
    b = em.builder
    spikes, scratch = em.data(shape.spikespace), em.data(shape.scratch)
    size = const(shape.size)
    seed = em.base_values().get("_seed", const(0))
    certain = b.fcmp_ordered(">=", q, ir.Constant(F64, 1.0))
    # log(1 - q) < 0 for 0 < q < 1; with q >= 1 every element is a candidate: the gap's bound is
    # 0, not a test of ``certain`` in the loop (LLVM would unswitch the loop on it and, to do so,
    # freeze q, which stops it from vectorising the maximum that computes q)
    log_miss = call_math(b, "log1p", [b.fneg(b.select(certain, ir.Constant(F64, 0.5), q))])
    longest = b.select(certain, ir.Constant(F64, 0.0), ir.Constant(F64, float(shape.size)))
    count, position, draws = em.alloca(I64), em.alloca(I64), em.alloca(I64)
    for slot, value in ((count, 0), (position, -1), (draws, 0)):
        b.store(const(value), slot)
    with b.if_then(b.fcmp_ordered(">", q, ir.Constant(F64, 0.0))):
        skip_key = rng.emit_key_call(b, seed, em.kernel.first_stream)
        accept_key = rng.emit_key_call(b, seed, em.kernel.first_stream + 1)
        with loops.while_loop(b, name="bernoulli") as loop:
            draw = b.load(draws, typ=I64)
            b.store(b.add(draw, const(1)), draws)
            u = rng.emit_uniform_call(b, skip_key, draw, em.step)
            gap = call_math(b, "floor", [b.fdiv(call_math(b, "log1p", [b.fneg(u)]), log_miss)])
            gap = b.select(b.fcmp_ordered("<", gap, longest), gap, longest)
            k = b.add(b.load(position, typ=I64), b.add(b.fptosi(gap, I64), const(1)))
            b.store(k, position)
            loop.enter_if(b.icmp_signed("<", k, size))
            p = b.load(b.gep(scratch, [k], source_etype=F64), typ=F64)
            v = rng.emit_uniform_call(b, accept_key, draw, em.step)
            with b.if_then(b.fcmp_ordered("<", b.fmul(v, q), p)):
                n = b.load(count, typ=I64)
                b.store(b.trunc(k, I32), b.gep(spikes, [n], source_etype=I32))
                b.store(b.add(n, const(1)), count)
    b.store(b.trunc(b.load(count, typ=I64), I32), b.gep(spikes, [size], source_etype=I32))


# ---- users' Python functions (the passes are in codegen/callbacks.py) ---------------------------

@lowers(K.PythonFunction, FUNCTION_LOWERINGS)
def _python_function(em: KernelEmitter, function: K.PythonFunction, lowerer, args):
    return callbacks.lower_python_call(em, function, lowerer, args)
