"""Calls of users' Python functions from native loops: vectorised, one callback per kernel call.

Native code cannot ask Python for one value per element (a ctypes callback costs microseconds,
and Brian2's numpy target calls a user function once per code block on whole arrays). So a
kernel that calls Python functions (``Kernel.functions`` holding :class:`~brianjit.kernel.
PythonFunction` descriptions) runs its loops more than once:

1. **pre-pass, level 1**: the loops run without storing anything (``KernelEmitter.store`` is
   off, shape-level stores check :attr:`PythonCalls.capturing`); every call whose arguments
   need no other call's result (level 1) appends its arguments as a row of its table (row 0
   holds the arguments' type codes); then each function's callback runs once, on all rows,
   and writes the results into the table's last column;
2. further pre-passes for calls whose arguments use results of level-1 calls (``f(g(x))``,
   or ``y = g(x); z = f(y)``), and so on (at most ``len(tables)`` levels);
3. the real pass: each call reads its result from its table, in the same order (each table has
   a running counter, reset before every pass; the passes visit the same elements in the same
   order because nothing changes state before the real pass).

Random numbers stay aligned because every pass lowers the same expressions in the same order
(the arguments of calls are lowered in every pass, unused values are removed by LLVM) with the
kernel's stream counter reset before each pass. Cost: one extra run of the loop (without stores)
per level plus one Python call per function and level and kernel call, instead of one per
element. Loop shapes opt in with ``KernelEmitter.with_python_calls`` (ForEach, ForEachRow,
Threshold's condition, ForEachSpike, RecordState, Propagate's deliveries, BernoulliSpikes'
rates), guarding their own stores with :attr:`PythonCalls.capturing`; a call elsewhere (the code
run for each spike of a threshold, connect conditions) is a ``NotImplementedError``. In a
synaptic pathway the pre-pass evaluates the arguments of every delivery before the first one
changes anything, as Brian2's numpy target (vectorised over the reached synapses) does.

A callback that fails (the Python function raised) returns non-zero; the kernel then returns
``PYTHON_ERROR`` at once and ``objects/callbacks.py`` raises the exception in Python.
"""
from __future__ import annotations

import dataclasses

from llvmlite import ir

from .. import kernel as K
from . import dynarray
from .types import BOOLEAN, FLOAT, INTEGER, convert, join
from ..lazy import lazy_module

sympy = lazy_module("sympy", rebind=globals())   # imported when first needed

__all__ = ["PythonCalls", "lower_python_call", "result_type_of"]

I32, I64, F64, PTR = ir.IntType(32), ir.IntType(64), ir.DoubleType(), ir.PointerType()
_CALLBACK_TYPE = ir.FunctionType(I32, [PTR])
_CODES = {FLOAT: 0, INTEGER: 1, BOOLEAN: 2}


class PythonCalls:
    """The pass state of one kernel's Python calls (see the module docstring)."""

    def __init__(self, em):
        self.em = em
        called = _called_names(em.kernel)
        self.functions = {name: f for name, f in em.kernel.functions.items()
                          if isinstance(f, K.PythonFunction) and name in called}
        self.level = None        # the level collected in this pre-pass; None: the real pass
        self.enabled = False     # inside with_python_calls
        self.max_level = 0
        self.name_levels = {}    # a name assigned in the body -> the level of its value
        self.counters = {}       # (description, level) -> i64 alloca: the next row
        self.seen = {}           # (description, level) -> argument types of each call seen

    def result_types(self) -> dict:
        """ExprLowerer's ``function_types`` for these functions."""
        return {name: (lambda arg_types, f=f: result_type_of(f, arg_types))
                for name, f in self.functions.items()}

    @property
    def capturing(self) -> bool:
        return self.level is not None

    # -- passes ------------------------------------------------------------------------------------
    def prepass(self, emit_loops) -> None:
        """Emit the pre-passes (``emit_loops()`` once per level) and callbacks; afterwards the
        caller emits the real pass."""
        if not self.functions:
            return
        em = self.em
        self.enabled = True
        streams = em.random_streams
        level = 1
        while True:
            self.level = level
            self._start_pass(reset_level=level)
            emit_loops()
            self._call_back(level)
            em.random_streams = streams
            if self.max_level <= level:
                break
            level += 1
        self.level = None
        self._start_pass(reset_level=None)

    def finish(self) -> None:
        self.enabled = False

    def _start_pass(self, reset_level) -> None:
        b = self.em.builder
        self.name_levels = {}
        self.seen = {}
        for function in self.functions.values():
            for level in range(1, len(function.tables) + 1):
                key = (function, level)
                if key not in self.counters:
                    self.counters[key] = self.em.alloca(I64)
                b.store(ir.Constant(I64, 1), self.counters[key])
            if reset_level is not None and reset_level <= len(function.tables):
                header = self.em.header(function.tables[reset_level - 1])
                dynarray.emit_store_size(b, header, ir.Constant(I64, 0))
                self._check(dynarray.emit_append_rows(b, header, ir.Constant(I64, 1)))

    def _check(self, row):
        b = self.em.builder
        with b.if_then(b.icmp_unsigned("==", row, ir.Constant(PTR, None)), likely=False):
            b.ret(ir.Constant(I32, 1))

    def _call_back(self, level) -> None:
        b = self.em.builder
        for function in self.functions.values():
            calls = self.seen.get((function, level))
            if not calls:
                continue
            header = self.em.header(function.tables[level - 1])
            data = dynarray.emit_load_data(b, header)
            for k in range(function.nargs):
                code = _CODES[_highest([types[k] for types in calls])]
                b.store(ir.Constant(F64, float(code)), b.gep(data, [ir.Constant(I64, k)],
                                                             source_etype=F64))
            rows = dynarray.emit_load_size(b, header)
            with b.if_then(b.icmp_signed(">", rows, ir.Constant(I64, 1))):
                callback = b.load(self.em.data(function.callback),
                                  typ=_CALLBACK_TYPE.as_pointer())
                status = b.call(callback, [header])
                with b.if_then(b.icmp_signed("!=", status, ir.Constant(I32, 0)), likely=False):
                    b.ret(ir.Constant(I32, K.PYTHON_ERROR))

    # -- levels ------------------------------------------------------------------------------------
    def assigned(self, target: str, expr) -> None:
        """A statement of the body assigned ``expr`` to ``target``."""
        if self.functions:
            level = self.level_of(expr)
            if level or target in self.name_levels:
                self.name_levels[target] = level

    def level_of(self, expr) -> int:
        """The highest level of the Python calls whose results ``expr`` needs (0: none)."""
        if not self.functions:
            return 0
        level = max([self.name_levels.get(s.name, 0) for s in expr.free_symbols], default=0)
        for node in _calls(expr):
            name = getattr(node.func, "__name__", None)
            if name in self.functions:
                level = max(level, 1 + max([self.level_of(a) for a in node.args], default=0))
        return level


def _called_names(kern: K.Kernel) -> set:
    """Names of the functions the kernel's statements and loop shape call: the functions of
    an owner are given to all its kernels, and a kernel that calls none needs no pre-pass."""
    exprs = [stmt.expr for stmt in kern.statements]
    for field in dataclasses.fields(kern.shape):
        value = getattr(kern.shape, field.name)
        exprs += [v for v in (value if isinstance(value, tuple) else (value,))
                  if isinstance(v, sympy.Basic)]
    return {getattr(node.func, "__name__", None) for expr in exprs for node in _calls(expr)}


def _calls(expr):
    """Every function call node in ``expr``."""
    return [node for node in sympy.preorder_traversal(expr) if isinstance(node, sympy.Function)]


def _highest(types) -> str:
    """Brian2's highest of some types: boolean < integer < float."""
    return BOOLEAN if set(types) == {BOOLEAN} else join(*types)


def result_type_of(function: K.PythonFunction, arg_types) -> str:
    """The model type a call returns, given its arguments' types."""
    if function.result_type == "highest":
        return _highest(arg_types) if arg_types else FLOAT
    return function.result_type


def lower_python_call(em, function: K.PythonFunction, lowerer, args) -> ir.Value:
    """One call of a Python function inside a loop body (see the module docstring)."""
    calls = em.python_calls
    where = f"'{function.name}({', '.join(map(str, args))})' in kernel {em.kernel.name}"
    if len(args) != function.nargs:
        raise TypeError(f"{where}: the function takes {function.nargs} argument(s), "
                        f"got {len(args)}")
    if not calls.enabled or function not in calls.functions.values():
        raise NotImplementedError(
            f"{where}: Python functions can be called in state updates, subexpressions, "
            f"thresholds, resets, run_regularly code, monitors, synaptic code and rates, "
            f"not here ({type(em.kernel.shape).__name__})")
    arg_types = [lowerer.type_of(a) for a in args]
    for declared, given in zip(function.arg_types, arg_types):
        if declared != "any" and declared != given:
            raise TypeError(f"{where}: the function takes arguments of types "
                            f"{list(function.arg_types)} but received {arg_types}")
    values = [lowerer.lower(a) for a in args]  # in every pass: random streams stay aligned
    result_type = result_type_of(function, arg_types)
    level = 1 + max([calls.level_of(a) for a in args], default=0)
    if level > len(function.tables):
        raise NotImplementedError(f"{where}: Python function calls nested more than "
                                  f"{len(function.tables)} deep")
    calls.max_level = max(calls.max_level, level)
    b = lowerer.builder
    header = em.header(function.tables[level - 1])
    counter = calls.counters[(function, level)]
    if calls.capturing and level > calls.level:
        return ir.Constant({FLOAT: F64, INTEGER: I64, BOOLEAN: ir.IntType(1)}[result_type], 0)
    position = b.load(counter, typ=I64)
    b.store(b.add(position, ir.Constant(I64, 1)), counter)
    if calls.capturing and level == calls.level:
        calls.seen.setdefault((function, level), []).append(arg_types)
        row = dynarray.emit_append_rows(b, header, ir.Constant(I64, 1), zero=False)
        calls._check(row)
        row = lowerer.builder.gep(row, [ir.Constant(I64, 0)], source_etype=F64)
        for k, (value, typ) in enumerate(zip(values, arg_types)):
            b.store(convert(b, value, typ, FLOAT), b.gep(row, [ir.Constant(I64, k)],
                                                        source_etype=F64))
        return ir.Constant({FLOAT: F64, INTEGER: I64, BOOLEAN: ir.IntType(1)}[result_type], 0)
    data = dynarray.emit_load_data(b, header)
    cell = b.add(b.mul(position, ir.Constant(I64, function.nargs + 1)),
                 ir.Constant(I64, function.nargs))
    result = b.load(b.gep(data, [cell], source_etype=F64), typ=F64)
    return convert(b, result, FLOAT, result_type)
