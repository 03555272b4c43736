"""Ctrl-C held back while a critical section runs, then delivered.

Loading machine code into the JIT engine (add the object, finalise it, record its addresses) must
happen completely or not at all: an engine left with half a build would serve a later run code
that is not the code its key describes. Python raises ``KeyboardInterrupt`` wherever the
interpreter happens to be when SIGINT arrives, so inside such a section the signal is only noted,
and the handler that was installed before (Python's default raises ``KeyboardInterrupt``) is called
as soon as the section ends, whether it finished or failed. The interrupt is never lost.

Only the main thread receives Python signal handlers; elsewhere, or when SIGINT is ignored or left
to the operating system (``SIG_IGN``/``SIG_DFL``), the section runs unchanged.
"""
from __future__ import annotations

import contextlib
import signal
import threading

__all__ = ["sigint_deferred"]


@contextlib.contextmanager
def sigint_deferred():
    """Run the ``with`` block with SIGINT noted instead of handled; handle it after the block."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)
    if not callable(previous):
        yield
        return
    received = []
    signal.signal(signal.SIGINT, lambda signum, frame: received.append(frame))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if received:
            previous(signal.SIGINT, received[0])
