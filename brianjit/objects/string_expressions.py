"""String expressions over a group, run natively as one-off kernels: ``G.v = 'rand()*15*mV'``,
``G.v['i > 5'] = ...``, ``G.v[10:20] = '...'``, a shared variable's assignment, ``G.v['i > 5']``
and ``G.indices[...]`` (:meth:`StringExpressions.indices_where`), a subexpression's values, and
the binding ``connect()`` uses (``objects/connect.py``).

Nothing is evaluated in Python: each statement is a one-kernel module run over the group's
elements, compiled once per structure, and answered without parsing its text when the same
statement ran before (``objects/oneoff_kernels.py``: its front-end key, ``objects/front_key.py``).
Both paths bind through :meth:`StringExpressions._bind_names`, the binder of one-off kernels,
which needs only the names the texts use. A mixin of ``Group`` (which provides ``variables``,
``owner``, ``start``, ``namespace``, ``clock`` and the subexpression accessors).
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .. import kernel as K
from ..memory import DynamicArray
from ..model.dimensions import get_expr_dimensions, implicit_dimensions
from ..model.names import symbol
from ..model.namespace import resolve_names, user_frame_namespace, warn_shadowed_internal_names
from ..model.parse import parse_expression, substitute
from ..units import DIMENSIONLESS, fail_for_dimension_mismatch, get_dimensions
from . import seed as seed_state
from .assembly import ExternalConstant, SlotTable, environment, replaced_default_functions
from .front_key import front_key
from .functions import ModelFunction, as_function
from .linked import refresh_link_indices
from .oneoff_kernels import preferred_math_mode, run_one_off
from .variables import NUMPY_DTYPES, array_vars, coerce_value, is_scalar_number
from ..lazy import lazy_module

sympy = lazy_module("sympy", rebind=globals())   # imported when first needed

__all__ = ["StringExpressions", "ExpressionContext", "SPECIAL_NAMES", "constant_dtype"]

#: names every expression may use without defining them, with their dimensions
SPECIAL_NAMES = implicit_dimensions()


def constant_dtype(value) -> str:
    """The model type of an external constant's Python value."""
    if isinstance(value, (bool, np.bool_)):
        return "boolean"
    if isinstance(value, (int, np.integer)) and get_dimensions(value) is DIMENSIONLESS:
        # beyond 64 bits a Python int is a float, as an integer literal is (codegen/types.py)
        return "integer" if -2**63 <= value < 2**63 else "float"
    return "float"


class ExpressionContext(NamedTuple):
    """What a one-off kernel over a group needs: its variables (name -> ArrayVar), the slot table
    they live in, the dimensions of every name, the functions (TimedArrays) it calls, and the
    names its texts used (what the binder was given: ``Group._bind_names``)."""

    variables: dict
    slots: SlotTable
    dims: dict
    functions: dict
    names: tuple


class StringExpressions:
    """Group's string expressions (see the module docstring)."""

    def _resolve(self, names, where):
        user = user_frame_namespace()
        values = resolve_names(names, self.namespace, user, owner=where, group_name=self.name)
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
        from ..model.functions import user_function_names
        names = set().union(*[{s.name for s in e.free_symbols} for e in exprs if e is not None])
        calls = set().union(*[user_function_names(e) for e in exprs if e is not None])
        return self._bind_names(names, where, calls)

    def _bind_names(self, used, where, calls=()):
        """The binder of one-off kernels: an ExpressionContext for the names ``used`` (and the
        functions ``calls``) of the texts, from the names alone (no sympy), so that a statement
        answered from the cache of one-off kernels binds exactly as it did when it was built
        (``objects/oneoff_kernels.py``): slots in a fixed order, the link indices refreshed, the
        constants resolved and set, Brian2's warning for names the group shadows."""
        slots = SlotTable()
        refresh_link_indices(self.owner)
        used = set(used)
        names = used | {"dt"}
        variables, dims = {}, dict(SPECIAL_NAMES)
        # a monitor has its records' t and no clock step: there the name is the user's, as in
        # Brian2
        has_step = "t_in_timesteps" in self.variables
        external = set()
        for name in sorted(names):   # sorted: slots, hence the code's key, never follow set order
            var = self.variables.get(name)
            if var is not None:
                variables.update(array_vars(slots, self.variables, [name], self.start))
                dims[name] = var.dim
            elif self._is_subexpression(name):
                dims[name] = self._subexpression_description(name)[0]
            elif name not in SPECIAL_NAMES or name == "t_in_timesteps" and not has_step:
                linked = self._linked_variable(name, slots)
                if linked is None:
                    external.add(name)
                else:
                    linked_variables, dims[name] = linked
                    variables.update(linked_variables)
        warn_shadowed_internal_names({n: len(self) if n == "N" else None for n in used - external},
                                     self.namespace, user_frame_namespace(), self.name)
        functions = replaced_default_functions(slots)
        for name, value in self._resolve(calls, where).items():
            value = as_function(name, value)
            functions[name] = value.kernel_function(slots)
            dims[name] = value.function_spec
        constants = {}
        for name, value in self._resolve(external, where).items():
            if isinstance(value, ModelFunction):
                raise ValueError(f"'{name}' is a function (a TimedArray) and is used in {where} "
                                 f"as a value; call it: '{name}(t)'")
            if not is_scalar_number(value) and not hasattr(value, "dim"):
                raise TypeError(f"'{name}' used in {where} must be a number or a quantity, "
                                f"not {type(value).__name__}")
            constants[name] = ExternalConstant(name, constant_dtype(value))
            constants[name].set(value)
            dims[name] = get_dimensions(value)
        clock = DynamicArray(2)
        clock.data[:] = self.clock.dt_, self.clock.t_
        steps = None
        if has_step:
            steps = DynamicArray(1, dtype=np.int64)
            steps.data[0] = self.clock.timestep
        # a monitor's records have their own t
        variables.update(environment(slots, constants, clock, seed_state.seed_array(),
                                     t=None if "t" in variables else (clock, 1, steps)))
        return ExpressionContext(variables, slots, dims, functions, tuple(sorted(used)))

    def _one_off_key(self, kind, texts, extra=(), group_namespace=None):
        """The front-end key (``objects/front_key.py``) of a one-off statement over this group
        (``kind``: what it builds), or None."""
        return front_key(kind, self, texts, user_frame_namespace(), group_namespace, extra,
                         math_mode=preferred_math_mode())

    def _run_string_kernel(self, target, expr_text, condition_text, value, unitless):
        """``target = expr`` (or ``= value``) for the elements where ``condition`` holds."""
        var = self.variable_info(target)
        where = f"the expression for {self.name}.{target}"
        literal = None if expr_text else _literal(var, value, unitless)
        key = self._one_off_key("one-off:set", (expr_text, condition_text),
                                (target, unitless, literal))
        if var.scalar:
            self._set_shared(var, key, expr_text, condition_text, literal, unitless, where)
            return

        def outputs(context, data):
            context.variables.update(self._target_array_vars(target, context.slots))
            return context

        def build():
            expr, condition, context = self._parsed_for_set(var, expr_text, condition_text,
                                                            literal, unitless, where)
            outputs(context, {})
            return context, K.Kernel(f"set_{target}", K.ForEach(len(self), condition),
                                     context.variables, [K.Assign(target, expr)],
                                     first_stream=seed_state.ONEOFF_FIRST_STREAM,
                                     functions=context.functions), {}

        run_one_off(key, f"set_{target}",
                    lambda names, data: outputs(self._bind_names(names, where), data), build)

    def _parsed_for_set(self, var, expr_text, condition_text, literal, unitless, where):
        """(expression, condition, ExpressionContext) of ``var = expr_text`` (or ``=
        literal``) where ``condition_text`` holds, parsed and checked for units."""
        expr, written = self._parse(expr_text) if expr_text else (None, None)
        condition, condition_written = (self._parse(condition_text) if condition_text
                                        else (None, None))
        if expr is None:
            expr = sympy.Integer(literal) if var.dtype != "float" else sympy.Float(literal)
            if var.dtype == "boolean":
                expr = sympy.true if literal else sympy.false
        context = self._expression_context([expr, written, condition, condition_written], where)
        if expr_text and not unitless:
            fail_for_dimension_mismatch(
                get_expr_dimensions(written, context.dims, text=expr_text),
                var.dim,
                f"The expression '{expr_text}' does not have the unit of {self.name}.{var.name}")
        if condition is not None:
            get_expr_dimensions(condition_written, context.dims, text=condition_text)
        return expr, condition, context

    def _set_shared(self, var, key, expr_text, condition_text, literal, unitless, where):
        """A shared variable takes one value: the expression is computed once (natively, so
        ``rand()`` works) and may not refer to per-element values, as in Brian2."""
        def outputs(context, data):
            out = DynamicArray(1, dtype=var.array.dtype)
            context.variables["_out"] = context.slots.array_var("_out", out, var.dtype)
            return context

        def build():
            expr, _, context = self._parsed_for_set(var, expr_text, condition_text, literal,
                                                    unitless, where)
            if condition_text is not None:
                raise IndexError(f"'{var.name}' is a shared variable: it cannot be set with a "
                                 f"string condition ('{condition_text}')")
            vector = sorted(s.name for s in expr.free_symbols
                            if s.name == "i" or (s.name in self.variables
                                                 and not self.variables[s.name].scalar))
            if vector:
                raise ValueError(f"cannot set the shared variable '{var.name}' with the "
                                 f"expression '{expr_text}': it refers to the per-neuron "
                                 f"value(s) {', '.join(vector)}")
            expr = substitute(expr, {symbol("N"): sympy.Integer(len(self.owner))}, expr_text,
                              f"the size of {self.owner.name}")
            outputs(context, {})
            return context, K.Kernel(f"set_{var.name}", K.ForEach(1), context.variables,
                                     [K.Assign("_out", expr)],
                                     first_stream=seed_state.ONEOFF_FIRST_STREAM,
                                     functions=context.functions), {}

        context, _ = run_one_off(key, f"set_{var.name}",
                                 lambda names, data: outputs(self._bind_names(names, where),
                                                             data), build)
        var.array.data[var.offset] = _output(context)[0]

    def _evaluate(self, text, dtype, where, expected_dim=None, numpy_dtype=None,
                  subexpression=None):
        """Values of the expression ``text`` (or of the subexpression named ``subexpression``)
        for every element, computed natively (a fresh numpy array of ``numpy_dtype``, by
        default the one of model type ``dtype``: a variable's own dtype makes them what the
        native store into it would make them). ``text`` is checked for consistent units, and
        against ``expected_dim`` when given."""
        numpy_dtype = np.dtype(numpy_dtype or NUMPY_DTYPES[dtype])
        key = self._one_off_key("one-off:evaluate", (text,), (
            subexpression, dtype, str(numpy_dtype),
            None if expected_dim is None else get_dimensions(expected_dim)._dims))

        def outputs(context, data):
            out = DynamicArray(len(self), dtype=numpy_dtype)
            context.variables["_out"] = context.slots.array_var("_out", out, dtype)
            return context

        def build():
            if subexpression is None:
                expr, written = self._parse(text)
            else:
                expr = self._substitute_subexpressions(self._subexpression(subexpression)[0])
                written = None
            context = self._expression_context([expr, written], where)
            if written is not None:
                found = get_expr_dimensions(written, context.dims, text=text)
                if expected_dim is not None:
                    fail_for_dimension_mismatch(found, expected_dim,
                                                f"The expression '{text}' does not have the "
                                                f"unit of {where}")
            outputs(context, {})
            return context, K.Kernel("evaluate", K.ForEach(len(self)), context.variables,
                                     [K.Assign("_out", expr)],
                                     first_stream=seed_state.ONEOFF_FIRST_STREAM,
                                     functions=context.functions), {}

        context, _ = run_one_off(key, "evaluate",
                                 lambda names, data: outputs(self._bind_names(names, where),
                                                             data), build)
        return _output(context).copy()

    def indices_where(self, condition_text):
        """Indices (relative to this group) where the string condition holds."""
        mask = self._evaluate(condition_text, "boolean", f"the condition '{condition_text}'")
        return np.flatnonzero(mask)

    def _evaluate_subexpression(self, name):
        if not self._is_subexpression(name):
            raise KeyError(f"{self.name} has no variable '{name}'")
        values = self._evaluate(None, self._subexpression_description(name)[1],
                                f"the subexpression {self.name}.{name}", subexpression=name)
        return values.astype(self.value_dtype(name), copy=False)

    def _target_array_vars(self, name, slots):
        """ArrayVars through which a one-off kernel writes ``name`` (Synapses: also ``v_post``)."""
        return array_vars(slots, self.variables, [name], self.start)



def _literal(var, value, unitless):
    """``value`` for ``var`` as a Python number of its model type (a string condition's
    value: ``G.v['i > 5'] = 3*mV``), unit-checked."""
    raw = coerce_value(var, value, unitless)
    if raw.ndim:
        raise ValueError("with a string condition, the value must be a scalar or a string")
    return {"float": float, "integer": int, "boolean": bool}[var.dtype](raw)


def _output(context):
    """The values a one-off kernel wrote to its output array (``_out``)."""
    return context.slots.arrays[context.variables["_out"].slot].data
