"""Blocks of C memory owned by Python, and the DynamicArray header that native code shares.

A :class:`CBlock` is freed exactly once, by its finalizer, when its last Python reference dies:
the DynamicArray that uses it, or any numpy view of it (through the view's ``base`` chain).
Reference counting decides, not the garbage collector's timing or order: the one finalizer that
does more than free its own block, the header's, reads only the header's own memory. Every block
counts its bytes in the memory budget (``brianjit.memory_budget``) while it lives, and
:func:`live_buffers` counts the blocks, so tests can prove nothing leaks.
"""
from __future__ import annotations

import ctypes

from . import memory_budget
from .c_runtime import c_function

__all__ = ["CBlock", "HeaderBlock", "Header", "live_buffers"]

_calloc = c_function("calloc", ctypes.c_void_p, [ctypes.c_size_t, ctypes.c_size_t])
_free = c_function("free", None, [ctypes.c_void_p])


class Header(ctypes.Structure):
    """The 80-byte header shared with native code (docs/CONTRACTS.md)."""
    _fields_ = [
        ("data", ctypes.c_void_p),
        ("size", ctypes.c_int64),
        ("capacity", ctypes.c_int64),
        ("pinned", ctypes.c_void_p),
        ("rowbytes", ctypes.c_int64),
        ("factor", ctypes.c_double),
        ("ncols", ctypes.c_int64),
        ("max_rows", ctypes.c_int64),
        ("budget", ctypes.c_void_p),
        ("refused", ctypes.c_int64),
    ]


assert ctypes.sizeof(Header) == 80


class _Live:
    """The number of :class:`CBlock` objects alive (see :func:`live_buffers`)."""
    count = 0


class CBlock:
    """One block of C memory owned by Python: freed exactly once, when its last reference dies.

    Exposes ``__array_interface__`` (bytes, writable), so ``np.asarray(block)`` is a zero-copy view
    whose ``base`` is this block: every view derived from it keeps the memory alive."""

    __slots__ = ("address", "nbytes")

    def __init__(self, address: int, nbytes: int):
        """Own the block at ``address`` (allocated by :meth:`allocate`, or by native growth,
        which took its bytes from the budget already)."""
        self.address = address
        self.nbytes = nbytes
        memory_budget.adopt(nbytes)
        _Live.count += 1

    @classmethod
    def allocate(cls, nbytes: int, what: str = "DynamicArray") -> "CBlock":
        """A new zero-filled block of ``nbytes`` (at least one byte: the pointer is never null),
        or MemoryError if it does not fit in the memory budget or calloc fails."""
        memory_budget.charge(nbytes, what)
        address = _calloc(max(nbytes, 1), 1)
        if not address:
            memory_budget.give_back(nbytes)
            raise MemoryError(f"{what}: could not allocate {nbytes} bytes of C memory")
        return cls(address, nbytes)

    @property
    def __array_interface__(self):
        return {"version": 3, "shape": (self.nbytes,), "typestr": "|u1",
                "data": (self.address, False)}

    def __del__(self, _free=_free, _live=_Live, _release=memory_budget.release):
        _free(self.address)
        _release(self.nbytes)
        _live.count -= 1


class HeaderBlock(CBlock):
    """The header's block. Its finalizer also frees a buffer native code installed that Python
    never adopted (``data != pinned``: nobody else can see it), so a DynamicArray's cleanup is
    one finalizer that reads only its own memory: correct in whatever order the cyclic garbage
    collector finalizes a group and its arrays (a finalizer on the DynamicArray reading the header
    would read freed memory whenever the header block happened to be finalized first)."""

    __slots__ = ()

    def __del__(self, _free=_free, _live=_Live, _header=Header,
                _release=memory_budget.release, _give_back=memory_budget.give_back):
        h = _header.from_address(self.address)
        if h.data and h.data != h.pinned:
            _free(h.data)
            _give_back(h.capacity * h.rowbytes)
        _free(self.address)
        _release(self.nbytes)
        _live.count -= 1


def live_buffers() -> int:
    """How many blocks of C memory this module owns right now (headers and data buffers).

    A block stays alive while its DynamicArray uses it or any numpy view still refers to it."""
    return _Live.count
