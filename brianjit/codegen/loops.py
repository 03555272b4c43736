"""Loops in LLVM IR as ``with`` blocks: the code of the block is the loop's body.

``with for_range(b, start, stop) as k:`` is ``for k in range(start, stop)`` with ``k`` an i64
value; ``with while_loop(b) as loop:`` emits the test first (``loop.enter_if(i1)``: code before
it runs in the loop's head, on every iteration) and the body after it. Several ``enter_if`` calls
are ``while a and b:``, short-circuit: the code between them runs only while the tests before it
held (``b`` may read what ``a`` bounds). Both leave the builder
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


class _LoopID(ir.values.MDValue):
    """A loop's ``!llvm.loop`` node: distinct, its first operand itself (LLVM's rule for loop
    IDs), then the hints."""

    def __init__(self, module: ir.Module, hints):
        super().__init__(module, [module.add_metadata(hint) for hint in hints],
                         name=str(len(module.metadata)))

    def descr(self, buf):
        operands = ", ".join([self.get_reference()] + [op.get_reference() for op in self.operands])
        buf += (f"distinct !{{ {operands} }}", "\n")


class _AccessGroup(ir.values.MDValue):
    """An access group: a distinct node without operands (LLVM's ``!llvm.access.group``).

    Equal only to itself: llvmlite's ``MDValue`` compares (and hashes) by operands, so every
    group would equal every other one, and ``Module.add_metadata``, which reuses an equal node,
    would give every loop's ``parallel_accesses`` hint the module's first group: a hint on
    accesses that are not the loop's, which LLVM ignores (it then checked at run time again)."""

    def __init__(self, module: ir.Module):
        super().__init__(module, [], name=str(len(module.metadata)))

    __eq__ = object.__eq__
    __ne__ = object.__ne__
    __hash__ = object.__hash__

    def descr(self, buf):
        buf += ("distinct !{}", "\n")


def _independent(module: ir.Module, blocks):
    """Tag every load and store of ``blocks`` with a new access group; the loop hint that says
    their iterations do not depend on each other (``llvm.loop.parallel_accesses``)."""
    group = _AccessGroup(module)
    for block in blocks:
        for instruction in block.instructions:
            if isinstance(instruction, (ir.LoadInstr, ir.StoreInstr)):
                instruction.set_metadata("llvm.access.group", group)
    return [[ir.MetaDataString(module, "llvm.loop.parallel_accesses"), group]]


def _scalar_hints(module: ir.Module):
    """Neither vectorise nor unroll: for loops that carry a recurrence or run a few times, where
    the vectoriser's runtime checks and the unrolled copies only cost compile time."""
    off = ir.Constant(ir.IntType(1), 0)
    return [[ir.MetaDataString(module, "llvm.loop.vectorize.enable"), off],
            [ir.MetaDataString(module, "llvm.loop.unroll.disable")]]


def _compact_hints(module: ir.Module):
    """Vectorise at the width LLVM chooses, but keep one copy of the vector body: neither
    interleaved nor unrolled. For element loops whose body is a few operations (a threshold's
    test): O3 made 4 interleaved copies of the vector body, unrolled twice, plus a vectorised
    epilogue, a third of the kernel's compile time for a loop that runs at memory speed anyway.
    Not for PoissonGroup's probabilities: there the interleaved loop ran measurably faster
    (architecture.md, "Compact element loops")."""
    return [[ir.MetaDataString(module, "llvm.loop.interleave.count"), ir.Constant(ir.IntType(32), 1)],
            [ir.MetaDataString(module, "llvm.loop.unroll.disable")]]


def _blocks(b: ir.IRBuilder, name: str):
    """(head, body, done) blocks of a new loop; the builder branches into the head and moves there."""
    func = b.block.function
    head, body, done = (func.append_basic_block(f"{name}.{part}")
                        for part in ("head", "body", "done"))
    b.branch(head)
    b.position_at_end(head)
    return head, body, done


@contextlib.contextmanager
def for_range(b: ir.IRBuilder, start, stop, name: str = "loop", scalar: bool = False,
              independent: bool = False, compact: bool = False):
    """``for k in range(start, stop)`` (i64 values, step 1); yields ``k``. ``scalar``: tell
    LLVM to neither vectorise nor unroll the loop (:func:`_scalar_hints`); ``independent``:
    promise that no iteration reads what another writes (:func:`_independent`), so LLVM
    vectorises without checking at run time whether the arrays overlap; ``compact``: vectorise
    without interleaving or unrolling (:func:`_compact_hints`). The code each hint leads to
    computes the same bits, as long as the body calls no function (a vectorised ``exp`` is
    libmvec's: which elements it computes depends on the vector body's length)."""
    if scalar + independent + compact > 1:
        raise ValueError("a loop is either scalar or vectorised (without checks, or compact): "
                         "it takes one of the hints scalar, independent and compact")
    pre = b.block
    head, body, done = _blocks(b, name)
    k = b.phi(I64, name=f"{name}.k")
    k.add_incoming(start, pre)
    b.cbranch(b.icmp_signed("<", k, stop), body, done)
    b.position_at_end(body)
    yield k
    k.add_incoming(b.add(k, ir.Constant(I64, 1)), b.block)
    latch = b.branch(head)
    func = b.block.function
    module = func.module
    hints = (_scalar_hints(module) if scalar else _compact_hints(module) if compact else
             _independent(module, func.blocks[func.blocks.index(body):]) if independent else None)
    if hints:
        latch.set_metadata("llvm.loop", _LoopID(module, hints))
    b.position_at_end(done)


class WhileLoop:
    """The loop of a ``with while_loop(b)`` block: each :meth:`enter_if` ends one test."""

    def __init__(self, b, body, done):
        self._b, self._body, self._done = b, body, done
        self.entered = False

    def enter_if(self, condition):
        """Go on (to the next test or the body) while the i1 ``condition`` holds; else leave
        the loop."""
        b = self._b
        following = self._body if not self.entered else b.block.function.append_basic_block(
            f"{self._body.name}.and")
        self.entered = True
        b.cbranch(condition, following, self._done)
        b.position_at_end(following)


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
