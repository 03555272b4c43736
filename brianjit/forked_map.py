"""Independent computations (``jit``'s parts of one module) at the same time, in forked processes.

llvmlite passes every LLVM call through one process-wide lock, so threads compile one part after
the other (measured in round 7: no gain). A forked child has a copy of the whole process, LLVM
included, and no lock shared with it: :func:`map_forked` computes the first item in this process
and each other item in a child of its own, which sends its result back pickled through a pipe.
On swc-neuron's module (two parts, idle 2-core machine) LLVM's wall time went from a median of
0.37 s to 0.24 s; a fork costs ~5 ms.

Nothing a child does can change what the caller gets: a child that fails in any way (an
exception, a crash, a short or unreadable answer, a fork refused for memory) has its item
computed again in this process, so results and exceptions are those of the sequential
``[function(item) for item in items]``. Results come in the order of the items. Ctrl-C stays
the caller's: children block SIGINT from birth, and when the caller is interrupted or fails,
every child is killed and reaped before the exception leaves (no orphans, no zombies).

``fork`` is given by the caller (``jit`` forks while it holds llvmlite's lock, so that no other
thread is inside LLVM at that instant, and runs the child's work without leaving that frame).
:func:`parallel_parts` says into how many parts a module may be split here: 1 where forking is
not safe or not possible (not Linux; another Python thread alive, whose locks a child would
inherit held), else the CPUs this process may run on that no other task is using now, at most
:data:`MOST_PARTS`, or the ``BRIANJIT_COMPILE_PARTS`` environment variable. Threads that are
not Python's (numpy's OpenBLAS pool) never call LLVM or Python, and OpenBLAS and glibc's
allocator have their own fork handlers.
"""
from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Sequence

__all__ = ["ENVIRONMENT_VARIABLE", "MOST_PARTS", "parallel_parts", "map_forked"]

ENVIRONMENT_VARIABLE = "BRIANJIT_COMPILE_PARTS"

#: parts by default even with more CPUs: a network's big kernels are a handful
MOST_PARTS = 4


def parallel_parts() -> int:
    """How many parts of one module may compile at the same time here (at least 1)."""
    value = os.environ.get(ENVIRONMENT_VARIABLE, "").strip()
    if value:
        try:
            count = int(value)
        except ValueError:
            raise ValueError(f"{ENVIRONMENT_VARIABLE} must be a whole number of parts, "
                             f"not {value!r}") from None
        if count < 1:
            raise ValueError(f"{ENVIRONMENT_VARIABLE} must be at least 1, not {value!r}")
    else:
        cpus = (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                else os.cpu_count() or 1)
        count = min(MOST_PARTS, max(cpus - _others_running(), 1))
    if count > 1 and not _can_fork():
        return 1
    return count


def _others_running() -> int:
    """How many other tasks of the machine are running or ready to run now (the kernel's count
    in ``/proc/loadavg``, less this process; 0 where it cannot be read): a part compiled in a
    child only gains when a CPU is free for it. On the 2-core VM with another process busy,
    two parts of swc-neuron took 0.36-0.53 s where the whole module took 0.28-0.30 s."""
    try:
        with open("/proc/loadavg") as file:
            running = int(file.read().split()[3].split("/")[0])
    except (OSError, ValueError, IndexError):
        return 0
    return max(running - 1, 0)


def _can_fork() -> bool:
    """Forking is possible, and safe: Linux (macOS's system libraries refuse work after a fork),
    and no other Python thread alive (a child would inherit its locks held)."""
    return (sys.platform.startswith("linux") and hasattr(os, "fork")
            and threading.active_count() == 1)


_FAILED = object()


def map_forked(function: Callable, items: Sequence,
               fork: Callable[[Callable[[], None]], int]) -> list:
    """``[function(item) for item in items]``, the first item in this process and each other in a
    child made by ``fork(child)`` (see the module docstring): ``fork`` runs ``child()`` in the
    new process, never returns there, and returns the child's pid here (it raises ``OSError``
    where the system refuses a process)."""
    children = []
    try:
        for item in items[1:]:
            children.append(_start(function, item, fork))
        results = [function(items[0])] if items else []
        for item, child in zip(items[1:], children):
            value = child.answer() if child is not None else _FAILED
            results.append(function(item) if value is _FAILED else value)
        return results
    finally:
        for child in children:
            if child is not None:
                child.reap()


class _Child:
    """A forked child: its pid and the read end of the pipe its answer comes through."""

    def __init__(self, pid: int, read: int):
        self.pid, self.read, self.reaped = pid, read, False

    def answer(self):
        """The result the child sent, or _FAILED; the child is reaped."""
        chunks = []
        while True:
            chunk = os.read(self.read, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
        waited = _wait(self.pid)
        self.reaped = True
        if waited is not None and waited[1] != 0:
            return _FAILED
        try:  # (reaped elsewhere, its status unknown: a complete answer is a whole pickle)
            return pickle.loads(b"".join(chunks))
        except Exception:  # a short or damaged answer: computed here instead
            return _FAILED

    def reap(self):
        """Kill the child if it is still running, reap it, close the pipe."""
        if not self.reaped:
            waited = _wait(self.pid, os.WNOHANG)
            if waited is not None and waited[0] == 0:  # still running, and ours to stop
                os.kill(self.pid, signal.SIGKILL)
                _wait(self.pid)
            self.reaped = True
        os.close(self.read)


def _wait(pid: int, flags: int = 0):
    """``os.waitpid(pid, flags)``, or None where the child was reaped elsewhere: with SIGCHLD
    ignored the system reaps children itself, and a handler of the caller's (asyncio's child
    watchers) may wait for any child."""
    try:
        return os.waitpid(pid, flags)
    except ChildProcessError:
        return None


def _start(function, item, fork) -> _Child | None:
    """A child computing ``function(item)``; None if the system refused a pipe or a process."""
    try:
        read, write = os.pipe()
    except OSError:  # out of file descriptors
        return None

    def child():
        status = 1
        try:
            os.close(read)
            data = pickle.dumps(function(item), protocol=pickle.HIGHEST_PROTOCOL)
            view = memoryview(data)
            while view:
                view = view[os.write(write, view):]
            status = 0
        finally:
            os._exit(status)

    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        pid = fork(child)  # the child keeps SIGINT blocked for its whole life
    except OSError:
        os.close(read)
        return None
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        os.close(write)
    return _Child(pid, read)
