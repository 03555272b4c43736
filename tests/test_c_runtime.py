"""brianjit.c_runtime finds the C runtime's functions without POSIX-only calls elsewhere: in the
process's symbols (the allocator the JIT's code uses), else in the C library by name, else a
NotImplementedError that names the function and where it looked."""
import ctypes
import pathlib

import pytest

from brianjit import c_runtime
from subprocess_script import run_script


def _round_trip():
    calloc = c_runtime.c_function("calloc", ctypes.c_void_p, [ctypes.c_size_t, ctypes.c_size_t])
    free = c_runtime.c_function("free", None, [ctypes.c_void_p])
    address = calloc(4, 8)
    assert address
    values = (ctypes.c_int64 * 4).from_address(address)
    assert list(values) == [0, 0, 0, 0]   # calloc zeroes
    values[2] = 7
    assert values[2] == 7
    free(address)


def test_calloc_and_free_from_the_process():
    _round_trip()


def test_without_the_process_handle_the_c_library_by_name_serves(monkeypatch):
    c_runtime._library.cache_clear()
    monkeypatch.setattr(c_runtime, "_process", lambda: None)   # as on Windows
    try:
        _round_trip()
    finally:
        c_runtime._library.cache_clear()


def test_a_missing_function_is_a_clear_error(monkeypatch):
    with pytest.raises(NotImplementedError, match=r"'brianjit_no_such_function'.*"
                                                  r"searched: the process's global symbols"):
        c_runtime.c_function("brianjit_no_such_function", None, [])


def test_memory_modules_allocate_through_it_and_nothing_else_opens_the_process():
    run_script("""
        import numpy as np
        from brianjit.memory import DynamicArray
        a = DynamicArray(10, np.float64)
        a.resize(1000)
        a[:] = 1.5
        assert float(np.asarray(a).sum()) == 1500.0
        """)
    package = pathlib.Path(c_runtime.__file__).parent
    users = [path.relative_to(package).as_posix() for path in package.rglob("*.py")
             if "CDLL(None)" in path.read_text()]
    assert users == ["c_runtime.py"]
