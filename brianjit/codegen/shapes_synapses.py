"""Lowerings of the synaptic loop shapes: per-synapse updates, spike propagation, synapse creation.

Why these shapes look the way they do:

- ``ForEachRow`` reads the number of synapses from the table's header when it starts, so a program
  built before a later ``connect()`` stays valid (no rebuild when synapses are added).
- ``Propagate`` never queues synapses: it keeps one row per spike (emission step, neuron) and one
  cursor per distinct delay (``objects/spikes_in_flight.py``); a class's cursor walks the rows
  that are exactly its delay old, each reaching the contiguous range of its neuron's synapses of
  that delay. With no or homogeneous delays that is one class and one range per spike of the step
  (or of ``delay`` steps ago): the CUBA loop is "for each spike, for each of its synapses", with
  no work for silent neurons. Memory follows the spikes in flight, not delay x population.
- ``Connect`` appends (i, j) pairs natively; a constant ``p`` jumps from one created synapse to the
  next by a geometric draw, so it costs per synapse created rather than per candidate pair.
"""
from __future__ import annotations

import math

from llvmlite import ir

from .. import kernel as K
from . import dynarray
from .declarations import declare_function
from .kernels import (I32, I64, F64, PTR, KernelEmitter, _append, _append_to_all, _spike_range,
                      const, lowers)
from .loops import for_range, while_loop
from .mathfuncs import call_math
from .rng import emit_uniform
from .types import STORAGE

# the pieces of the synaptic delivery that the GPU form (gpu/delivery.py) reuses
__all__ = ["SpikeLists", "deliver_class", "deliver_pending", "drop_delivered", "push_spikes",
           "load_i32", "load_i64", "store_i64"]


def load_i32(b, base, index):
    return b.sext(b.load(b.gep(base, [index], source_etype=I32), typ=I32), I64)


@lowers(K.ForEachRow)
def _for_each_row(em: KernelEmitter, shape: K.ForEachRow):
    em.base_values()
    n = dynarray.emit_load_size(em.prologue, em.header(shape.rows))

    def loop():  # emitted again as a pre-pass if the code calls Python functions
        with em.for_range(const(0), n, "synapse") as s:
            em.run_statements(em.kernel.statements, s, n, shape.condition)
    em.with_python_calls(loop)


def load_i64(b, base, index):
    return b.load(b.gep(base, [index], source_etype=I64), typ=I64)


def store_i64(b, value, base, index):
    b.store(value, b.gep(base, [index], source_etype=I64))


#: int64 columns of a row of ``Propagate.spikes``: emission step, neuron, next group
_ROW = 3


@lowers(K.Propagate)
def _propagate(em: KernelEmitter, shape: K.Propagate):
    b = em.builder
    em.base_values()
    p = em.prologue
    statements = em.kernel.statements
    n_synapses = dynarray.emit_load_size(p, em.header(shape.synapses))  # N in the code

    def reach(synapse):
        em.run_statements(statements, synapse, n_synapses)

    classes = em.data(shape.classes)
    n_classes = dynarray.emit_load_size(p, em.header(shape.classes))
    with b.if_then(b.icmp_signed(">", n_classes, const(0))):
        drop_delivered(em, shape, classes, n_classes)
        push_spikes(em, shape)
    def deliveries():  # run again as pre-passes if the code calls Python functions
        deliver_pending(em, shape, reach)
        lists = SpikeLists(dynarray.emit_load_data(b, em.header(shape.spikes)),  # the push
                            dynarray.emit_load_data(b, em.header(shape.steps)),   # may have
                            dynarray.emit_load_size(b, em.header(shape.steps)))   # moved them
        # from the largest delay down: older spikes first, as Brian2 delivers them
        with em.for_range(const(0), n_classes, "class") as k:
            deliver_class(em, shape, b.sub(b.sub(n_classes, const(1)), k), classes, n_classes,
                           lists, reach)
    em.with_python_calls(deliveries)


class SpikeLists:
    """Data pointers of ``spikes`` and ``steps`` and the number of rows of ``steps``."""

    def __init__(self, spikes, steps, n_steps):
        self.spikes, self.steps, self.n_steps = spikes, steps, n_steps


def drop_delivered(em, shape, classes, n_classes):
    """Lists before the last class's row (the largest delay) are delivered everywhere: once
    they are at least half the rows, move the live ones down (amortised O(1) per spike), in
    :func:`_drop_function`, out of line (it is rare, and inline it added a third to the code
    of each pathway, which LLVM takes time to optimise)."""
    b = em.builder
    head = load_i64(b, classes, b.sub(b.mul(n_classes, const(3)), const(2)))
    steps = em.header(shape.steps)
    half = b.and_(b.icmp_signed(">", head, const(0)),
                  b.icmp_signed(">=", b.mul(head, const(2)), dynarray.emit_load_size(b, steps)))
    with b.if_then(half, likely=False):
        b.call(_drop_function(em.module), [steps, em.header(shape.spikes), classes, n_classes])


_DROP_NAME = "brianjit.drop_delivered"


def _drop_function(module):
    """``void drop(steps header, spikes header, classes, n_classes)``, once per module: move
    the lists from the last class's row down to the start of ``steps``/``spikes`` and make
    every class's row and first spike relative to it (``n_classes > 0``)."""
    existing = module.globals.get(_DROP_NAME)
    if existing is not None:
        return existing
    fn = ir.Function(module, ir.FunctionType(ir.VoidType(), [PTR, PTR, PTR, I64]),
                     name=_DROP_NAME)
    fn.linkage = "internal"
    for attr in ("noinline", "cold", "nounwind", "optsize", "minsize"):
        fn.attributes.add(attr)
    steps, spikes, classes, n_classes = fn.args
    b = ir.IRBuilder(fn.append_basic_block("entry"))
    last = b.mul(b.sub(n_classes, const(1)), const(3))
    head, first_live = (load_i64(b, classes, b.add(last, const(1))),
                        load_i64(b, classes, b.add(last, const(2))))
    memmove = module.declare_intrinsic("llvm.memmove", [PTR, PTR, I64])
    for header, first, rowbytes in ((steps, head, 16), (spikes, first_live, 4)):
        data, n = dynarray.emit_load_data(b, header), dynarray.emit_load_size(b, header)
        b.call(memmove, [data, b.gep(data, [b.mul(first, const(rowbytes))],
                                     source_etype=ir.IntType(8)),
                         b.mul(b.sub(n, first), const(rowbytes)), ir.Constant(ir.IntType(1), 0)])
        dynarray.emit_store_size(b, header, b.sub(n, first))
    with for_range(b, const(0), n_classes, "shift") as c:
        for column, amount in ((1, head), (2, first_live)):
            at = b.add(b.mul(c, const(3)), const(column))
            store_i64(b, b.sub(load_i64(b, classes, at), amount), classes, at)
    b.ret_void()
    return fn


def push_spikes(em, shape):
    """Append this step's spikes (relative to ``start``) and ``(step, count)``. Spikes of a
    whole group are copied as they are (a neuron without synapses of any class only costs an
    empty range when its list is delivered)."""
    b = em.builder
    space = em.data(shape.spikespace)
    count = load_i32(b, space, const(shape.source_size))
    with b.if_then(b.icmp_signed(">", count, const(0))):
        steps, spikes = em.header(shape.steps), em.header(shape.spikes)
        # room for the row of steps first: once the spikes are in, nothing can fail
        room = dynarray.emit_reserve(b, steps, b.add(dynarray.emit_load_size(b, steps), const(1)))
        with b.if_then(b.not_(room), likely=False):
            b.ret(ir.Constant(I32, 1))
        before = dynarray.emit_load_size(b, spikes)
        new = _append(em, shape.spikes, count, zero=False)  # returns 1 when memory ran out
        if shape.start == 0 and shape.stop == shape.source_size:
            memcpy = em.module.declare_intrinsic("llvm.memcpy", [PTR, PTR, I64])
            b.call(memcpy, [new, space, b.mul(count, const(4)), ir.Constant(ir.IntType(1), 0)])
            n = count
        else:  # a subgroup: its spikes, relative to its start
            written = em.alloca(I64)
            b.store(const(0), written)

            def push(neuron):
                k = b.load(written, typ=I64)
                b.store(b.trunc(neuron, I32), b.gep(new, [k], source_etype=I32))
                b.store(b.add(k, const(1)), written)
            _spike_range(em, shape.spikespace, shape.source_size, shape.start, shape.stop,
                         push, "push")
            n = b.load(written, typ=I64)
            dynarray.emit_store_size(b, spikes, b.add(before, n))
        with b.if_then(b.icmp_signed(">", n, const(0))):
            row = dynarray.emit_append_rows(b, steps, const(1), zero=False)  # reserved above
            store_i64(b, em.step, row, const(0))
            store_i64(b, n, row, const(1))


def deliver_pending(em, shape, reach):
    """The synapse-level events due now (from before a change of synapses, delays or dt)."""
    b = em.builder
    pending = em.data(shape.pending)
    n_pending = dynarray.emit_load_size(em.prologue, em.header(shape.pending))
    next_row = em.data(shape.pending_next)
    cursor = em.alloca(I64)
    b.store(load_i64(b, next_row, const(0)), cursor)
    with while_loop(b, "pending") as loop:  # while the next event is due
        k = b.load(cursor, typ=I64)
        loop.enter_if(b.icmp_signed("<", k, n_pending))
        loop.enter_if(b.icmp_signed("<=", load_i64(b, pending, b.mul(k, const(2))), em.step))
        reach(load_i64(b, pending, b.add(b.mul(k, const(2)), const(1))))
        b.store(b.add(k, const(1)), cursor)
    if not em.python_calls.capturing:
        store_i64(b, b.load(cursor, typ=I64), next_row, const(0))


def deliver_class(em, shape, c, classes, n_classes, lists, reach):
    """Class ``c``: the spike lists at its row that are ``delay`` steps old reach their
    neurons' synapses of that delay."""
    b = em.builder
    row_at, spike_at = b.add(b.mul(c, const(3)), const(1)), b.add(b.mul(c, const(3)), const(2))
    delay = load_i64(b, classes, b.mul(c, const(3)))
    row, position = em.alloca(I64), em.alloca(I64)
    b.store(load_i64(b, classes, row_at), row)
    b.store(load_i64(b, classes, spike_at), position)
    order = em.data(shape.order)
    order_header = em.header(shape.order)
    touched = _synapse_arrays(em.kernel)

    with while_loop(b, "list") as loop:  # while the list at the row is `delay` steps old
        k = b.load(row, typ=I64)
        loop.enter_if(b.icmp_signed("<", k, lists.n_steps))
        loop.enter_if(b.icmp_signed("<=", b.add(load_i64(b, lists.steps, b.mul(k, const(2))),
                                                delay), em.step))
        start = b.load(position, typ=I64)
        stop = b.add(start, load_i64(b, lists.steps, b.add(b.mul(k, const(2)), const(1))))
        with em.for_range(start, stop, "spike") as m:
            first, last = _synapse_range(em, shape, load_i32(b, lists.spikes, m), c, n_classes)
            # an empty order means "already in source order"; a walk through the order is
            # neither unrolled nor vectorised: its time goes into cache misses (which the
            # prefetch hides), and unrolled it cost LLVM a quarter of a pathway's compile time
            permuted = b.icmp_signed("!=", dynarray.emit_load_size(b, order_header), const(0))
            with b.if_else(permuted) as (through_order, in_place):
                with through_order:
                    with em.for_range(first, last, "permuted", scalar=True) as q:
                        _prefetch_ahead(em, order, q, last, touched)
                        reach(load_i32(b, order, q))
                with in_place:
                    with em.for_range(first, last, "synapse") as q:
                        reach(q)
        b.store(stop, position)
        b.store(b.add(k, const(1)), row)
    if not em.python_calls.capturing:
        store_i64(b, b.load(row, typ=I64), classes, row_at)
        store_i64(b, b.load(position, typ=I64), classes, spike_at)


#: how many synapses ahead a walk through ``order`` prefetches (measured on STDP 1,000 x 1,000,
#: whose on_post walk strides 8 kB from synapse to synapse, with one array per variable: 8 ahead
#: saved 20 %, 16 ahead 30 %, 24 no more than 16; one line per array and synapse was the whole
#: cost of that walk, which interleaved storage, ``objects/synapse_records.py``, then cut)
PREFETCH_AHEAD = 16


def _synapse_arrays(kern: K.Kernel):
    """The per-synapse arrays that ``kern``'s statements read or write at the synapse itself:
    its own variables, and the index arrays (``j`` for ``v_post``) of what they read elsewhere."""
    names = {st.target for st in kern.statements}
    names |= {s.name for st in kern.statements for s in st.expr.free_symbols}
    used = [kern.variables[n] for n in sorted(names) if n in kern.variables]
    used += [kern.variables[v.write_condition] for v in used if v.write_condition]
    indices = {v.index for v in used if v.index is not None}
    return [v for v in kern.variables.values() if not v.scalar and v.index is None
            and (v.name in names or v.name in indices)]


def _line_ends(arrays):
    """One variable per array, or for interleaved variables (columns of one slot) the first
    and the last column a synapse's row has, which lie in the one or two cache lines the row
    spans."""
    by_slot = {}
    for var in arrays:
        by_slot.setdefault(var.slot, []).append(var)
    ends = []
    for columns in by_slot.values():
        columns.sort(key=lambda v: v.field)
        ends += dict.fromkeys([columns[0], columns[-1]])
    return ends


def _prefetch_ahead(em, order, q, last, arrays):
    """Prefetch, for writing, the elements of ``arrays`` of the synapse that a walk through
    ``order`` reaches :data:`PREFETCH_AHEAD` positions after ``q`` (clamped to ``last - 1``, the
    end of the range it walks). Such walks (on_post through the source-ordered table) touch a
    new cache line per array (or row of interleaved variables) and synapse; without prefetching
    each synapse waits for its lines in turn, since the code between two synapses (exp() for
    event-driven variables) is too long for the processor to look ahead by itself. A prefetch
    has no effect on results."""
    if not arrays:
        return
    b = em.builder
    ahead = b.add(q, const(PREFETCH_AHEAD))
    synapse = load_i32(b, order, b.select(b.icmp_signed("<", ahead, last), ahead,
                                           b.sub(last, const(1))))
    prefetch = declare_function(em.module, "llvm.prefetch.p0",
                                ir.FunctionType(ir.VoidType(), [PTR, I32, I32, I32]))
    for var in _line_ends(arrays):
        address = b.gep(em.data(var.slot), [em.position(b, var, element=synapse)],
                        source_etype=STORAGE[var.dtype])
        # (address, write, keep in all cache levels, data)
        b.call(prefetch, [address, ir.Constant(I32, 1), ir.Constant(I32, 3),
                          ir.Constant(I32, 1)])


def _synapse_range(em, shape, neuron, c, n_classes):
    """(first, last) positions in ``order`` of ``neuron``'s synapses of class ``c``: from the
    dense table, or (when it is empty) by :func:`_search_function`, out of line."""
    b = em.builder
    # read here, not once per call: LLVM would otherwise duplicate the delivery loops for the
    # two ways (unswitching), which doubled the code of a pathway and the time to optimise it
    dense = b.icmp_signed("!=", dynarray.emit_load_size(b, em.header(shape.offsets)), const(0))
    first, last = em.alloca(I64), em.alloca(I64)
    with b.if_else(dense) as (table, search):
        with table:
            offsets = em.data(shape.offsets)
            key = b.add(b.mul(neuron, n_classes), c)
            b.store(load_i32(b, offsets, key), first)
            b.store(load_i32(b, offsets, b.add(key, const(1))), last)
        with search:
            pair = b.call(_search_function(em.module), [em.data(shape.neuron_groups),
                                                        em.data(shape.groups), neuron, c])
            b.store(b.extract_value(pair, 0), first)
            b.store(b.extract_value(pair, 1), last)
    return b.load(first, typ=I64), b.load(last, typ=I64)


_SEARCH_NAME = "brianjit.search_group"


def _search_function(module):
    """``{i64, i64} search(neuron_groups, groups, neuron, c)``, once per module: the positions
    of ``neuron``'s group of class ``c`` by binary search in its groups (sorted by class; the
    sentinel row of ``groups`` makes reading at the end safe), an empty range if it has none."""
    existing = module.globals.get(_SEARCH_NAME)
    if existing is not None:
        return existing
    pair = ir.LiteralStructType([I64, I64])
    fn = ir.Function(module, ir.FunctionType(pair, [PTR, PTR, I64, I64]), name=_SEARCH_NAME)
    fn.linkage = "internal"
    for attr in ("noinline", "nounwind"):
        fn.attributes.add(attr)
    neuron_groups, groups, neuron, c = fn.args
    b = ir.IRBuilder(fn.append_basic_block("entry"))
    end = load_i32(b, neuron_groups, b.add(neuron, const(1)))
    bounds = b.alloca(I64), b.alloca(I64)
    b.store(load_i32(b, neuron_groups, neuron), bounds[0])
    b.store(end, bounds[1])
    # while lo < hi: halve [lo, hi) around the first class >= c
    with while_loop(b, "halve") as loop:
        lo, hi = (b.load(bound, typ=I64) for bound in bounds)
        loop.enter_if(b.icmp_signed("<", lo, hi))
        mid = b.lshr(b.add(lo, hi), const(1))
        below = b.icmp_signed("<", load_i32(b, groups, b.mul(mid, const(2))), c)
        b.store(b.select(below, b.add(mid, const(1)), lo), bounds[0])
        b.store(b.select(below, hi, mid), bounds[1])
    lo = b.load(bounds[0], typ=I64)  # lo <= end <= the sentinel row: reading it is safe
    found = b.and_(b.icmp_signed("<", lo, end),
                   b.icmp_signed("==", load_i32(b, groups, b.mul(lo, const(2))), c))
    group = b.select(found, lo, const(0))  # not found: an empty range at group 0
    first = load_i32(b, groups, b.add(b.mul(group, const(2)), const(1)))
    last = load_i32(b, groups, b.add(b.mul(group, const(2)), const(3)))
    result = b.insert_value(ir.Constant(pair, None), first, 0)
    b.ret(b.insert_value(result, b.select(found, last, first), 1))
    return fn


def _positions(b, start, stop, step: int):
    """How many values ``range(start, stop, step)`` has (i64, >= 0)."""
    span = b.sub(stop, start) if step > 0 else b.sub(start, stop)
    size = abs(step)
    count = b.sdiv(b.add(span, const(size - 1)), const(size))
    return b.select(b.icmp_signed(">", span, const(0)), count, const(0))


@lowers(K.Connect)
def _connect(em: KernelEmitter, shape: K.Connect):
    from ..model.symbols import rand
    from sympy import And, StrictLessThan
    b = em.builder
    em.base_values()
    error = em.data(shape.error)
    skip_stream = sample_stream = None
    skipping = shape.p_constant and shape.sample_size is None
    if skipping:
        skip_stream = em.kernel.first_stream + em.random_streams
        em.random_streams += 1
        inverse_log = 1.0 / math.log1p(-float(shape.p))
    if shape.sample_size is not None:
        sample_stream = em.kernel.first_stream + em.random_streams
        em.random_streams += 1
    seed = em.base_values()["_seed"]
    bounds = [K.Assign("_start", shape.inner_start), K.Assign("_stop", shape.inner_stop)]
    if shape.sample_size is not None:
        bounds.append(K.Assign("_size", shape.sample_size))
    declared = {"_start": "integer", "_stop": "integer", "_target": "integer", "_ok": "boolean",
                "_n": "integer", "_size": "integer"}
    accept = shape.condition
    if shape.p is not None and not skipping:
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

            def filtered():
                passed = em.run_statements([K.Assign("_pass", shape.prefilter)], a,
                                           shape.outer_size, declared={"_pass": "boolean"},
                                           extra={shape.outer_name: a, shape.inner_name: k,
                                                  ("j" if shape.outer_is_pre else "i"): target})
                with b.if_then(passed["_pass"]):
                    _candidate_pair(em, shape, a, i, j, target, k, declared, tests, error)
            if shape.prefilter_reads_other:
                _inside_other_group(em, shape, target, i, j, error, filtered)
            else:
                filtered()

        if sample_stream is not None:
            _sample(em, shape, a, values["_size"], n_positions, candidate, seed, sample_stream,
                    error)
            return
        if skip_stream is None:
            with em.for_range(const(0), n_positions, "candidate") as pos:
                candidate(pos)
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
        with while_loop(b, "skip") as loop:  # while the next kept candidate exists
            loop.enter_if(b.icmp_signed("<", b.load(position, typ=I64), n_positions))
            candidate(b.load(position, typ=I64))
            b.store(b.add(b.add(b.load(position, typ=I64), const(1)), gap()), position)

    with em.for_range(const(0), const(shape.outer_size), "outer") as a:
        outer(a)


def _sample(em, shape, a, size, n_positions, candidate, seed, stream, error):
    """``size`` of the ``n_positions`` candidates, in order: each is taken with probability
    (still needed) / (still left), which picks every subset of that size equally often."""
    b = em.builder
    invalid = b.or_(b.icmp_signed("<", size, const(0)), b.icmp_signed(">", size, n_positions))
    if shape.skip_if_invalid:
        size = b.select(b.icmp_signed("<", size, const(0)), const(0), size)
        size = b.select(b.icmp_signed(">", size, n_positions), n_positions, size)
    else:
        with b.if_then(invalid, likely=False):
            b.store(a, b.gep(error, [const(0)], source_etype=I64))
            b.store(size, b.gep(error, [const(1)], source_etype=I64))
            b.ret(ir.Constant(I32, K.INVALID_SAMPLE_SIZE))
            b.position_at_end(b.append_basic_block("unreachable"))
    selected = em.alloca(I64)
    b.store(const(0), selected)

    with em.for_range(const(0), n_positions, "sample") as pos:
        needed = b.sub(size, b.load(selected, typ=I64))
        u = emit_uniform(b, seed, stream, a, pos)
        left = b.sitofp(b.sub(n_positions, pos), F64)
        with b.if_then(b.fcmp_ordered("<", b.fmul(u, left), b.sitofp(needed, F64))):
            b.store(b.add(b.load(selected, typ=I64), const(1)), selected)
            candidate(pos)


def _inside_other_group(em, shape, target, i, j, error, body):
    """``body()`` only for a target inside the other group: an outside one is skipped
    (``skip_if_invalid``) or stops the kernel with status 2, before anything reads it."""
    b = em.builder
    valid = b.and_(b.icmp_signed(">=", target, const(0)),
                   b.icmp_signed("<", target, const(shape.other_size)))
    if shape.skip_if_invalid:
        with b.if_then(valid):
            body()
        return
    with b.if_then(b.not_(valid), likely=False):
        b.store(i, b.gep(error, [const(0)], source_etype=I64))
        b.store(j, b.gep(error, [const(1)], source_etype=I64))
        b.ret(ir.Constant(I32, 2))
        b.position_at_end(b.append_basic_block("unreachable"))
    body()


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
    with em.for_range(const(0), n, "copy") as r:
        b.store(b.trunc(i, I32), b.gep(pre_rows, [r], source_etype=I32))
        b.store(b.trunc(j, I32), b.gep(post_rows, [r], source_etype=I32))

