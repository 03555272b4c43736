"""One synaptic pathway (``on_pre``, ``on_post``, or a named one): its code, delays and spike ring.

The pathway owns what propagation needs besides the synapse table: the delay (one shared value if
the ``delay`` argument gave one, else one per synapse), the permutation of synapses ordered by
(source neuron, delay step) with its offsets, and the ring of recent spike lists (see
``kernel.Propagate``). The index is rebuilt with numpy before a run only when synapses or delays
changed since the last one: connect() is never inside the time-step loop.
"""
from __future__ import annotations

import numpy as np

from .. import kernel as K
from ..memory import DynamicArray
from ..model.statements import parse_statements
from ..units import fail_for_dimension_mismatch, second
from .variables import Variable

__all__ = ["SynapticPathway"]


def checked_delay(delay, where):
    """``delay`` (a time, scalar or array) in seconds, or a clear error."""
    fail_for_dimension_mismatch(delay, second, f"The delay of {where} has to be a time, "
                                               f"not {delay!r}")
    values = np.asarray(delay, dtype=float)
    if not np.all(np.isfinite(values)) or np.any(values < 0):
        raise ValueError(f"The delay of {where} must be finite and non-negative, got {delay!r}")
    return values


class SynapticPathway:
    """``name`` ('pre', 'post', ...) runs ``code`` on the synapses of each spike of the
    ``source`` side ('pre': the presynaptic group, 'post': the postsynaptic one)."""

    def __init__(self, synapses, name, code, side, delay):
        self.synapses = synapses
        self.name = name
        self.code = code
        self.side = side
        self.statements = parse_statements(code, synapses.writable_names())
        self.delay_name = "delay" if name == "pre" else f"_delay_{name}"
        if delay is None:
            array = DynamicArray(0)
            self.delay_variable = Variable(self.delay_name, array, second.dim, "float")
        else:
            value = checked_delay(delay, f"pathway '{name}' of {synapses.name}")
            if value.ndim:
                raise TypeError(f"the delay argument of {synapses.name} must be a single time; "
                                f"set per-synapse delays with S.delay = ... after connect()")
            array = DynamicArray(1)
            array.data[0] = value
            self.delay_variable = Variable(self.delay_name, array, second.dim, "float", scalar=True)
        self.ring = DynamicArray(0, dtype=np.int32)
        self.order = DynamicArray(0, dtype=np.int32)
        self.offsets = DynamicArray(1, dtype=np.int32)
        self._indexed = None  # (number of synapses, delay version) the index was built for

    @property
    def group(self):
        return self.synapses.source if self.side == "pre" else self.synapses.target

    @property
    def heterogeneous(self):
        return not self.delay_variable.scalar

    def arrays(self):
        """What a snapshot holds: the spikes in flight (the index is rebuilt after a restore)."""
        return {f"_{self.name}_ring": self.ring}

    def check_state(self, check):
        """A snapshot's delays (finite, >= 0, a ring depth that fits an int64) and ring (rows
        of spike lists of the source range, the count last; any depth: it is refitted)."""
        check.finite(self.delay_name, minimum=0)
        delays = check[self.delay_name]
        width = len(self.group) + 1
        if delays.size and not delays.max() / check.dt < 2.0 ** 62 / width:
            check.fail(self.delay_name, f"holds a delay of {delays.max()} s, too long for "
                                        f"the ring of pathway '{self.name}'")
        name = f"_{self.name}_ring"
        ring = check[name]
        if len(ring) % width:
            check.fail(name, f"has {len(ring)} elements, not rows of {width}")
        check.spike_lists(name, ring.reshape(-1, width), width - 1)

    # -- before a run ------------------------------------------------------------------------------
    def delay_steps(self, dt):
        """Delays in time steps (Brian2 rounds delay/dt), checked."""
        seconds = checked_delay(self.delay_variable.with_unit(self.delay_variable.array.data),
                                f"pathway '{self.name}' of {self.synapses.name}")
        return np.round(seconds / dt).astype(np.int64)

    def prepare(self, dt, step, delay_version):
        """Rebuild the index if synapses or delays changed, resize the ring to the largest
        delay (keeping the spikes in flight)."""
        n_synapses = len(self.synapses)
        steps = self.delay_steps(dt)
        depth = int(steps.max()) + 1 if steps.size else 1
        if self._indexed != (n_synapses, delay_version, depth):
            self._build_index(steps, depth)
            self._indexed = (n_synapses, delay_version, depth)
        self._resize_ring(depth, step)

    def _build_index(self, steps, depth):
        group = self.group
        n_neurons = len(group)
        side = self.synapses.variables["i" if self.side == "pre" else "j"].array.data
        if self.heterogeneous:
            keys, n_keys = side.astype(np.int64) * depth + steps, n_neurons * depth
        else:
            keys, n_keys = side, n_neurons
        if keys.size and np.any(keys[1:] < keys[:-1]):
            order = np.argsort(keys, kind="stable").astype(np.int32)
        else:  # stored in source order already: no permutation (see K.Propagate)
            order = np.zeros(0, dtype=np.int32)
        counts = np.bincount(keys, minlength=n_keys) if keys.size else np.zeros(n_keys, np.int64)
        self.order.resize(order.size)
        self.order.shrink(order.size)  # give back the memory of a permutation no longer needed
        self.order.data[:] = order
        self.offsets.resize(n_keys + 1)
        self.offsets.data[0] = 0
        self.offsets.data[1:] = np.cumsum(counts)

    def _resize_ring(self, depth, step):
        width = len(self.group) + 1
        old_depth = len(self.ring) // width
        if old_depth == depth:
            return
        old = self.ring.data.reshape(old_depth, width).copy() if old_depth else None
        self.ring.resize(depth * width)
        rows = self.ring.data.reshape(depth, width)
        rows[:] = 0
        for age in range(1, min(old_depth, depth)):  # spikes still in flight
            rows[(step - age) % depth] = old[(step - age) % old_depth]

    # -- the kernel -------------------------------------------------------------------------------
    def kernel(self, ctx, variables, statements, stream):
        group = self.group
        owner = getattr(group, "owner", group)
        slots = ctx.slots
        shape = K.Propagate(slots.slot(owner.spikespace), len(owner), group.start - owner.start,
                            group.stop - owner.start, slots.slot(self.ring),
                            slots.slot(self.offsets), slots.slot(self.order), self.heterogeneous)
        return K.Kernel(f"{self.synapses.name}_{self.name}", shape, variables, statements, stream,
                        ctx.functions(self.synapses))

