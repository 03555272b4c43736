"""Brian2's ``S.summed_updaters``: one updater per ``(summed)`` variable of a Synapses object,
keyed by the variable's name (``S.summed_updaters['v_post']``), saying where in each time step
the sum is computed. Brian2's examples move it: ``S.summed_updaters['v_post'].when =
'after_groups'`` (compartmental/lfp.py, so that the sum sees the currents of the same step).

The Synapses object compiles the sum as two kernels (zero the target, add every synapse's
value) at the updater's ``when`` (default ``'before_groups'``); a new ``when`` changes the
Synapses' structure key, so the next run rebuilds. Its ``order`` is the Synapses' own.
"""
from __future__ import annotations

from .weak import WeakRef

__all__ = ["SummedVariableUpdater"]


class SummedVariableUpdater:
    """Where the sum ``expression_name`` of ``synapses`` (into ``target_name`` of its group)
    runs: ``when`` (a schedule slot, checked when a network is built)."""

    def __init__(self, synapses, expression_name: str, target_name: str):
        self._synapses = WeakRef(synapses)   # the Synapses hold their updaters (weak.py)
        self.expression_name = expression_name
        self.target_name = target_name
        self.when = "before_groups"

    @property
    def name(self) -> str:
        """Brian2's name of the updater (and of its kernel): ``<synapses>_summed_<target>``."""
        return f"{self._synapses().name}_summed_{self.target_name}"

    @property
    def order(self) -> int:
        """The Synapses' ``order`` (the updater has none of its own here)."""
        return self._synapses().order

    @order.setter
    def order(self, value):
        raise NotImplementedError(f"{self.name} runs at the order of its Synapses object; set "
                                  f"its 'when' (or the Synapses' order) instead")

    def __setattr__(self, name, value):
        if name == "when" and not isinstance(value, str):
            raise TypeError(f"'when' of {self.name} must be the name of a schedule slot "
                            f"(e.g. 'after_groups'), not {value!r}")
        object.__setattr__(self, name, value)

    def __repr__(self):
        return f"SummedVariableUpdater({self.name!r}, when={self.when!r})"
