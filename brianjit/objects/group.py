"""What groups share (NeuronGroup, subgroups, Synapses, monitors): variables by attribute,
indexing, get_states/set_states, string expressions.

String expressions (``G.v = 'rand()*15*mV'``, ``G.v['i > 5'] = ...``, ``G.v['i > 5']``) are not
evaluated in Python: they become a one-kernel module that runs natively over the group
(``objects/string_expressions.py``, a mixin of ``Group``).
"""
from __future__ import annotations

import numpy as np

from .. import kernel as K
from ..model.parse import substitute
from ..model.names import is_noise_name
from ..units import DIMENSIONLESS, second
from .hierarchy import SpikeSource, VariableOwner
from .indexing import ElementSet, IndexWrapper as _Indices, neuron_indices, subgroup_range, \
    warn_if_ambiguous
from .linked import LinkedVariable, link, refresh_link_indices
from .string_expressions import SPECIAL_NAMES, StringExpressions, constant_dtype
from .variables import NUMPY_DTYPES, Variable, coerce_value
from .views import VariableView

__all__ = ["Group", "SPECIAL_NAMES", "constant_dtype", "MAX_GROUP_SIZE",
           "check_group_size", "MAX_SYNAPSES", "implicit_variables"]

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


def check_pre_post_names(eqs, exempt=()) -> None:
    """Brian2's rule: no model variable ends in ``_pre``/``_post`` (they name the source's and
    target's variables in synapses), except ``exempt`` ones (summed variables)."""
    for name in eqs.names:
        if name.endswith(("_pre", "_post")) and name not in exempt:
            raise ValueError(f"The variable name '{name}' ends in '_pre' or '_post', which refer "
                             f"to the source's and target's variables in synapses")


#: Brian2's implicit variables of every group: (dimension, type, shared) of its size, its
#: element index and its clock's time, step and time step
_GROUP_IMPLICIT = {"N": (DIMENSIONLESS, "integer", True), "i": (DIMENSIONLESS, "integer", False),
                   "t": (second.dim, "float", True), "dt": (second.dim, "float", True),
                   "t_in_timesteps": (DIMENSIONLESS, "integer", True)}


def implicit_variables(names=tuple(_GROUP_IMPLICIT)):
    """Descriptions (no arrays, read-only) of the implicit variables ``names``."""
    return {name: Variable(name, None, *_GROUP_IMPLICIT[name][:2],
                           scalar=_GROUP_IMPLICIT[name][2], read_only=True)
            for name in names}


class Group(ElementSet, VariableOwner, StringExpressions):
    """Mixin for groups: needs ``variables``, ``owner`` (the group owning the arrays), ``start``,
    ``stop``, ``namespace``, ``equations`` (for subexpressions) and ``clock``.

    A group is an ``ElementSet`` (``G.v[SG]`` indexes with a subgroup) and has Brian2's
    ``get_states``/``set_states``; its attributes are its variables (``G.v``, a live
    VariableView; ``G.v_`` without units), its implicit ones (``G.i``, ``G.t``, ``G.N``) and
    its subexpressions."""

    #: whether the number of elements is fixed (linked_var links only to such groups)
    fixed_size = True

    @property
    def owner(self):
        """The group whose arrays hold this one's elements: itself, or a subgroup's parent. A
        property, so that a group holds no reference to itself: a group nobody uses dies (with
        Brian2's "never included in a network" warning) when its last reference goes, not at a
        later garbage collection."""
        return self.__dict__.get("_parent", self)

    # -- sizes and indices -----------------------------------------------------------------------
    def __len__(self):
        return self.stop - self.start

    @property
    def N(self):
        return len(self)

    def element_indices(self):
        return self.owner, np.arange(self.start, self.stop)

    def check_index(self, item):
        """``item`` as an index into this group's elements (Brian2's rules: indexing.py)."""
        return neuron_indices(self, item)

    @property
    def indices(self):
        """``G.indices[item]``: the element indices ``item`` selects (a string condition too)."""
        return _Indices(self)

    def _implicit_variables(self):
        """The names this group defines without storing them (``G.variables`` answers for them
        too): its size, index and clock variables, and its linked subexpressions."""
        return {**implicit_variables(), **{
            name: Variable(name, None, dim, dtype, read_only=True)
            for name, (_, dim, dtype) in self.__dict__.get("_linked_subexpressions", {}).items()}}

    def variable_info(self, name) -> Variable:
        """The description of ``name``: a stored variable, a subexpression or an implicit
        variable (read-only, no array: their values are computed on demand)."""
        var = self.variables.get(name)
        if var is not None:
            return var
        sub = self._subexpression_description(name)
        if sub is not None:
            return Variable(name, None, sub[0], sub[1], scalar=sub[2], read_only=True)
        if name in self.variables:
            return self.variables[name]
        raise KeyError(f"{self.name} has no variable '{name}'")

    @property
    def float_dtype(self) -> np.dtype:
        """The numpy dtype of this group's float values without storage of their own
        (subexpressions): ``core.default_float_dtype`` (or the ``dtype`` argument) as it was
        when the group was made, as in Brian2 (objects/dtypes.py)."""
        return self.owner.__dict__.get("_float_dtype", np.dtype(np.float64))

    def value_dtype(self, name) -> np.dtype:
        """The numpy dtype of ``name``'s values as users see them (``G.v[:]``, a monitor's
        record): a stored variable's array's, a float subexpression's :attr:`float_dtype`;
        ``t``, ``dt`` and the other implicit names keep theirs (time is float64)."""
        var = self.variables.get(name)
        if var is not None:
            return var.array.dtype
        info = self.variable_info(name)
        if info.dtype == "float" and self._is_subexpression(name):
            return self.float_dtype
        return np.dtype(NUMPY_DTYPES[info.dtype])

    def raw_values(self, name):
        """Numpy values of ``name`` for this group's elements: a zero-copy view of a stored
        variable (a copy for a linked variable with an index, freshly computed values for a
        subexpression)."""
        var = self.variables.get(name)
        if var is not None:
            data = var.array.data
            if var.scalar:
                return data[var.offset:var.offset + 1]
            if var.index is None:
                return data[var.offset + self.start:var.offset + self.stop]
            refresh_link_indices(self.owner)
            return data[var.offset + self.raw_values(var.index)]
        if name == "i":
            return np.arange(len(self), dtype=np.int32)
        if name == "t_in_timesteps":   # the clock's step counter: int64, as Brian2's
            return np.array([self.clock.timestep], dtype=np.int64)
        implicit = {"N": len(self), "t": self.clock.t_, "dt": self.clock.dt_}
        if name in implicit:
            return np.array([implicit[name]], dtype=NUMPY_DTYPES[self.variable_info(name).dtype])
        return self._evaluate_subexpression(name)

    def state(self, name, use_units=True, level=0):
        """Brian2's ``G.state(name)``: the variable ``name`` as a live view (``G.v``;
        ``use_units=False``: ``G.v_``), the number of elements for ``N``."""
        if name == "N":
            return len(self)
        try:
            self.variable_info(name)
        except KeyError:
            raise KeyError(f"State variable {name} not found in {self.name}.") from None
        return VariableView(self, name, unitless=not use_units)

    def _state_names(self, subexpressions, read_only_variables):
        """The names ``get_states()`` returns by default (Brian2's rule; noise variables, its
        auxiliary variables, have no value outside a time step)."""
        names = self.variables.all_names()
        if subexpressions:
            names += [n for n in self._subexpression_names() if n not in names]
        return [n for n in names if not n.startswith("_") and not is_noise_name(n)
                and (read_only_variables or not self.variable_info(n).read_only)
                and (subexpressions or not self._is_subexpression(n))]

    # -- subgroups ----------------------------------------------------------------------------
    def __getitem__(self, item):
        """``G[a:b]``, ``G[k]`` or ``G[[3, 4, 5]]``: a Subgroup of those elements (contiguous,
        as in Brian2)."""
        from .subgroup import Subgroup
        if not isinstance(self.owner, SpikeSource):
            raise TypeError(f"{self.name} cannot be sliced into subgroups")
        start, stop = subgroup_range(self, item)
        offset = self.start - self.owner.start
        return Subgroup(self.owner, offset + start, offset + stop)

    # -- attribute access ------------------------------------------------------------------------
    def __getattr__(self, name):
        if name.startswith("_") or name in ("variables", "owner", "equations"):
            raise AttributeError(name)
        variables = self.__dict__.get("variables")
        if variables is not None:
            base, unitless = (name[:-1], True) if name.endswith("_") else (name, False)
            if base in variables or self._is_subexpression(base):
                return self.state(base, use_units=not unitless)
        # the name from __dict__: a subclass whose __init__ skipped Group's has no name, and
        # reading the property here would come back to this method for ever
        where = self.__dict__.get("_name")
        owner = f"{type(self).__name__} '{where}'" if where else type(self).__name__
        raise AttributeError(f"{owner} has no attribute '{name}'")

    def __setattr__(self, name, value):
        variables = self.__dict__.get("variables")
        if variables is not None and not name.startswith("_") and name not in self.__dict__:
            # as in Brian2, a variable's name wins over a class attribute of the same name
            base = name[:-1] if name.endswith("_") and name not in variables else name
            if base in implicit_variables():
                raise TypeError(f"'{base}' of {self.name} is read-only")
            if isinstance(value, LinkedVariable):
                link(self, name, value)
                return
            if self._is_subexpression(base):
                raise TypeError(f"'{base}' is a subexpression of {self.name}; it cannot be set")
            if self._is_unset_link(base):
                raise ValueError(f"Cannot set the linked variable '{base}' of {self.name} "
                                 f"directly: link it to another variable with linked_var")
            if base in variables:
                if self.variable_info(base).array is None:
                    raise TypeError(f"'{base}' of {self.name} is read-only")
                self.set_values(base, slice(None), value, unitless=base != name)
                return
            if self.__dict__.get("_locked") and not hasattr(type(self), name):
                # as in Brian2: a typo (G.V = ... for G.v) must not create a new attribute
                raise AttributeError(f"{type(self).__name__} '{self.name}' has no variable "
                                     f"'{name}' (its variables: {', '.join(sorted(variables))})")
        object.__setattr__(self, name, value)

    def _check_shared_subexpressions(self):
        """A shared subexpression may only read shared values (Brian2: SyntaxError)."""
        eqs = self.__dict__.get("equations")
        for name in self._subexpression_names():
            if eqs is None or name not in eqs or "shared" not in eqs[name].flags:
                continue   # not shared (known from the flags: no parse needed)
            expr = self._subexpression(name)[0]
            for sym in sorted(expr.free_symbols, key=str):
                try:
                    var = self.variable_info(sym.name)
                except KeyError:
                    continue   # an external constant
                if not var.scalar:
                    raise SyntaxError(f"The shared subexpression '{name}' of {self.name} refers "
                                      f"to the non-shared variable '{sym.name}'")

    def add_attribute(self, name):
        """Allow a new attribute ``name`` (Brian2's: setting an unknown attribute is otherwise an
        error, so that a typo in a variable name does not pass unnoticed)."""
        if name in self.variables:
            raise AttributeError(f'Cannot add an attribute "{name}", it is already a state '
                                 f'variable of {self.name}.')
        if hasattr(self, name):
            raise AttributeError(f'Cannot add an attribute "{name}", it is already an attribute '
                                 f'of {self.name}.')
        object.__setattr__(self, name, None)

    def _lock_attributes(self):
        """From now on, setting an unknown public attribute is an error (called at the end of
        a group's construction)."""
        object.__setattr__(self, "_locked", True)

    def _is_unset_link(self, name):
        """Whether ``name`` is a ``(linked)`` parameter not linked yet (it has no values)."""
        eqs = self.__dict__.get("equations")
        return (eqs is not None and name in eqs.parameter_names and "linked" in eqs[name].flags
                and self.variables.get(name) is None
                and name not in self.__dict__.get("_linked_subexpressions", {}))

    def _subexpression(self, name):
        """(expression, dimension, type, shared) of the subexpression ``name`` (one of the
        model's or a linked one), or None."""
        linked = self.__dict__.get("_linked_subexpressions", {})
        if name in linked:
            return linked[name] + (False,)
        described = self._subexpression_description(name)
        if described is None:
            return None
        return (self.equations[name].typed_expr, *described)

    def _subexpression_description(self, name):
        """(dimension, type, shared) of the subexpression ``name``, or None: without parsing
        its text (a statement answered from the cache of one-off kernels needs no sympy)."""
        linked = self.__dict__.get("_linked_subexpressions", {})
        if name in linked:
            return linked[name][1:] + (False,)
        eqs = self.__dict__.get("equations")
        if eqs is not None and name in eqs.subexpr_names and \
                "constant over dt" not in eqs[name].flags:   # those are stored variables
            eq = eqs[name]
            return eq.dim, eq.var_type, "shared" in eq.flags
        return None

    def _stateupdater_entry(self):
        """Brian2's StateUpdater of the group (slot ``groups``, the group's order)."""
        return self._entry(f"{self.name}_stateupdater", "StateUpdater", "groups")

    def _subexpression_update_entry(self):
        """Brian2's SubexpressionUpdater of the group: before everything else in a step."""
        return self._entry(f"{self.name}_subexpression_update", "SubexpressionUpdater",
                           "before_start")

    def bindable_arrays(self):
        """Its stored variables' arrays by name (a linked variable's is another group's)."""
        return {f"var:{name}": var.array for name, var in self.variables.items()
                if var.array is not None}

    def _constant_over_dt_kernel(self, ctx, shape, variables):
        """``[(entry, Kernel)]`` evaluating the ``(constant over dt)`` subexpressions into
        their stored variables once per step, before everything else (Brian2's
        SubexpressionUpdater); ``[]`` when the model has none."""
        names = self.equations.constant_over_dt_names
        shared = [n for n in names if "shared" in self.equations[n].flags]
        if shared:
            raise NotImplementedError(f"The subexpression '{shared[0]}' is both shared and "
                                      "constant over dt: not supported yet (drop 'shared')")
        if not names:
            return []
        updates = [K.Assign(n, self._substitute_subexpressions(self.equations[n].typed_expr))
                   for n in names]
        return [(self._subexpression_update_entry(),
                 K.Kernel(f"{self.name}_subexpression_update", shape, variables, updates,
                          ctx.next_stream_block(), ctx.functions(self)))]

    def _subexpression_names(self):
        eqs = self.__dict__.get("equations")
        names = [n for n in eqs.subexpr_names if "constant over dt" not in eqs[n].flags] \
            if eqs is not None else []
        return names + list(self.__dict__.get("_linked_subexpressions", {}))

    def _is_subexpression(self, name):
        return self._subexpression_description(name) is not None

    def _linked_variable(self, name, slots):
        """({name: ArrayVar, ...}, dimensions) for a name that lives in another group (Synapses:
        ``v_post``), or None: a plain group has none."""
        return None

    def run_regularly(self, code, dt=None, clock=None, when="start", order=0, name=None):
        """Run ``code`` natively for every element at the steps of its own clock (by default the
        group's); returns the operation, which runs whenever the group is in a network."""
        from .operations import RunRegularly
        return RunRegularly(self, code, dt=dt, clock=clock, when=when, order=order, name=name)

    def _repr_html_(self):
        """IPython's rich display: the group's repr (as Brian2, which shows its equations)."""
        import html
        text = html.escape(repr(self))
        eqs = self.__dict__.get("equations")
        if eqs is not None and len(eqs):
            text += "<br>" + "<br>".join(html.escape(str(eq)) for eq in eqs.values())
        return f"<div>{text}</div>"

    # -- writing ---------------------------------------------------------------------------------
    def set_values(self, name, item, value, unitless=False):
        if isinstance(value, LinkedVariable):
            link(self, name, value)
            return
        var = self.variable_info(name)
        if var.read_only:
            raise TypeError(f"Variable '{name}' of {self.name} is read-only"
                            + (" (a subexpression)" if self._is_subexpression(name) else ""))
        if isinstance(value, VariableView):
            if value.group is self and value.name == name:
                return   # G.v += 1 writes through the view, then Python assigns the view back
            value = value[:]
        warn_if_ambiguous(self, name, item, value)
        condition = None
        if isinstance(item, str):
            condition, item = item, slice(None)
        full = isinstance(item, slice) and item == slice(None)
        if isinstance(value, str) and condition is None and not full and not var.scalar:
            # G.v[10:20] = '...': evaluate for every element (rand() draws as usual), keep some
            index = self.check_index(item)
            values = self._evaluate(value, var.dtype, f"{self.name}.{name}",
                                    None if unitless else var.dim, var.array.dtype)
            if var.write_condition is not None:  # as the native kernel of a full assignment
                allowed = np.zeros(len(self), dtype=bool)
                allowed[index] = True
                index = allowed & self.raw_values(var.write_condition)
            self._write_raw(name, index, values[index])
            return
        if isinstance(value, str) or condition is not None:
            if not full:
                raise IndexError("a string condition cannot be combined with an index")
            expr = value if isinstance(value, str) else None
            if var.scalar and condition is not None:
                raise IndexError(f"'{name}' is a shared variable: it cannot be set with a string "
                                 f"condition ('{condition}')")
            self._run_string_kernel(name, expr, condition, None if expr is not None else value,
                                    unitless)
            return
        raw = coerce_value(var, value, unitless)
        if var.scalar:
            if not full:
                raise IndexError(f"'{name}' is a shared variable: it can only be indexed with [:]")
            if raw.size != 1:
                raise ValueError(f"cannot set the shared variable {self.name}.{name} to "
                                 f"{raw.size} values")
            self._write_raw(name, slice(None), raw.reshape(()))
            return
        self._write_raw(name, self.check_index(item), raw, item)

    def _write_raw(self, name, index, raw, item=None):
        """Store checked plain values at ``index`` (relative to this group) of ``name``."""
        var = self.variables[name]
        target = var.array.data[var.offset:var.offset + 1] if var.scalar else \
            var.array.data[self.start:self.stop]
        try:
            target[index] = raw
        except ValueError as err:
            raise ValueError(f"cannot set {self.name}.{name}[{item!r}]: {err}") from None

    def external_names_of(self, exprs, temporaries=()):
        """The names ``exprs`` (code run for this group: event code, ``run_regularly``) use that
        neither the group nor the code defines, with the group's subexpressions substituted
        (the kernel computes what they use)."""
        from ..model.functions import user_function_names
        names = set()
        for expr in map(self._substitute_subexpressions, exprs):
            names |= {s.name for s in expr.free_symbols} | user_function_names(expr)
        eqs = self.equations
        return {n for n in names if self.variables.get(n) is None and n not in SPECIAL_NAMES
                and n not in temporaries and (eqs is None or n not in eqs.names)}

    def _substitute_subexpressions(self, expr):
        if expr is None:
            return expr
        for _ in range(len(self._subexpression_names()) + 1):
            subs = {s: self._subexpression(s.name)[0] for s in expr.free_symbols
                    if self._is_subexpression(s.name)}
            if not subs:
                return expr
            expr = substitute(expr, subs, str(expr), f"the subexpressions of {self.name}")
        raise ValueError("subexpressions refer to each other in a cycle")
