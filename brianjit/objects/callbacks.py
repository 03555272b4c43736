"""The Python side of native calls into users' Python functions (``Function``).

A kernel that calls a Python function collects the arguments of all its calls in a table (one
row per call, see :class:`brianjit.kernel.PythonFunction`) and then calls one ctypes callback
per table, so the function runs once per kernel call on whole numpy arrays, never once per
element. The callback here converts the columns (type codes in row 0: 0 float, 1 integer,
2 boolean), calls the function's numpy implementation, checks that it returned one value per
call (or a scalar, broadcast), and writes the results into the table's last column.

Nothing may propagate out of a ctypes callback: any exception (``KeyboardInterrupt`` too, so
Ctrl-C works while Python code runs inside a kernel) is kept in :data:`_pending` and the callback
returns 1; the kernel then returns ``PYTHON_ERROR`` and whoever ran it calls
:func:`raise_pending`, which raises the exception itself (the user's traceback intact).

Cost (measured on the shared 2-core machine, ``dv/dt = -f(v)/ms`` with ``f`` a
``check_units`` function computing ``np.sin``): about 0.1-0.2 ms per callback, mostly Brian2's
unit handling around the function (the arguments become Quantities, the result's unit is
checked), plus the function's own numpy time; the pre-pass costs about what the loop costs.
100 neurons: 0.19 ms per step against 2.6 us with the built-in ``sin``; 10,000 neurons: 0.9 ms
against 0.07 ms. Python runs once per kernel call, never per element.
"""
from __future__ import annotations

import ctypes
import threading

import numpy as np

from ..memory import DynamicArray

__all__ = ["CallbackTable", "CALLBACK_TYPE", "raise_pending", "TYPE_CODES"]

CALLBACK_TYPE = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_void_p)
TYPE_CODES = {"float": 0, "integer": 1, "boolean": 2}
_DTYPES = {0: np.float64, 1: np.int64, 2: np.bool_}

_pending = threading.local()


def raise_pending(where: str) -> None:
    """Raise the exception a Python function raised inside native code (status PYTHON_ERROR)."""
    error = getattr(_pending, "error", None)
    _pending.error = None
    if error is None:
        raise RuntimeError(f"{where}: a Python function failed inside native code")
    raise error


class CallbackTable:
    """The tables and the ctypes callback of one function for one set of kernels: ``tables``
    (one DynamicArray per call level), ``holder`` (the pointer-sized array native code reads
    the callback's address from). ``evaluate(args, n)`` -> the results of ``n`` calls (an
    array of ``n`` values, or one value for all)."""

    def __init__(self, name, nargs, levels, evaluate):
        self.name = name
        self.nargs = nargs
        self.evaluate = evaluate
        self.tables = [DynamicArray((0, nargs + 1)) for _ in range(levels)]
        self._by_address = {t.header_address: t for t in self.tables}
        self._callback = CALLBACK_TYPE(self._call)  # kept alive as long as this object
        self.holder = DynamicArray(1, dtype=np.uint64)
        self.holder.data[0] = ctypes.cast(self._callback, ctypes.c_void_p).value

    def _call(self, header_address):
        try:
            self._run(self._by_address[header_address])
            return 0
        except BaseException as error:  # noqa: BLE001 - nothing may cross the C boundary
            _pending.error = error
            return 1

    def _run(self, table):
        rows = table.data  # adopts what native code appended
        codes = rows[0, :self.nargs].astype(np.int64)
        values = rows[1:]
        args = [values[:, k].astype(_DTYPES.get(int(code), np.float64))
                for k, code in enumerate(codes)]
        n = len(values)
        result = np.asarray(self.evaluate(args, n))
        if result.shape not in ((), (n,), (n, 1)):
            raise ValueError(f"the function '{self.name}' returned an array of shape "
                             f"{result.shape} for {n} calls; it has to return one value per "
                             f"element of its (array) arguments")
        values[:, self.nargs] = result.reshape(-1) if result.ndim else result
