"""Synaptic delivery by owner on many threads, in the CPU's order (the GPU form).

The CPU delivers a pathway on one thread: for each spike of the list due, its synapses, each
applying the statements (``v_post += w``). On a GPU one thread doing that for a large network
is the step's bottleneck, and threads per spike or per synapse would add into one target at
once, in an order set by scheduling. A pathway that writes only through one per-synapse index
(``gpu/owner_index.py`` says which) is instead delivered by three launches:

1. ``mark``, one thread: the queue's work as on the CPU (drop delivered lists, push this step's
   spikes, deliver the pending synapse-level events, which come first on the CPU too); then,
   when the index by owner is the current one and no delay class has two lists due, it marks
   the sources of each class's list due (a byte per (class, source)), notes the lists'
   positions and advances the classes' cursors. Otherwise (two lists of one class due after a
   change of ``dt``; an index that does not fit) it delivers everything itself, in the CPU's
   order, and marks nothing;
2. ``owners``, one thread per owner (target neuron): if anything was marked, walk the owner's
   rows ``(key, synapse)`` (``kernel.OwnerIndex``) and apply the statements of the synapses
   whose (class, source) is marked;
3. ``unmark``, one thread: clear the marks it set and the scratch, so every byte of the
   marks is 0 between steps.

The CPU applies a target's effects from the largest delay class down (older spikes first), then
by increasing source, then synapse id: the order of the owner's rows. So every owner computes
the same float operations in the same order as the CPU, and the results are the same bits,
whatever the threads' schedule. Work per step is a check per synapse (the owners walk all their
rows) plus the effects: on a GPU far less than one thread's walk over the spikes' synapses with
a memory latency per synapse.
"""
from __future__ import annotations

from llvmlite import ir

from .. import kernel as K
from ..codegen import dynarray
from ..codegen.kernels import I8, I32, KernelEmitter, const
from ..codegen.shapes_synapses import (SpikeLists, deliver_class, deliver_pending,
                                       drop_delivered, load_i32, load_i64, push_spikes, store_i64)
from .owner_index import owner_index

__all__ = ["delivers_by_owner", "lower_delivery"]

_TRUE, _FALSE = ir.Constant(ir.IntType(1), 1), ir.Constant(ir.IntType(1), 0)


def delivers_by_owner(kern: K.Kernel) -> bool:
    """Whether the GPU form delivers ``kern`` by owner: a pathway built with an index by owner
    whose statements still pass :func:`owner_index` for that index."""
    if not isinstance(kern.shape, K.Propagate):
        return False
    by_owner = kern.shape.by_owner
    return by_owner is not None and owner_index(kern, (by_owner.index,)) == by_owner.index


def lower_delivery(module: ir.Module, kern: K.Kernel, name: str):
    """Emit ``name.mark`` and ``name.unmark`` (one thread) and ``name.owners`` (ranged over
    owners); see the module docstring."""
    mark = KernelEmitter(module, kern, f"{name}.mark")
    _mark(mark, kern.shape)
    owners = KernelEmitter(module, kern, f"{name}.owners", ranged=True)
    _owners(owners, kern.shape)
    unmark = KernelEmitter(module, kern, f"{name}.unmark")
    _unmark(unmark, kern.shape)
    for em in (mark, owners, unmark):
        em.func.args[0].add_attribute("noalias")
        em.builder.ret(ir.Constant(I32, 0))
    return mark.func, owners.func, unmark.func


def _reach(em, shape):
    n_synapses = dynarray.emit_load_size(em.prologue, em.header(shape.synapses))  # N

    def reach(synapse):
        em.run_statements(em.kernel.statements, synapse, n_synapses)
    return reach, n_synapses


def _sources(shape):
    return shape.stop - shape.start


def _layout(em, shape, n_classes):
    """(whether the marks have the size of ``n_classes`` classes, the scratch behind the
    marks: an int64 marked?, then (first, last) per class; ``kernel.marks_bytes``)."""
    b = em.builder
    marks = em.data(shape.by_owner.marks)
    at = b.and_(b.add(b.mul(n_classes, const(_sources(shape))), const(7)), const(-8))
    size = b.add(b.add(at, const(8)), b.mul(n_classes, const(16)))
    sized = b.icmp_signed("==", _size(em, shape.by_owner.marks), size)
    return sized, b.gep(marks, [at], source_etype=I8)


def _n_classes(em, shape):
    return dynarray.emit_load_size(em.prologue, em.header(shape.classes))


def _marked(em, shape, n_classes):
    """Whether the mark launch marked a list this step: the scratch's first int64, read only
    if the marks have their size (the pathway sized them for this build), and the scratch."""
    b = em.builder
    marked = em.alloca(ir.IntType(1))
    b.store(_FALSE, marked)
    sized, scratch = _layout(em, shape, n_classes)
    with b.if_then(sized):
        b.store(b.icmp_signed("!=", load_i64(b, scratch, const(0)), const(0)), marked)
    return b.load(marked), scratch


def _mark(em, shape):
    b = em.builder
    em.base_values()
    reach, n_synapses = _reach(em, shape)
    classes = em.data(shape.classes)
    n_classes = _n_classes(em, shape)
    with b.if_then(b.icmp_signed(">", n_classes, const(0))):
        drop_delivered(em, shape, classes, n_classes)
        push_spikes(em, shape)
    deliver_pending(em, shape, reach)
    lists = SpikeLists(dynarray.emit_load_data(b, em.header(shape.spikes)),   # the push may
                        dynarray.emit_load_data(b, em.header(shape.steps)),    # have moved
                        dynarray.emit_load_size(b, em.header(shape.steps)))    # them
    by_owner = shape.by_owner
    sized, scratch = _layout(em, shape, n_classes)
    parallel = em.alloca(ir.IntType(1))
    b.store(_FALSE, parallel)
    current = b.and_(b.and_(sized, b.icmp_signed(">", n_classes, const(0))), b.and_(
        b.icmp_signed("==", _size(em, by_owner.rows), n_synapses),
        b.icmp_signed("==", _size(em, by_owner.offsets), const(by_owner.owners + 1))))
    with b.if_then(current):  # by owner unless a class has two lists due
        b.store(_TRUE, parallel)
        with em.for_range(const(0), n_classes, "due", scalar=True) as c:
            delay, row = load_i64(b, classes, b.mul(c, const(3))), _cursor(b, classes, c, 1)
            with b.if_then(_due(em, lists, b.add(row, const(1)), delay), likely=False):
                b.store(_FALSE, parallel)
    with b.if_else(b.load(parallel)) as (by_owners, serial):
        with by_owners:
            store_i64(b, const(0), scratch, const(0))
            with em.for_range(const(0), n_classes, "mark_class", scalar=True) as c:
                _mark_due_list(em, shape, classes, c, lists, scratch)
        with serial:  # the CPU's loop: from the largest delay down
            with em.for_range(const(0), n_classes, "class") as k:
                deliver_class(em, shape, b.sub(b.sub(n_classes, const(1)), k), classes,
                               n_classes, lists, reach)


def _size(em, slot):
    return dynarray.emit_load_size(em.builder, em.header(slot))


def _cursor(b, classes, c, column):
    """Column 1 (next row of steps) or 2 (its first spike) of class ``c``'s row."""
    return load_i64(b, classes, b.add(b.mul(c, const(3)), const(column)))


def _due(em, lists, k, delay):
    """Whether list ``k`` exists and is ``delay`` steps old (its step read only if it exists)."""
    b = em.builder
    due = em.alloca(ir.IntType(1))
    b.store(_FALSE, due)
    with b.if_then(b.icmp_signed("<", k, lists.n_steps)):
        emitted = load_i64(b, lists.steps, b.mul(k, const(2)))
        b.store(b.icmp_signed("<=", b.add(emitted, delay), em.step), due)
    return b.load(due)


def _mark_due_list(em, shape, classes, c, lists, scratch):
    """Class ``c``'s list due now (if any): mark its sources, note its positions in the
    scratch (an empty range if none) and move the class's cursor past it (as
    ``deliver_class`` would)."""
    b = em.builder
    delay, row = load_i64(b, classes, b.mul(c, const(3))), _cursor(b, classes, c, 1)
    first_at, last_at = b.add(b.mul(c, const(2)), const(1)), b.add(b.mul(c, const(2)), const(2))
    store_i64(b, const(0), scratch, first_at)
    store_i64(b, const(0), scratch, last_at)
    with b.if_then(_due(em, lists, row, delay)):
        first = _cursor(b, classes, c, 2)
        last = b.add(first, load_i64(b, lists.steps, b.add(b.mul(row, const(2)), const(1))))
        marks = em.data(shape.by_owner.marks)
        base = b.mul(c, const(_sources(shape)))
        with em.for_range(first, last, "mark", scalar=True) as m:
            b.store(ir.Constant(I8, 1), b.gep(marks, [b.add(base, load_i32(b, lists.spikes, m))],
                                              source_etype=I8))
        store_i64(b, const(1), scratch, const(0))
        store_i64(b, first, scratch, first_at)
        store_i64(b, last, scratch, last_at)
        store_i64(b, b.add(row, const(1)), classes, b.add(b.mul(c, const(3)), const(1)))
        store_i64(b, last, classes, b.add(b.mul(c, const(3)), const(2)))


def _owners(em, shape):
    b = em.builder
    em.base_values()
    reach, _ = _reach(em, shape)
    by_owner = shape.by_owner
    marks, offsets, rows = (em.data(s) for s in (by_owner.marks, by_owner.offsets, by_owner.rows))
    marked, _ = _marked(em, shape, _n_classes(em, shape))
    with b.if_then(marked):
        lo, hi = em.range
        with em.for_range(lo, hi, "owner", scalar=True) as owner:
            first, last = load_i32(b, offsets, owner), load_i32(b, offsets,
                                                                  b.add(owner, const(1)))
            with em.for_range(first, last, "row", scalar=True) as r:
                key = load_i32(b, rows, b.mul(r, const(2)))
                flag = b.load(b.gep(marks, [key], source_etype=I8), typ=I8)
                with b.if_then(b.icmp_unsigned("!=", flag, ir.Constant(I8, 0))):
                    reach(load_i32(b, rows, b.add(b.mul(r, const(2)), const(1))))


def _unmark(em, shape):
    b = em.builder
    n_classes = _n_classes(em, shape)
    marked, scratch = _marked(em, shape, n_classes)
    marks, spikes = em.data(shape.by_owner.marks), em.data(shape.spikes)
    with b.if_then(marked):
        with em.for_range(const(0), n_classes, "class", scalar=True) as c:
            first_at = b.add(b.mul(c, const(2)), const(1))
            last_at = b.add(first_at, const(1))
            base = b.mul(c, const(_sources(shape)))
            with em.for_range(load_i64(b, scratch, first_at), load_i64(b, scratch, last_at),
                              "unmark", scalar=True) as m:
                b.store(ir.Constant(I8, 0), b.gep(marks, [b.add(base, load_i32(b, spikes, m))],
                                                  source_etype=I8))
            for at in (first_at, last_at):  # every byte of the marks 0 again
                store_i64(b, const(0), scratch, at)
        store_i64(b, const(0), scratch, const(0))
