"""``linked_var``: a parameter of one group that is another group's variable (Brian2's
``v : volt (linked)`` with ``G2.v = linked_var(G1, 'v')``).

The linking group's variable simply uses the source's array, so every kernel reads the current
values with no copying; it is read-only in the linking group, as in Brian2.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

__all__ = ["linked_var", "LinkedVariable", "link"]


@dataclass(frozen=True)
class LinkedVariable:
    """What ``linked_var`` returns: the group and variable name to link to."""

    group: object
    name: str
    index: object = None


def linked_var(group_or_variable, name=None, index=None):
    """``linked_var(G, 'v')`` (or ``linked_var(G.v)``): link a ``(linked)`` parameter to it."""
    from .variables import VariableView
    if isinstance(group_or_variable, VariableView):
        if name is not None:
            raise TypeError("give either a variable (G.v) or a group and a name, not both")
        group_or_variable, name = group_or_variable.group, group_or_variable.name
    if name is None or not hasattr(group_or_variable, "variables"):
        raise TypeError("linked_var takes a group and a variable name, or a variable such as G.v")
    if name not in group_or_variable.variables:
        raise KeyError(f"{group_or_variable.name} has no variable '{name}' to link to")
    return LinkedVariable(group_or_variable, name, index)


def link(group, name, target: LinkedVariable):
    """Make ``group``'s ``(linked)`` parameter ``name`` use ``target``'s array."""
    equations = getattr(group, "equations", None)
    if equations is None or name not in equations or "linked" not in equations[name].flags:
        raise TypeError(f"'{name}' of {group.name} is not a '(linked)' parameter: declare it as "
                        f"'{name} : <unit> (linked)' to link it to another group's variable")
    source = target.group
    if target.index is not None or getattr(source, "owner", source) is not source \
            or getattr(group, "owner", group) is not group:
        raise NotImplementedError("linked variables with an index, or from or to a subgroup, are "
                                  "not supported yet: link whole groups of the same size")
    if len(source) != len(group):
        raise ValueError(f"cannot link {group.name}.{name} ({len(group)} values) to "
                         f"{source.name}.{target.name} ({len(source)} values) without an index")
    mine, theirs = group.variables[name], source.variables[target.name]
    if mine.dim is not theirs.dim or mine.dtype != theirs.dtype:
        raise TypeError(f"{group.name}.{name} and {source.name}.{target.name} differ in unit or "
                        f"type")
    group.variables[name] = replace(theirs, name=name, read_only=True)
