"""How a kernel runs on several threads: a part partitioned by element ranges, then a serial rest.

A partitionable shape is lowered twice from the same lowering code: once as a *ranged* function
``i32 part(ptr slots, i64 step, i64 lo, i64 hi)`` (``KernelEmitter.bounds`` gives its loops the
range ``[lo, hi)`` instead of the whole group), called by every thread for its own range, and,
where the shape has one, a *serial* rest ``i32 rest(ptr slots, i64 step)`` that thread 0 runs
after a barrier. The registry :data:`PARTITIONED` names both lowerings per shape; a shape not in it
(or a kernel that fails :func:`partitionable`) runs whole on thread 0.

Results cannot depend on the partition: each element's statements read only the state of the
step before and write only that element, and the random numbers are drawn from a counter of
(seed, stream, element, step) (``codegen.rng``). What breaks that is excluded: Python functions
(called once per kernel with all arguments, and not thread-safe), writes through an index (two
elements may write one place) and writes to an array the kernel also reads at other elements
(another view of the same slot). Spike compaction keeps index order because it is the serial
rest of the threshold.
"""
from __future__ import annotations

from dataclasses import dataclass

from llvmlite import ir

from .. import kernel as K
from .kernels import I32, KERNEL_TYPE, _for_each, _threshold_compact, _threshold_test, emit_kernel

__all__ = ["Partition", "PARTITIONED", "partitionable", "partitioned_on_threads",
           "lower_partitioned", "PartitionedKernel", "MIN_ELEMENTS_PER_THREAD",
           "elementwise_together"]

#: below this many elements per thread, a shape runs on fewer threads: a thread's part then
#: costs more in the barrier after it (~1 us) than in its loop. A kernel too small for two
#: threads is not partitioned at all (:func:`partitioned_on_threads`)
MIN_ELEMENTS_PER_THREAD = 1024
#: part boundaries are multiples of this, so no two threads write one cache line of a double array
ALIGNMENT = 64


@dataclass(frozen=True)
class Partition:
    """The two lowerings of a shape: ``part(em, shape)`` under a ranged emitter, ``rest(em,
    shape)`` (or None) under a plain one; ``size(shape)`` the number of elements partitioned."""

    size: object
    part: object
    rest: object = None


PARTITIONED = {
    K.ForEach: Partition(lambda shape: shape.size, _for_each),
    K.Threshold: Partition(lambda shape: shape.size, _threshold_test, _threshold_compact),
}

#: function descriptions that are pure functions of their arguments (safe on any thread)
_PURE_FUNCTIONS = (K.TimedArrayFunction, K.BinomialSample)


def partitionable(kern: K.Kernel) -> bool:
    """Whether ``kern`` gives the same result partitioned (see the module docstring)."""
    if type(kern.shape) not in PARTITIONED:
        return False
    if not all(isinstance(f, _PURE_FUNCTIONS) for f in kern.functions.values()):
        return False
    written = {st.target for st in kern.statements if st.target in kern.variables}
    if isinstance(kern.shape, K.Threshold):
        written = set()  # the statements belong to the serial rest; the condition writes nothing
    for name in written:
        var = kern.variables[name]
        if var.index is not None or var.scalar:
            return False
        for other in kern.variables.values():
            if other.slot == var.slot and (other.index is not None or other.offset != var.offset):
                return False
    return True


def partitioned_on_threads(kern: K.Kernel) -> bool:
    """Whether a threaded build partitions ``kern``: it is :func:`partitionable` and at least two
    threads get :data:`MIN_ELEMENTS_PER_THREAD` of its elements. A smaller one runs whole on
    thread 0 among the serial kernels next to it, so it adds no barrier of its own (a part for
    one thread needed one after it, and a serial rest another)."""
    return (partitionable(kern)
            and PARTITIONED[type(kern.shape)].size(kern.shape) >= 2 * MIN_ELEMENTS_PER_THREAD)


def elementwise_together(first: K.Kernel, second: K.Kernel) -> bool:
    """Whether partitioned ``second`` may run right after partitioned ``first`` with no barrier
    between them: the same number of elements (so each thread gets the same range of both), and
    every array either writes is seen by both only at the loop's own element (no index, one
    offset), so a thread touches only elements of its own range."""
    size = PARTITIONED[type(first.shape)].size
    if size(first.shape) != PARTITIONED[type(second.shape)].size(second.shape):
        return False
    views = list(first.variables.values()) + list(second.variables.values())
    written = {k.variables[st.target].slot for k in (first, second) for st in k.statements
               if st.target in k.variables}
    for slot in written:
        seen = {(v.index, v.offset, v.scalar) for v in views if v.slot == slot}
        if len(seen) != 1 or next(iter(seen))[0] is not None:
            return False
    return True


@dataclass(frozen=True)
class PartitionedKernel:
    """The functions of one partitioned kernel: ``part`` (ranged) over ``size`` elements, the
    serial ``rest`` or None, and ``whole``: both for the whole group (``run_partial``).
    ``part_streams``: the random streams the part used (code after it numbers its own from
    there, as the rest does)."""

    kernel: K.Kernel
    part: ir.Function
    size: int
    rest: ir.Function | None
    whole: ir.Function
    part_streams: int = 0


def lower_partitioned(module: ir.Module, kern: K.Kernel, name: str) -> PartitionedKernel:
    """Emit ``name.part``, ``name.rest`` (if the shape has one) and ``name`` (the whole kernel)."""
    partition = PARTITIONED[type(kern.shape)]
    part = emit_kernel(module, kern, f"{name}.part", partition.part, ranged=True)
    rest = None
    if partition.rest is not None:
        # the rest's random streams follow those of the part, as in the kernel lowered whole
        rest = emit_kernel(module, kern, f"{name}.rest", partition.rest,
                           first_streams=part.random_streams)
    size = partition.size(kern.shape)
    whole = ir.Function(module, KERNEL_TYPE, name=name)
    b = ir.IRBuilder(whole.append_basic_block("entry"))
    slots, step = whole.args
    status = b.call(part.func, [slots, step, ir.Constant(ir.IntType(64), 0),
                                ir.Constant(ir.IntType(64), size)])
    if rest is not None:
        with b.if_then(b.icmp_signed("!=", status, ir.Constant(I32, 0)), likely=False):
            b.ret(status)
        status = b.call(rest.func, [slots, step])
    b.ret(status)
    return PartitionedKernel(kern, part.func, size, rest.func if rest else None, whole,
                             part.random_streams)
