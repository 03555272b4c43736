"""Spike compaction by many threads, in the index order one thread gives (the GPU form).

The CPU compacts a threshold's byte mask (a byte per element: 1 where the condition held) into
the spike space on one thread, in increasing index order. On a GPU one thread would walk every
8-byte word of a million-neuron mask per step, so the GPU form splits the work into blocks of
``kernel.COMPACTION_BLOCK`` elements and three launches after the condition's:

1. ``count``, one thread per block: the block's spikes (``ctpop`` of each mask word: bytes are
   0 or 1) into its int32 in the scratch behind the mask (``kernel.threshold_mask_bytes``);
2. ``scan``, one thread: the counts become exclusive prefix sums (each block's first position
   in the spike space), and the total is the spike space's count;
3. ``scatter``, one thread per block: the block's spikes in increasing order from its first
   position, and for each of them the threshold's statements (a refractory group's
   ``not_refractory = False``, ``lastspike = t``).

Blocks are disjoint ranges of indices written at increasing positions, so the spike space is
the one the serial compaction writes (positions past the count, which nobody reads, aside),
whatever the threads' order. The statements run on the thread of their element's block; that
is only allowed where they write nothing but their own element (:func:`compacts_in_parallel`);
other thresholds keep the serial compaction. The scan is serial: ``size / 1024`` additions
(4,096 for 4 million neurons), small beside the condition's launch.
"""
from __future__ import annotations

import dataclasses

from llvmlite import ir

from .. import kernel as K
from ..codegen.kernels import I8, I32, I64, KernelEmitter, const
from ..codegen.partition import partitionable

__all__ = ["compacts_in_parallel", "blocks", "lower_compaction"]

#: mask words (8 bytes) per block
_WORDS = K.COMPACTION_BLOCK // 8


def compacts_in_parallel(kern: K.Kernel) -> bool:
    """Whether the threshold ``kern`` compacts in blocks: its condition is partitionable and its
    statements write only the spiking element (as a per-element kernel's would)."""
    if not isinstance(kern.shape, K.Threshold) or not partitionable(kern):
        return False
    return partitionable(dataclasses.replace(kern, shape=K.ForEach(kern.shape.size)))


def blocks(shape: K.Threshold) -> int:
    """The number of blocks (threads of ``count`` and ``scatter``)."""
    return -(-shape.size // K.COMPACTION_BLOCK)


def lower_compaction(module: ir.Module, kern: K.Kernel, name: str, first_streams: int):
    """Emit ``name.count`` and ``name.scatter`` (ranged over blocks) and ``name.scan``; the
    statements' random streams start at ``first_streams`` (after the condition's)."""
    shape = kern.shape
    count = KernelEmitter(module, kern, f"{name}.count", ranged=True)
    _count(count, shape)
    scan = KernelEmitter(module, kern, f"{name}.scan")
    _scan(scan, shape)
    scatter = KernelEmitter(module, kern, f"{name}.scatter", ranged=True)
    scatter.random_streams = first_streams
    _scatter(scatter, shape)
    for em in (count, scan, scatter):
        em.func.args[0].add_attribute("noalias")
        em.builder.ret(ir.Constant(I32, 0))
    return count.func, scan.func, scatter.func


def _counts(em, shape):
    """The int32 per block behind the mask's bytes."""
    return em.prologue.gep(em.data(shape.mask), [const((shape.size + 7) // 8 * 8)],
                           source_etype=I8)


def _words(em, shape, block):
    """The range of mask words of ``block``."""
    b = em.builder
    first = b.mul(block, const(_WORDS))
    last = b.add(first, const(_WORDS))
    end = const((shape.size + 7) // 8)
    return first, b.select(b.icmp_signed("<", last, end), last, end)


def _word(b, mask, w):
    return b.load(b.gep(mask, [b.mul(w, const(8))], source_etype=I8), typ=I64)


def _count(em, shape):
    b = em.builder
    mask, counts = em.data(shape.mask), _counts(em, shape)
    ctpop = em.module.declare_intrinsic("llvm.ctpop", [I64])
    total = em.alloca(I64)
    lo, hi = em.range
    with em.for_range(lo, hi, name="block") as block:
        b.store(const(0), total)
        first, last = _words(em, shape, block)
        with em.for_range(first, last, name="word") as w:
            b.store(b.add(b.load(total, typ=I64), b.call(ctpop, [_word(b, mask, w)])), total)
        b.store(b.trunc(b.load(total, typ=I64), I32), b.gep(counts, [block], source_etype=I32))


def _scan(em, shape):
    b = em.builder
    counts = _counts(em, shape)
    total = em.alloca(I64)
    b.store(const(0), total)
    with em.for_range(const(0), const(blocks(shape)), name="block", scalar=True) as block:
        at = b.gep(counts, [block], source_etype=I32)
        here = b.sext(b.load(at, typ=I32), I64)
        before = b.load(total, typ=I64)
        b.store(b.trunc(before, I32), at)
        b.store(b.add(before, here), total)
    spikes = em.data(shape.spikespace)
    b.store(b.trunc(b.load(total, typ=I64), I32), b.gep(spikes, [const(shape.size)],
                                                        source_etype=I32))


def _scatter(em, shape):
    b = em.builder
    em.base_values()
    mask, counts, spikes = em.data(shape.mask), _counts(em, shape), em.data(shape.spikespace)
    position = em.alloca(I64)
    lo, hi = em.range
    with em.for_range(lo, hi, name="block") as block:
        b.store(b.sext(b.load(b.gep(counts, [block], source_etype=I32), typ=I32), I64), position)
        first, last = _words(em, shape, block)
        with em.for_range(first, last, name="word") as w:
            with b.if_then(b.icmp_unsigned("!=", _word(b, mask, w), const(0)), likely=False):
                with em.for_range(const(0), const(8), name="byte") as k:
                    i = b.add(b.mul(w, const(8)), k)
                    fired = b.load(b.gep(mask, [i], source_etype=I8), typ=I8)
                    with b.if_then(b.icmp_unsigned("!=", fired, ir.Constant(I8, 0))):
                        n = b.load(position, typ=I64)
                        b.store(b.trunc(i, I32), b.gep(spikes, [n], source_etype=I32))
                        b.store(b.add(n, const(1)), position)
                        if em.kernel.statements:
                            em.run_statements(em.kernel.statements, i, shape.size)
