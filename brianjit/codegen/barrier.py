"""The barrier where the threads of a threaded run meet, written in LLVM IR with atomics.

The threads of one run share a *sync block* of :data:`SYNC_WORDS` int64s (64-byte aligned, made
by ``brianjit.parallel``): the arrival count at word :data:`COUNT`, the barrier's generation at
word :data:`GENERATION` and the run's status at word :data:`STATUS`, each on its own cache line.

``void bj.barrier(ptr sync, i64 nthreads)`` is a generation barrier: a thread reads the generation,
then adds itself to the count; the last of ``nthreads`` to arrive sets the count back to 0 and
publishes the next generation (release), which the others wait for (acquire). The generation it
read cannot have moved on yet, since that needs its own arrival, so nothing has to be reset
between barriers or runs (only the count is 0 whenever no thread is inside).

Waiting spins first (with the x86 ``pause`` hint) for the short waits of a time step, then gives
its core away with ``sched_yield``, and only after ~20,000 yields (milliseconds) sleeps
``nanosleep`` of 50 us at a time: with more threads than cores (or a core shared with other
processes) the thread the others wait for gets to run, so a run never hangs, and a long serial
stretch (a Python function called by thread 0) does not keep the other cores busy. Sleeping
sooner was measured to cascade on a loaded 2-core machine (a sleeper makes the next barrier
wait long enough for the other thread to sleep too: 55 us per step instead of 8 us for a
one-barrier step).
"""
from __future__ import annotations

from llvmlite import ir

from .. import jit
from .declarations import declare_function
from .loops import while_loop

__all__ = ["SYNC_WORDS", "COUNT", "GENERATION", "STATUS", "declare_barrier", "BARRIER_NAME"]

I32, I64, PTR = ir.IntType(32), ir.IntType(64), ir.PointerType()
SYNC_WORDS = 24
COUNT, GENERATION, STATUS = 0, 8, 16
BARRIER_NAME = "bj.barrier"
#: waiting iterations spent spinning, then yielding, before sleeping
_SPINS, _YIELDS = 1000, 20000
_SLEEP_NS = 50_000


def word(b: ir.IRBuilder, sync, index: int):
    """Address of word ``index`` of the sync block."""
    return b.gep(sync, [ir.Constant(I64, index)], source_etype=I64)


def declare_barrier(module: ir.Module) -> ir.Function:
    """The barrier function of ``module`` (emitted on first use)."""
    existing = module.globals.get(BARRIER_NAME)
    if existing is not None:
        return existing
    fn = ir.Function(module, ir.FunctionType(ir.VoidType(), [PTR, I64]), name=BARRIER_NAME)
    fn.linkage = "internal"
    fn.attributes.add("noinline")
    sync, nthreads = fn.args
    b = ir.IRBuilder(fn.append_basic_block("entry"))
    count, generation = word(b, sync, COUNT), word(b, sync, GENERATION)
    waits = b.alloca(I64, name="waits")
    b.store(ir.Constant(I64, 0), waits)
    timespec = b.alloca(I64, size=2, name="timespec")  # struct timespec {seconds, nanoseconds}
    mine = b.load_atomic(generation, "acquire", 8, typ=I64)
    arrived = b.atomic_rmw("add", count, ir.Constant(I64, 1), "acq_rel")
    last = b.icmp_signed("==", arrived, b.sub(nthreads, ir.Constant(I64, 1)))
    with b.if_else(last) as (release, wait):
        with release:
            # (atomic stores as exchanges: llvmlite's store_atomic needs typed pointers)
            b.atomic_rmw("xchg", count, ir.Constant(I64, 0), "monotonic")
            b.atomic_rmw("add", generation, ir.Constant(I64, 1), "release")
        with wait:
            with while_loop(b, "wait") as loop:
                current = b.load_atomic(generation, "acquire", 8, typ=I64)
                loop.enter_if(b.icmp_signed("==", current, mine))
                n = b.load(waits, typ=I64)
                b.store(b.add(n, ir.Constant(I64, 1)), waits)
                _wait_once(module, b, n, timespec)
    b.ret_void()
    return fn


def _wait_once(module, b, n, timespec):
    """One waiting iteration, the ``n``-th: spin, yield or sleep."""
    spinning = b.icmp_signed("<", n, ir.Constant(I64, _SPINS))
    with b.if_else(spinning) as (spin, give_way):
        with spin:
            if jit.flushes_subnormals():  # x86-64
                b.call(declare_function(module, "llvm.x86.sse2.pause",
                                        ir.FunctionType(ir.VoidType(), [])), [])
        with give_way:
            yielding = b.icmp_signed("<", n, ir.Constant(I64, _SPINS + _YIELDS))
            with b.if_else(yielding) as (yield_, sleep):
                with yield_:
                    b.call(declare_function(module, "sched_yield", ir.FunctionType(I32, [])), [])
                with sleep:
                    for k, value in enumerate((0, _SLEEP_NS)):
                        b.store(ir.Constant(I64, value),
                                b.gep(timespec, [ir.Constant(I64, k)], source_etype=I64))
                    b.call(declare_function(module, "nanosleep", ir.FunctionType(I32, [PTR, PTR])),
                           [timespec, ir.Constant(PTR, None)])
