"""What objects need while they turn themselves into kernels: slots for arrays, resolved names.

The ``SlotTable`` gives each DynamicArray a fixed index in the table of header addresses that
native code receives (header addresses never move, even when the data grows). ``BuildContext``
carries it together with the resolved external names of each object and the random stream counter.

A *binding* (:func:`record_binding`, :func:`bind_roles`) is a slot table written without arrays:
for each slot, the *roles* of the array in it (names given by whoever owns the arrays, e.g.
``("obj", 3, "var:v")`` for the variable ``v`` of the network's fourth object) and what the
kernels read of it (dtype, dimensions, each role's place in an interleaved record). A build
answered from the disk cache without making kernels (``objects/front_network.py``) fills a new
slot table from it through the same :meth:`SlotTable.slot`; a slot whose array has no role means
no binding, and a binding whose roles now name arrays that are not shared the same way (two
roles of one slot that are now two arrays, two slots that are now one array, another dtype or
record layout) is refused: code compiled for one aliasing is never run on another.
"""
from __future__ import annotations

import ctypes
import math

import numpy as np

from ..kernel import ArrayVar, storage_kind
from ..memory import DynamicArray
from ..model.function_spec import USER_DEFAULTS
from ..model.plain_units import DEFAULT_FUNCTION_NAMES
from .functions import ModelFunction
from .synapse_records import placement

__all__ = ["SlotTable", "BuildContext", "ExternalConstant", "environment", "record_binding",
           "bind_roles"]


class SlotTable:
    """Arrays by slot index; ``addresses()`` is the ``ptr[]`` handed to native code."""

    def __init__(self):
        self.arrays: list[DynamicArray] = []
        self._index: dict[int, int] = {}
        self._table = None
        self._kept = []

    def keep_alive(self, obj) -> None:
        """Keep ``obj`` (e.g. a ctypes callback native code calls) as long as this table."""
        self._kept.append(obj)

    def slot(self, array: DynamicArray) -> int:
        """The slot of ``array`` (a column of interleaved variables: its record's)."""
        array = placement(array)[0]
        key = id(array)
        if key not in self._index:
            self._index[key] = len(self.arrays)
            self.arrays.append(array)
            self._table = None
        return self._index[key]

    def array_var(self, name, array, dtype, scalar=False, offset=0, index=None,
                  condition=None) -> ArrayVar:
        """How a kernel sees ``array`` as ``name`` of model type (or storage kind) ``dtype``:
        the storage kind follows the array's numpy dtype (a float32 array is 'float32'), so
        kernels always read the bytes the array holds; a record's field is addressed by its
        column (``synapse_records.placement``)."""
        _, stride, field = placement(array)
        return ArrayVar(name, self.slot(array), storage_kind(dtype, array.dtype), scalar, offset,
                        index, condition, stride, field)

    def state_var(self, name, var, offset=0, index=None, suffix="") -> ArrayVar:
        """How a kernel sees the group variable ``var`` (an ``objects.variables.Variable``) as
        ``name``: element 0 of the kernel's loop reads element ``offset`` (or, with ``index``,
        the element that integer variable of the kernel names). A linked variable brings its own
        place (``var.offset``, ``var.index``; a scalar link reads one element). The write
        condition is kept: the condition's own name plus ``suffix`` (``not_refractory_post`` in
        synapse code), which the caller puts in the kernel too (``variables.array_vars``)."""
        condition = var.write_condition + suffix if var.write_condition else None
        if var.scalar:
            offset, index = var.offset, None
        elif var.index is not None:
            offset, index = var.offset, var.index
        else:
            offset += var.offset
        return self.array_var(name, var.array, var.dtype, var.scalar, offset, index, condition)

    def addresses(self):
        if self._table is None:
            self._table = (ctypes.c_void_p * max(1, len(self.arrays)))(
                *[a.header_address for a in self.arrays])
        return self._table

    def sync(self):
        """Adopt buffers that native code replaced (see the DynamicArray contract)."""
        for array in self.arrays:
            array.sync()


class ExternalConstant:
    """A name from a namespace (``tau``) used by kernels: its value lives in a one-element buffer
    that is rewritten before every run, so new values never recompile."""

    def __init__(self, name, dtype):
        self.name = name
        self.dtype = dtype
        self.array = DynamicArray(1, dtype={"float": np.float64, "integer": np.int32,
                                             "boolean": np.bool_}[dtype])

    def set(self, value):
        self.array.data[0] = np.asarray(value)


class BuildContext:
    """Passed to ``obj.kernels(ctx)``: slot table, per-run constants, clock buffers, seed, streams."""

    STREAMS_PER_KERNEL = 1 << 16

    def __init__(self, slots: SlotTable, seed_array, dt_array_of, constants_of,
                 program_target=None, periods=None):
        self.slots = slots
        #: {clock: its period in base steps} of this build (the driver's ticks)
        self._periods = periods or {}
        #: the device's program target (``Device.program_target``; None: the CPU back-end)
        self.program_target = program_target
        self.seed_array = seed_array
        self._dt_array_of = dt_array_of
        self._constants_of = constants_of
        self._next_stream = 0

    def dt_array(self, clock):
        return self._dt_array_of(clock)

    def code_clock(self, kernel_clock, code_clock, what: str) -> tuple:
        """``Kernel.code_clock`` of a kernel (of ``what``) that steps with ``kernel_clock`` but
        whose statements read the time of ``code_clock``: the ratio of their periods, reduced.
        A ``code_clock`` no object of the network runs on (a ``run_regularly`` in a network
        without its group) is a NotImplementedError: Brian2 reads that clock's time frozen."""
        if kernel_clock is code_clock:
            return (1, 1)
        if code_clock not in self._periods:
            raise NotImplementedError(
                f"the code of '{what}' reads the time (t or t_in_timesteps) of "
                f"'{code_clock.name}', which does not run in this network: add the group "
                f"that runs on it to the network")
        p, q = self._periods[kernel_clock], self._periods[code_clock]
        common = math.gcd(p, q)
        return (p // common, q // common)

    def environment(self, owner, clock) -> dict[str, ArrayVar]:
        """What a kernel of ``owner`` on ``clock`` reads besides state (see :func:`environment`):
        the constants resolved for ``owner``, the clock's ``dt`` and the seed."""
        return environment(self.slots, self.constants(owner), self.dt_array(clock),
                           self.seed_array)

    def constants(self, owner):
        """{name: ExternalConstant} resolved for ``owner`` for this run."""
        return {name: value for name, value in self._constants_of(owner).items()
                if isinstance(value, ExternalConstant)}

    def functions(self, owner):
        """{name: function description} for the functions (TimedArrays, Functions) resolved
        for ``owner`` and the built-in functions the user replaced: what ``Kernel.functions``
        needs."""
        functions = replaced_default_functions(self.slots)
        functions.update({name: value.kernel_function(self.slots)
                          for name, value in self._constants_of(owner).items()
                          if isinstance(value, ModelFunction)})
        return functions

    def next_stream_block(self) -> int:
        """First random stream of a new kernel (each kernel owns a block of streams)."""
        first = self._next_stream
        self._next_stream += self.STREAMS_PER_KERNEL
        return first


def environment(slots: SlotTable, constants: dict, dt_array: DynamicArray,
                seed_array: DynamicArray, t=None) -> dict[str, ArrayVar]:
    """The one binder of a kernel's environment, for the network's kernels
    (``BuildContext.environment``) and one-off kernels (``Group._expression_context``) alike:
    the external ``constants`` (``{name: ExternalConstant}``), ``dt`` (element 0 of
    ``dt_array``), ``_seed`` and, for kernels that read the time from buffers rather than
    compute it from the step (one-off kernels), ``t`` and ``t_in_timesteps`` as ``(float
    array, element of t, int64 array of the step or None where the group has no step)``.
    The loop index ``i`` and the sizes are the loop shape's (``codegen.kernels``)."""
    variables = {name: slots.array_var(name, constant.array, constant.dtype, scalar=True)
                 for name, constant in constants.items()}
    variables["dt"] = slots.array_var("dt", dt_array, "float", scalar=True)
    if t is not None:
        array, element, steps = t
        variables["t"] = slots.array_var("t", array, "float", scalar=True, offset=element)
        if steps is not None:
            variables["t_in_timesteps"] = slots.array_var("t_in_timesteps", steps, "int64",
                                                          scalar=True)
    variables["_seed"] = slots.array_var("_seed", seed_array, "int64", scalar=True)
    return variables


def replaced_default_functions(slots) -> dict:
    """Kernel descriptions of the built-in functions the user replaced in ``DEFAULT_FUNCTIONS``
    (usually none): calls of them go to the replacement."""
    return {name: function.kernel_function(slots) for name, function in USER_DEFAULTS.items()
            if name in DEFAULT_FUNCTION_NAMES}


def _layout(array) -> list:
    """What kernels may take as fixed of a slot's array: its numpy dtype and, for a 2D array,
    its number of columns (rows grow, columns never do)."""
    return [array.dtype.str, [int(n) for n in array.shape[1:]]]


def record_binding(slots: SlotTable, roles: dict) -> list | None:
    """``[[roles, layout], ...]`` per slot of ``slots``: every role (of ``roles``, {role: array},
    roles being tuples of str and int) whose array is in that slot, with its place in the
    array's record (stride, field), and the slot array's dtype and dimensions; None when some
    slot's array has no role."""
    by_array: dict = {}
    for role, array in roles.items():
        record, stride, field = placement(array)
        by_array.setdefault(id(record), []).append([list(role), stride, field])
    binding = []
    for array in slots.arrays:
        found = by_array.get(id(array))
        if not found:
            return None
        binding.append([found, _layout(array)])
    return binding


def bind_roles(slots: SlotTable, binding, roles: dict) -> bool:
    """Fill the empty ``slots`` from ``binding`` (:func:`record_binding`) with the arrays that
    ``roles`` ({role: array}) names now. False (and ``slots`` is not to be used) when the arrays
    are not shared, laid out and typed as when the binding was recorded."""
    for index, (found, layout) in enumerate(binding):
        arrays = set()
        for role, stride, field in found:
            array = roles.get(tuple(role))
            if array is None:
                return False
            record, now_stride, now_field = placement(array)
            if (now_stride, now_field) != (stride, field):
                return False
            arrays.add(id(record))
        if len(arrays) != 1 or slots.slot(record) != index or _layout(record) != layout:
            return False
    return True
