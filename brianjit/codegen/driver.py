"""The driver: one native function that runs a whole network schedule for a range of time steps.

``i32 run_steps(ptr slots, i64 start, i64 stop)`` loops over the base clock's steps
``start <= s < stop`` and, in schedule order, calls every kernel whose clock ticks at ``s`` (a clock
of ``period`` base steps ticks when ``s % period == 0`` and passes its own step ``s / period``). It
returns 0, or the first kernel's non-zero status (out of memory), leaving that step unfinished.
Python calls it once per chunk of steps; nothing here ever calls back into Python.
"""
from __future__ import annotations

from dataclasses import dataclass

from llvmlite import ir

from .. import kernel as K
from .kernels import lower_kernel

__all__ = ["ScheduledKernel", "build_network_module", "kernel_function_name", "DRIVER_NAME"]

I32, I64, PTR = ir.IntType(32), ir.IntType(64), ir.PointerType()
DRIVER_NAME = "run_steps"


@dataclass(frozen=True)
class ScheduledKernel:
    """A kernel in its place in the schedule, ticking every ``period`` base-clock steps."""

    kernel: K.Kernel
    period: int = 1


def kernel_function_name(position: int, kern: K.Kernel) -> str:
    """The LLVM name of the kernel at ``position`` of a schedule."""
    return f"k{position}_{kern.name}"


def build_network_module(schedule: list[ScheduledKernel], name: str = "network") -> ir.Module:
    """All kernels of a network plus the driver, in one module."""
    module = ir.Module(name=name)
    module.triple = ""
    functions = [lower_kernel(module, item.kernel, kernel_function_name(n, item.kernel))
                 for n, item in enumerate(schedule)]
    driver = ir.Function(module, ir.FunctionType(I32, [PTR, I64, I64]), name=DRIVER_NAME)
    slots, start, stop = driver.args
    entry = driver.append_basic_block("entry")
    head = driver.append_basic_block("step.head")
    body = driver.append_basic_block("step.body")
    failed = driver.append_basic_block("failed")
    done = driver.append_basic_block("done")
    b = ir.IRBuilder(entry)
    b.branch(head)
    b.position_at_end(head)
    step = b.phi(I64, name="step")
    step.add_incoming(start, entry)
    b.cbranch(b.icmp_signed("<", step, stop), body, done)
    b.position_at_end(body)
    status_phi_sources = []
    for item, fn in zip(schedule, functions):
        if item.period == 1:
            status = b.call(fn, [slots, step])
            status_phi_sources.append(_check(b, driver, status, failed))
            continue
        period = ir.Constant(I64, item.period)
        ticks = b.icmp_signed("==", b.srem(step, period), ir.Constant(I64, 0))
        with b.if_then(ticks):
            status = b.call(fn, [slots, b.sdiv(step, period)])
            status_phi_sources.append(_check(b, driver, status, failed))
    next_step = b.add(step, ir.Constant(I64, 1))
    step.add_incoming(next_step, b.block)
    b.branch(head)
    b.position_at_end(failed)
    result = b.phi(I32)
    for status, block in status_phi_sources:
        result.add_incoming(status, block)
    b.ret(result)
    b.position_at_end(done)
    b.ret(ir.Constant(I32, 0))
    if not status_phi_sources:
        failed.instructions.clear()
        ir.IRBuilder(failed).unreachable()
    return module


def _check(b, func, status, failed):
    """Branch to ``failed`` on a non-zero status; continue in a fresh block otherwise."""
    ok = func.append_basic_block("ok")
    origin = b.block
    b.cbranch(b.icmp_signed("!=", status, ir.Constant(I32, 0)), failed, ok)
    b.position_at_end(ok)
    return status, origin
