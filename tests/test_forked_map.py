"""``forked_map.map_forked``: what a forked child computes comes back in order, and nothing a child
does (an exception, a crash, a refused fork) changes what the caller gets, which is what the
sequential map gives; an interrupted caller leaves no child behind. ``jit``'s fork holds
llvmlite's lock, and the child can use LLVM."""
import ctypes
import os
import signal
import threading

import pytest

from brianjit import forked_map, jit
from brianjit.forked_map import map_forked, parallel_parts

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")


def _plain_fork(child):
    pid = os.fork()
    if pid == 0:
        child()
    return pid


def _no_children_left():
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


def test_items_after_the_first_are_computed_in_children_and_come_back_in_order():
    parent = os.getpid()
    results = map_forked(lambda n: (n * n, os.getpid()), [0, 1, 2, 3], fork=_plain_fork)
    assert [value for value, _ in results] == [0, 1, 4, 9]
    assert results[0][1] == parent
    assert all(pid != parent for _, pid in results[1:])
    assert len({pid for _, pid in results}) == 4
    _no_children_left()


@pytest.mark.parametrize("failure", ["exit", "kill", "unpicklable"])
def test_a_child_that_fails_has_its_item_computed_here(failure):
    parent = os.getpid()

    def function(n):
        if os.getpid() != parent and n == 2:
            if failure == "exit":
                os._exit(3)
            if failure == "kill":
                os.kill(os.getpid(), signal.SIGKILL)
            return lambda: n  # cannot be pickled
        return n + 100

    assert map_forked(function, [0, 1, 2, 3], fork=_plain_fork) == [100, 101, 102, 103]
    _no_children_left()


def test_an_exception_in_a_child_is_the_callers_own_when_computed_here():
    def function(n):
        if n == 1:
            raise ValueError(f"item {n} is bad")
        return n

    with pytest.raises(ValueError, match="item 1 is bad"):
        map_forked(function, [0, 1, 2], fork=_plain_fork)
    _no_children_left()


def test_a_refused_fork_computes_the_item_here():
    def refuse(child):
        raise OSError(12, "Cannot allocate memory")

    assert map_forked(lambda n: (n, os.getpid()), [0, 1], fork=refuse) == [(0, os.getpid()),
                                                                         (1, os.getpid())]


def test_an_interrupted_caller_kills_and_reaps_every_child():
    parent = os.getpid()

    def function(n):
        if os.getpid() == parent:
            raise KeyboardInterrupt  # Ctrl-C while this process computes its own item
        signal.pause()  # children would wait forever (SIGINT is blocked in them)

    with pytest.raises(KeyboardInterrupt):
        map_forked(function, [0, 1, 2], fork=_plain_fork)
    _no_children_left()


def test_children_block_sigint():
    parent = os.getpid()

    def function(n):
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGINT)  # blocked: stays pending, never delivered
            return signal.SIGINT in signal.sigpending()
        return None

    assert map_forked(function, [0, 1], fork=_plain_fork) == [None, True]


def test_jit_forks_holding_llvmlites_lock_and_the_child_compiles():
    text = 'define i64 @"twice"(i64 %x) {\n  %y = add i64 %x, %x\n  ret i64 %y\n}\n'
    with jit._lock:
        parts = map_forked(lambda t: jit._compile_part(t, frozenset(), "__t"), [text, text],
                           fork=jit._fork_holding_llvm_lock)
    assert parts[0].object_code == parts[1].object_code
    assert parts[1].names == {"twice__t": "twice"}
    module = jit.compile_ir(text)
    assert module.cfunc("twice", ctypes.c_int64, ctypes.c_int64)(21) == 42


def test_parallel_parts_from_the_environment(monkeypatch):
    monkeypatch.setenv(forked_map.ENVIRONMENT_VARIABLE, "1")
    assert parallel_parts() == 1
    monkeypatch.setenv(forked_map.ENVIRONMENT_VARIABLE, "3")
    assert parallel_parts() == (3 if threading.active_count() == 1 else 1)
    for bad in ("0", "-2", "two"):
        monkeypatch.setenv(forked_map.ENVIRONMENT_VARIABLE, bad)
        with pytest.raises(ValueError, match=forked_map.ENVIRONMENT_VARIABLE):
            parallel_parts()


def test_no_fork_while_another_python_thread_lives(monkeypatch):
    monkeypatch.setenv(forked_map.ENVIRONMENT_VARIABLE, "4")
    release = threading.Event()
    thread = threading.Thread(target=release.wait)
    thread.start()
    try:
        assert parallel_parts() == 1
    finally:
        release.set()
        thread.join()


def test_by_default_one_part_per_cpu_no_other_task_is_using(monkeypatch):
    monkeypatch.delenv(forked_map.ENVIRONMENT_VARIABLE, raising=False)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(6)))
    monkeypatch.setattr(forked_map, "_can_fork", lambda: True)
    for others, parts in [(0, forked_map.MOST_PARTS), (3, 3), (5, 1), (40, 1)]:
        monkeypatch.setattr(forked_map, "_others_running", lambda others=others: others)
        assert parallel_parts() == parts, others


def test_the_kernels_count_of_running_tasks_is_read():
    assert forked_map._others_running() >= 0


@pytest.mark.parametrize("failing", [False, True])
def test_children_reaped_elsewhere_still_answer(failing):
    """With SIGCHLD ignored the system reaps the children itself (waitpid finds none): a whole
    answer is used, a missing one computed here, and nothing raises."""
    parent = os.getpid()
    previous = signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    try:
        def function(n):
            if failing and os.getpid() != parent:
                os._exit(3)
            return (n, os.getpid() == parent)

        results = map_forked(function, [0, 1, 2], fork=_plain_fork)
    finally:
        signal.signal(signal.SIGCHLD, previous)
    assert [n for n, _ in results] == [0, 1, 2]
    assert [here for _, here in results] == [True, failing, failing]


def test_a_refused_pipe_computes_the_item_here(monkeypatch):
    def no_pipe():
        raise OSError(24, "Too many open files")

    monkeypatch.setattr(os, "pipe", no_pipe)
    assert map_forked(lambda n: (n, os.getpid()), [0, 1], fork=_plain_fork) == [(0, os.getpid()),
                                                                               (1, os.getpid())]
