"""The driver: native functions that run a whole network schedule for a range of time steps.

``i32 run_steps(ptr slots, i64 start, i64 stop)`` loops over the base clock's steps
``start <= s < stop`` and, in schedule order, calls every kernel whose clock ticks at ``s`` (a clock
of ``period`` base steps ticks when ``s % period == 0`` and passes its own step ``s / period``). It
returns 0, or the first kernel's non-zero status (out of memory), leaving that step unfinished.

Networks with Python operations (``network_operation``) must stop in the middle of a step, at the
operation's place in the schedule. For them the module also holds
``i32 run_partial(ptr slots, i64 step, i64 first, i64 last)``: one step ``step``, only the kernels
at schedule positions ``first <= n < last``. Python composes the two: the tail of a step, whole
steps in chunks, the head of a step. It is emitted only on request, so a network without
operations compiles (and inlines) exactly as before. Nothing here ever calls back into Python.

A network built ``threaded`` has ``i32 run_steps_threaded(ptr slots, i64 start, i64 stop, i64
tid, i64 nthreads, ptr sync)`` instead of ``run_steps``: each of ``nthreads`` threads calls it
for the same steps (``brianjit.parallel``). Kernels that ``codegen.partition`` can partition run
as ranged parts, each thread its own range of elements; the rest runs on thread 0; the threads
meet at barriers (``codegen.barrier``) on the ``sync`` block, grouped in units (:func:`_units`:
parts, a barrier, thread 0's serial functions, a barrier). A failing status goes into the sync
block and every thread returns it after the next barrier. ``run_partial`` stays serial (it
calls each partitioned kernel whole). Profiled builds are never threaded.

With ``profile_slot``, both functions time every kernel call (``run(profile=True)``): they read
the monotonic clock (libc's ``clock_gettime``) before and after each call and add the nanoseconds
to element ``n`` of the int64 array bound to ``profile_slot``, ``n`` being the kernel's position
in the schedule. That costs two clock reads (tens of nanoseconds) per kernel call, only in a
profiled build: a program built without it contains no trace of the timing.

Subnormal numbers are flushed to zero while these functions run (x86-64: the FTZ and DAZ bits of
MXCSR). Decaying variables otherwise end in the subnormal range, where every operation can cost
~100 cycles on some CPUs (Intel: 80x slower runs) and ``v*exp(-dt/tau)`` stops decaying at a few
multiples of 4.9e-324 (``benchmarks/subnormals.py``); flushed, it reaches 0 (an explicit update
that forms ``v*dt`` first stops near 1e-304, where that product would be subnormal). Each
exported function saves the caller's MXCSR, sets the two bits, calls the body (kept out of line,
so no arithmetic can be moved across the switch) and restores the caller's MXCSR, whatever the
status: Python and numpy never run with flushing on. Other CPU families are not flushed
(``jit.flushes_subnormals``).
"""
from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass

from llvmlite import ir

from .. import jit
from .. import kernel as K
from .dynarray import emit_load_data
from .barrier import STATUS, declare_barrier, word
from .declarations import declare_function
from .kernels import lower_kernel
from .mathfuncs import set_math_mode
from .module_split import ModuleParts, split_module
from ..forked_map import parallel_parts
from .loops import for_range
from .partition import (ALIGNMENT, MIN_ELEMENTS_PER_THREAD, elementwise_together,
                        lower_partitioned, partitioned_on_threads)

__all__ = ["ScheduledKernel", "build_network_module", "network_module_parts",
           "kernel_function_name", "worth_threads",
           "DRIVER_NAME", "PARTIAL_NAME", "THREADED_NAME",
           # the pieces another target's driver reuses (gpu/lowering.py)
           "export_with_subnormals_flushed", "on_tick", "StatusExit"]

I32, I64, PTR = ir.IntType(32), ir.IntType(64), ir.PointerType()
DRIVER_NAME = "run_steps"
PARTIAL_NAME = "run_partial"
THREADED_NAME = "run_steps_threaded"
#: MXCSR bits: flush subnormal results to zero (FTZ, bit 15), treat subnormal inputs as zero (DAZ, 6)
_FTZ_DAZ = 0x8040


@dataclass(frozen=True)
class ScheduledKernel:
    """A kernel in its place in the schedule, ticking every ``period`` base-clock steps."""

    kernel: K.Kernel
    period: int = 1


def kernel_function_name(position: int, kern: K.Kernel) -> str:
    """The LLVM name of the kernel at ``position`` of a schedule: by position only, since the
    machine code of a network is shared by every network of the same structure, whatever its
    objects are called (``brianjit.kernel_key``)."""
    return f"k{position}"


def worth_threads(schedule: list[ScheduledKernel]) -> bool:
    """Whether any kernel of ``schedule`` is partitioned on two threads or more (else a threaded
    build would only add barriers)."""
    return any(partitioned_on_threads(item.kernel) for item in schedule)


def build_network_module(schedule: list[ScheduledKernel], name: str = "network",
                         partial: bool = False, profile_slot: int | None = None,
                         lowering_context=None, math_mode: str = "auto",
                         threaded: bool = False) -> ir.Module:
    """All kernels of a network plus the driver (and ``run_partial`` if ``partial``), timing
    every kernel call into the array of ``profile_slot`` if it is given. ``lowering_context(n)``
    gives a context manager around the lowering of the kernel at position ``n`` (the network
    turns errors there into errors naming the kernel's object). ``math_mode``: how math
    functions are lowered (:data:`.mathfuncs.MATH_MODES`). ``threaded``: the driver is
    ``run_steps_threaded`` (see the module docstring) instead of ``run_steps``."""
    if threaded and profile_slot is not None:
        raise ValueError("a profiled build runs on one thread")
    module = ir.Module(name=name)
    module.triple = ""
    set_math_mode(module, math_mode)
    functions, parts = [], []
    for n, item in enumerate(schedule):
        fname = kernel_function_name(n, item.kernel)
        with lowering_context(n) if lowering_context else contextlib.nullcontext():
            if threaded and partitioned_on_threads(item.kernel):
                parted = lower_partitioned(module, item.kernel, fname)
                functions.append(parted.whole)
                parts.append(parted)
            else:
                functions.append(lower_kernel(module, item.kernel, fname))
                parts.append(None)
    flush = jit.flushes_subnormals()
    suffix = ".body" if flush else ""
    emitters = [(THREADED_NAME, lambda *a: _emit_run_steps_threaded(*a[:4], parts))
                if threaded else (DRIVER_NAME, _emit_run_steps)]
    emitters += [(PARTIAL_NAME, _emit_run_partial)] if partial else []
    for name, emit in emitters:
        body = emit(module, schedule, functions, name + suffix, profile_slot)
        if flush:
            export_with_subnormals_flushed(module, body, name)
    return module


def network_module_parts(module: ir.Module, parts: int | None = None) -> ModuleParts:
    """``module`` (from :func:`build_network_module`) split for ``jit`` into at most ``parts``
    parts that compile at the same time (default: ``forked_map.parallel_parts()``), the drivers
    (and their bodies under the subnormal-flushing wrapper) together with the small kernels they
    inline, as in the whole module (``codegen.module_split``)."""
    drivers = [name + body for name in (DRIVER_NAME, PARTIAL_NAME, THREADED_NAME)
               for body in ("", ".body")]
    return split_module(module, parallel_parts() if parts is None else parts, anchored=drivers)


def export_with_subnormals_flushed(module, body, name):
    """Export ``body`` as ``name`` through a wrapper that runs it with FTZ/DAZ set and restores
    the caller's MXCSR afterwards."""
    body.linkage = "internal"
    body.attributes.add("noinline")
    store_mxcsr, load_mxcsr = (declare_function(module, n, ir.FunctionType(ir.VoidType(), [PTR]))
                               for n in ("llvm.x86.sse.stmxcsr", "llvm.x86.sse.ldmxcsr"))
    wrapper = ir.Function(module, body.function_type, name=name)
    b = ir.IRBuilder(wrapper.append_basic_block("entry"))
    saved, flushing = b.alloca(I32, name="saved"), b.alloca(I32, name="flushing")
    b.call(store_mxcsr, [saved])
    b.store(b.or_(b.load(saved), ir.Constant(I32, _FTZ_DAZ)), flushing)
    b.call(load_mxcsr, [flushing])
    status = b.call(body, wrapper.args)
    b.call(load_mxcsr, [saved])
    b.ret(status)


class StatusExit:
    """The ``failed`` block of a driver function: returns the status of the kernel that failed."""

    def __init__(self, func):
        self.func = func
        self.block = func.append_basic_block("failed")
        self.sources = []

    def check(self, b, status):
        """Branch here on a non-zero status; continue in a fresh block otherwise."""
        ok = self.func.append_basic_block("ok")
        self.sources.append((status, b.block))
        b.cbranch(b.icmp_signed("!=", status, ir.Constant(I32, 0)), self.block, ok)
        b.position_at_end(ok)

    def finish(self):
        b = ir.IRBuilder(self.block)
        if not self.sources:
            b.unreachable()
            return
        result = b.phi(I32)
        for status, block in self.sources:
            result.add_incoming(status, block)
        b.ret(result)


class _KernelTimer:
    """Profiled builds: adds the nanoseconds of each kernel call to element ``n`` (the kernel's
    position) of the int64 array bound to ``slot``."""

    _TIMESPEC = ir.LiteralStructType([I64, I64])  # struct timespec on 64-bit systems

    def __init__(self, module, b, slots, slot):
        if not hasattr(time, "CLOCK_MONOTONIC"):
            raise NotImplementedError("profiling needs clock_gettime(CLOCK_MONOTONIC), which "
                                      "this platform does not have")
        self.clock = declare_function(module, "clock_gettime", ir.FunctionType(I32, [I32, PTR]))
        self.timespec = b.alloca(self._TIMESPEC, name="timespec")
        header = b.load(b.gep(slots, [ir.Constant(I64, slot)], source_etype=PTR), typ=PTR)
        self.totals = emit_load_data(b, header)

    def now(self, b):
        """Nanoseconds of the monotonic clock."""
        b.call(self.clock, [ir.Constant(I32, time.CLOCK_MONOTONIC), self.timespec])
        seconds, nanoseconds = (
            b.load(b.gep(self.timespec, [ir.Constant(I32, 0), ir.Constant(I32, k)],
                         source_etype=self._TIMESPEC), typ=I64) for k in (0, 1))
        return b.add(b.mul(seconds, ir.Constant(I64, 10**9)), nanoseconds)

    def add(self, b, n, start):
        total = b.gep(self.totals, [ir.Constant(I64, n)], source_etype=I64)
        b.store(b.add(b.load(total, typ=I64), b.sub(self.now(b), start)), total)


def _call_if_ticking(b, exit_, item, fn, slots, step, timer=None, n=0):
    """Call ``fn`` for base step ``step`` if its clock ticks then (with the clock's own step),
    timed by ``timer`` as the kernel at position ``n``."""
    def call(own_step):
        start = timer.now(b) if timer else None
        status = b.call(fn, [slots, own_step])
        if timer:
            timer.add(b, n, start)
        exit_.check(b, status)
    on_tick(b, item.period, step, call)


def _emit_run_steps(module, schedule, functions, name, profile_slot):
    driver = ir.Function(module, ir.FunctionType(I32, [PTR, I64, I64]), name=name)
    slots, start, stop = driver.args
    b = ir.IRBuilder(driver.append_basic_block("entry"))
    exit_ = StatusExit(driver)
    timer = _KernelTimer(module, b, slots, profile_slot) if profile_slot is not None else None
    with for_range(b, start, stop, name="step") as step:
        for n, (item, fn) in enumerate(zip(schedule, functions)):
            _call_if_ticking(b, exit_, item, fn, slots, step, timer, n)
    b.ret(ir.Constant(I32, 0))
    exit_.finish()
    return driver


def _emit_run_partial(module, schedule, functions, name, profile_slot):
    func = ir.Function(module, ir.FunctionType(I32, [PTR, I64, I64, I64]), name=name)
    slots, step, first, last = func.args
    b = ir.IRBuilder(func.append_basic_block("entry"))
    timer = _KernelTimer(module, b, slots, profile_slot) if profile_slot is not None else None
    exit_ = StatusExit(func)
    for n, (item, fn) in enumerate(zip(schedule, functions)):
        position = ir.Constant(I64, n)
        inside = b.and_(b.icmp_signed("<=", first, position), b.icmp_signed("<", position, last))
        with b.if_then(inside):
            _call_if_ticking(b, exit_, item, fn, slots, step, timer, n)
    b.ret(ir.Constant(I32, 0))
    exit_.finish()
    return func


@dataclass
class _Unit:
    """Kernels of one period that the threads run between two barriers: partitioned parts of
    the same elements (none, one, or several that :func:`elementwise_together` allows to run
    back to back), then, after another barrier, serial functions on thread 0."""

    period: int
    parts: list
    serial: list


def _units(schedule, functions, parts):
    units = []
    for item, fn, parted in zip(schedule, functions, parts):
        last = units[-1] if units and units[-1].period == item.period else None
        if parted is None:
            if last is not None:
                last.serial.append(fn)
            else:
                units.append(_Unit(item.period, [], [fn]))
            continue
        if last is not None and last.parts and not last.serial and all(
                elementwise_together(p.kernel, parted.kernel) for p in last.parts):
            last.parts.append(parted)
        else:
            last = _Unit(item.period, [parted], [])
            units.append(last)
        if parted.rest is not None:
            last.serial.append(parted.rest)
    return units


def _thread_range(b, size, tid, nthreads):
    """The elements ``[lo, hi)`` of a group of ``size`` that thread ``tid`` of ``nthreads``
    runs: at most ``size // MIN_ELEMENTS_PER_THREAD`` threads (two or more: a smaller kernel is
    not partitioned, ``partitioned_on_threads``) share the group in
    parts of equal length, rounded up to a multiple of ``ALIGNMENT``; the others get nothing."""
    def smaller(a, b_):
        return b.select(b.icmp_signed("<", a, b_), a, b_)
    one, size_ = ir.Constant(I64, 1), ir.Constant(I64, size)
    useful = smaller(nthreads, ir.Constant(I64, size // MIN_ELEMENTS_PER_THREAD))
    length = b.sdiv(b.add(size_, b.sub(useful, one)), useful)
    aligned = ir.Constant(I64, ALIGNMENT)
    length = b.mul(b.sdiv(b.add(length, ir.Constant(I64, ALIGNMENT - 1)), aligned), aligned)
    lo = smaller(b.mul(tid, length), size_)
    return lo, smaller(b.add(lo, length), size_)


def _emit_run_steps_threaded(module, schedule, functions, name, parts):
    """``i32 run_steps_threaded(ptr slots, i64 start, i64 stop, i64 tid, i64 nthreads, ptr
    sync)``: called by each of ``nthreads`` threads (``tid`` 0 to ``nthreads - 1``) with the
    same arguments otherwise; see the module docstring."""
    func = ir.Function(module, ir.FunctionType(I32, [PTR, I64, I64, I64, I64, PTR]), name=name)
    slots, start, stop, tid, nthreads, sync = func.args
    barrier = declare_barrier(module)
    b = ir.IRBuilder(func.append_basic_block("entry"))
    status_word = word(b, sync, STATUS)
    is_first = b.icmp_signed("==", tid, ir.Constant(I64, 0))
    failed = func.append_basic_block("failed")

    def record(status):
        with b.if_then(b.icmp_signed("!=", status, ir.Constant(I32, 0)), likely=False):
            b.atomic_rmw("xchg", status_word, b.sext(status, I64), "monotonic")

    def meet():
        """The barrier, then every thread leaves if a kernel failed."""
        b.call(barrier, [sync, nthreads])
        status = b.load_atomic(status_word, "monotonic", 8, typ=I64)
        ok = func.append_basic_block("ok")
        b.cbranch(b.icmp_signed("!=", status, ir.Constant(I64, 0)), failed, ok)
        b.position_at_end(ok)

    with for_range(b, start, stop, name="step") as step:
        for unit in _units(schedule, functions, parts):
            def run_unit(own_step, unit=unit):
                if unit.parts:
                    lo, hi = _thread_range(b, unit.parts[0].size, tid, nthreads)
                    with b.if_then(b.icmp_signed("<", lo, hi)):
                        for parted in unit.parts:
                            record(b.call(parted.part, [slots, own_step, lo, hi]))
                    meet()
                if unit.serial:
                    with b.if_then(is_first):
                        done = func.append_basic_block("serial.done")
                        for fn in unit.serial:
                            status = b.call(fn, [slots, own_step])
                            nxt = func.append_basic_block("serial.next")
                            record(status)
                            b.cbranch(b.icmp_signed("!=", status, ir.Constant(I32, 0)), done, nxt)
                            b.position_at_end(nxt)
                        b.branch(done)
                        b.position_at_end(done)
                    meet()
            on_tick(b, unit.period, step, run_unit)
    b.ret(ir.Constant(I32, 0))
    fb = ir.IRBuilder(failed)
    fb.ret(fb.trunc(fb.load_atomic(status_word, "monotonic", 8, typ=I64), I32))
    return func


def on_tick(b, period, step, emit):
    """``emit(own_step)`` where a clock of ``period`` base steps ticks at base step ``step``."""
    if period == 1:
        emit(step)
        return
    p = ir.Constant(I64, period)
    with b.if_then(b.icmp_signed("==", b.srem(step, p), ir.Constant(I64, 0))):
        emit(b.sdiv(step, p))
