"""NeuronGroup and Subgroup: a population described by equations, threshold, reset, refractoriness.

A NeuronGroup owns its state arrays and contributes three kernels to a network: the state update
(when='groups'), the threshold (when='thresholds') and the reset (when='resets'). Model text is
parsed at construction (so syntax errors surface at once) and checked against units when a run
resolves the external names, as Brian2 does.
"""
from __future__ import annotations

import numbers
import time

import numpy as np
import sympy

from .. import kernel as K
from ..memory import DynamicArray
from ..model.dimensions import get_expr_dimensions
from ..model.equations import DIFFERENTIAL_EQUATION, PARAMETER, SUBEXPRESSION, Equations
from ..model.functions import user_function_names
from ..model.refractoriness import integrate_unless_refractory
from ..model.parse import is_boolean_expr, parse_expression
from ..model.statements import check_statements_units, parse_statements
from ..model.symbols import symbol
from ..units import DIMENSIONLESS, fail_for_dimension_mismatch, second
from .base import BrianObject
from .group import SPECIAL_NAMES, Group
from .variables import NUMPY_DTYPES, Variable

__all__ = ["NeuronGroup"]

#: the flags a NeuronGroup's model may have (Brian2's): no synaptic or multicompartment flags
_ALLOWED_FLAGS = {DIFFERENTIAL_EQUATION: ("unless refractory",),
                  PARAMETER: ("constant", "shared", "linked"),
                  SUBEXPRESSION: ("shared", "constant over dt")}


class NeuronGroup(Group, BrianObject):
    """A group of ``N`` neurons following ``model`` (Brian2's NeuronGroup)."""

    def __init__(self, N, model, method=None, threshold=None, reset=None, refractory=False,
                 namespace=None, dtype=None, dt=None, clock=None, order=0, name="neurongroup*",
                 method_options=None, events=None, codeobj_class=None):
        BrianObject.__init__(self, name=name, default_name="neurongroup", clock=clock, dt=dt,
                             when="groups", order=order)
        if isinstance(N, (float, np.floating)) and np.isfinite(N) and N == int(N):
            N = int(N)  # Brian2 accepts whole numbers as floats, e.g. NeuronGroup(0.8*N, ...)
        if isinstance(N, (bool, np.bool_)) or not isinstance(N, (numbers.Integral, np.integer)):
            raise TypeError(f"N has to be an integer, not {N!r}")
        if N < 1:
            raise ValueError(f"N has to be an integer >= 1, not {N}")
        if events:
            raise NotImplementedError("custom events are not supported yet")
        if namespace is not None and not isinstance(namespace, dict):
            raise TypeError("namespace has to be a dictionary")
        parse_start = time.perf_counter()
        eqs = model if isinstance(model, Equations) else Equations(model)
        eqs.check_flags(_ALLOWED_FLAGS)
        self.equations = eqs
        self.namespace = namespace
        self.method = method
        self.owner, self.start, self.stop = self, 0, int(N)
        self.threshold = threshold
        self.reset = reset
        self.refractory = refractory
        self._threshold_expr = parse_expression(threshold) if threshold is not None else None
        self._reset_statements = parse_statements(reset) if reset is not None else []
        if reset is not None and threshold is None:
            raise ValueError("a reset needs a threshold")
        self._refractory_expr = (parse_expression(refractory) if isinstance(refractory, str)
                                 else None)
        #: seconds spent parsing the model text (reported in the network's build timings)
        self.parse_time = time.perf_counter() - parse_start
        if refractory is not False and not isinstance(refractory, str):
            fail_for_dimension_mismatch(refractory, second, "refractory must be a time")
        self._integration = None
        self._locally_constant = frozenset()
        self.spikespace = DynamicArray(int(N) + 1, dtype=np.int32)
        self._threshold_mask = DynamicArray((int(N) + 7) // 8 * 8, dtype=np.uint8)
        self.variables = self._create_variables(eqs, int(N))
        if refractory is not False:
            # Brian2's reserved names for refractoriness: when the neuron last spiked, and whether
            # it integrates its "(unless refractory)" equations at the current step
            lastspike = DynamicArray(int(N))
            lastspike.data[:] = -1e4
            not_refractory = DynamicArray(int(N), dtype=np.bool_)
            not_refractory.data[:] = True
            self.variables["lastspike"] = Variable("lastspike", lastspike, second.dim, "float")
            self.variables["not_refractory"] = Variable("not_refractory", not_refractory,
                                                        DIMENSIONLESS, "boolean")
        self._lock_attributes()

    @staticmethod
    def _create_variables(eqs, N):
        variables = {}
        for name in list(eqs.diff_eq_names) + list(eqs.parameter_names):
            eq = eqs[name]
            scalar = "shared" in eq.flags
            array = DynamicArray(1 if scalar else N, dtype=NUMPY_DTYPES[eq.var_type])
            variables[name] = Variable(name, array, eq.dim, eq.var_type, scalar=scalar,
                                       constant="constant" in eq.flags)
        return variables

    # -- what a network needs ------------------------------------------------------------------
    def external_names(self):
        """Names the model uses but does not define (resolved at each run)."""
        exprs = [eq.expr for eq in self.equations.values() if eq.expr is not None]
        exprs += [self._threshold_expr, self._refractory_expr]
        exprs += [s.expr for s in self._reset_statements]
        names = set()
        for expr in exprs:
            if expr is not None:
                names |= {s.name for s in expr.free_symbols} | user_function_names(expr)
        temporaries = {s.var for s in self._reset_statements}
        return {n for n in names
                if n not in self.variables and n not in SPECIAL_NAMES and n not in temporaries
                and n not in self.equations.names and not n.startswith("xi")}

    def structure_key(self):
        return (self.name, str(self.equations), self.method, self.threshold, self.reset,
                self.refractory if isinstance(self.refractory, str) else self.refractory is False,
                len(self))

    def check_units(self, dims):
        """Check equations, threshold, reset and refractoriness against the resolved ``dims``."""
        dims = dict(dims)
        dims.update({name: var.dim for name, var in self.variables.items()})
        for name in self.equations.subexpr_names:
            dims[name] = self.equations[name].dim
        self.equations.check_units(dims)
        # the texts as written are checked: sympy's evaluation turns ``v > 0*mV`` into ``v > 0``
        if self._threshold_expr is not None:
            get_expr_dimensions(self.threshold, dims)
            if not is_boolean_expr(self._threshold_expr):
                raise TypeError(f"The threshold condition '{self.threshold}' has to be a boolean "
                                f"expression (a comparison such as 'v > 10*mV')")
        if self._reset_statements:
            check_statements_units(self._reset_statements, dims)
        if self._refractory_expr is not None:
            ref_dim = get_expr_dimensions(self.refractory, dims)
            if not self._refractory_is_condition() and ref_dim is not second.dim:
                raise TypeError(f"The refractory expression '{self.refractory}' has to be a time "
                                f"or a boolean condition, not a quantity of dimensions {ref_dim}")

    def _integrated(self, locally_constant=None):
        """The state update statements (computed once: they depend on the model text and on the
        names of the functions constant during a step, ``locally_constant``, which the network
        passes before building; None keeps the last ones)."""
        if locally_constant is not None and locally_constant != self._locally_constant:
            self._integration, self._locally_constant = None, locally_constant
        if self._integration is None:
            rhs = dict(self.equations.substituted_rhs())
            gated = ([name for name in rhs if "unless refractory" in self.equations[name].flags]
                     if self.refractory is not False else [])
            self._integration = (integrate_unless_refractory(rhs, gated, symbol("not_refractory"),
                                                             self.method, self._locally_constant)
                                 if rhs else [])
        return self._integration

    def _refractory_is_condition(self):
        """Whether a string ``refractory`` is a boolean condition (else it is a time). sympy
        treats every symbol as possibly boolean, so a lone name is a condition only if it names
        a boolean variable (``refractory='tau_ref'`` is a time)."""
        ref = self._substitute_subexpressions(self._refractory_expr)
        if isinstance(ref, sympy.Symbol):
            var = self.variables.get(ref.name)
            return var is not None and var.dtype == "boolean"
        return is_boolean_expr(ref)

    def _refractory_update(self):
        """``not_refractory`` for this step, as Brian2 computes it in the state updater."""
        if self.refractory is False:
            return []
        t, dt, last = symbol("t"), symbol("dt"), symbol("lastspike")
        if self._refractory_expr is not None:
            ref = self._substitute_subexpressions(self._refractory_expr)
            if self._refractory_is_condition():
                # Brian2: a neuron stays refractory after a spike while the condition holds;
                # the condition never makes a neuron refractory that has not spiked
                return [K.Assign("not_refractory",
                                 sympy.Or(symbol("not_refractory"), sympy.Not(ref)))]
        else:
            ref = symbol("_refractory")

        def steps(x):  # Brian2's timestep(x, dt) before its truncation to an integer
            return (x + dt * sympy.Rational(1, 1000)) / dt
        # timestep(t - lastspike) >= timestep(ref): both are >= 0, so the truncation of the left
        # side can go (floor(a) >= k <=> a >= k for an integer k), and no float->int conversion
        # is left per neuron and step
        return [K.Assign("not_refractory",
                         sympy.GreaterThan(steps(t - last), sympy.floor(steps(ref))))]

    def kernels(self, ctx):
        variables = {name: ctx.slots.array_var(name, var.array, var.dtype, var.scalar)
                     for name, var in self.variables.items()}
        for name, constant in ctx.constants(self).items():
            variables[name] = ctx.slots.array_var(name, constant.array, constant.dtype, scalar=True)
        variables["dt"] = ctx.slots.array_var("dt", ctx.dt_array(self.clock), "float", scalar=True)
        variables["_seed"] = ctx.slots.array_var("_seed", ctx.seed_array, "int64", scalar=True)
        functions = ctx.functions(self)
        n = len(self)
        result = []
        update = self._refractory_update() + [K.Assign(target, expr)
                                              for target, expr in self._integrated()]
        if update:
            result.append(("groups", K.Kernel(f"{self.name}_stateupdater", K.ForEach(n),
                                              variables, update, ctx.next_stream_block(),
                                              functions)))
        if self._threshold_expr is not None:
            condition = self._substitute_subexpressions(self._threshold_expr)
            on_spike = []
            if self.refractory is not False:
                condition = sympy.And(condition, symbol("not_refractory"))
                on_spike = [K.Assign("not_refractory", sympy.false),
                            K.Assign("lastspike", symbol("t"))]
            spikes = ctx.slots.slot(self.spikespace)
            result.append(("thresholds", K.Kernel(
                f"{self.name}_thresholder",
                K.Threshold(n, spikes, condition, ctx.slots.slot(self._threshold_mask)), variables,
                on_spike, ctx.next_stream_block(), functions)))
            if self._reset_statements:
                statements = [K.Assign(s.var, self._substitute_subexpressions(s.expr), s.op)
                              for s in self._reset_statements]
                result.append(("resets", K.Kernel(
                    f"{self.name}_resetter", K.ForEachSpike(spikes, n, 0, n), variables,
                    statements, ctx.next_stream_block(), functions)))
        return result

    def state_arrays(self):
        """Everything ``store()`` must save: the state variables and the spike space."""
        return {**{name: var.array for name, var in self.variables.items()},
                "_spikespace": self.spikespace}

    def refractory_constant(self):
        """Value of a quantity ``refractory`` (a per-run constant), or None."""
        if self.refractory is False or isinstance(self.refractory, str):
            return None
        return self.refractory

    def __repr__(self):
        return f"NeuronGroup({len(self)}, name={self.name!r})"
