"""Brian2's ``S.summed_updaters``: one updater per ``(summed)`` variable of a Synapses object,
keyed by the variable's name (``S.summed_updaters['v_post']``), saying where in each time step
the sum is computed. As in Brian2 it runs in the slot ``groups`` at the target group's order
minus one (a subgroup's order is its group's plus one), so the sum is computed before its
target's state update, on the target's clock, and it is sorted among the other parts of the
step by its name,
``<synapses>_summed_variable_<name>``. Brian2's examples move it: ``S.summed_updaters['v_post']
.when = 'after_groups'`` (compartmental/lfp.py, so that the sum sees the currents of the same
step).

The Synapses object compiles the sum as two kernels (zero the target, add every synapse's
value) at the updater's place; a new ``when`` or ``order`` changes the Synapses' structure
key, so the next run rebuilds.
"""
from __future__ import annotations

from .base import ScheduleEntry
from .weak import WeakRef

__all__ = ["SummedVariableUpdater"]


class SummedVariableUpdater:
    """Where the sum ``expression_name`` of ``synapses`` (into ``target_name`` of its group)
    runs: ``when`` (a schedule slot, checked when a network is built) and ``order``."""

    def __init__(self, synapses, expression_name: str, target_name: str, target):
        self._synapses = WeakRef(synapses)   # the Synapses hold their updaters (weak.py)
        self._clock = target.clock   # Brian2's: the sum runs on its target's clock
        self.expression_name = expression_name
        self.target_name = target_name
        self.when = "groups"
        self.order = target.order - 1

    @property
    def name(self) -> str:
        """Brian2's name of the updater: ``<synapses>_summed_variable_<expression name>``."""
        return f"{self._synapses().name}_summed_variable_{self.expression_name}"

    def entry(self) -> ScheduleEntry:
        """The updater's row of ``scheduling_summary()`` and its place in the time step."""
        synapses = self._synapses()
        return ScheduleEntry(self.when, self.order, self._clock.dt, self.name,
                             type(self).__name__, synapses.active, synapses.name,
                             type(synapses).__name__, self._clock)

    def __setattr__(self, name, value):
        if name == "when" and not isinstance(value, str):
            raise TypeError(f"'when' of {self.name} must be the name of a schedule slot "
                            f"(e.g. 'after_groups'), not {value!r}")
        if name == "order" and (isinstance(value, bool) or not isinstance(value, int)):
            raise TypeError(f"'order' of {self.name} must be an integer, not {value!r}")
        object.__setattr__(self, name, value)

    def __repr__(self):
        return f"SummedVariableUpdater({self.name!r}, when={self.when!r}, order={self.order})"
