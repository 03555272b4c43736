"""NeuronGroup: a population described by equations, threshold, reset, refractoriness, events.

A NeuronGroup owns its state arrays and contributes its state update (when='groups') to a
network; its events (the spike of ``threshold``, the others of ``events``) are filled and acted on
by the Thresholder and Resetter objects it contains (``events.py``), whose kernels it builds.
Model text is parsed at construction (so syntax errors surface at once) and checked against units
when a run resolves the external names, as Brian2 does.
"""
from __future__ import annotations

import dataclasses
import numbers
import time

import numpy as np

from .. import kernel as K
from ..memory import DynamicArray
from ..model.equations import DIFFERENTIAL_EQUATION, PARAMETER, SUBEXPRESSION, Equations
from ..model.stateupdaters import check_group_method_options, choice_made, report_choice
from ..model.parse import is_boolean_expr, parse_expression
from ..model.known_texts import parse_unless_passed
from ..model.statements import StatementError, check_statements_units
from ..model.names import is_noise_name, symbol
from ..preferences import prefs
from ..units import DIMENSIONLESS, fail_for_dimension_mismatch, second
from .base import BrianObject
from .events import Resetter, Thresholder, check_event_names, new_event_space
from .frontend_memo import integrated_unless_refractory, warns_at_use
from .group import SPECIAL_NAMES, Group, check_group_size, check_pre_post_names
from .hierarchy import SpikeSource
from .linked import check_links_set, refresh_link_indices
from .model_warnings import check_neurongroup_arguments, internal_names_used
from .stateful import Stateful
from .dtypes import group_float_dtype, variable_dtype
from .variables import Variable, Variables, array_vars
from ..lazy import lazy_module

sympy = lazy_module("sympy", rebind=globals())   # imported when first needed

__all__ = ["NeuronGroup"]

#: the flags a NeuronGroup's model may have (Brian2's): no synaptic or multicompartment flags
_ALLOWED_FLAGS = {DIFFERENTIAL_EQUATION: ("unless refractory",),
                  PARAMETER: ("constant", "shared", "linked"),
                  SUBEXPRESSION: ("shared", "constant over dt")}


def _legacy_refractory_timing():
    return bool(prefs["legacy.refractory_timing"])


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
        events = check_event_names(events)
        if threshold is not None:
            if "spike" in events:
                raise ValueError("The NeuronGroup defines both a threshold and a 'spike' event")
            events["spike"] = threshold
        if namespace is not None and not isinstance(namespace, dict):
            raise TypeError("namespace has to be a dictionary")
        parse_start = time.perf_counter()
        eqs = model if isinstance(model, Equations) else Equations(model)
        eqs.check_flags(_ALLOWED_FLAGS)
        check_pre_post_names(eqs)
        self.equations = eqs
        self.namespace = namespace
        self.method, self.method_options = method, method_options
        self.start, self.stop = 0, int(N)
        self.threshold = events.get("spike")
        self.reset = reset
        self.refractory = refractory
        #: Brian2's events of the group ({name: condition}) and the code run on them
        self.events, self.event_codes = events, {}
        #: {event: DynamicArray}: the elements that had each event in the current step
        self.event_spaces = {event: new_event_space(int(N), f"{self.name}.{event}space")
                             for event in events}
        #: {event: Thresholder}, {event: Resetter} (Brian2's names), contained in the group
        self.thresholder = {event: Thresholder(self, event, condition)
                            for event, condition in events.items()}
        self.resetter = {}
        self.contained_objects.extend(self.thresholder.values())
        if reset is not None:
            if "spike" not in events:
                raise ValueError(f"{self.name}: the reset {reset!r} needs a threshold")
            self.run_on_event("spike", reset, when="resets")
        self._refractory_text = (parse_unless_passed("expression", refractory, parse_expression)
                                 if isinstance(refractory, str) else None)
        #: seconds spent parsing the model text (reported in the network's build timings)
        self.parse_time = time.perf_counter() - parse_start
        if refractory is not False and not isinstance(refractory, str):
            fail_for_dimension_mismatch(refractory, second, "refractory must be a time")
        check_neurongroup_arguments(self.name, eqs, threshold, reset, refractory)
        self._integration = None
        self._locally_constant = frozenset()
        #: linked variables: hidden index array -> (index variable, size of the source), and
        #: linked subexpressions: name -> (expression, dimension, type); see linked.py
        self._link_indices, self._linked_subexpressions = {}, {}
        #: the float dtype of the subexpressions' values (Brian2 takes it at creation)
        self._float_dtype = group_float_dtype(dtype)
        self.variables = Variables(self._implicit_variables,
                                   self._create_variables(eqs, int(N), self.name, dtype))
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
    def _create_variables(eqs, N, group_name, user_dtype=None):
        variables = {}
        for name in list(eqs.diff_eq_names) + list(eqs.parameter_names) + \
                list(eqs.constant_over_dt_names):
            eq = eqs[name]
            if "linked" in eq.flags:
                continue   # no storage of its own: linked_var gives it another group's
            scalar = "shared" in eq.flags
            array = DynamicArray(1 if scalar else N,
                                 dtype=variable_dtype(name, eq.var_type, user_dtype),
                                 label=f"{group_name}.{name}")
            variables[name] = Variable(name, array, eq.dim, eq.var_type, scalar=scalar,
                                       constant="constant" in eq.flags)
        return variables

    # -- events -----------------------------------------------------------------------------------
    def run_on_event(self, event, code, when="after_resets", order=None):
        """Run ``code`` for every neuron that had ``event`` in a time step (Brian2's
        ``run_on_event``; the reset is the code of ``'spike'``). Returns the Resetter, which
        runs with the group (``active``, ``when`` and ``order`` as any object)."""
        if event not in self.events:
            hint = " Did you forget to define a threshold?" if event == "spike" else ""
            raise ValueError(f"Unknown event '{event}'.{hint}")
        if event in self.resetter:
            raise ValueError(f"Cannot add code for event '{event}', code for this event has "
                             f"already been added.")
        resetter = Resetter(self, event, code, when, order)
        self.event_codes[event] = code
        self.resetter[event] = resetter
        self.contained_objects.append(resetter)
        return resetter

    def set_event_schedule(self, event, when="after_thresholds", order=None):
        """Move the check of ``event``'s condition to ``when``/``order`` (Brian2's; the order
        defaults to the group's)."""
        if event not in self.thresholder:
            raise ValueError(f"Unknown event '{event}'.")
        self.thresholder[event].when = when
        self.thresholder[event].order = self.order if order is None else order

    def threshold_kernel(self, ctx, thresholder):
        """The kernel of ``thresholder`` (see events.py): its condition for every neuron, the
        neurons where it holds into its event space. Refractoriness is the spike's alone: its
        condition also needs ``not_refractory``, and a spike starts a refractory period."""
        condition = self._substitute_subexpressions(thresholder.expr)
        on_event = []
        if thresholder.event == "spike" and self.refractory is not False:
            condition = sympy.And(condition, symbol("not_refractory"))
            on_event = [K.Assign("not_refractory", sympy.false),
                        K.Assign("lastspike", symbol("t"))]
        space = ctx.slots.slot(self.event_spaces[thresholder.event])
        return K.Kernel(thresholder.name,
                        K.Threshold(len(self), space, condition, ctx.slots.slot(thresholder.mask)),
                        self._kernel_variables(ctx, thresholder), on_event,
                        ctx.next_stream_block(), ctx.functions(thresholder))

    def reset_kernel(self, ctx, resetter):
        """The kernel of ``resetter``: its code for every neuron in its event's space. It
        writes even "(unless refractory)" variables (Brian2's resetters override the
        conditional write: after a spike the neuron has just become refractory)."""
        statements = [K.Assign(s.var, self._substitute_subexpressions(s.expr), s.op)
                      for s in resetter.statements]
        unconditional = {name: dataclasses.replace(var, write_condition=None)
                         for name, var in self._kernel_variables(ctx, resetter).items()}
        n = len(self)
        return K.Kernel(resetter.name,
                        K.ForEachSpike(ctx.slots.slot(self.event_spaces[resetter.event]), n, 0, n),
                        unconditional, statements, ctx.next_stream_block(),
                        ctx.functions(resetter))

    def check_event_code(self, code, dims):
        """Check the condition of a Thresholder or the statements of a Resetter of this group
        against ``dims`` (the names the code's object resolved)."""
        from ..model.dimensions import get_expr_dimensions
        dims = self._dims_with_own(dims)
        if isinstance(code, Resetter):
            for st in code.statements:
                var = self.variables.get(st.var)
                if var is not None and var.scalar:
                    # Brian2: a SyntaxError (it allows such writes only before any write to a
                    # per-neuron variable; brianjit runs event code per neuron only)
                    raise StatementError(
                        f"'{st.text}' in the code of the event '{code.event}' of {self.name}: "
                        f"'{st.var}' is a single shared value and cannot be written for each "
                        f"neuron that had the event")
            check_statements_units(code.statements, dims)
            return
        if code.expr is None:
            kind = "a quantity" if hasattr(code.condition, "dim") else type(code.condition).__name__
            raise TypeError(f"The condition of the event '{code.event}' of {self.name} has to be "
                            f"a string, not {kind} ({code.condition!r})")
        # the text as written is checked: sympy's evaluation turns ``v > 0*mV`` into ``v > 0``
        get_expr_dimensions(code.condition, dims)
        if not is_boolean_expr(self._substitute_subexpressions(code.expr),
                               self._boolean_names()):
            raise TypeError(f"The condition '{code.condition}' of the event '{code.event}' has "
                            f"to be a boolean expression (a comparison such as 'v > 10*mV')")

    # -- what a network needs ------------------------------------------------------------------
    def internal_names_used(self):
        eqs = self.equations
        return internal_names_used(
            self, [eqs[n].sympy_expr for n in eqs.diff_eq_names] + [self._refractory_expr],
            list(eqs.diff_eq_names))

    def external_names(self):
        """Names the model uses but does not define (resolved at each run); those of the
        events' code are their thresholders' and resetters'."""
        from ..model.functions import user_function_names
        exprs = [eq.sympy_expr for eq in self.equations.values() if eq.expr is not None]
        exprs += [expr for expr, _, _ in self._linked_subexpressions.values()]
        exprs += [self._refractory_expr]
        names = set()
        for expr in exprs:
            if expr is not None:
                names |= {s.name for s in expr.free_symbols} | user_function_names(expr)
        return {n for n in names
                if self.variables.get(n) is None and n not in SPECIAL_NAMES
                and n not in self.equations.names and not is_noise_name(n)}

    @property
    def _refractory_expr(self):
        """A string ``refractory``, parsed (None for a time or False)."""
        return self._refractory_text.value if self._refractory_text is not None else None

    def _implicit_variables(self):
        """Brian2's implicit names of a NeuronGroup: those of every group and the noise
        variables of its equations (``xi``, ``xi_1`` ...)."""
        # a noise of the tree is a name of the text: without one, known without sympy
        noise = {s.name for eq in self.equations.values()
                 if eq.expr is not None and eq.stochastic_variables
                 for s in eq.sympy_expr.free_symbols if s.name == "xi" or s.name.startswith("xi_")}
        return {**Group._implicit_variables(self),
                **{name: Variable(name, None, second.dim ** -0.5, read_only=True)
                   for name in noise}}

    def prepare_run(self, n_steps):
        refresh_link_indices(self)

    def structure_key(self):
        return (self.name, str(self.equations), self.method,
                self.refractory if isinstance(self.refractory, str) else self.refractory is False,
                len(self), _legacy_refractory_timing())

    def front_key(self, keying):
        """Its texts' key (model, refractoriness; with the group's structure and how their names
        resolve), method, refractoriness and events (``front_network.py``); a subclass has its
        own key or none."""
        if type(self) is not NeuronGroup:
            return None
        return self._front_key(keying)

    def _front_key(self, keying):
        eqs = self.equations
        if self._linked_subexpressions or self.method_options:
            return None
        texts = [eq.expr.code for eq in eqs.values() if eq.expr is not None]
        refractory = self.refractory
        if isinstance(refractory, str):
            texts.append(refractory)
            refractory = ("text", refractory)
        elif refractory is not False:   # bound as the constant '_refractory'
            from .front_key import value_descriptor
            refractory = ("constant", value_descriptor(refractory))
            if refractory[1] is None:
                return None
        method = keying.method(self.method) if eqs.diff_eq_names else None
        return (method, refractory, _legacy_refractory_timing(), tuple(self.event_spaces),
                keying.texts(self, texts))

    def bindable_arrays(self):
        return {**Group.bindable_arrays(self),
                **{f"space:{event}": space for event, space in self.event_spaces.items()}}

    def check_before_run(self):
        check_links_set(self)

    def check_units(self, dims):
        """Check equations, threshold, reset and refractoriness against the resolved ``dims``
        (after ``check_before_run``)."""
        from ..model.dimensions import get_expr_dimensions
        self.equations.check_stateful_subexpressions()
        dims = self._dims_with_own(dims)
        self.equations.check_units(dims)
        if self._refractory_expr is not None:
            ref_dim = get_expr_dimensions(self.refractory, dims)
            if not self._refractory_is_condition() and ref_dim is not second.dim:
                raise TypeError(f"The refractory expression '{self.refractory}' has to be a time "
                                f"or a boolean condition, not a quantity of dimensions {ref_dim}")

    def _dims_with_own(self, dims):
        """``dims`` and the dimensions of the group's variables and subexpressions."""
        dims = dict(dims)
        dims.update({name: var.dim for name, var in self.variables.items()})
        for name in self._subexpression_names():
            dims[name] = self._subexpression(name)[1]
        return dims

    def method_choice(self):
        update = self._integration
        if update and warns_at_use(update.stepper):
            return False
        return choice_made(self.method, update)

    def _integrated(self, locally_constant=None):
        """The state update statements (computed once: they depend on the model text and on the
        names of the functions constant during a step, ``locally_constant``, which the network
        passes before building; None keeps the last ones)."""
        if locally_constant is not None and locally_constant != self._locally_constant:
            self._integration, self._locally_constant = None, locally_constant
        if self._integration is None:
            check_group_method_options(self.method, self.method_options)
            rhs = {name: self._substitute_subexpressions(expr)   # linked subexpressions
                   for name, expr in self.equations.substituted_rhs().items()}
            gated = ([name for name in rhs if "unless refractory" in self.equations[name].flags]
                     if self.refractory is not False else [])
            self._integration = (integrated_unless_refractory(rhs, gated, symbol("not_refractory"),
                                                              self.method, self._locally_constant)
                                 if rhs else [])
            report_choice(self.method, self._integration, self.name)
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

        if _legacy_refractory_timing():
            # Brian2 <= 2.1.2 (prefs.legacy.refractory_timing): a comparison of times, which
            # rounding makes end a step late now and then
            return [K.Assign("not_refractory", sympy.StrictGreaterThan(t - last, ref))]

        def steps(x):  # Brian2's timestep(x, dt) before its truncation to an integer
            return (x + dt * sympy.Rational(1, 1000)) / dt
        # timestep(t - lastspike) >= timestep(ref): both are >= 0, so the truncation of the left
        # side can go (floor(a) >= k <=> a >= k for an integer k), and no float->int conversion
        # is left per neuron and step
        return [K.Assign("not_refractory",
                         sympy.GreaterThan(steps(t - last), sympy.floor(steps(ref))))]

    def _kernel_variables(self, ctx, obj):
        """What the kernels of ``obj`` (the group or one of its event objects) bind: the
        group's variables, the constants resolved for ``obj``, ``dt`` and the seed."""
        variables = array_vars(ctx.slots, self.variables, list(self.variables))
        variables.update(ctx.environment(obj, self.clock))
        return variables

    def kernels(self, ctx):
        variables = self._kernel_variables(ctx, self)
        result = self._constant_over_dt_kernel(ctx, K.ForEach(len(self)), variables)
        update = self._refractory_update() + [K.Assign(target, expr)
                                              for target, expr in self._integrated()]
        if update:
            result.append((self._stateupdater_entry(),
                           K.Kernel(f"{self.name}_stateupdater", K.ForEach(len(self)), variables,
                                    update, ctx.next_stream_block(), ctx.functions(self))))
        return result

    def after_run(self):
        """As Brian2's thresholders: the events of the last step are forgotten when a run ends,
        so a group switched off for the next run does not report them again."""
        for space in self.event_spaces.values():
            space.data[-1] = 0

    def schedule_entries(self):
        """Brian2's state updater of a group, after its subexpression updater when it has
        ``(constant over dt)`` subexpressions (its thresholders and resetters are contained
        objects with their own entries)."""
        entries = [self._stateupdater_entry()]
        if self.equations.constant_over_dt_names:
            entries.insert(0, self._subexpression_update_entry())
        return entries

    def state_arrays(self):
        """Everything ``store()`` must save: the state variables and the event spaces
        (``_spikespace``, ``_<event>space``, Brian2's names)."""
        return {**{name: var.array for name, var in self.variables.items() if not var.linked},
                **{f"_{event}space": space for event, space in self.event_spaces.items()}}

    def check_state(self, check):
        for name, var in self.variables.items():
            if not var.linked:
                check.length(name, 1 if var.scalar else len(self))
        for event in self.event_spaces:
            check.spike_space(f"_{event}space", len(self))

    def refractory_constant(self):
        """Value of a quantity ``refractory`` (a per-run constant), or None."""
        if self.refractory is False or isinstance(self.refractory, str):
            return None
        return self.refractory

    def __repr__(self):
        return f"NeuronGroup({len(self)}, name={self.name!r})"
