"""NeuronGroup and Subgroup: a population described by equations, threshold, reset, refractoriness.

A NeuronGroup owns its state arrays and contributes three kernels to a network: the state update
(when='groups'), the threshold (when='thresholds') and the reset (when='resets'). Model text is
parsed at construction (so syntax errors surface at once) and checked against units when a run
resolves the external names, as Brian2 does.
"""
from __future__ import annotations

import dataclasses
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
from ..model.symbols import is_noise_name, symbol
from ..units import DIMENSIONLESS, fail_for_dimension_mismatch, second
from .base import BrianObject
from .group import SPECIAL_NAMES, Group, check_group_size
from .hierarchy import SpikeSource
from .linked import check_links_set, refresh_link_indices
from .model_warnings import check_neurongroup_arguments, internal_names_used
from .stateful import Stateful
from .variables import NUMPY_DTYPES, Variable, Variables, array_vars

__all__ = ["NeuronGroup"]

#: the flags a NeuronGroup's model may have (Brian2's): no synaptic or multicompartment flags
_ALLOWED_FLAGS = {DIFFERENTIAL_EQUATION: ("unless refractory",),
                  PARAMETER: ("constant", "shared", "linked"),
                  SUBEXPRESSION: ("shared", "constant over dt")}


class NeuronGroup(Group, BrianObject, Stateful, SpikeSource):
    """A group of ``N`` neurons following ``model`` (Brian2's NeuronGroup)."""

    add_to_magic_network = True

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
        check_group_size(int(N), f"NeuronGroup '{self.name}'")
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
        self.start, self.stop = 0, int(N)
        self.threshold = threshold
        self.reset = reset
        self.refractory = refractory
        self._threshold_expr = parse_expression(threshold) if threshold is not None else None
        self._reset_statements = parse_statements(reset) if reset is not None else []
        if reset is not None and threshold is None:
            raise ValueError(f"{self.name}: the reset {reset!r} needs a threshold")
        self._refractory_expr = (parse_expression(refractory) if isinstance(refractory, str)
                                 else None)
        #: seconds spent parsing the model text (reported in the network's build timings)
        self.parse_time = time.perf_counter() - parse_start
        if refractory is not False and not isinstance(refractory, str):
            fail_for_dimension_mismatch(refractory, second, "refractory must be a time")
        check_neurongroup_arguments(self.name, eqs, threshold, reset, refractory)
        self._integration = None
        self._locally_constant = frozenset()
        self.spikespace = DynamicArray(int(N) + 1, dtype=np.int32, label=f"{self.name}.spikes")
        self._threshold_mask = DynamicArray((int(N) + 7) // 8 * 8, dtype=np.uint8,
                                            label=f"{self.name}.threshold mask")
        #: linked variables: hidden index array -> (index variable, size of the source), and
        #: linked subexpressions: name -> (expression, dimension, type); see linked.py
        self._link_indices, self._linked_subexpressions = {}, {}
        self.variables = Variables(self._implicit_variables,
                                   self._create_variables(eqs, int(N), self.name))
        if refractory is not False:
            # Brian2's reserved names for refractoriness: when the neuron last spiked, and whether
            # it integrates its "(unless refractory)" equations at the current step
            lastspike = DynamicArray(int(N), label=f"{self.name}.lastspike")
            lastspike.data[:] = -1e4
            not_refractory = DynamicArray(int(N), dtype=np.bool_,
                                          label=f"{self.name}.not_refractory")
            not_refractory.data[:] = True
            self.variables["lastspike"] = Variable("lastspike", lastspike, second.dim, "float")
            self.variables["not_refractory"] = Variable("not_refractory", not_refractory,
                                                        DIMENSIONLESS, "boolean")
            # Brian2: code (synaptic effects, run_regularly, PoissonInput, G.v = '...') changes
            # an "(unless refractory)" variable only where the neuron is not refractory
            for name in eqs.diff_eq_names:
                if "unless refractory" in eqs[name].flags:
                    self.variables[name].write_condition = "not_refractory"
        self._check_shared_subexpressions()
        self._lock_attributes()

    @staticmethod
    def _create_variables(eqs, N, group_name):
        variables = {}
        for name in list(eqs.diff_eq_names) + list(eqs.parameter_names):
            eq = eqs[name]
            if "linked" in eq.flags:
                continue   # no storage of its own: linked_var gives it another group's
            scalar = "shared" in eq.flags
            array = DynamicArray(1 if scalar else N, dtype=NUMPY_DTYPES[eq.var_type],
                                 label=f"{group_name}.{name}")
            variables[name] = Variable(name, array, eq.dim, eq.var_type, scalar=scalar,
                                       constant="constant" in eq.flags)
        return variables

    # -- what a network needs ------------------------------------------------------------------
    def internal_names_used(self):
        eqs = self.equations
        return internal_names_used(
            self, [eqs[n].expr for n in eqs.diff_eq_names] + [self._threshold_expr,
                                                             self._refractory_expr]
            + [s.expr for s in self._reset_statements],
            list(eqs.diff_eq_names) + [s.var for s in self._reset_statements])

    def external_names(self):
        """Names the model uses but does not define (resolved at each run)."""
        exprs = [eq.expr for eq in self.equations.values() if eq.expr is not None]
        exprs += [expr for expr, _, _ in self._linked_subexpressions.values()]
        exprs += [self._threshold_expr, self._refractory_expr]
        exprs += [s.expr for s in self._reset_statements]
        names = set()
        for expr in exprs:
            if expr is not None:
                names |= {s.name for s in expr.free_symbols} | user_function_names(expr)
        temporaries = {s.var for s in self._reset_statements}
        return {n for n in names
                if self.variables.get(n) is None and n not in SPECIAL_NAMES and n not in temporaries
                and n not in self.equations.names and not is_noise_name(n)}

    def _implicit_variables(self):
        """Brian2's implicit names of a NeuronGroup: those of every group and the noise
        variables of its equations (``xi``, ``xi_1`` ...)."""
        noise = {s.name for eq in self.equations.values() if eq.expr is not None
                 for s in eq.expr.free_symbols if s.name == "xi" or s.name.startswith("xi_")}
        return {**Group._implicit_variables(self),
                **{name: Variable(name, None, second.dim ** -0.5, read_only=True)
                   for name in noise}}

    def prepare_run(self, n_steps):
        refresh_link_indices(self)

    def structure_key(self):
        return (self.name, str(self.equations), self.method, self.threshold, self.reset,
                self.refractory if isinstance(self.refractory, str) else self.refractory is False,
                len(self))

    def check_units(self, dims):
        """Check equations, threshold, reset and refractoriness against the resolved ``dims``."""
        check_links_set(self)
        dims = dict(dims)
        dims.update({name: var.dim for name, var in self.variables.items()})
        for name in self._subexpression_names():
            dims[name] = self._subexpression(name)[1]
        self.equations.check_units(dims)
        # the texts as written are checked: sympy's evaluation turns ``v > 0*mV`` into ``v > 0``
        if self._threshold_expr is not None:
            get_expr_dimensions(self.threshold, dims)
            if not is_boolean_expr(self._substitute_subexpressions(self._threshold_expr),
                                   self._boolean_names()):
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
            rhs = {name: self._substitute_subexpressions(expr)   # linked subexpressions
                   for name, expr in self.equations.substituted_rhs().items()}
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
        return is_boolean_expr(self._substitute_subexpressions(self._refractory_expr),
                               self._boolean_names())

    def _boolean_names(self):
        return {name for name, var in self.variables.items() if var.dtype == "boolean"}

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
        variables = array_vars(ctx.slots, self.variables, list(self.variables))
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
                f"{self.name}_spike_thresholder",
                K.Threshold(n, spikes, condition, ctx.slots.slot(self._threshold_mask)), variables,
                on_spike, ctx.next_stream_block(), functions)))
            if self._reset_statements:
                statements = [K.Assign(s.var, self._substitute_subexpressions(s.expr), s.op)
                              for s in self._reset_statements]
                # the reset writes even "(unless refractory)" variables (Brian2's resetter
                # overrides the conditional write: the neuron has just become refractory)
                unconditional = {name: dataclasses.replace(var, write_condition=None)
                                 for name, var in variables.items()}
                result.append(("resets", K.Kernel(
                    f"{self.name}_spike_resetter", K.ForEachSpike(spikes, n, 0, n), unconditional,
                    statements, ctx.next_stream_block(), functions)))
        return result

    def after_run(self):
        """As Brian2's thresholder: the spikes of the last step are forgotten when a run ends,
        so a group switched off for the next run does not report them again."""
        self.spikespace.data[-1] = 0

    def schedule_entries(self):
        """Brian2's parts of a group: its state updater, thresholder and resetter (named as its
        kernels)."""
        entries = [self._entry(f"{self.name}_stateupdater", "StateUpdater", "groups")]
        if self.threshold is not None:
            entries.append(self._entry(f"{self.name}_spike_thresholder", "Thresholder",
                                       "thresholds"))
            if self.reset is not None:
                entries.append(self._entry(f"{self.name}_spike_resetter", "Resetter", "resets"))
        return entries

    def state_arrays(self):
        """Everything ``store()`` must save: the state variables and the spike space."""
        return {**{name: var.array for name, var in self.variables.items() if not var.linked},
                "_spikespace": self.spikespace}

    def check_state(self, check):
        for name, var in self.variables.items():
            if not var.linked:
                check.length(name, 1 if var.scalar else len(self))
        check.spike_space("_spikespace", len(self))

    def refractory_constant(self):
        """Value of a quantity ``refractory`` (a per-run constant), or None."""
        if self.refractory is False or isinstance(self.refractory, str):
            return None
        return self.refractory

    def __repr__(self):
        return f"NeuronGroup({len(self)}, name={self.name!r})"
