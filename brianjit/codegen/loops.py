"""Loops in LLVM IR as ``with`` blocks: the code of the block is the loop's body.

``with for_range(b, start, stop) as k:`` is ``for k in range(start, stop)`` with ``k`` an i64
value; ``with while_loop(b) as loop:`` emits the test first (``loop.enter_if(i1)``: code before
it runs in the loop's head, on every iteration) and the body after it. Both leave the builder
after the loop. Bodies may add blocks of their own (``if_then``, nested loops): the loop's
latch is closed from wherever the body ended.

These replace callbacks (``counted_loop(start, stop, body)``) and hand-written phi loops: the
body is ordinary straight-line code at the place it runs, and a loop whose bounds are one more
parameter (the partition of a shape for a thread, ``codegen.partition``) is the same code.
"""
from __future__ import annotations

import contextlib

from llvmlite import ir

__all__ = ["for_range", "while_loop", "WhileLoop"]

I64 = ir.IntType(64)


def _blocks(b: ir.IRBuilder, name: str):
    """(head, body, done) blocks of a new loop; the builder branches into the head and moves there."""
    func = b.block.function
    head, body, done = (func.append_basic_block(f"{name}.{part}")
                        for part in ("head", "body", "done"))
    b.branch(head)
    b.position_at_end(head)
    return head, body, done


@contextlib.contextmanager
def for_range(b: ir.IRBuilder, start, stop, name: str = "loop"):
    """``for k in range(start, stop)`` (i64 values, step 1); yields ``k``."""
    pre = b.block
    head, body, done = _blocks(b, name)
    k = b.phi(I64, name=f"{name}.k")
    k.add_incoming(start, pre)
    b.cbranch(b.icmp_signed("<", k, stop), body, done)
    b.position_at_end(body)
    yield k
    k.add_incoming(b.add(k, ir.Constant(I64, 1)), b.block)
    b.branch(head)
    b.position_at_end(done)


class WhileLoop:
    """The loop of a ``with while_loop(b)`` block: :meth:`enter_if` ends the test."""

    def __init__(self, b, body, done):
        self._b, self._body, self._done = b, body, done
        self.entered = False

    def enter_if(self, condition):
        """Run the body while the i1 ``condition`` (emitted in the head) holds."""
        if self.entered:
            raise RuntimeError("a while_loop has one test")
        self.entered = True
        self._b.cbranch(condition, self._body, self._done)
        self._b.position_at_end(self._body)


@contextlib.contextmanager
def while_loop(b: ir.IRBuilder, name: str = "while"):
    """``while test: body``; yields a :class:`WhileLoop`. Loop state lives in allocas."""
    head, body, done = _blocks(b, name)
    loop = WhileLoop(b, body, done)
    yield loop
    if not loop.entered:
        raise RuntimeError("a while_loop needs its test: call enter_if(condition)")
    b.branch(head)
    b.position_at_end(done)
