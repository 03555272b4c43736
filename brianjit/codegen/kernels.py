"""The structure pass: one kernel (``brianjit.kernel``) becomes one LLVM function.

Every kernel function has the signature ``i32 kernel(ptr slots, i64 step)``: ``slots`` is the
network's slot table (one DynamicArray header address per slot), ``step`` the clock's time step.
It returns 0, or 1 when native memory ran out (the caller raises MemoryError).

Each loop shape has exactly one lowering function in ``_SHAPES``; an unknown shape is an error. The
arithmetic inside the bodies is ``codegen.expressions``' job; this module only builds loops, loads
and stores, and the appends of monitors (through ``codegen.dynarray``).
"""
from __future__ import annotations

import functools

from llvmlite import ir

from .. import kernel as K
from . import callbacks, dynarray, loops
from .rng import RandomContext
from .types import STORAGE, check_stored_constant, load_stored, to_stored

__all__ = ["lower_kernel", "emit_kernel", "lowers", "KernelEmitter", "SHAPE_LOWERINGS", "FUNCTION_LOWERINGS",
           "KERNEL_TYPE", "RANGED_KERNEL_TYPE"]

I8, I32, I64, F64 = ir.IntType(8), ir.IntType(32), ir.IntType(64), ir.DoubleType()
PTR = ir.PointerType()
KERNEL_TYPE = ir.FunctionType(I32, [PTR, I64])
#: ``i32 part(ptr slots, i64 step, i64 lo, i64 hi)``: a kernel's loop over elements ``[lo, hi)``
RANGED_KERNEL_TYPE = ir.FunctionType(I32, [PTR, I64, I64, I64])


def const(value, typ=I64):
    return ir.Constant(typ, value)


class KernelEmitter:
    """State shared while one kernel function is emitted: builder, data pointers, loop helpers."""

    def __init__(self, module: ir.Module, kern: K.Kernel, name: str, ranged: bool = False):
        self.kernel = kern
        self.module = module
        self.func = ir.Function(module, RANGED_KERNEL_TYPE if ranged else KERNEL_TYPE, name=name)
        self.slots, self.step = self.func.args[:2]
        #: the element range ``[lo, hi)`` of a ranged function (one thread's part), else None
        self.range = tuple(self.func.args[2:]) if ranged else None
        entry = self.func.append_basic_block("entry")
        body = self.func.append_basic_block("body")
        ir.IRBuilder(entry).branch(body)
        # loads that hold for the whole call (data pointers, scalars) and allocas go in the entry
        # block, so every later block sees them whatever branch first asked for them
        self.prologue = ir.IRBuilder()
        self.prologue.position_before(entry.terminator)
        self.builder = ir.IRBuilder(body)
        self._data = {}
        self._scalars = {}
        self.random_streams = 0
        #: i64 values of loop indices that ArrayVar.index may name (see :meth:`element`)
        self.index_values = {}
        #: Python function calls (see :meth:`with_python_calls` and ``codegen/callbacks.py``)
        self.python_calls = callbacks.PythonCalls(self)

    # -- memory --------------------------------------------------------------------------------
    def header(self, slot: int):
        """Address of the DynamicArray header bound to ``slot`` (loaded from the slot table)."""
        p = self.prologue
        return p.load(p.gep(self.slots, [const(slot)], source_etype=PTR), typ=PTR)

    def data(self, slot: int):
        """The data pointer of ``slot``'s array, loaded once in the entry block. Only valid for
        arrays that this kernel does not grow."""
        if slot not in self._data:
            self._data[slot] = dynarray.emit_load_data(self.prologue, self.header(slot))
        return self._data[slot]

    def element(self, var: K.ArrayVar, index):
        """The element of ``var`` that loop index ``index`` addresses: ``index`` itself, or the
        value named by ``var.index`` (a loop index in :attr:`index_values`, else an integer
        array of the kernel read at ``index``), e.g. a synapse's postsynaptic neuron."""
        if var.index is None:
            return index
        if var.index in self.index_values:
            return self.index_values[var.index]
        return self.load(self.kernel.variables[var.index], index)

    def position(self, b, var: K.ArrayVar, index=None, element=None):
        """Where in its slot's data ``var``'s element for loop index ``index`` is (or, given, at
        ``element``): ``(element + offset) * stride + field`` (the last two only for a column of
        interleaved variables: no extra instruction otherwise)."""
        if var.scalar or (index is None and element is None):
            return const(var.offset * var.stride + var.field)
        if element is None:
            element = self.element(var, index)
        idx = b.add(element, const(var.offset)) if var.offset else element
        if var.stride != 1:
            idx = b.mul(idx, const(var.stride))
        return b.add(idx, const(var.field)) if var.field else idx

    def alloca(self, typ):
        return self.prologue.alloca(typ)

    def load(self, var: K.ArrayVar, index=None):
        """The value of ``var`` (at element ``index``, relative to the variable's group); scalars
        are loaded in the entry block."""
        b = self.prologue if var.scalar else self.builder
        idx = self.position(b, var, index)
        raw = b.load(b.gep(self.data(var.slot), [idx], source_etype=STORAGE[var.dtype]),
                     typ=STORAGE[var.dtype])
        return load_stored(b, raw, var.dtype)

    def store(self, var: K.ArrayVar, value, index=None):
        if self.python_calls.capturing:
            return  # a pre-pass that collects arguments of Python calls changes nothing
        b = self.builder
        value = to_stored(b, value, var.dtype)
        idx = self.position(b, var, index)
        b.store(value, b.gep(self.data(var.slot), [idx], source_etype=STORAGE[var.dtype]))

    # -- values available to every body ----------------------------------------------------------
    def base_values(self):
        """Scalars (loaded once, before any loop) plus the time: ``t_in_timesteps``, the step of
        the clock the statements read (the kernel's own, or ``ceil(step * p / q)`` for a
        ``Kernel.code_clock`` of ``(p, q)``), and ``t = t_in_timesteps * dt`` as Brian2
        computes it, unless the kernel reads both from buffers (one-off kernels do, so their
        random numbers do not depend on t)."""
        if not self._scalars:
            for name, var in self.kernel.variables.items():
                if var.scalar:
                    self._scalars[name] = self.load(var)
            if "dt" in self._scalars and "t" not in self._scalars:
                b = self.prologue
                steps = self.code_steps()
                # (a monitor's one-off code may bind the name to a constant of the user's)
                self._scalars.setdefault("t_in_timesteps", steps)
                self._scalars["t"] = b.fmul(b.sitofp(steps, F64), self._scalars["dt"])
        return self._scalars

    def code_steps(self):
        """The step of the clock the statements read (see :attr:`Kernel.code_clock`)."""
        p, q = self.kernel.code_clock
        if (p, q) == (1, 1):
            return self.step
        b = self.prologue   # steps are never negative: the division rounds up exactly
        return b.sdiv(b.add(b.mul(self.step, const(p)), const(q - 1)), const(q))

    def types(self):
        types = {name: K.value_type(v.dtype) for name, v in self.kernel.variables.items()}
        types.update(t="float", t_in_timesteps="integer", i="integer", N="integer")
        return types

    # -- loops -----------------------------------------------------------------------------------
    def bounds(self, size: int):
        """The elements ``[lo, hi)`` a loop over a group of ``size`` covers: all of them, or in a
        ranged function (``codegen.partition``) the range it is called with."""
        return self.range if self.range is not None else (const(0), const(size))

    def for_range(self, *args, **kwargs):
        """``with em.for_range(start, stop, name, scalar=, independent=) as k:``:
        ``codegen.loops.for_range`` (its arguments and loop hints) on this emitter's builder."""
        return loops.for_range(self.builder, *args, **kwargs)

    # -- bodies ----------------------------------------------------------------------------------
    def run_statements(self, statements, index, size, extra_condition=None, declared=None,
                       extra=None):
        """Lower ``statements`` for element ``index``: load what they read, evaluate in order,
        store what they write (per-element arrays only; temporaries stay in registers).
        ``size`` (N) is an int or an i64 value; ``extra`` maps further names to i64 values
        (loop indices such as a synapse's ``i`` and ``j``), which ArrayVar.index may name."""
        from .expressions import ExprLowerer
        b = self.builder
        kern = self.kernel
        values = dict(self.base_values())
        values["i"] = index
        values["N"] = size if isinstance(size, ir.Value) else const(size)
        types = self.types()
        types.update(declared or {})
        self.index_values = dict(extra or {})
        values.update(self.index_values)
        types.update({name: "integer" for name in self.index_values})
        # load only what the code reads: an array read through another index (v_post) is only
        # valid where that index is defined
        reads = {s.name for e in [st.expr for st in statements] + [extra_condition]
                 if e is not None for s in e.free_symbols}
        reads |= {st.target for st in statements if st.op != "="}
        gated = {st.target: kern.variables[st.target].write_condition for st in statements
                 if st.target in kern.variables and kern.variables[st.target].write_condition}
        for target, condition in gated.items():
            if condition not in kern.variables:
                raise ValueError(f"kernel {kern.name}: '{target}' is written only where "
                                 f"'{condition}' holds, but the kernel has no '{condition}'")
        reads |= set(gated) | set(gated.values())  # a gated write keeps the old value elsewhere
        for name, var in kern.variables.items():
            if not var.scalar and name in reads and name not in self.index_values:
                values[name] = self.load(var, index)
        random = RandomContext(seed=values.get("_seed", const(0)), index=index, step=self.step,
                               first_stream=kern.first_stream + self.random_streams)
        lowerer = ExprLowerer(b, values, types, random=random, functions=self.function_hooks(),
                              function_types=self.python_calls.result_types(),
                              shared=frozenset(self.base_values()) | {"N"})
        if extra_condition is not None:
            with b.if_then(lowerer.lower_as(extra_condition, "boolean")):
                self._assignments(lowerer, statements, values, types, index)
        else:
            self._assignments(lowerer, statements, values, types, index)
        self.random_streams += lowerer.streams_used
        return values

    def with_python_calls(self, emit_loops):
        """Emit the loops ``emit_loops()`` emits; if the kernel calls Python functions, first as
        pre-passes that only collect their arguments (then one callback per function), so the
        real loops find every result ready (see ``codegen/callbacks.py``)."""
        self.python_calls.prepass(emit_loops)
        emit_loops()
        self.python_calls.finish()

    def function_hooks(self):
        """ExprLowerer's ``functions`` for the kernel's named functions (see Kernel.functions)."""
        hooks = {}
        for name, description in self.kernel.functions.items():
            lower = FUNCTION_LOWERINGS.get(type(description))
            if lower is None:
                raise NotImplementedError(f"no lowering for function {name!r} "
                                          f"({type(description).__name__})")
            hooks[name] = functools.partial(lower, self, description)
        return hooks

    def _assignments(self, lowerer, statements, values, types, index):
        from ..model.symbols import symbol
        kern = self.kernel
        written = []
        for stmt in statements:
            expr = stmt.expr
            if stmt.op != "=":
                expr = _augmented(stmt.op, symbol(stmt.target), expr)
            var = kern.variables.get(stmt.target)
            if var is not None:
                if var.scalar:
                    raise ValueError(f"'{stmt}': cannot write the shared variable "
                                     f"'{stmt.target}' in code that runs for every element")
                typ = K.value_type(var.dtype)
                if var.dtype == "integer":
                    check_stored_constant(expr, stmt.target, typ)
            else:
                typ = types.get(stmt.target) or lowerer.type_of(expr)
                types[stmt.target] = typ
            value = lowerer.lower_as(expr, typ)
            self.python_calls.assigned(stmt.target, expr)
            if var is not None and var.write_condition is not None:
                value = self.builder.select(values[var.write_condition], value,
                                            values[stmt.target])
            values[stmt.target] = value
            if var is not None and stmt.target not in written:
                written.append(stmt.target)
        for name in written:
            self.store(kern.variables[name], values[name], index)


def _augmented(op, target, expr):
    """``target op= expr`` as the expression assigned to ``target``."""
    from ..model.symbols import floordiv
    return {
        "+=": lambda: target + expr, "-=": lambda: target - expr, "*=": lambda: target * expr,
        "/=": lambda: target / expr, "**=": lambda: target ** expr,
        "//=": lambda: floordiv(target, expr), "%=": lambda: sympy.Mod(target, expr),
    }[op]()


# ---- one lowering per loop shape -----------------------------------------------------------------

def _for_each(em: KernelEmitter, shape: K.ForEach):
    em.base_values()
    lo, hi = em.bounds(shape.size)

    def loop():
        with em.for_range(lo, hi) as i:
            em.run_statements(em.kernel.statements, i, shape.size, shape.condition)
    em.with_python_calls(loop)


def _threshold(em: KernelEmitter, shape: K.Threshold):
    """Two passes, because spikes are rare: the condition for every element into a byte mask (a
    loop LLVM vectorises), then the mask read eight bytes at a time, compacting only words that
    hold a spike (one scalar pass with a store per element cost more than the condition itself).
    On several threads the first pass is partitioned (:func:`_threshold_test`), the second runs
    on one thread (:func:`_threshold_compact`), so spikes stay in index order."""
    _threshold_test(em, shape)
    _threshold_compact(em, shape)


def _threshold_test(em: KernelEmitter, shape: K.Threshold):
    """The condition of elements ``em.bounds(size)`` into the byte mask."""
    b = em.builder
    em.base_values()
    mask = em.data(shape.mask)
    condition = [K.Assign("_cond", shape.condition)]
    lo, hi = em.bounds(shape.size)

    def test():  # Python functions may be called in the condition
        with em.for_range(lo, hi, name="test",
                          compact=not calls_function([shape.condition])) as i:
            fired = em.run_statements(condition, i, shape.size)["_cond"]
            if not em.python_calls.capturing:
                b.store(b.zext(fired, I8), b.gep(mask, [i], source_etype=I8))
    em.with_python_calls(test)


def _threshold_compact(em: KernelEmitter, shape: K.Threshold):
    """The mask's spikes into the spike space in index order; the body for each spike."""
    b = em.builder
    em.base_values()
    spikes = em.data(shape.spikespace)
    mask = em.data(shape.mask)
    counter = em.alloca(I64)
    b.store(const(0), counter)
    with em.for_range(const(0), const((shape.size + 7) // 8), name="scan") as w:
        word = b.load(b.gep(mask, [b.mul(w, const(8))], source_etype=I8), typ=I64)
        with b.if_then(b.icmp_unsigned("!=", word, const(0)), likely=False):
            with em.for_range(const(0), const(8), name="byte") as k:
                i = b.add(b.mul(w, const(8)), k)
                fired = b.load(b.gep(mask, [i], source_etype=I8), typ=I8)
                n = b.load(counter, typ=I64)
                b.store(b.trunc(i, I32), b.gep(spikes, [n], source_etype=I32))
                b.store(b.add(n, b.zext(b.icmp_unsigned("!=", fired, ir.Constant(I8, 0)), I64)),
                        counter)
    count = b.load(counter, typ=I64)
    b.store(b.trunc(count, I32), b.gep(spikes, [const(shape.size)], source_etype=I32))
    if em.kernel.statements:
        # per spike: the refractoriness bookkeeping, not worth unrolled copies (see
        # _compiled_for_size for why code with calls keeps O3's loops)
        with em.for_range(const(0), count, name="spike",
                          scalar=not _calls_functions(em.kernel)) as k:
            i = b.sext(b.load(b.gep(spikes, [k], source_etype=I32), typ=I32), I64)
            em.run_statements(em.kernel.statements, i, shape.size)


def _spike_range(em, spikespace, size, start, stop, body, name):
    """Call ``body(i_relative)`` for each spike of the spike space with ``start <= i < stop``."""
    b = em.builder
    spikes = em.data(spikespace)
    count = b.sext(b.load(b.gep(spikes, [const(size)], source_etype=I32), typ=I32), I64)
    with em.for_range(const(0), count, name=name) as k:
        i = b.sext(b.load(b.gep(spikes, [k], source_etype=I32), typ=I32), I64)
        if start == 0 and stop == size:
            body(i)
        else:
            inside = b.and_(b.icmp_signed(">=", i, const(start)), b.icmp_signed("<", i, const(stop)))
            with b.if_then(inside):
                body(b.sub(i, const(start)))


def _for_each_spike(em: KernelEmitter, shape: K.ForEachSpike):
    em.base_values()
    em.with_python_calls(lambda: _spike_range(
        em, shape.spikespace, shape.source_size, shape.start, shape.stop,
        lambda i: em.run_statements(em.kernel.statements, i, shape.stop - shape.start), "reset"))


def _count_in_range(em, spikespace, size, start, stop):
    b = em.builder
    spikes = em.data(spikespace)
    count = b.sext(b.load(b.gep(spikes, [const(size)], source_etype=I32), typ=I32), I64)
    if start == 0 and stop == size:
        return count
    acc = em.alloca(I64)
    b.store(const(0), acc)
    _spike_range(em, spikespace, size, start, stop,
                 lambda i: b.store(b.add(b.load(acc, typ=I64), const(1)), acc), "count")
    return b.load(acc, typ=I64)


def _append(em, slot, n, zero=True):
    """Append ``n`` rows to the array in ``slot`` (zeroed unless the caller writes them all);
    returns the first new row, or returns 1 from the kernel when memory ran out."""
    b = em.builder
    row = dynarray.emit_append_rows(b, em.header(slot), n, zero=zero)
    failed = b.icmp_unsigned("==", row, ir.Constant(PTR, None))
    with b.if_then(failed, likely=False):
        b.ret(ir.Constant(I32, 1))
    return row


def _append_to_all(em, slots, n, zero=True):
    """Append ``n`` rows to every array in ``slots``, all or none: room for all of them is
    reserved first, so when memory runs out (the kernel returns 1) no array has grown and a
    monitor's arrays keep equal lengths. Returns the first new row of each."""
    b = em.builder
    for slot in slots:
        header = em.header(slot)
        room = dynarray.emit_reserve(b, header, b.add(dynarray.emit_load_size(b, header), n))
        with b.if_then(b.not_(room), likely=False):
            b.ret(ir.Constant(I32, 1))
    return [_append(em, slot, n, zero) for slot in slots]


def _record_state(em: KernelEmitter, shape: K.RecordState):
    b = em.builder
    t = em.base_values()["t"]

    def evaluate_all():  # recorded expressions may call Python functions: collect them first
        indices = em.data(shape.indices)
        for n, (source, dtype) in enumerate(zip(shape.sources, shape.dtypes)):
            name = f"_rec{n}"
            with em.for_range(const(0), const(shape.n_indices), name=f"recargs{n}") as k:
                idx = b.sext(b.load(b.gep(indices, [k], source_etype=I32), typ=I32), I64)
                em.run_statements([K.Assign(name, source)], idx, shape.n_indices,
                                  declared={name: K.value_type(dtype)})
    em.python_calls.prepass(evaluate_all)
    time_row, *rows = _append_to_all(em, (shape.times, *shape.targets), const(1), zero=False)
    b.store(t, time_row)
    indices = em.data(shape.indices)
    for n, (source, row, dtype) in enumerate(zip(shape.sources, rows, shape.dtypes)):
        name = f"_rec{n}"
        with em.for_range(const(0), const(shape.n_indices), name=f"rec{n}") as k:
            idx = b.sext(b.load(b.gep(indices, [k], source_etype=I32), typ=I32), I64)
            value = em.run_statements([K.Assign(name, source)], idx, shape.n_indices,
                                      declared={name: K.value_type(dtype)})[name]
            b.store(to_stored(b, value, dtype), b.gep(row, [k], source_etype=STORAGE[dtype]))
    em.python_calls.finish()




def _record_spikes(em: KernelEmitter, shape: K.RecordSpikes):
    """Count the events of the range, then append a row per recorded event to every record
    array at once. Without a selection the number of rows is the count in the range (no
    counting pass over a whole group's spike space); with one, a first pass counts."""
    b = em.builder
    counts = em.data(shape.counts)
    t = em.base_values()["t"]
    selected = em.data(shape.selected) if shape.selected is not None else None

    def count(i):
        c = b.gep(counts, [i], source_etype=I64)
        b.store(b.add(b.load(c, typ=I64), const(1)), c)

    def is_selected(i):
        flag = b.load(b.gep(selected, [i], source_etype=I8), typ=I8)
        return b.icmp_unsigned("!=", flag, ir.Constant(I8, 0))

    columns = tuple(s for s in (shape.indices, shape.times) if s is not None) + shape.targets
    if selected is None and columns:
        n = _count_in_range(em, shape.spikespace, shape.source_size, shape.start, shape.stop)
    else:
        recorded = em.alloca(I64)
        b.store(const(0), recorded)

        def count_selected(i):
            count(i)
            if selected is not None:
                more = b.zext(is_selected(i), I64)
                b.store(b.add(b.load(recorded, typ=I64), more), recorded)
        _spike_range(em, shape.spikespace, shape.source_size, shape.start, shape.stop,
                     count_selected, "count")
        n = b.load(recorded, typ=I64)
    if not columns:
        return
    with b.if_then(b.icmp_signed(">", n, const(0))):
        # every new row is written below: no zero-filling
        rows = _append_to_all(em, columns, n, zero=False)
        idx_rows, t_rows = (rows.pop(0) if s is not None else None
                            for s in (shape.indices, shape.times))
        var_rows = [(em.kernel.variables[s], r) for s, r in zip(shape.sources, rows)]
        pos = em.alloca(I64)
        b.store(const(0), pos)

        def write(i):
            k = b.load(pos, typ=I64)
            if idx_rows is not None:
                b.store(b.trunc(i, I32), b.gep(idx_rows, [k], source_etype=I32))
            if t_rows is not None:
                b.store(t, b.gep(t_rows, [k], source_etype=F64))
            for var, target in var_rows:
                b.store(to_stored(b, em.load(var, i), var.dtype),
                        b.gep(target, [k], source_etype=STORAGE[var.dtype]))
            b.store(b.add(k, const(1)), pos)

        def record(i):
            if selected is None:
                count(i)
                write(i)
            else:
                with b.if_then(is_selected(i)):
                    write(i)
        _spike_range(em, shape.spikespace, shape.source_size, shape.start, shape.stop, record,
                     "record")


def _record_rate(em: KernelEmitter, shape: K.RecordRate):
    b = em.builder
    values = em.base_values()
    n = _count_in_range(em, shape.spikespace, shape.source_size, shape.start, shape.stop)
    # Brian2's order of operations, so that the rates are Brian2's to the last bit
    rate = b.fdiv(b.fdiv(b.sitofp(n, F64), values["dt"]),
                  ir.Constant(F64, float(shape.stop - shape.start)))
    rate_row, time_row = _append_to_all(em, (shape.rates, shape.times), const(1), zero=False)
    b.store(rate, rate_row)
    b.store(values["t"], time_row)


#: loop shape class -> the function that lowers it; modules for further shapes add theirs with
#: :func:`lowers` and are imported at the end of this module
SHAPE_LOWERINGS = {
    K.ForEach: _for_each, K.Threshold: _threshold, K.ForEachSpike: _for_each_spike,
    K.RecordState: _record_state, K.RecordSpikes: _record_spikes, K.RecordRate: _record_rate,
}


#: function description class (Kernel.functions) -> ``lower(emitter, description, lowerer, args)``
#: returning the call's ir.Value (a double)
FUNCTION_LOWERINGS = {}


def lowers(shape_class, table=SHAPE_LOWERINGS):
    """Decorator registering the lowering of ``shape_class`` (in ``table``: FUNCTION_LOWERINGS
    for function descriptions)."""
    def register(function):
        if shape_class in table:
            raise ValueError(f"{shape_class.__name__} has a lowering already")
        table[shape_class] = function
        return function
    return register


def _compiled_for_size(kern: K.Kernel) -> bool:
    """Whether ``kern`` is compiled for size (LLVM's ``optsize``: its loops neither vectorised nor
    unrolled): a shape that runs per event (``K.runs_per_event``) whose statements call no
    function: less compile time for resets, spike monitors and spike generators, the same code
    per iteration. Calls keep O3: vectorised, ``exp`` and its kind would come from
    libmvec, whose last bits differ from libm's, so the results would change."""
    return K.runs_per_event(kern.shape) and not _calls_functions(kern)


def _calls_functions(kern: K.Kernel) -> bool:
    """Whether a statement of ``kern`` calls a function (``exp``, a user's function...)."""
    return calls_function(stmt.expr for stmt in kern.statements)


def calls_function(expressions) -> bool:
    """Whether one of the sympy ``expressions`` calls a function (``exp``, ``rand``, a user's
    function...)."""
    return any(expr.atoms(sympy.Function) for expr in expressions)


def lower_kernel(module: ir.Module, kern: K.Kernel, name: str | None = None) -> ir.Function:
    """Emit ``kern`` into ``module`` as ``i32 name(ptr slots, i64 step)``."""
    lower_shape = SHAPE_LOWERINGS.get(type(kern.shape))
    if lower_shape is None:
        raise NotImplementedError(f"no lowering for loop shape {type(kern.shape).__name__}")
    return emit_kernel(module, kern, name or kern.name, lower_shape).func


def emit_kernel(module: ir.Module, kern: K.Kernel, name: str, lower, ranged: bool = False,
                first_streams: int = 0) -> KernelEmitter:
    """Emit one function of ``kern``: ``lower(emitter, kern.shape)`` under a new emitter
    (``ranged``: the ``RANGED_KERNEL_TYPE`` of one thread's part, ``codegen.partition``), whose
    random streams start after ``first_streams`` others of the kernel; the function returns 0
    where the lowering did not return. The emitter is returned (``func``, ``random_streams``)."""
    dynarray.declare_runtime(module)
    em = KernelEmitter(module, kern, name, ranged=ranged)
    em.func.args[0].add_attribute("noalias")
    if _compiled_for_size(kern):
        em.func.attributes.add("optsize")
    em.random_streams = first_streams
    lower(em, kern.shape)
    if not em.builder.block.is_terminated:
        em.builder.ret(ir.Constant(I32, 0))
    return em


from . import shapes_synapses  # noqa: E402,F401  (registers the synaptic loop shapes)
from . import shapes_inputs  # noqa: E402,F401  (input shapes and functions)
from . import shapes_cable  # noqa: E402,F401  (the cable equation of SpatialNeurons)
from ..lazy import lazy_module

sympy = lazy_module("sympy", rebind=globals())   # imported when first needed
