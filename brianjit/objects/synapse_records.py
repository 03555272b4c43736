"""Per-synapse variables stored interleaved: one row per synapse, one column per variable.

Why: a Synapses with pathways on both sides (STDP's ``on_pre`` and ``on_post``) walks its
synapses in two orders. They are stored in creation order (by source, usually), so the ``on_post``
walk of a neuron's synapses strides through every array, and with one array per variable it
touches one cache line *per variable* and synapse: STDP 1,000 x 1,000 spent 85-90 % of its time
there, waiting for memory (``w``, ``Apre``, ``Apost``, ``lastupdate``: four lines per synapse).
Stored as rows of one 2D array, the variables of a synapse share a line (32 bytes for those four),
so that walk touches one or two lines per synapse instead of four, and the ``on_pre`` walk still
reads consecutive rows. Synapse order is unchanged: ``S.w[k]`` is still the k-th synapse created,
and every kernel visits synapses in the order it did, so no result changes by a bit.

A :class:`RecordField` is one column of such a record array. It offers what group code uses of a
variable's ``DynamicArray`` (``data`` is a strided zero-copy view of the column; ``resize`` and
``shrink`` act on the whole record, so resizing each field in turn is one resize), and
:func:`placement` tells the slot table where native code finds element ``k`` of a variable:
``data[(k + offset) * stride + field]`` of the record's slot (``kernel.ArrayVar``).

Which variables: the float64 variables of one synapse that its pathways' code names, its
event-driven variables and ``lastupdate`` (what the walks read and write), when the Synapses have
pathways on both sides and at least two such variables. Clock-driven variables the pathways do not
name stay in arrays of their own: their per-step update over all synapses is a contiguous,
vectorised loop, which a strided column would slow down.
"""
from __future__ import annotations

import numpy as np

from ..memory import DynamicArray
from ..model.codestrings import get_identifiers

__all__ = ["RecordField", "placement", "interleave_pathway_variables"]


class RecordField:
    """Column ``field`` of the 2D DynamicArray ``record``: one per-synapse variable."""

    def __init__(self, record: DynamicArray, field: int):
        self.record, self.field = record, field

    @property
    def data(self) -> np.ndarray:
        """Writable zero-copy view of the column (strided), valid memory as a DynamicArray's."""
        return self.record.data[:, self.field]

    @property
    def dtype(self) -> np.dtype:
        return self.record.dtype

    @property
    def ndim(self) -> int:
        return 1

    @property
    def shape(self) -> tuple:
        return (len(self.record),)

    def __len__(self) -> int:
        return len(self.record)

    def reserve(self, rows: int) -> None:
        self.record.reserve(rows)

    def resize(self, rows: int) -> None:
        self.record.resize(rows)

    def shrink(self, rows: int) -> None:
        if rows != len(self.record) or self.record.capacity != rows:
            self.record.shrink(rows)

    __array__ = DynamicArray.__array__  # it reads only ``data``

    def __repr__(self) -> str:
        return f"RecordField(field {self.field} of {self.record!r})"


def placement(array) -> tuple[DynamicArray, int, int]:
    """``(DynamicArray, stride, field)``: element ``k`` of ``array`` is element
    ``k * stride + field`` of that DynamicArray's data."""
    if isinstance(array, RecordField):
        return array.record, array.record.shape[1], array.field
    return array, 1, 0


def interleave_pathway_variables(synapses) -> list[str]:
    """Move the variables the pathways of ``synapses`` walk over into one record array (see the
    module docstring); called by the Synapses' constructor, before any synapse exists. Returns the
    names moved, in column order (empty: nothing to interleave)."""
    if {p.side for p in synapses.pathways} != {"pre", "post"}:
        return []
    named = set(synapses.event_driven)
    for pathway in synapses.pathways:
        # every name of the text (read without sympy, so Synapses made again need no parse): a
        # superset of what the statements write and read, which only the variables select
        named |= get_identifiers(pathway.code)
    if synapses.event_driven:
        named.add("lastupdate")
    variables = synapses.variables
    names = [name for name, var in variables.items()
             if name in named and var.dtype == "float" and not var.scalar and not var.linked
             and isinstance(var.array, DynamicArray) and var.array.dtype == np.float64
             and len(var.array) == 0]
    if len(names) < 2:
        return []
    record = DynamicArray((0, len(names)), dtype=np.float64, label=f"{synapses.name}.record")
    for field, name in enumerate(names):
        variables[name].array = RecordField(record, field)
    return names
