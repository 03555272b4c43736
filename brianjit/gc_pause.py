"""Python's cyclic garbage collector paused while a network is built.

A build allocates objects by the hundred thousand (sympy expressions in the integration, llvmlite's
IR objects while a module is lowered and printed) and frees few of them until it ends. Each time
the allocations pass a threshold, the collector traverses the young objects, and every tenth time
the older ones too: after ``import brianjit`` and sympy, ~90,000 objects that are never garbage.
Measured on ``swc-neuron`` (a fresh process, 2-core VM at load ~6): 22 collections inside the
build (two of them full) cost 0.13-0.15 s of its ~1.1 s of processor time. Paused, the collector
runs once, right after the build, over what the build left (a young collection: the objects it
made that are still alive); garbage cycles the build made are freed then instead of during it.

Only the automatic collection is paused (``gc.disable``), never ``gc.collect``; the state the
user set is restored, so a paused build inside another (a one-off kernel compiled while a network
is built) and a program that turned the collector off itself both keep theirs. Reference counting,
which frees almost everything, is not affected.
"""
from __future__ import annotations

import contextlib
import functools
import gc

__all__ = ["gc_paused", "without_gc"]


@contextlib.contextmanager
def gc_paused():
    """``with gc_paused():`` the cyclic collector does not run automatically inside the block."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def without_gc(function):
    """Decorator: ``function`` runs inside :func:`gc_paused`."""
    @functools.wraps(function)
    def paused(*args, **kwargs):
        with gc_paused():
            return function(*args, **kwargs)
    return paused
