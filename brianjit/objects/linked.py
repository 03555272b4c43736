"""``linked_var``: a ``(linked)`` parameter of one group that reads another group's variable
(Brian2's ``v : volt (linked)`` with ``G2.v = linked_var(G1, 'v')``).

The linking group's variable is a ``Variable`` over the source's array (``linked=True``, read
only): every kernel reads the current values, nothing is copied. How element k of the linking
group finds its value:

* same size, no index: element ``offset + k`` of the array (``offset``: a subgroup's start);
* the source has one element (and the linking group more): that element for every k (a
  ``scalar`` link, as Brian2's index ``'0'``); a shared variable likewise;
* an index (``index=`` an integer array, or the name of an integer variable of the linking
  group; Synapses need a variable): element ``offset + idx[k]``, read natively through a hidden
  index variable ``_<name>_indices`` of the linking group (``kernel.ArrayVar.index``).

Native code only ever reads through hidden index arrays that brianjit has checked: an index
array is checked when linked; an index *variable* is copied into the hidden array, and checked,
before every run and every Python read of the linked variable (``refresh_link_indices``). A
subexpression (``linked_var(G.I)``) is linked by linking each variable it reads the same way
(hidden ``_<name>_<var>``) and substituting the expression.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..memory import DynamicArray
from ..model.names import symbol
from ..units import DimensionMismatchError
from ..lazy import lazy_module

sympy = lazy_module("sympy", rebind=globals())   # imported when first needed

__all__ = ["linked_var", "LinkedVariable", "link", "refresh_link_indices", "check_links_set"]


@dataclass(frozen=True)
class LinkedVariable:
    """What ``linked_var`` returns: the group and variable name to link to, and the index."""

    group: object
    name: str
    index: object = None


def linked_var(group_or_variable, name=None, index=None):
    """``linked_var(G, 'v')`` (or ``linked_var(G.v)``): link a ``(linked)`` parameter to it;
    ``index`` (an integer array, or the name of an integer variable of the linking group)
    says which element each element reads."""
    from .group import Group
    from .views import VariableView
    if isinstance(group_or_variable, VariableView):
        if name is not None:
            raise ValueError("Cannot give a variable and a variable name at the same time: "
                             "linked_var(G.v) or linked_var(G, 'v')")
        group_or_variable, name = group_or_variable.group, group_or_variable.name
    elif name is None:
        raise ValueError("Need to provide a variable name: linked_var(G, 'v') or linked_var(G.v)")
    group = group_or_variable
    if not isinstance(group, Group):
        raise TypeError(f"linked_var links to a variable of a group, not of {group!r}")
    if not group.owner.fixed_size:
        raise NotImplementedError(f"Linking to the variable '{name}' of {group.name} is not "
                                  f"supported: only variables of groups of fixed size can be "
                                  f"linked to (as in Brian2)")
    group.variable_info(name)   # KeyError for an unknown name
    return LinkedVariable(group, name, index)


def link(group, name, target: LinkedVariable):
    """Make ``group``'s ``(linked)`` parameter ``name`` read ``target``."""
    eqs = getattr(group, "equations", None)
    if eqs is None or name not in eqs.parameter_names or "linked" not in eqs[name].flags:
        raise TypeError(f"Cannot link variable '{name}' of {group.name}: it has to be marked as "
                        f"a linked variable with '(linked)' in the model equations")
    if group is not group.owner:
        raise TypeError(f"Link '{name}' on {group.owner.name} itself, not on a subgroup")
    eq, source = eqs[name], target.group
    if eq.dim is not source.variable_info(target.name).dim:
        raise DimensionMismatchError(f"Unit of variable '{name}' does not match its link "
                                     f"target '{target.name}'", eq.dim,
                                     source.variable_info(target.name).dim)
    if source._is_subexpression(target.name):
        _link_subexpression(group, name, eq, source, target)
        return
    var = source.variables.get(target.name)
    if var is None:
        raise TypeError(f"Cannot link '{name}' to '{target.name}' of {source.name}: only state "
                        f"variables and subexpressions can be linked to")
    if var.dtype != eq.var_type:
        raise TypeError(f"Cannot link the {eq.var_type} variable '{name}' to the {var.dtype} "
                        f"variable '{target.name}'")
    group.variables[name] = _reference(group, name, source, var, target.index)
    group.__dict__.get("_linked_subexpressions", {}).pop(name, None)


def _reference(group, name, source, var, index):
    """The Variable of ``group`` that reads ``var`` of ``source`` through ``index`` (adding the
    hidden index variable to ``group`` when one is needed)."""
    hidden = f"_{name}_indices"
    size = len(source)
    common = dict(name=name, array=var.array, dim=var.dim, dtype=var.dtype, read_only=True,
                  linked=True)
    if var.scalar:
        return type(var)(scalar=True, offset=var.offset, **common)
    if index is None:
        if size == 1 and len(group) != 1:
            return type(var)(scalar=True, offset=_positions(source, var, np.array([0]))[0],
                             **common)
        if size != len(group):
            raise ValueError(f"Cannot link variable '{name}' to '{var.name}': the size of the "
                             f"target group does not match ({len(group)} != {size}). You can "
                             f"provide an indexing scheme with the 'index' keyword to link "
                             f"groups with different sizes")
        if var.index is None:
            return type(var)(offset=var.offset + source.start, **common)
        index = np.arange(size)   # the source reads through an index: compose with it
    if isinstance(index, str):
        _check_index_variable(group, index)
        if var.index is not None:
            raise TypeError(f"Cannot link variable '{name}' to '{var.name}' in group "
                            f"'{source.name}' with the index variable '{index}': the source "
                            f"reads through an index itself, so direct indices would have to "
                            f"be precalculated, but '{index}' can change")
        group._link_indices[hidden] = (index, size)
        positions = None
    else:
        if not group.owner.fixed_size:
            raise TypeError("Cannot link a variable with an index array for a group of dynamic "
                            "size (Synapses): use the name of an index variable instead")
        positions = _checked_index_array(group, name, index, size)
        positions = _positions(source, var, positions) - var.offset
    group.variables[hidden] = type(var)(hidden, DynamicArray(len(group), dtype=np.int32,
                                                             label=f"{group.name}.{hidden}"),
                                        dtype="integer", read_only=True, constant=True)
    if positions is not None:
        group.variables[hidden].array.data[:] = positions
    offset = var.offset + (source.start if positions is None else 0)
    return type(var)(offset=offset, index=hidden, **common)


def _positions(source, var, elements):
    """Positions in ``var``'s array (from its offset) read by ``elements`` of ``source``."""
    if var.index is None:
        return var.offset + source.start + elements
    refresh_link_indices(source.owner)
    return var.offset + var_values(source.owner, var.index)[source.start + elements]


def var_values(owner, name):
    return owner.variables[name].array.data


def _checked_index_array(group, name, index, size):
    try:
        values = np.asarray(index)
    except Exception:   # noqa: BLE001 - whatever numpy refuses is not an index array
        values = np.asarray([])
    if values.dtype.kind not in "iu":
        raise TypeError(f"The index for the linked variable '{name}' has to be an integer array "
                        f"(or the name of an integer variable), not {index!r}")
    if values.ndim != 1 or len(values) != len(group):
        raise TypeError(f"Index array for linked variable '{name}' has to be a one-dimensional "
                        f"array of length {len(group)}, but has shape {values.shape}")
    if values.size and (values.min() < 0 or values.max() >= size):
        raise ValueError(f"Index array for linked variable '{name}' contains values outside of "
                         f"the valid range [0, {size}[")
    return values.astype(np.int64)


def _check_index_variable(group, index):
    var = group.variables.get(index)
    if var is None:
        raise ValueError(f"Index variable '{index}' not found in {group.name}: it has to be an "
                         f"integer variable of the linking group")
    if var.dtype != "integer":
        raise TypeError(f"Index variable '{index}' should be an integer parameter.")
    if var.scalar or var.index is not None:
        raise ValueError(f"Index variable '{index}' should use the default index itself.")


def refresh_link_indices(owner):
    """Copy every index variable that a linked variable of ``owner`` reads through into its
    hidden index array, after checking its values (IndexError naming them otherwise)."""
    for hidden, (index, size) in owner.__dict__.get("_link_indices", {}).items():
        values = owner.variables[index].array.data
        if values.size and (values.min() < 0 or values.max() >= size):
            bad = values[(values < 0) | (values >= size)][0]
            raise IndexError(f"The index variable '{index}' of {owner.name} holds {bad}, "
                             f"outside of [0, {size}[ (the size of the group its linked "
                             f"variable reads)")
        array = owner.variables[hidden].array
        if len(array) != len(values):
            array.resize(len(values))
        array.data[:] = values


def _link_subexpression(group, name, eq, source, target):
    """``linked_var(G.I)`` with ``I`` a subexpression: link what ``I`` reads, use ``I``."""
    from ..model.parse import substitute
    if eq.var_type != source._subexpression(target.name)[2]:
        raise TypeError(f"Cannot link the {eq.var_type} variable '{name}' to the subexpression "
                        f"'{target.name}' of another type")
    expr = source._substitute_subexpressions(symbol(target.name))
    replace = {symbol("N"): sympy.Integer(len(source))}
    for sym in expr.free_symbols:
        if sym.name == "i":
            raise NotImplementedError(f"Cannot link '{name}' to the subexpression "
                                      f"'{target.name}': it refers to the index i")
        var = source.variables.get(sym.name)
        if var is None:
            continue   # t, dt and external constants mean the same in the linking group
        inner = f"_{name}_{sym.name}"
        group.variables[inner] = _reference(group, inner, source, var, target.index)
        replace[sym] = symbol(inner)
    group._linked_subexpressions[name] = (
        substitute(expr, replace, str(expr), f"the size and variables of {source.name}"), eq.dim,
        eq.var_type)


def check_links_set(group):
    """Refuse to run a group with a ``(linked)`` parameter that was never linked."""
    for name in group.equations.parameter_names:
        if group._is_unset_link(name):
            raise TypeError(f"Link target for variable '{name}' of {group.name} has not been "
                            f"set: link it with {group.name}.{name} = linked_var(...)")
