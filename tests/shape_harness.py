"""Shared helpers of the kernel-level shape tests (test_shapes_*.py), beside the ``Harness`` of
test_loop_shapes.py: a kernel lowered alone (shapes that are not partitioned), a scalar ``dt``,
and a growable array bound to a slot."""
import ctypes
import dataclasses

import numpy as np
from llvmlite import ir

from brianjit.codegen.kernels import lower_kernel
from brianjit.jit import compile_ir
from brianjit.memory import DynamicArray
from test_loop_shapes import Harness

__all__ = ["Harness", "lower_alone", "scalar", "grown"]


def lower_alone(h: Harness, kern):
    """``f(step) -> status``: ``kern`` lowered on its own and run on ``h``'s slot table."""
    module = ir.Module()
    lower_kernel(module, kern, "kernel")
    f = compile_ir(str(module)).cfunc("kernel", ctypes.c_int32, ctypes.c_void_p, ctypes.c_int64)
    table = ctypes.cast(h.slots.addresses(), ctypes.c_void_p)
    return lambda step: f(table, step)


def scalar(h: Harness, name, value, dtype="float"):
    """A shared value (one element) as the kernel's ``name``, e.g. ``dt`` or ``_seed`` (dtype
    'int64')."""
    if dtype == "int64":
        array = DynamicArray(1, dtype=np.int64)
        array.data[0] = value
        h.arrays[name] = array
        return h.slots.array_var(name, array, dtype, scalar=True)
    return dataclasses.replace(h.array(name, [value], dtype), scalar=True)


def grown(h: Harness, name, shape, dtype):
    """An empty (or zeroed) DynamicArray of ``shape`` in a slot, for a kernel to append to."""
    array = DynamicArray(shape, dtype=dtype)
    h.arrays[name] = array
    return h.slots.slot(array)
