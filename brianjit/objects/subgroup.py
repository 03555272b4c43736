"""``G[start:stop]`` (or ``G[k]``, ``G[[3, 4, 5]]``): a contiguous view of a group's elements
that shares its owner's arrays.

A subgroup is not run itself (its owner is); it can be indexed and set like a group, and monitors
and synapses accept it as a source or target, seeing only its elements (``i`` counts from its
start). Any group with event spaces can be sliced: NeuronGroup, PoissonGroup, SpikeGeneratorGroup.
"""
from __future__ import annotations

from .group import Group
from .hierarchy import SpikeSource

__all__ = ["Subgroup"]


class Subgroup(Group, SpikeSource):
    """Elements ``start <= k < stop`` of ``source`` (a group owning its arrays; a subgroup of a
    subgroup is a subgroup of the owner, as in Brian2)."""

    def __init__(self, source, start, stop):
        owner = source.owner
        for name, value in (("source", source), ("_parent", owner),
                            ("start", owner.start + start), ("stop", owner.start + stop),
                            ("name", f"{owner.name}_subgroup_{start}_{stop}"),
                            ("namespace", owner.namespace), ("equations", owner.equations),
                            ("clock", owner.clock), ("event_spaces", owner.event_spaces),
                            # Brian2's: after its group's threshold (a summed variable onto
                            # the subgroup runs at this order minus one)
                            ("when", "thresholds"), ("order", owner.order + 1),
                            ("variables", owner.variables),
                            ("_linked_subexpressions",
                             owner.__dict__.get("_linked_subexpressions", {}))):
            object.__setattr__(self, name, value)
        self._lock_attributes()

    def __repr__(self):
        return f"<Subgroup {self.name!r} of {self.owner.name!r} from {self.start} to {self.stop}>"
