"""Lowerings of the synaptic loop shapes: per-synapse updates, spike propagation, synapse creation.

Why these shapes look the way they do:

- ``ForEachRow`` reads the number of synapses from the table's header when it starts, so a program
  built before a later ``connect()`` stays valid (no rebuild when synapses are added).
- ``Propagate`` never queues synapses: it keeps the spike *lists* of the last ``depth`` steps
  (a few int32s per spike) and walks, for each spike old enough, the contiguous range of synapses
  whose delay equals the spike's age. With no or homogeneous delays that is one range per spike of
  the current (or ``depth - 1`` steps old) step: the CUBA loop is "for each spike, for each of its
  synapses", with no work for silent neurons.
- ``Connect`` appends (i, j) pairs natively; a constant ``p`` jumps from one created synapse to the
  next by a geometric draw, so it costs per synapse created rather than per candidate pair.
"""
from __future__ import annotations

import math

from llvmlite import ir
from sympy import And, StrictLessThan

from .. import kernel as K
from ..model.symbols import rand
from . import dynarray
from .kernels import I32, I64, F64, KernelEmitter, _append_to_all, _spike_range, const, lowers
from .mathfuncs import call_math
from .rng import emit_uniform

__all__ = []


def _load_i32(b, base, index):
    return b.sext(b.load(b.gep(base, [index], source_etype=I32), typ=I32), I64)


@lowers(K.ForEachRow)
def _for_each_row(em: KernelEmitter, shape: K.ForEachRow):
    em.base_values()
    n = dynarray.emit_load_size(em.prologue, em.header(shape.rows))
    em.counted_loop(const(0), n, lambda s: em.run_statements(em.kernel.statements, s, n,
                                                             shape.condition), name="synapse")


@lowers(K.Propagate)
def _propagate(em: KernelEmitter, shape: K.Propagate):
    b = em.builder
    em.base_values()
    width = shape.stop - shape.start + 1
    ring = em.data(shape.ring)
    depth = b.sdiv(dynarray.emit_load_size(em.prologue, em.header(shape.ring)), const(width))
    # this step's spikes of the source range into row (step % depth) of the ring
    row = b.mul(b.srem(em.step, depth), const(width))
    count = em.alloca(I64)
    b.store(const(0), count)

    def enqueue(i):
        n = b.load(count, typ=I64)
        b.store(b.trunc(i, I32), b.gep(ring, [b.add(row, n)], source_etype=I32))
        b.store(b.add(n, const(1)), count)
    _spike_range(em, shape.spikespace, shape.source_size, shape.start, shape.stop, enqueue, "enqueue")
    b.store(b.trunc(b.load(count, typ=I64), I32),
            b.gep(ring, [b.add(row, const(width - 1))], source_etype=I32))

    offsets = em.data(shape.offsets)
    order = em.data(shape.order) if shape.order is not None else None
    # an empty order array means "already in source order" (LLVM unswitches the loop on it)
    permuted = (b.icmp_signed("!=", dynarray.emit_load_size(b, em.header(shape.order)), const(0))
                if order is not None else None)
    statements = em.kernel.statements
    # N in on_pre/on_post code is the number of synapses: the last CSR offset
    n_offsets = dynarray.emit_load_size(b, em.header(shape.offsets))
    n_synapses = _load_i32(b, offsets, b.sub(n_offsets, const(1)))

    def deliver(age):
        """Synapses of the spikes ``age`` steps old whose delay is ``age`` steps."""
        old = b.mul(b.srem(b.add(em.step, b.sub(depth, age)), depth), const(width))
        n_spikes = _load_i32(b, ring, b.add(old, const(width - 1)))

        def each_spike(m):
            source = _load_i32(b, ring, b.add(old, m))
            key = b.add(b.mul(source, depth), age) if shape.heterogeneous else source
            first = _load_i32(b, offsets, key)
            last = _load_i32(b, offsets, b.add(key, const(1)))

            def each_synapse(q):
                if order is None:
                    em.run_statements(statements, q, n_synapses)
                    return
                with b.if_else(permuted) as (through_order, in_place):
                    with through_order:
                        em.run_statements(statements, _load_i32(b, order, q), n_synapses)
                    with in_place:
                        em.run_statements(statements, q, n_synapses)
            em.counted_loop(first, last, each_synapse, name="synapse")
        em.counted_loop(const(0), n_spikes, each_spike, name="spike")

    if shape.heterogeneous:
        em.counted_loop(const(0), depth, deliver, name="age")
    else:
        deliver(b.sub(depth, const(1)))


def _positions(b, start, stop, step: int):
    """How many values ``range(start, stop, step)`` has (i64, >= 0)."""
    span = b.sub(stop, start) if step > 0 else b.sub(start, stop)
    size = abs(step)
    count = b.sdiv(b.add(span, const(size - 1)), const(size))
    return b.select(b.icmp_signed(">", span, const(0)), count, const(0))


@lowers(K.Connect)
def _connect(em: KernelEmitter, shape: K.Connect):
    b = em.builder
    em.base_values()
    error = em.data(shape.error)
    skip_stream = None
    if shape.p_constant:
        skip_stream = em.kernel.first_stream + em.random_streams
        em.random_streams += 1
        inverse_log = 1.0 / math.log1p(-float(shape.p))
    seed = em.base_values()["_seed"]
    bounds = [K.Assign("_start", shape.inner_start), K.Assign("_stop", shape.inner_stop)]
    declared = {"_start": "integer", "_stop": "integer", "_target": "integer", "_ok": "boolean",
                "_n": "integer"}
    accept = shape.condition
    if shape.p is not None and not shape.p_constant:
        draw = StrictLessThan(rand(0), shape.p)
        accept = draw if accept is None else And(accept, draw)
    tests = ([K.Assign("_ok", accept)] if accept is not None else []) + [K.Assign("_n", shape.n)]

    def outer(a):
        values = em.run_statements(bounds, a, shape.outer_size, declared=declared,
                                   extra={shape.outer_name: a})
        first, n_positions = values["_start"], _positions(b, values["_start"], values["_stop"],
                                                           shape.inner_step)

        def candidate(pos):
            k = b.add(first, b.mul(pos, const(shape.inner_step)))
            target = em.run_statements([K.Assign("_target", shape.target)], a, shape.outer_size,
                                       declared=declared,
                                       extra={shape.outer_name: a, shape.inner_name: k})["_target"]
            i, j = (a, target) if shape.outer_is_pre else (target, a)
            if shape.prefilter is None:
                _candidate_pair(em, shape, a, i, j, target, k, declared, tests, error)
                return
            passed = em.run_statements([K.Assign("_pass", shape.prefilter)], a, shape.outer_size,
                                       declared={"_pass": "boolean"},
                                       extra={shape.outer_name: a, shape.inner_name: k,
                                              ("j" if shape.outer_is_pre else "i"): target})
            with b.if_then(passed["_pass"]):
                _candidate_pair(em, shape, a, i, j, target, k, declared, tests, error)

        if skip_stream is None:
            em.counted_loop(const(0), n_positions, candidate, name="candidate")
            return
        # geometric skipping: the gap to the next kept candidate is floor(log(u) / log(1 - p))
        position, draws = em.alloca(I64), em.alloca(I64)
        b.store(const(0), draws)

        def gap():
            n = b.load(draws, typ=I64)
            b.store(b.add(n, const(1)), draws)
            u = b.fsub(ir.Constant(F64, 1.0), emit_uniform(b, seed, skip_stream, a, n))  # (0, 1]
            skip = b.fmul(call_math(b, "log", [u]), ir.Constant(F64, inverse_log))
            skip = b.select(b.fcmp_ordered("<", skip, ir.Constant(F64, 2.0 ** 62)), skip,
                            ir.Constant(F64, 2.0 ** 62))
            return b.fptosi(skip, I64)
        b.store(gap(), position)
        head = em.func.append_basic_block("skip.head")
        body = em.func.append_basic_block("skip.body")
        done = em.func.append_basic_block("skip.done")
        b.branch(head)
        b.position_at_end(head)
        b.cbranch(b.icmp_signed("<", b.load(position, typ=I64), n_positions), body, done)
        b.position_at_end(body)
        candidate(b.load(position, typ=I64))
        b.store(b.add(b.add(b.load(position, typ=I64), const(1)), gap()), position)
        b.branch(head)
        b.position_at_end(done)

    em.counted_loop(const(0), const(shape.outer_size), outer, name="outer")


def _candidate_pair(em, shape, a, i, j, target, k, declared, tests, error):
    """Range check of the other end, then the condition and ``p``, then the append."""
    b = em.builder
    valid = b.and_(b.icmp_signed(">=", target, const(0)),
                   b.icmp_signed("<", target, const(shape.other_size)))
    with b.if_else(valid) as (then, otherwise):
        with then:
            pair = b.add(b.mul(a, const(shape.other_size)), target)
            result = em.run_statements(tests, pair, shape.outer_size, declared=declared,
                                       extra={"i": i, "j": j, shape.inner_name: k})
            keep = result.get("_ok", ir.Constant(ir.IntType(1), 1))
            with b.if_then(b.and_(keep, b.icmp_signed(">", result["_n"], const(0)))):
                _append_pairs(em, shape, i, j, result["_n"])
        with otherwise:
            if not shape.skip_if_invalid:
                b.store(i, b.gep(error, [const(0)], source_etype=I64))
                b.store(j, b.gep(error, [const(1)], source_etype=I64))
                b.ret(ir.Constant(I32, 2))
                b.position_at_end(b.append_basic_block("unreachable"))


def _append_pairs(em, shape, i, j, n):
    """Append ``n`` copies of the synapse (i, j)."""
    b = em.builder
    # both or neither: i and j of the synapses never differ in length, even when memory runs out
    pre_rows, post_rows = _append_to_all(em, (shape.pre, shape.post), n, zero=False)

    def fill(r):
        b.store(b.trunc(i, I32), b.gep(pre_rows, [r], source_etype=I32))
        b.store(b.trunc(j, I32), b.gep(post_rows, [r], source_etype=I32))
    em.counted_loop(const(0), n, fill, name="copy")

