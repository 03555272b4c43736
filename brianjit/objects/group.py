"""What a NeuronGroup and its subgroups share: variables by attribute, indexing, string expressions.

String expressions (``G.v = 'rand()*15*mV'``, ``G.v['i > 5'] = ...``, ``G.v['i > 5']``) are not
evaluated in Python: they become a one-kernel module that runs natively over the group, compiled
once per distinct expression (the JIT caches on the IR text).
"""
from __future__ import annotations

import ctypes
import numbers
from typing import NamedTuple

import numpy as np
import sympy

from .. import kernel as K
from ..codegen.kernels import lower_kernel
from ..jit import compile_ir
from .. import memory_budget
from ..memory import DynamicArray, growth_failure
from ..model.dimensions import get_expr_dimensions
from ..model.functions import user_function_names
from ..model.namespace import resolve_names, user_frame_namespace
from ..model.parse import parse_expression
from ..model.symbols import symbol
from ..units import DIMENSIONLESS, fail_for_dimension_mismatch, get_dimensions, second
from . import seed as seed_state
from .assembly import ExternalConstant, SlotTable
from .hierarchy import SpikeSource, VariableOwner
from .linked import LinkedVariable, link
from .variables import NUMPY_DTYPES, Variable, VariableView, coerce_value, is_scalar_number

__all__ = ["Group", "SPECIAL_NAMES", "constant_dtype", "ExpressionContext", "MAX_GROUP_SIZE",
           "check_group_size", "MAX_SYNAPSES"]

#: The most neurons a group may have: neuron indices are 32-bit integers wherever native code
#: stores them (spike spaces and their counts, synaptic indices, monitors' indices), as in
#: Brian2. A larger group is refused when it is made, before anything is allocated.
MAX_GROUP_SIZE = 2**31 - 1

#: The most synapses one Synapses object may hold: synapse numbers are 32-bit integers in the
#: index of synapses by source neuron (and in Brian2). Creating more is refused (ValueError),
#: natively too: the arrays of presynaptic and postsynaptic indices have this row limit.
MAX_SYNAPSES = 2**31 - 1


def check_group_size(N: int, what: str) -> None:
    """Refuse a group of more than :data:`MAX_GROUP_SIZE` elements, saying why."""
    if N > MAX_GROUP_SIZE:
        raise ValueError(f"{what}: N = {N} is more than {MAX_GROUP_SIZE} (2**31 - 1), the largest "
                         f"group brianjit supports: neuron indices are stored as 32-bit integers "
                         f"(spikes, synapses, monitors), as in Brian2")


class ExpressionContext(NamedTuple):
    """What a one-off kernel over a group needs: its variables (name -> ArrayVar), the slot table
    they live in, the dimensions of every name, and the functions (TimedArrays) it calls."""

    variables: dict
    slots: SlotTable
    dims: dict
    functions: dict

#: names every expression may use without defining them
SPECIAL_NAMES = {"t": second.dim, "dt": second.dim, "i": DIMENSIONLESS, "N": DIMENSIONLESS}


def constant_dtype(value) -> str:
    """The model type of an external constant's Python value."""
    if isinstance(value, (bool, np.bool_)):
        return "boolean"
    if isinstance(value, (int, np.integer)) and get_dimensions(value) is DIMENSIONLESS:
        # beyond 64 bits a Python int is a float, as an integer literal is (codegen/types.py)
        return "integer" if -2**63 <= value < 2**63 else "float"
    return "float"


class Group(VariableOwner):
    """Mixin for groups: needs ``variables``, ``owner`` (the group owning the arrays), ``start``,
    ``stop``, ``namespace``, ``equations`` (for subexpressions) and ``clock``."""

    # -- sizes and indices -----------------------------------------------------------------------
    def __len__(self):
        return self.stop - self.start

    @property
    def N(self):
        return len(self)

    def check_index(self, item):
        """``item`` as an index into this group's elements, or a clear IndexError."""
        n = len(self)
        if isinstance(item, slice) or item is Ellipsis:
            return item if item is not Ellipsis else slice(None)
        index = np.asarray(item)
        if index.dtype == bool:
            if index.shape != (n,):
                raise IndexError(f"boolean index of shape {index.shape} for {self.name} of size {n}")
            return index
        if index.dtype.kind not in "iu":
            raise IndexError(f"indices of {self.name} must be integers, slices, booleans or a "
                             f"string condition, not {item!r}")
        if index.size and (index.max() >= n or index.min() < -n):
            raise IndexError(f"index {item!r} out of range for {self.name} of size {n}")
        return index

    def variable(self, name) -> Variable:
        """The description of ``name``: a state variable, or a read-only subexpression (no array:
        its values are computed on demand)."""
        var = self.variables.get(name)
        if var is not None:
            return var
        if self._is_subexpression(name):
            eq = self.equations[name]
            return Variable(name, None, eq.dim, eq.var_type, read_only=True)
        raise KeyError(f"{self.name} has no variable '{name}'")

    def raw_values(self, name):
        """Zero-copy numpy view of ``name``'s values for this group's elements (subexpressions:
        freshly computed values)."""
        if name == "i":
            return np.arange(len(self), dtype=np.int32)
        var = self.variables.get(name)
        if var is None:
            return self._evaluate_subexpression(name)
        data = var.array.data
        return data if var.scalar else data[self.start:self.stop]

    # -- subgroups ----------------------------------------------------------------------------
    def __getitem__(self, item):
        """``G[a:b]`` or ``G[k]``: a Subgroup of those elements (contiguous, as in Brian2)."""
        from .subgroup import Subgroup
        if not isinstance(self.owner, SpikeSource):
            raise TypeError(f"{self.name} cannot be sliced into subgroups")
        if isinstance(item, (numbers.Integral, np.integer)) and not isinstance(item, bool):
            k = int(item) + (len(self) if item < 0 else 0)
            if not 0 <= k < len(self):
                raise IndexError(f"index {item} out of range for {self.name} of size {len(self)}")
            item = slice(k, k + 1)
        if not isinstance(item, slice):
            raise TypeError(f"subgroups of {self.name} are made with a slice, e.g. G[10:20], "
                            f"not {item!r}")
        start, stop, step = item.indices(len(self))
        if step != 1:
            raise IndexError("subgroups need contiguous slices (step 1)")
        if stop <= start:
            raise IndexError(f"empty subgroup {item!r} of {self.name}")
        offset = self.start - self.owner.start
        return Subgroup(self, offset + start, offset + stop)

    # -- attribute access ------------------------------------------------------------------------
    def __getattr__(self, name):
        if name.startswith("_") or name in ("variables", "owner", "equations"):
            raise AttributeError(name)
        variables = self.__dict__.get("variables") or {}
        if name in variables or self._is_subexpression(name):
            return VariableView(self, name)
        if name.endswith("_") and (name[:-1] in variables or self._is_subexpression(name[:-1])):
            # a live view, as in Brian2: ``G.v_[:] = x`` writes, ``G.v_`` reads the current values
            return VariableView(self, name[:-1], unitless=True)
        if name == "i":
            return self.raw_values("i")
        if name in ("t", "t_"):
            return self.clock.t if name == "t" else self.clock.t_
        if name in ("dt", "dt_"):
            return self.clock.dt if name == "dt" else self.clock.dt_
        raise AttributeError(f"{type(self).__name__} '{self.name}' has no attribute '{name}'")

    def __setattr__(self, name, value):
        variables = self.__dict__.get("variables")
        if variables is not None and not name.startswith("_"):
            base = name[:-1] if name.endswith("_") and name[:-1] in variables else name
            if base in variables:
                self.set_values(base, slice(None), value, unitless=base != name)
                return
            if self._is_subexpression(base):
                raise TypeError(f"'{base}' is a subexpression of {self.name}; it cannot be set")
            if base in ("i", "N", "t", "dt"):
                raise TypeError(f"'{base}' of {self.name} is read-only")
            if self.__dict__.get("_locked") and name not in self.__dict__ \
                    and not hasattr(type(self), name):
                # as in Brian2: a typo (G.V = ... for G.v) must not create a new attribute
                raise AttributeError(f"{type(self).__name__} '{self.name}' has no variable "
                                     f"'{name}' (its variables: {', '.join(sorted(variables))})")
        object.__setattr__(self, name, value)

    def _lock_attributes(self):
        """From now on, setting an unknown public attribute is an error (called at the end of
        a group's construction)."""
        object.__setattr__(self, "_locked", True)

    def _is_subexpression(self, name):
        eqs = self.__dict__.get("equations")
        return eqs is not None and name in eqs.subexpr_names

    def _linked_variable(self, name, slots):
        """({name: ArrayVar, ...}, dimensions) for a name that lives in another group (Synapses:
        ``v_post``), or None: a plain group has none."""
        return None

    def run_regularly(self, code, dt=None, clock=None, when="start", order=0, name=None):
        """Run ``code`` natively for every element at the steps of its own clock (by default the
        group's); returns the operation, which runs whenever the group is in a network."""
        from .operations import RunRegularly
        return RunRegularly(self, code, dt=dt, clock=clock, when=when, order=order, name=name)

    # -- writing ---------------------------------------------------------------------------------
    def set_values(self, name, item, value, unitless=False):
        if isinstance(value, LinkedVariable):
            link(self, name, value)
            return
        var = self.variable(name)
        if var.read_only:
            raise TypeError(f"Variable '{name}' of {self.name} is read-only"
                            + (" (a subexpression)" if var.array is None else ""))
        if isinstance(value, VariableView):
            value = value[:]
        condition = None
        if isinstance(item, str):
            condition, item = item, slice(None)
        full = isinstance(item, slice) and item == slice(None)
        if isinstance(value, str) and condition is None and not full and not var.scalar:
            # G.v[10:20] = '...': evaluate for every element (rand() draws as usual), keep some
            index = self.check_index(item)
            expr, written = self._parse(value)
            values = self._evaluate(expr, var.dtype, f"{self.name}.{name}", written, value,
                                    None if unitless else var.dim)
            target = var.array.data[self.start:self.stop]
            if var.write_condition is not None:  # as the native kernel of a full assignment
                allowed = np.zeros(len(self), dtype=bool)
                allowed[index] = True
                index = allowed & self.raw_values(var.write_condition)
            target[index] = values[index]
            return
        if isinstance(value, str) or condition is not None:
            if not full:
                raise IndexError("a string condition cannot be combined with an index")
            expr = value if isinstance(value, str) else None
            self._run_string_kernel(name, expr, condition, None if expr is not None else value,
                                    unitless)
            return
        raw = coerce_value(var, value, unitless)
        if var.scalar:
            if not full and not (isinstance(item, numbers.Integral) and item == 0) \
                    and item is not Ellipsis:
                raise IndexError(f"'{name}' is a shared variable: it can only be indexed with [:]")
            var.array.data[0] = raw
            return
        target = var.array.data[self.start:self.stop]
        index = self.check_index(item)
        try:
            target[index] = raw
        except ValueError as err:
            raise ValueError(f"cannot set {self.name}.{name}[{item!r}]: {err}") from None

    # -- string expressions, run natively ------------------------------------------------------
    def _resolve(self, names, where):
        user = user_frame_namespace()
        values = resolve_names(names, self.namespace, user, owner=where)
        return values

    def _parse(self, text):
        """``text`` as (expression to compute, with subexpressions substituted; expression as
        written, for the unit check: sympy simplifies ``0*mV`` to ``0`` when evaluating)."""
        return (self._substitute_subexpressions(parse_expression(text)),
                parse_expression(text, evaluate=False))

    def _expression_context(self, exprs, where):
        """Variables, constants and functions the expressions need (an ExpressionContext).
        ``exprs`` may include expressions as written (naming subexpressions: they get their
        dimensions, their own names come from the substituted versions)."""
        slots = SlotTable()
        names = set().union(*[{s.name for s in e.free_symbols} for e in exprs if e is not None])
        calls = set().union(*[user_function_names(e) for e in exprs if e is not None])
        names |= {"dt"}
        variables, dims = {}, dict(SPECIAL_NAMES)
        external = set()
        for name in names:
            var = self.variables.get(name)
            if var is not None:
                variables[name] = slots.array_var(name, var.array, var.dtype, var.scalar,
                                                  0 if var.scalar else self.start)
                dims[name] = var.dim
            elif self._is_subexpression(name):
                dims[name] = self.equations[name].dim
            elif name not in SPECIAL_NAMES:
                linked = self._linked_variable(name, slots)
                if linked is None:
                    external.add(name)
                else:
                    linked_variables, dims[name] = linked
                    variables.update(linked_variables)
        functions = {}
        for name, value in self._resolve(calls, where).items():
            if not hasattr(value, "kernel_function"):
                raise TypeError(f"'{name}' is called in {where} but is not a function "
                                f"(a TimedArray): {type(value).__name__}")
            functions[name] = value.kernel_function(slots)
            dims[name] = value.function_spec
        for name, value in self._resolve(external, where).items():
            if not is_scalar_number(value) and not hasattr(value, "dim"):
                raise TypeError(f"'{name}' used in {where} must be a number or a quantity, "
                                f"not {type(value).__name__}")
            constant = ExternalConstant(name, constant_dtype(value))
            constant.set(value)
            variables[name] = slots.array_var(name, constant.array, constant.dtype, scalar=True)
            dims[name] = get_dimensions(value)
        clock = DynamicArray(2)
        clock.data[:] = self.clock.dt_, self.clock.t_
        variables["dt"] = slots.array_var("dt", clock, "float", scalar=True)
        variables["t"] = slots.array_var("t", clock, "float", scalar=True, offset=1)
        variables["_seed"] = slots.array_var("_seed", seed_state.seed_array(), "int64", scalar=True)
        return ExpressionContext(variables, slots, dims, functions)

    def _substitute_subexpressions(self, expr):
        if expr is None or self.equations is None:
            return expr
        for _ in range(len(self.equations.subexpr_names) + 1):
            subs = {s: self.equations[s.name].typed_expr for s in expr.free_symbols
                    if s.name in self.equations.subexpr_names}
            if not subs:
                return expr
            expr = expr.xreplace(subs)
        raise ValueError("subexpressions refer to each other in a cycle")

    def _run_string_kernel(self, target, expr_text, condition_text, value, unitless):
        """``target = expr`` (or ``= value``) for the elements where ``condition`` holds."""
        var = self.variables[target]
        where = f"the expression for {self.name}.{target}"
        expr, written = self._parse(expr_text) if expr_text else (None, None)
        condition, condition_written = (self._parse(condition_text) if condition_text
                                        else (None, None))
        if expr is None:
            raw = coerce_value(var, value, unitless)
            if raw.ndim:
                raise ValueError("with a string condition, the value must be a scalar or a string")
            expr = sympy.Integer(int(raw)) if var.dtype != "float" else sympy.Float(float(raw))
            if var.dtype == "boolean":
                expr = sympy.true if raw else sympy.false
        variables, slots, dims, functions = self._expression_context(
            [expr, written, condition, condition_written], where)
        if expr_text and not unitless:
            fail_for_dimension_mismatch(
                get_expr_dimensions(written, dims, text=expr_text),
                var.dim,
                f"The expression '{expr_text}' does not have the unit of {self.name}.{target}")
        if condition is not None:
            get_expr_dimensions(condition_written, dims, text=condition_text)
        if var.scalar:
            self._set_shared(var, expr, expr_text, condition_text, variables, slots, functions)
            return
        variables[target] = slots.state_var(target, var, self.start)
        if var.write_condition is not None:  # Brian2 writes only where the condition holds
            variables[var.write_condition] = slots.state_var(
                var.write_condition, self.variables[var.write_condition], self.start)
        kern = K.Kernel(f"set_{target}", K.ForEach(len(self), condition), variables,
                        [K.Assign(target, expr)], first_stream=seed_state.next_oneoff_streams(),
                        functions=functions)
        run_once(kern, slots)

    def _set_shared(self, var, expr, expr_text, condition_text, variables, slots, functions):
        """A shared variable takes one value: the expression is computed once (natively, so
        ``rand()`` works) and may not refer to per-element values, as in Brian2."""
        if condition_text is not None:
            raise IndexError(f"'{var.name}' is a shared variable: it cannot be set with a string "
                             f"condition ('{condition_text}')")
        vector = sorted(s.name for s in expr.free_symbols
                        if s.name == "i" or (s.name in self.variables
                                             and not self.variables[s.name].scalar))
        if vector:
            raise ValueError(f"cannot set the shared variable '{var.name}' with the expression "
                             f"'{expr_text}': it refers to the per-neuron value(s) "
                             f"{', '.join(vector)}")
        expr = expr.xreplace({symbol("N"): sympy.Integer(len(self.owner))})
        out = DynamicArray(1, dtype=NUMPY_DTYPES[var.dtype])
        variables["_out"] = slots.array_var("_out", out, var.dtype)
        run_once(K.Kernel(f"set_{var.name}", K.ForEach(1), variables, [K.Assign("_out", expr)],
                          first_stream=seed_state.next_oneoff_streams(), functions=functions),
                 slots)
        var.array.data[0] = out.data[0]

    def _evaluate(self, expr, dtype, where, written=None, text=None, expected_dim=None):
        """Values of ``expr`` for every element, computed natively (a fresh numpy array).
        ``written`` (the expression as ``text`` was written) is checked for consistent units, and
        against ``expected_dim`` when given."""
        variables, slots, dims, functions = self._expression_context([expr, written], where)
        if written is not None:
            found = get_expr_dimensions(written, dims, text=text)
            if expected_dim is not None:
                fail_for_dimension_mismatch(found, expected_dim,
                                            f"The expression '{text}' does not have the unit "
                                            f"of {where}")
        out = DynamicArray(len(self), dtype=NUMPY_DTYPES[dtype])
        variables["_out"] = slots.array_var("_out", out, dtype)
        kern = K.Kernel("evaluate", K.ForEach(len(self)), variables, [K.Assign("_out", expr)],
                        first_stream=seed_state.next_oneoff_streams(), functions=functions)
        run_once(kern, slots)
        return out.data.copy()

    def indices_where(self, condition_text):
        """Indices (relative to this group) where the string condition holds."""
        expr, written = self._parse(condition_text)
        mask = self._evaluate(expr, "boolean", f"the condition '{condition_text}'", written,
                              condition_text)
        return np.flatnonzero(mask)

    def _evaluate_subexpression(self, name):
        if not self._is_subexpression(name):
            raise KeyError(f"{self.name} has no variable '{name}'")
        eq = self.equations[name]
        expr = self._substitute_subexpressions(eq.expr)
        return self._evaluate(expr, eq.var_type, f"the subexpression {self.name}.{name}")


def run_once(kern: K.Kernel, slots: SlotTable):
    """Compile (cached) and run a single kernel now. Its random numbers depend on the seed and
    its stream numbers only (time step 0): ``t`` comes from a buffer. Returns the kernel's
    status: 0, or a shape's own error code (e.g. 2 from ``Connect``: an index out of range)."""
    module = _module_for(kern)
    compiled = compile_ir(str(module))
    fn = compiled.cfunc(kern.name, ctypes.c_int32, ctypes.c_void_p, ctypes.c_int64)
    memory_budget.refresh_if_stale()
    status = fn(ctypes.cast(slots.addresses(), ctypes.c_void_p), 0)
    slots.sync()
    if status == 1:
        error = growth_failure(slots.arrays)
        raise type(error)(f"{error} (while running {kern.name})")
    return status


def _module_for(kern):
    from llvmlite import ir
    module = ir.Module(name=kern.name)
    lower_kernel(module, kern)
    return module
