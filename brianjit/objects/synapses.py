"""Synapses: a table of connections between two groups, with its own equations and pathways.

Storage: every synapse is one row of 1D DynamicArrays in creation order (``i``, ``j`` relative to
the source/target (sub)groups, then one array per model variable, except that the variables the
pathways of a Synapses with both ``on_pre`` and ``on_post`` walk over share one 2D array, a row
per synapse: ``synapse_records.py``); ``S.w[k]`` is the k-th synapse created, as in Brian2.
Per-synapse code reads neuron variables through those index arrays (``v_post`` is ``v[j]``, an
``ArrayVar`` with ``index='j'``), so nothing is copied per synapse.

Kernels: clock-driven equations update every synapse at ``groups`` (the synapse count is read at
run time, so ``connect()`` after a build needs no rebuild); each ``(summed)`` variable zeroes its
target and adds every synapse's value before the groups update (Brian2 runs it just before the
target's state update); each pathway propagates at ``synapses``, ``on_pre`` pathways before
``on_post`` ones (Brian2's orders -1 and +1), with the ``(event-driven)`` equations solved exactly
over the time since ``lastupdate`` first.
"""
from __future__ import annotations

import numpy as np

from .. import kernel as K
from ..memory import DynamicArray
from ..model.equations import (DIFFERENTIAL_EQUATION, PARAMETER, SUBEXPRESSION, EquationError, Equations)
from ..model.integration import integrate
from ..model.parse import substitute
from ..model.statements import check_statements_units
from ..model.stateupdaters import check_group_method_options, choice_made, report_choice
from ..model.codestrings import get_identifiers
from ..model.names import is_noise_name, symbol
from ..units import DIMENSIONLESS, fail_for_dimension_mismatch, second
from .assembly import SlotTable
from .base import BrianObject
from .connect import connect_synapses
from .events import event_space
from .frontend_memo import integrated_unless_refractory, warns_at_use
from .group import (MAX_SYNAPSES, SPECIAL_NAMES, Group, check_pre_post_names,
                    implicit_variables)
from .stateful import Stateful
from .synapse_records import interleave_pathway_variables
from .synaptic_pathway import SynapticPathway, checked_delay
from .indexing import SynapticSubgroup, synapse_indices
from .linked import LinkedVariable, check_links_set, refresh_link_indices
from .summed_updaters import SummedVariableUpdater
from .model_warnings import (internal_names_used, note_clock_driven, synaptic_code_arguments,
                             order_dependence_warnings, warn_dt_mismatch)
from .dtypes import group_float_dtype, variable_dtype
from .variables import Variable, Variables, array_vars
from ..lazy import lazy_module

sympy = lazy_module("sympy", rebind=globals())   # imported when first needed

__all__ = ["Synapses"]

_ALLOWED_FLAGS = {DIFFERENTIAL_EQUATION: ("event-driven", "clock-driven"),
                  SUBEXPRESSION: ("summed", "shared", "constant over dt"),
                  PARAMETER: ("constant", "shared", "linked")}
_SIDES = (("_pre", "source", "i"), ("_post", "target", "j"))
#: Brian2's ``_synaptic_pre``/``_synaptic_post``: each synapse's source/target neuron counted in
#: the group that stores it (a subgroup's start added to ``i``/``j``), and the index they add to
_ABSOLUTE_INDICES = {"_synaptic_pre": ("i", "source"), "_synaptic_post": ("j", "target")}
#: a source's/target's implicit variables that Brian2 offers with a suffix (``t_pre``,
#: ``dt_post``, ``i_pre`` ...; ``N_pre``/``N_post`` are the synapses' own)
_SIDE_IMPLICIT = ("i", "t", "dt", "t_in_timesteps")


def _side_variable(group, base):
    """The variable ``base`` of a source or target ``group`` that a suffixed name (``v_pre``,
    ``t_post``) reads: a stored one, or one of ``_SIDE_IMPLICIT`` (for ``i`` only where the group
    starts at element 0: Brian2's ``i`` of a later subgroup is a relative subexpression)."""
    var = group.variables.get(base)
    if var is None and base in _SIDE_IMPLICIT and (base != "i" or group.start == 0):
        # every group has them; asking the group would compute all its implicit names (a
        # NeuronGroup's noise variables need sympy, which a cached group must not import)
        var = implicit_variables((base,))[base]
    return var


def _check_group(group, role):
    if not all(hasattr(group, a) for a in ("start", "stop", "variables", "clock")):
        raise TypeError(f"the {role} of Synapses must be a group (NeuronGroup, subgroup, ...), "
                        f"not {group!r}")


def _pathway_events(on_event):
    """(the event of pathways not named in ``on_event``, {pathway name: event}): Brian2's
    ``on_event``, one event for every pathway or a dict by pathway name ('pre', 'post' or the
    names of ``on_pre``/``on_post`` dicts)."""
    if on_event is None:
        return "spike", {}
    if isinstance(on_event, str):
        return on_event, {}
    if isinstance(on_event, dict) and all(isinstance(k, str) and isinstance(v, str)
                                          for k, v in on_event.items()):
        return "spike", dict(on_event)
    raise TypeError(f"on_event must be an event name or a dict {{pathway: event name}}, not "
                    f"{on_event!r}")


def _pathway_codes(code, default):
    if code is None:
        return {}
    if isinstance(code, str):
        return {default: code}
    if isinstance(code, dict) and all(isinstance(k, str) and isinstance(v, str)
                                      for k, v in code.items()):
        return dict(code)
    raise TypeError(f"on_pre/on_post must be a string or a dict of strings, not {code!r}")


def _check_name_clashes(eqs, source, target):
    """Brian2's rule: a synaptic variable may not be named like a variable of the source or
    target group, nor end in ``_pre``/``_post`` (ValueError)."""
    check_pre_post_names(eqs, exempt={n for n in eqs.names if "summed" in eqs[n].flags})
    for name in eqs.names:
        if "summed" in eqs[name].flags:
            continue   # a summed variable is named after its target: v_post
        for group in (source, target):
            if group.variables.get(name) is not None:
                raise ValueError(f"The synaptic variable '{name}' has the name of a variable of "
                                 f"{group.name}: rename it (use '{name}_pre' or '{name}_post' "
                                 f"for the group's)")


def _check_driven_dependencies(eqs, event_driven, clock_driven):
    """Brian2's rule: event-driven variables are updated only at events, so an event-driven
    equation cannot read a clock-driven variable, nor a clock-driven one or a summed variable
    an event-driven variable (EquationError naming both and the subexpressions between)."""
    summed = [n for n in eqs.subexpr_names if "summed" in eqs[n].flags]
    dependencies = eqs.dependencies
    for name in event_driven + clock_driven + summed:
        kind, other_kind, others = (("event-driven", "clock-driven", clock_driven)
                                    if name in event_driven else
                                    ("summed" if name in summed else "clock-driven",
                                     "event-driven", event_driven))
        for dependency in dependencies[name]:
            other, via = dependency.equation.varname, dependency.via
            if other in others:
                path = "".join(f" through '{v}'" for v in via)
                raise EquationError(f"The {kind} variable '{name}' depends on the {other_kind} "
                                    f"variable '{other}'{path}")


class Synapses(Group, BrianObject, Stateful):
    """Connections from ``source`` to ``target`` (Brian2's Synapses)."""

    add_to_magic_network = True

    #: synapses come and go with connect(): no linked_var to them, no index arrays for links
    fixed_size = False

    def __init__(self, source, target=None, model=None, on_pre=None, on_post=None, pre=None,
                 post=None, delay=None, on_event="spike", multisynaptic_index=None,
                 namespace=None, dtype=None, codeobj_class=None, dt=None, clock=None, order=0,
                 method=None, method_options=None, name="synapses*"):
        target = source if target is None else target
        _check_group(source, "source")
        _check_group(target, "target")
        BrianObject.__init__(self, name=name, default_name="synapses", clock=clock, dt=dt,
                             when="groups", order=order)
        self.add_dependency(source)
        self.add_dependency(target)
        default_event, pathway_events = _pathway_events(on_event)
        if namespace is not None and not isinstance(namespace, dict):
            raise TypeError("namespace has to be a dictionary")
        eqs = model if isinstance(model, Equations) else Equations(model or "")
        eqs.check_flags(_ALLOWED_FLAGS)
        _check_name_clashes(eqs, source, target)
        note_clock_driven(eqs)
        self.equations, self.namespace, self.method = eqs, namespace, method
        self.method_options = method_options
        self.source, self.target = source, target
        self.start = 0
        self._link_indices, self._linked_subexpressions = {}, {}   # see linked.py
        self._connect_called = False   # variables can be set only after connect(), as Brian2
        self._float_dtype = group_float_dtype(dtype)
        self.variables = Variables(self._implicit_variables,
                                   self._create_variables(eqs, self.name, dtype))
        self._multisynaptic_index = self._check_multisynaptic_index(multisynaptic_index)
        self.event_driven = [n for n in eqs.diff_eq_names if "event-driven" in eqs[n].flags]
        self.clock_driven = [n for n in eqs.diff_eq_names if n not in self.event_driven]
        _check_driven_dependencies(eqs, self.event_driven, self.clock_driven)
        self._summed = self._check_summed(eqs)
        #: Brian2's updaters of the summed variables, by name: where each sum runs
        self.summed_updaters = {name: SummedVariableUpdater(self, name, base, group)
                                for name, (group, base) in self._summed.items()}
        if self.event_driven:
            self.variables["lastupdate"] = Variable("lastupdate", DynamicArray(0), second.dim)
        #: [N_pre, N_post] for expressions (connect() and the synapses' own code)
        self._sizes = DynamicArray(2, dtype=np.int32)
        self._sizes.data[:] = len(source), len(target)
        self._delay_version = 0
        self._integration = None
        self._locally_constant = frozenset()
        self._event_update = None
        on_pre, on_post = synaptic_code_arguments(on_pre, pre, on_post, post)
        codes = {**{("pre", n): c for n, c in _pathway_codes(on_pre, "pre").items()},
                 **{("post", n): c for n, c in _pathway_codes(on_post, "post").items()}}
        delays = delay if isinstance(delay, dict) else {"pre": delay} if delay is not None else {}
        for path in delays:
            if path not in {n for _, n in codes}:
                raise ValueError(f"Cannot set the delay for pathway '{path}': unknown pathway.")
        self.pathways = []
        for (side, path), code in sorted(codes.items(), key=lambda x: (x[0][0] != "pre", x[0][1])):
            group = source if side == "pre" else target
            event = pathway_events.get(path, default_event)
            event_space(group, event, "Source group" if side == "pre" else "Target group")
            pathway = SynapticPathway(self, path, code, side, delays.get(path), event)
            self.pathways.append(pathway)
            self.variables[pathway.delay_name] = pathway.delay_variable
        #: the variables stored interleaved, one row per synapse (``synapse_records.py``)
        self.interleaved = interleave_pathway_variables(self)
        self._check_shared_subexpressions()
        self._lock_attributes()

    # -- variables -------------------------------------------------------------------------------
    @staticmethod
    def _create_variables(eqs, name, user_dtype=None):
        def index_array(side):
            return DynamicArray(0, dtype=np.int32, max_rows=MAX_SYNAPSES, label=f"{name}.{side}",
                                limit_reason="synapses are numbered with 32-bit integers")
        variables = {
            "i": Variable("i", index_array("i"), DIMENSIONLESS, "integer", read_only=True),
            "j": Variable("j", index_array("j"), DIMENSIONLESS, "integer", read_only=True)}
        for name in list(eqs.diff_eq_names) + list(eqs.parameter_names) + \
                list(eqs.constant_over_dt_names):
            eq = eqs[name]
            if "linked" in eq.flags:
                continue   # no storage of its own: linked_var gives it a group's
            scalar = "shared" in eq.flags
            array = DynamicArray(1 if scalar else 0,
                                 dtype=variable_dtype(name, eq.var_type, user_dtype))
            variables[name] = Variable(name, array, eq.dim, eq.var_type, scalar=scalar,
                                       constant="constant" in eq.flags)
        return variables

    def _check_multisynaptic_index(self, name):
        """Brian2's ``multisynaptic_index``: a read-only integer variable numbering the synapses
        between the same pair of neurons (0, 1, ... in creation order)."""
        if name is None:
            return None
        if not isinstance(name, str) or not name.isidentifier() or name.startswith("_"):
            raise TypeError(f"multisynaptic_index has to be a name, not {name!r}")
        if self.variables.get(name) is not None or name in self.equations:
            raise ValueError(f"multisynaptic_index '{name}' is already a variable of the model")
        self.variables[name] = Variable(name, DynamicArray(0, dtype=np.int32), DIMENSIONLESS,
                                        "integer", read_only=True)
        return name

    def _number_multisynapses(self):
        pairs = (self.variables["i"].array.data.astype(np.int64) * len(self.target)
                 + self.variables["j"].array.data)
        order = np.argsort(pairs, kind="stable")
        ordered = pairs[order]
        first = np.ones(len(ordered), dtype=bool)
        first[1:] = ordered[1:] != ordered[:-1]
        positions = np.arange(len(ordered))
        group_start = np.maximum.accumulate(np.where(first, positions, 0))
        self.variables[self._multisynaptic_index].array.data[order] = positions - group_start

    def _check_summed(self, eqs):
        """{subexpression name: (target group, variable name)} of the ``(summed)`` ones."""
        summed = {}
        for name in eqs.subexpr_names:
            if "summed" not in eqs[name].flags:
                continue
            for suffix, role, _ in _SIDES:
                group = getattr(self, role)
                base = name[:-len(suffix)]
                if name.endswith(suffix) and base in group.variables:
                    target_eqs = getattr(group, "equations", None)
                    if target_eqs is not None and base not in target_eqs.parameter_names:
                        raise ValueError(f"The summed variable '{name}' must target a parameter "
                                         f"of {group.name}, but '{base}' is not one")
                    fail_for_dimension_mismatch(
                        eqs[name].dim, group.variables[base].dim,
                        f"The summed variable '{name}' does not have the unit of "
                        f"{group.name}.{base}")
                    if (group, base) in summed.values():
                        raise ValueError(f"The summed variable '{name}' targets {group.name}."
                                         f"{base}, which another summed variable already targets")
                    summed[name] = (group, base)
                    break
            else:
                raise ValueError(f"The summed variable '{name}' does not refer to any known "
                                 f"variable in the target group.")
        return summed

    @property
    def stop(self):
        return len(self.variables["i"].array)

    @property
    def N_pre(self):
        return len(self.source)

    @property
    def N_post(self):
        return len(self.target)

    def writable_names(self):
        """Names pathway code may assign: own variables and the groups' ones (suffixed, or
        unsuffixed for the target's)."""
        names = {n for n, v in self.variables.items() if not v.read_only}
        for suffix, role, _ in _SIDES:
            names |= {n + suffix for n in getattr(self, role).variables}
        return names | {n for n in self.target.variables if self.variables.get(n) is None}

    def _linked_variable(self, name, slots):
        """({name: ArrayVar, ...}, dimensions) for a name that lives in a neuron group (``v_post``,
        ``x_pre``, a target variable without suffix) or is derived (``N_incoming``, ``N_pre``);
        None for other names."""
        found = self._group_subexpression(name)
        if found is not None:  # expanded into the group's variables before any kernel sees it
            return {}, found[0].equations[found[1]].dim
        if name in ("N_pre", "N_post"):
            return ({name: slots.array_var(name, self._sizes, "integer", scalar=True,
                                           offset=0 if name == "N_pre" else 1)}, DIMENSIONLESS)
        if name in ("N_incoming", "N_outgoing"):
            counts = self._connection_counts(name)
            return {name: slots.array_var(name, counts, "integer")}, DIMENSIONLESS
        for suffix, role, index in _SIDES:
            group = getattr(self, role)
            base = name[:-len(suffix)] if name.endswith(suffix) else None
            if base is None and role == "target" and self.variables.get(name) is None:
                base = name
            var = group.variables.get(base) if base else None
            if var is None or var.index is not None:   # no composite indices (Brian2 neither)
                continue
            if var.scalar:
                return {name: slots.state_var(name, var)}, var.dim
            offset = group.start - getattr(group, "owner", group).start
            found = {name: slots.state_var(name, var, offset, index, suffix),
                     index: slots.array_var(index, self.variables[index].array, "integer")}
            if var.write_condition is not None:  # v_post changes only where not_refractory_post
                condition = var.write_condition + suffix
                found[condition] = slots.state_var(
                    condition, group.variables[var.write_condition], offset, index)
            return found, var.dim
        return None

    def _post_name(self, name):
        """``v_post`` for a target variable written without suffix (``v``), else ``name``:
        pathway code names each array once, so ``v += w`` then ``x = v_post`` reads the new
        value."""
        if self.target.variables.get(name) is not None and self.variables.get(name) is None \
                and name not in self.equations.names:
            return name + "_post"
        return name

    def _post_names(self, expr):
        return expr.xreplace({s: symbol(self._post_name(s.name)) for s in expr.free_symbols
                              if self._post_name(s.name) != s.name})

    def _connection_counts(self, name):
        """Per-synapse number of synapses onto its target neuron (N_incoming) or from its source
        neuron (N_outgoing), brought up to date."""
        key = f"_{name}"
        array = self.__dict__.get(key)
        if array is None:
            array = DynamicArray(0, dtype=np.int32)
            object.__setattr__(self, key, array)
        side, size = (self.variables["j"], len(self.target)) if name == "N_incoming" else \
            (self.variables["i"], len(self.source))
        index = side.array.data
        array.resize(len(index))
        array.data[:] = np.bincount(index, minlength=size)[index] if len(index) else 0
        return array

    # -- state access: references to the neuron groups' variables (v_pre, v_post, v) ----------
    @property
    def multisynaptic_index(self):
        """The name of the variable numbering the synapses between the same pair of neurons
        (the ``multisynaptic_index`` argument), or None."""
        return self._multisynaptic_index

    def _reference(self, name):
        """(group, variable name, synapse index name) when ``name`` reads a variable of the
        source (``x_pre``) or target (``x_post``, or ``x`` not defined by the synapses), else
        None. Variables linked through an index are not reachable (nor in Brian2)."""
        if dict.__contains__(self.variables, name) or self._is_subexpression(name):
            return None
        for suffix, role, index in _SIDES:
            group = getattr(self, role)
            base = name[:-len(suffix)] if name.endswith(suffix) else None
            var = _side_variable(group, base) if base else None
            if base is None and role == "target":
                base = name
                var = group.variables.get(base)
            if var is not None and var.index is None:
                return group, base, index
        return None

    def _implicit_variables(self):
        """Brian2's implicit names of a Synapses: those of every group, the sizes and connection
        counts, and the source's and target's variables (``v_pre``, ``v_post``, ``v``)."""
        names = {**Group._implicit_variables(self), **{
            name: Variable(name, None, DIMENSIONLESS, "integer", scalar=name in ("N_pre", "N_post"),
                           read_only=True)
            for name in ("N_pre", "N_post", "N_incoming", "N_outgoing", *_ABSOLUTE_INDICES)}}
        for suffix, role, _ in reversed(_SIDES):
            group = getattr(self, role)
            for base, var in group.variables.items():
                if var.index is not None or base.startswith("_"):
                    continue
                names.setdefault(base + suffix, var)
                if role == "target":
                    names.setdefault(base, var)
            for base in _SIDE_IMPLICIT:
                var = _side_variable(group, base)
                if var is not None:
                    names.setdefault(base + suffix, var)
        return {name: var for name, var in names.items()
                if not dict.__contains__(self.variables, name)}

    def _state_names(self, subexpressions, read_only_variables):
        """Brian2's names for ``get_states()``: a pathway's ``delay`` is the pathway's variable,
        not one of the synapses' (``S.delay`` still reads it); ``i``/``j`` of a source/target
        subgroup that does not start at 0 are subexpressions (relative indices)."""
        hidden = {"delay"}
        if not subexpressions:
            hidden |= {index for index, group in (("i", self.source), ("j", self.target))
                       if group.start != 0}
        return [n for n in Group._state_names(self, subexpressions, read_only_variables)
                if n not in hidden]

    def raw_values(self, name):
        reference = self._reference(name)
        if reference is not None:
            group, base, index = reference
            values = group.raw_values(base)
            return values if group.variable_info(base).scalar else values[self.raw_values(index)]
        if name in ("N_incoming", "N_outgoing"):
            return self._connection_counts(name).data
        if name in ("N_pre", "N_post"):
            return np.array([len(self.source if name == "N_pre" else self.target)], np.int32)
        if name in _ABSOLUTE_INDICES:
            index, role = _ABSOLUTE_INDICES[name]
            return self.raw_values(index) + np.int32(getattr(self, role).start)
        return Group.raw_values(self, name)

    def _target_array_vars(self, name, slots):
        if self._reference(name) is not None:
            return self._linked_variable(name, slots)[0]
        return Group._target_array_vars(self, name, slots)

    def __getitem__(self, item):
        """``S[i, j]``, ``S['j == 1']`` ...: the synapses selected, as a SynapticSubgroup (for
        indexing, ``StateMonitor(S, 'w', record=S[:, 1])`` ...)."""
        if isinstance(item, str):
            return SynapticSubgroup(self, self.indices_where(item))
        return SynapticSubgroup(self, np.arange(len(self))[self.check_index(item)])

    def __getattr__(self, name):
        if name in ("N_incoming_post", "N_outgoing_pre"):  # per neuron (Brian2's)
            index, size = ((self.variables["j"], len(self.target)) if name == "N_incoming_post"
                           else (self.variables["i"], len(self.source)))
            return np.bincount(index.array.data, minlength=size).astype(np.int32)
        for pathway in self.__dict__.get("pathways", ()):
            if pathway.name == name:
                return _PathwayView(self, pathway)
        if name in _ABSOLUTE_INDICES and "variables" in self.__dict__:
            return self.state(name)
        return Group.__getattr__(self, name)

    def set_values(self, name, item, value, unitless=False):
        if not self._connect_called and not isinstance(value, LinkedVariable):
            raise TypeError(f"Cannot write to the synaptic variable '{name}' of {self.name}: "
                            f"call connect(...) first")
        reference = self._reference(name)
        if reference is not None and not isinstance(value, str) and not isinstance(item, str):
            # S.v_post[item] = x sets v of the target neurons of the synapses (the last wins)
            group, base, index = reference
            if not group.variable_info(base).scalar:
                item = self.raw_values(index)[np.arange(len(self))[self.check_index(item)]]
            return group.set_values(base, item, value, unitless)
        delay_names = {p.delay_name: p for p in self.__dict__.get("pathways", ())}
        if name not in delay_names:
            return Group.set_values(self, name, item, value, unitless)
        array = self.variables[name].array
        before = array.data.copy()
        pathway = delay_names[name]
        pathway.flush(pathway.clock.t_)  # spikes in flight keep the delays they had
        Group.set_values(self, name, item, value, unitless)
        try:
            checked_delay(self.variables[name].with_unit(array.data), f"{self.name}.{name}")
        except ValueError:
            array.data[:] = before
            raise
        self._delay_version += 1

    # -- connect ---------------------------------------------------------------------------------
    def connect(self, condition=None, i=None, j=None, p=1.0, n=1, skip_if_invalid=False,
                namespace=None, level=0):
        """Create synapses (Brian2's ``connect``): see ``objects/connect.py``. All or nothing:
        whatever fails (a bad index, an error in a condition, memory running out half-way)
        leaves every synaptic array as it was."""
        before = len(self)
        for pathway in self.pathways:  # spikes in flight reach only the synapses they had
            pathway.flush(pathway.clock.t_)
        try:
            connect_synapses(self, condition, i, j, p, n, skip_if_invalid, namespace)
            after = len(self)
            self._connect_called = True
            for var in self._per_synapse():
                var.array.resize(after)
            self._derived_per_synapse()
        except BaseException:
            self._truncate(before)
            raise
        return after - before

    def _per_synapse(self):
        return [var for var in self.variables.values() if not var.scalar and not var.linked]

    def _derived_per_synapse(self):
        """Bring the arrays computed from ``i`` and ``j`` up to date."""
        for name in ("N_incoming", "N_outgoing"):
            if f"_{name}" in self.__dict__:
                self._connection_counts(name)
        if self._multisynaptic_index is not None:
            self._number_multisynapses()

    def _truncate(self, size):
        """Back to the first ``size`` synapses (after a failed connect()): lowering the length
        allocates nothing, so this cannot fail for lack of memory; spare capacity is given back
        where memory allows."""
        for var in self._per_synapse():
            var.array.resize(min(size, len(var.array)))
        for var in self._per_synapse():
            try:
                var.array.shrink(size)
            except MemoryError:
                pass
        try:
            self._derived_per_synapse()
        except MemoryError:  # counts are recomputed whenever a network builds
            pass

    def check_index(self, item):
        """A synapse index, or ``S.w[i, j]``/``S.w[i, j, k]`` by neurons (indexing.py)."""
        return synapse_indices(self, item)

    # -- what a network needs --------------------------------------------------------------------
    def _codes(self):
        """Every sympy expression of the model and pathways (for names and units), with the
        neuron groups' subexpressions they name (``x_post``) expanded."""
        return [self._expand_group_subexpressions(e) for e in self._raw_codes()]

    def _group_subexpression(self, name):
        """(group, base name, suffix, index name) when ``name`` is ``x_pre``/``x_post`` (or a plain
        target name) naming a subexpression of the source/target group, else None."""
        for suffix, role, index in _SIDES:
            group = getattr(self, role)
            base = name[:-len(suffix)] if name.endswith(suffix) else None
            if base is None and role == "target" and self.variables.get(name) is None \
                    and name not in self.equations.names:
                base = name
            equations = getattr(group, "equations", None)
            if base and equations is not None and base in equations.subexpr_names:
                return group, base, suffix, index
        return None

    def _expand_group_subexpressions(self, expr):
        """``x_post`` naming a subexpression of the target group becomes that expression in terms
        of the group's variables with the same suffix (``i`` of the group becomes ``j``), as
        Brian2 allows; the same for the source group and ``_pre``."""
        substitutions = {}
        for sym in expr.free_symbols:
            found = self._group_subexpression(sym.name)
            if found is None:
                continue
            group, base, suffix, index = found
            inner = group._substitute_subexpressions(symbol(base))
            rename = {v: symbol(v.name + suffix) for v in inner.free_symbols
                      if group.variables.get(v.name) is not None}
            rename[symbol("i")] = symbol(index)
            rename[symbol("N")] = symbol("N" + suffix)
            substitutions[sym] = inner.xreplace(rename)
        return substitute(expr, substitutions, str(expr),
                          f"the subexpressions of the groups {self.name} connects")

    def _substitute_subexpressions(self, expr):
        return self._expand_group_subexpressions(Group._substitute_subexpressions(self, expr))

    def _linked_names(self):
        from ..model.functions import user_function_names
        names = set()
        for expr in self._codes():
            names |= {s.name for s in expr.free_symbols} | user_function_names(expr)
        for pathway in self.pathways:
            names |= {s.var for s in pathway.statements}
        return {n for n in names if self.variables.get(n) is None and n not in self.equations.names
                and self._linked_variable(n, _NoSlots()) is not None}

    def internal_names_used(self):
        return internal_names_used(self, self._codes(), list(self.clock_driven) + [
            s.var for p in self.pathways for s in p.statements if not s.temporary])

    def external_names(self):
        from ..model.functions import user_function_names
        names = set()
        for expr in self._codes():
            names |= {s.name for s in expr.free_symbols} | user_function_names(expr)
        temporaries = {s.var for p in self.pathways for s in p.statements if s.temporary}
        linked = self._linked_names()
        return {n for n in names if self.variables.get(n) is None and n not in SPECIAL_NAMES
                and n not in temporaries and n not in linked and n not in self.equations.names
                and not is_noise_name(n)}

    def refractory_constant(self):
        return None

    def structure_key(self):
        return (self.name, str(self.equations), self.method,
                tuple((p.name, p.code) for p in self.pathways),
                tuple((u.when, u.order) for u in self.summed_updaters.values()),
                len(self.source), len(self.target))

    def front_key(self, keying):
        """Its texts' key (model, pathways; with its, its source's and target's structure and
        how their names resolve), method (when it has clock-driven equations), source and
        target (by position) and pathways; none with
        summed variables (their kernels check other Synapses' targets), links to
        subexpressions or the connection counts (refreshed while kernels are made)."""
        if type(self) is not Synapses or self._summed or self._linked_subexpressions \
                or self.method_options:
            return None
        eqs = self.equations
        texts = [eq.expr.code for eq in eqs.values() if eq.expr is not None]
        texts += [pathway.code for pathway in self.pathways]
        if set().union(*map(get_identifiers, texts)) & {"N_incoming", "N_outgoing"}:
            return None
        return (keying.method(self.method) if self.clock_driven else None,
                keying.ref(self.source), keying.ref(self.target),
                tuple((p.name, p.side, p.event, p.code, p.delay_name, p.delay_variable.scalar)
                      for p in self.pathways),
                keying.texts(self, texts))

    def bindable_arrays(self):
        arrays = {**Group.bindable_arrays(self), "sizes": self._sizes}
        for pathway in self.pathways:
            arrays.update({f"pathway:{pathway.name}:{role}": array
                           for role, array in pathway.bindable_arrays().items()})
        return arrays

    def text_warnings(self):
        """Brian2's warning for pathway code whose outcome depends on the synapses' order."""
        return [w for pathway in self.pathways for w in order_dependence_warnings(self, pathway)]

    def prepared_without_kernels(self):
        for pathway in self.pathways:
            pathway.delivered_on_cpu()

    def check_before_run(self):
        check_links_set(self)

    def check_units(self, dims):
        self.equations.check_stateful_subexpressions()
        dims = dict(dims)
        dims.update(SPECIAL_NAMES)
        dims.update({name: var.dim for name, var in self.variables.items()})
        for name in self._linked_names():
            dims[name] = self._linked_variable(name, _NoSlots())[1]
        for name in self._subexpression_names():   # the model's and the linked ones
            dims[name] = self._subexpression(name)[1]
        for name in {s.name for e in self._raw_codes() for s in e.free_symbols}:
            found = self._group_subexpression(name)
            if found is not None:
                dims[name] = found[0].equations[found[1]].dim
        self.equations.check_units(dims)
        for pathway in self.pathways:
            check_statements_units(pathway.statements, dims)

    def _raw_codes(self):
        exprs = [eq.sympy_expr for eq in self.equations.values() if eq.expr is not None]
        exprs += [expr for expr, _, _ in self._linked_subexpressions.values()]
        return exprs + [s.expr for p in self.pathways for s in p.statements]

    def method_choice(self):
        update = self._integration
        if update and warns_at_use(update.stepper):
            return False
        return choice_made(self.method, update)

    def _integrated(self, locally_constant=None):
        """The clock-driven update (see NeuronGroup._integrated for ``locally_constant``)."""
        if locally_constant is not None and locally_constant != self._locally_constant:
            self._integration, self._locally_constant = None, locally_constant
        if self._integration is None:
            check_group_method_options(self.method, self.method_options)
            rhs = self.equations.substituted_rhs(self.clock_driven) if self.clock_driven else {}
            rhs = {name: self._expand_group_subexpressions(e) for name, e in rhs.items()}
            self._integration = (integrated_unless_refractory(rhs, (), None, self.method,
                                                              self._locally_constant)
                                 if rhs else [])
            report_choice(self.method, self._integration, self.name)
        return self._integration

    def _event_driven_update(self):
        """Statements that bring the event-driven variables from ``lastupdate`` to ``t``."""
        if self._event_update is None:
            statements = []
            if self.event_driven:
                rhs = self.equations.substituted_rhs(self.event_driven)
                lag = symbol("_lag")
                statements = [K.Assign("_lag", symbol("t") - symbol("lastupdate"))]
                statements += [K.Assign(t, e) for t, e in integrate(rhs, "exact", dt=lag)]
                statements.append(K.Assign("lastupdate", symbol("t")))
            self._event_update = statements
        return self._event_update

    def before_run(self, run_namespace):
        for pathway in self.pathways:
            other = self.target if pathway.side == "pre" else self.source
            warn_dt_mismatch(f"{self.name}_{pathway.name}", self, pathway.group, other)

    def prepare_run(self, n_steps):
        if self.pathways and not self._connect_called:
            raise TypeError(f"Synapses object '{self.name}' does not do anything, since it has not "
                            f"created synapses with 'connect'. Set its active attribute to False "
                            f"if you intend to do only do this for a subsequent run.")
        refresh_link_indices(self)
        self._sizes.data[:] = len(self.source), len(self.target)
        for pathway in self.pathways:
            pathway.prepare(pathway.clock, self._delay_version)

    def state_restored(self):
        """Synapses and delays may be others after a restore: rebuild the pathways' index (now,
        so that the program can go on at once)."""
        self._connect_called = True   # the restored synapses are this object's synapses
        for pathway in self.pathways:
            pathway.state_restored()
        self.prepare_run(0)

    def state_arrays(self):
        arrays = {name: var.array for name, var in self.variables.items() if not var.linked}
        for pathway in self.pathways:
            arrays.update(pathway.arrays())
        return arrays

    def check_state(self, check):
        for name, var in self.variables.items():
            if var.scalar and not var.linked:
                check.length(name, 1)
        check.same_length([n for n, var in self.variables.items()
                           if not var.scalar and not var.linked], "i")
        check.indices("i", len(self.source))
        check.indices("j", len(self.target))
        for pathway in self.pathways:
            pathway.check_state(check)

    def kernels(self, ctx):
        slots = ctx.slots
        variables = array_vars(slots, self.variables, list(self.variables))
        for name in sorted(self._linked_names()):   # sorted: slots never follow set order
            for alias in dict.fromkeys((name, self._post_name(name))):
                variables.update(self._linked_variable(alias, slots)[0])
        variables.update(ctx.environment(self, self.clock))
        rows = slots.slot(self.variables["i"].array)
        result = self._constant_over_dt_kernel(ctx, K.ForEachRow(rows), variables)
        update = [K.Assign(t, e) for t, e in self._integrated()]
        if update:
            result.append((self._stateupdater_entry(),
                           K.Kernel(f"{self.name}_stateupdater", K.ForEachRow(rows), variables,
                                    update, ctx.next_stream_block(), ctx.functions(self))))
        result += self._summed_kernels(ctx, variables, rows)
        event_update = self._event_driven_update()
        for pathway in self.pathways:
            statements = event_update + [
                K.Assign(self._post_name(s.var), self._post_names(
                    self._substitute_subexpressions(s.expr)), s.op)
                for s in pathway.statements]
            # it steps with its group's clock, but its code reads the Synapses' t, dt and
            # t_in_timesteps (Brian2 resolves them among the Synapses' variables)
            result.append((self._pathway_entry(pathway),
                           pathway.kernel(ctx, variables, statements, ctx.next_stream_block(),
                                          ctx.code_clock(pathway.clock, self.clock, self.name))))
        return result

    def _summed_kernels(self, ctx, variables, rows):
        claimed = ctx.__dict__.setdefault("summed_targets", {})
        result = []
        for name, (group, base) in self._summed.items():
            owner = getattr(group, "owner", group)
            var = group.variables[base]
            if var.scalar or var.index is not None:
                raise NotImplementedError(f"The summed variable '{name}' targets '{base}' of "
                                          f"{group.name}, a variable linked to a shared variable "
                                          f"or through an index: not supported")
            # the elements written, as positions in the array (a linked variable's is another
            # group's): disjoint subgroups of one group may each have their summed variable
            offset = var.offset + group.start - owner.start
            span = (offset, offset + len(group))
            for (first, stop), other in claimed.get(id(var.array), []):
                if other is not self and first < span[1] and span[0] < stop:
                    raise NotImplementedError(
                        f"Multiple 'summed variables' target the variable '{base}' in group "
                        f"'{owner.name}'. Use multiple variables in the target group instead.")
            claimed.setdefault(id(var.array), []).append((span, self))
            zero = {"_summed": ctx.slots.array_var("_summed", var.array, var.dtype, offset=offset)}
            part = self.summed_updaters[name].entry()
            result.append((part, K.Kernel(
                f"{part.name}_zero", K.ForEach(len(group)), zero,
                [K.Assign("_summed", sympy.Integer(0))])))
            # it steps with its target's clock; its code reads the Synapses' time (Brian2)
            add = dict(variables)
            add["_summed"] = ctx.slots.array_var("_summed", var.array, var.dtype, offset=offset,
                                                 index="j" if group is self.target else "i")
            expr = self._substitute_subexpressions(self.equations[name].sympy_expr)
            result.append((part, K.Kernel(
                part.name, K.ForEachRow(rows), add,
                [K.Assign("_summed", expr, "+=")], ctx.next_stream_block(), ctx.functions(self),
                ctx.code_clock(part.clock, self.clock, part.name))))
        return result

    def schedule_entries(self):
        """The parts of Synapses in ``scheduling_summary()``, named as their kernels: the
        clock-driven state update, the summed variables, one entry per pathway."""
        entries = ([self._subexpression_update_entry()]
                   if self.equations.constant_over_dt_names else [])
        entries += [self._stateupdater_entry()] if self.clock_driven else []
        entries += [u.entry() for u in self.summed_updaters.values()]
        entries += [self._pathway_entry(p) for p in self.pathways]
        return entries

    def _pathway_entry(self, pathway):
        """Brian2's SynapticPathway: slot ``synapses``, the Synapses' order -1 (pre) or +1, on
        the clock of the group whose events it delivers."""
        return self._entry(f"{self.name}_{pathway.name}", "SynapticPathway", "synapses",
                           order=self.order + (-1 if pathway.side == "pre" else 1),
                           clock=pathway.clock)

    def __repr__(self):
        return f"Synapses({self.source.name} -> {self.target.name}, {len(self)} synapses, " \
               f"name={self.name!r})"


class _NoSlots(SlotTable):
    """A stand-in slot table for questions about names only (no arrays are bound)."""

    def slot(self, array):
        return -1


class _PathwayView:
    """``S.pre``, ``S.up``: a pathway's ``delay`` (settable) and ``clock`` by attribute."""

    def __init__(self, synapses, pathway):
        object.__setattr__(self, "_synapses", synapses)
        object.__setattr__(self, "_pathway", pathway)

    @property
    def delay(self):
        from .views import VariableView
        return VariableView(self._synapses, self._pathway.delay_name)

    @property
    def clock(self):
        """The clock the pathway runs on (its events' group's)."""
        return self._pathway.clock

    def __setattr__(self, name, value):
        if name != "delay":
            raise AttributeError(f"pathway '{self._pathway.name}' has no attribute '{name}'")
        self._synapses.set_values(self._pathway.delay_name, slice(None), value)

