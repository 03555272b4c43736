"""The C runtime's functions that Python calls directly (``calloc``, ``free``), found portably.

Python allocates blocks that native code later grows with ``realloc`` and frees with ``free``
(docs/CONTRACTS.md), so both sides must use one allocator. The JIT resolves the calls in its
code against the symbols the process has loaded, so on POSIX systems (Linux, macOS, the BSDs)
Python looks them up in the same place: the process's global symbols (``dlopen(NULL)``), which
also finds an allocator preloaded in place of the C library's (``LD_PRELOAD=libjemalloc.so``).
Where that handle does not exist (Windows) or lacks the function, the C library itself is
searched: the one ``ctypes.util.find_library`` names, or the Universal C Runtime on Windows.
A function found nowhere is a ``NotImplementedError`` naming it and the places searched.

Tested on Linux (x86-64, glibc) only; the other branches are written for macOS and Windows
but nobody has run them there (README, "Platforms").
"""
from __future__ import annotations

import ctypes
import ctypes.util
import functools
import os

__all__ = ["c_function"]


def _process():
    return ctypes.CDLL(None) if os.name == "posix" else None


def _places():
    """Where to look, in order; the C library's name is asked for only when the process lacks
    the function (``find_library`` runs ``ldconfig`` or a compiler on Linux)."""
    yield "process"
    yield from ["ucrtbase", "msvcrt"] if os.name == "nt" else [ctypes.util.find_library("c")]


@functools.cache
def _library(where: str):
    """The library ``where`` names ("process", or a C library's name), or None if it cannot be
    loaded."""
    try:
        return _process() if where == "process" else ctypes.CDLL(where)
    except OSError:
        return None


def c_function(name: str, restype, argtypes: list):
    """The C runtime's function ``name`` as a ctypes function with the given signature.
    Raises NotImplementedError, naming the places searched, where no library has it."""
    searched = []
    for where in _places():
        if where is None:
            continue
        searched.append("the process's global symbols" if where == "process" else where)
        library = _library(where)
        if library is None:
            continue
        try:
            function = library[name]   # a new function object (attributes are shared)
        except AttributeError:
            continue
        function.restype, function.argtypes = restype, argtypes
        return function
    raise NotImplementedError(f"brianjit needs the C runtime's function {name!r} and cannot "
                              f"find it on this platform (searched: {', '.join(searched)})")
