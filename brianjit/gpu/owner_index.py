"""Which synaptic pathways the GPU delivers by owner, and the index (numpy) they need.

A pathway's effects can be applied by one thread per *owner* (the element its statements
write, e.g. the postsynaptic neuron for ``v_post += w``) when that thread alone writes
everything the statements write: every written variable is read through one per-synapse
index (:func:`owner_index`), nothing else sees a written array at another element (the alias
rule of ``codegen.partition.partitionable``: ``v_post += v_pre`` within one group reads what
another owner writes), and the statements draw no random numbers (the CPU numbers a pathway's
streams by the delivery loop that reaches the synapse, which the owner walk does not have).
Everything else (STDP, which writes the synapse's own ``w``; ``lastupdate`` of event-driven
variables) stays on the one thread.

The owner walks its synapses in the order the CPU applies them: from the largest delay class
down (the CPU delivers older spikes first), then by increasing source (spike lists are
compacted in index order), then synapse id (a neuron's synapses of a class are in id order).
:func:`build_owner_index` gives that order on the host, where the pathway builds its source
index (``SynapticPathway._use_index``), only for GPU builds.
"""
from __future__ import annotations

import numpy as np

from .. import kernel as K

__all__ = ["owner_index", "build_owner_index"]

def owner_index(kern: K.Kernel, candidates) -> str | None:
    """The name of the per-synapse index through which ``kern`` (a ``Propagate``) writes all
    it writes, if the pathway can be delivered by owner (module docstring) and the index is one
    of ``candidates`` (names of the synapse table's ``i``/``j``); else None."""
    if not isinstance(kern.shape, K.Propagate) or kern.functions:
        return None
    written = {st.target for st in kern.statements if st.target in kern.variables}
    indices = {kern.variables[name].index for name in written}
    if len(indices) != 1:
        return None
    (index,) = indices
    if index not in candidates:
        return None
    for name in written:
        var = kern.variables[name]
        if var.scalar:
            return None
        view = (var.index, var.offset, var.stride, var.field)
        for other in kern.variables.values():
            if other.slot == var.slot and (other.index, other.offset, other.stride,
                                           other.field) != view:
                return None
    if any(_draws_random_numbers(st.expr) for st in kern.statements):
        return None
    return index


def _draws_random_numbers(expr) -> bool:
    import sympy  # a GPU build has parsed model code: sympy is loaded
    from ..model.functions import is_stateful_call
    return any(is_stateful_call(call) for call in expr.atoms(sympy.Function))


def build_owner_index(sources: np.ndarray, classes: np.ndarray, owners: np.ndarray,
                      n_sources: int, n_owners: int):
    """``(offsets, rows)``: int32 CSR over ``n_owners`` owners of rows ``(key, synapse)``,
    ``key = class * n_sources + source``, per owner from the largest class down, then by
    source, then synapse id (``sources``, ``classes``, ``owners``: per synapse); None when a
    key would not fit an int32 (the pathway then stays on one thread)."""
    n_classes = int(classes.max()) + 1 if len(classes) else 0
    if n_classes * n_sources >= 2**31:
        return None
    # lexsort's last key is the first; it is stable, so ties keep the synapse order
    order = np.lexsort((sources, -classes.astype(np.int64), owners))
    keys = classes[order].astype(np.int64) * n_sources + sources[order]
    rows = np.stack([keys, order], axis=1).astype(np.int32)
    offsets = np.searchsorted(owners[order], np.arange(n_owners + 1)).astype(np.int32)
    return offsets, rows
