"""Brian2's abstract kinds of objects that scripts and tools test with ``isinstance`` or derive
from, besides ``Nameable`` and ``BrianObject`` (``base.py``).

``VariableOwner`` (defined in ``states.py``): anything with named state variables (``variables``: ``{name: Variable}``, read
and written by attribute, ``G.v`` with units, ``G.v_`` without). It gives Brian2's
``get_states``/``set_states``, which ``Network.get_states``/``set_states`` call for every object
that has them. ``Group`` (``group.py``), and so every monitor, is one.

``SpikeSource``: anything monitors and synapses take spikes (or other events) from: ``len(obj)``
elements, a ``clock`` and ``spikes``, the indices that spiked in the last time step. brianjit's
sources hold their events in *event spaces* written by native code (``event_spaces``:
``{event name: DynamicArray}`` of ``len(owner) + 1`` int32, the indices in increasing order, then
their count; ``'spike'`` is the spike; see ``events.py``) and give ``start``/``stop`` (a
subgroup's elements in its owner).
"""
from __future__ import annotations

import numpy as np

from .states import VariableOwner

__all__ = ["VariableOwner", "SpikeSource"]


class SpikeSource:
    """A source of spikes (see the module docstring); needs ``event_spaces``, ``start``,
    ``stop``."""

    @property
    def spikes(self) -> np.ndarray:
        """The indices (relative to this source) that spiked in the last time step."""
        if "spike" not in self.event_spaces:
            raise AttributeError(f"'{self.name}' has no spikes: it defines no threshold")
        space = self.event_spaces["spike"].data
        spiking = space[:space[-1]]
        mine = spiking[(spiking >= self.start) & (spiking < self.stop)]
        return (mine - self.start).astype(np.int32)
