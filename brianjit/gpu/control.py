"""The step control block: where a GPU entry finds its step and whether the chunk has failed.

A CUDA graph replays launches with the parameters it was built with, so the step cannot be a
launch parameter if one graph is to run every stretch of ``K`` steps of a run. Every entry of
the GPU form therefore takes ``(slots, offset, control)``: ``control`` points at a small device
block ``{i32 status, i32 unused, i64 base}``, and the entry's base step is ``base + offset``
(its own clock's step: that divided by the clock's period, skipping the steps where the clock
does not tick). A graph of ``K`` steps holds each launch at offsets ``0..K-1`` and ends with the
``ADVANCE`` entry, which adds ``K`` to ``base`` on the device, so replaying it runs the next
``K`` steps (``gpu.replay``). One launch per kernel per step passes ``offset = step - base``.

``status`` is the first non-zero status of the chunk (an array that could not grow). Every
entry returns at once when it is set, so the steps after a failure do nothing, whether launched
one by one or replayed in a graph: the chunk stops at the failing kernel as the CPU's driver
does, and its state is the CPU's.
"""
from __future__ import annotations

import ctypes

from llvmlite import ir

__all__ = ["Control", "CONTROL", "ADVANCE", "emit_gate", "status_pointer", "emit_advance_entry"]

I32, I64, PTR = ir.IntType(32), ir.IntType(64), ir.PointerType()
#: the control block's IR type (``status``, unused, ``base``)
CONTROL = ir.LiteralStructType([I32, I32, I64])
#: the entry that advances ``base`` by its argument: ``void ADVANCE(ptr control, i64 steps)``
ADVANCE = "brianjit_advance"


class Control(ctypes.Structure):
    """The host's view of the control block (the layout of :data:`CONTROL`)."""

    _fields_ = [("status", ctypes.c_int32), ("unused", ctypes.c_int32),
                ("base", ctypes.c_int64)]


def emit_gate(b: ir.IRBuilder, control, offset, period: int, run) -> None:
    """Call ``run(own_step)`` when the chunk has not failed and the clock of ``period`` base
    steps ticks at base step ``base + offset``."""
    status = b.load(status_pointer(b, control), typ=I32)
    step = b.add(b.load(_base_pointer(b, control), typ=I64, align=8), offset, name="step")
    go = b.icmp_signed("==", status, ir.Constant(I32, 0))
    if period != 1:
        p = ir.Constant(I64, period)
        go = b.and_(go, b.icmp_signed("==", b.srem(step, p), ir.Constant(I64, 0)))
        step = b.sdiv(step, p)
    with b.if_then(go):
        run(step)


def status_pointer(b: ir.IRBuilder, control):
    """The address of the control block's ``status``."""
    return b.gep(control, [ir.Constant(I32, 0), ir.Constant(I32, 0)], source_etype=CONTROL)


def _base_pointer(b, control):
    """The address of ``base`` (8-aligned: the block is a driver allocation or an alloca of
    :data:`CONTROL`; said explicitly, since a module parsed without a data layout takes i64
    loads as 4-aligned and NVPTX then splits them)."""
    return b.gep(control, [ir.Constant(I32, 0), ir.Constant(I32, 2)], source_etype=CONTROL)


def emit_advance_entry(module: ir.Module, ptx: bool) -> ir.Function:
    """``void ADVANCE(ptr control, i64 steps)``: ``base += steps`` (one thread; a
    ``ptx_kernel`` when ``ptx``)."""
    fn = ir.Function(module, ir.FunctionType(ir.VoidType(), [PTR, I64]), name=ADVANCE)
    if ptx:
        fn.calling_convention = "ptx_kernel"
    control, steps = fn.args
    b = ir.IRBuilder(fn.append_basic_block("entry"))
    base = _base_pointer(b, control)
    b.store(b.add(b.load(base, typ=I64, align=8), steps), base, align=8)
    b.ret_void()
    return fn
