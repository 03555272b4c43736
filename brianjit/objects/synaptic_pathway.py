"""One synaptic pathway (``on_pre``, ``on_post``, or a named one): its code, delays and the spikes
in flight.

The pathway owns what propagation needs besides the synapse table: the delay (one shared value if
the ``delay`` argument gave one, else one per synapse), the spikes in flight and the index of the
synapses by (source neuron, delay class) that delivers them (``objects/spikes_in_flight.py``).
Before a run, with numpy, the index is rebuilt when synapses, delays or ``dt`` changed, and the
cursors are set: connect() is never inside the time-step loop. The spikes in flight are turned
into synapse-level events, as Brian2 keeps them, just before synapses or delays change (and when
``dt`` changes), so a spike reaches the synapses it had, at the time it was given. For a GPU
build (``BuildContext.program_target``) whose code writes only through one per-synapse index,
the kernel also carries an index by owner (``kernel.OwnerIndex``, ``gpu/owner_index.py``),
rebuilt with the source index; the CPU back-end builds none.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from .. import kernel as K
from ..memory import DynamicArray
from ..model.known_texts import parse_unless_passed
from ..model.statements import parse_statements
from ..units import fail_for_dimension_mismatch, get_dimensions, second
from .events import event_space
from .spikes_in_flight import (MAX_STEPS, build_index, check_in_flight, class_cursors,
                               dense_offsets, merge_pending, pending_events, rescale_steps)
from .variables import Variable
from .weak import WeakRef

__all__ = ["SynapticPathway"]


def checked_delay(delay, where):
    """``delay`` (a time, scalar or array) in seconds, or a clear error. (The messages are made
    only when they are raised: the repr of a synapse-sized array costs tens of ms per run.)"""
    if get_dimensions(delay) != second.dim:
        fail_for_dimension_mismatch(delay, second, f"The delay of {where} has to be a time, "
                                                   f"not {delay!r}")
    values = np.asarray(delay, dtype=float)
    if not np.all(np.isfinite(values)) or np.any(values < 0):
        raise ValueError(f"The delay of {where} must be finite and non-negative, got {delay!r}")
    return values


def _set_rows(array: DynamicArray, rows: np.ndarray):
    array.resize(len(rows))
    array.data[...] = rows


class SynapticPathway:
    """``name`` ('pre', 'post', ...) runs ``code`` on the synapses of each ``event`` (a spike
    unless ``on_event`` says otherwise) of the ``side`` ('pre': the presynaptic group, 'post':
    the postsynaptic one)."""

    def __init__(self, synapses, name, code, side, delay, event="spike"):
        self._synapses = WeakRef(synapses)   # the Synapses hold their pathways (weak.py)
        self.event = event
        self.name = name
        self.code = code
        self.side = side
        # syntax errors at once (unless the code passed before); names are checked at run
        parse_unless_passed("statements", code, parse_statements)
        self._statements = None  # (writable names, statements) of the last check
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
        # what a snapshot keeps (``arrays``): the spikes in flight, in steps of ``queue_dt``
        self.spikes = DynamicArray(0, dtype=np.int32)
        self.steps = DynamicArray((0, 2), dtype=np.int64)
        self.pending = DynamicArray((0, 2), dtype=np.int64)
        self.queue_dt = DynamicArray(1)  # 0: nothing recorded yet
        # derived from i/j, the delays and dt (see kernel.Propagate), rebuilt before each run
        self.classes = DynamicArray((0, 3), dtype=np.int64)
        self.offsets = DynamicArray(0, dtype=np.int32)
        self.neuron_groups = DynamicArray(len(self.group) + 1, dtype=np.int32)
        self.groups = DynamicArray((1, 2), dtype=np.int32)
        self.order = DynamicArray(0, dtype=np.int32)
        self.pending_next = DynamicArray(1, dtype=np.int64)
        # GPU builds only: the index by owner (kernel.OwnerIndex), for the owner ``_by_owner``
        self.owner_offsets = DynamicArray(0, dtype=np.int32)
        self.owner_rows = DynamicArray((0, 2), dtype=np.int32)
        self.marks = DynamicArray(0, dtype=np.uint8)
        self._by_owner = None  # 'i' or 'j': the synapses' index that names the owner
        self._index = build_index(np.zeros(0, dtype=np.int32), np.zeros(0), len(self.group))
        self._index_key = None  # (synapses, delay version, dt, restores, owner) it was built for
        self._restores = 0

    @property
    def synapses(self):
        """The Synapses this pathway belongs to."""
        return self._synapses()

    @property
    def statements(self):
        """The code's statements, with what it writes checked against the synapses' variables
        and links as they are now: as in Brian2, at run, so that the names the code uses (a
        target's variable, a delay) may be set up after the Synapses are made."""
        names = frozenset(self.synapses.writable_names())
        if self._statements is None or self._statements[0] != names:
            self._statements = (names, parse_statements(self.code, names))
        return self._statements[1]

    @property
    def group(self):
        return self.synapses.source if self.side == "pre" else self.synapses.target

    @property
    def clock(self):
        """The clock the pathway runs on: that of the group whose events it delivers (Brian2's),
        whatever the Synapses' own clock (which steps their clock-driven equations); delays
        are whole steps of its ``dt``."""
        return self.group.clock

    def arrays(self):
        """What a snapshot holds: the spikes in flight (everything else is rebuilt)."""
        return {f"_{self.name}_spikes": self.spikes, f"_{self.name}_steps": self.steps,
                f"_{self.name}_pending": self.pending, f"_{self.name}_queue_dt": self.queue_dt}

    def check_state(self, check):
        """A snapshot's delays (finite, >= 0, fewer than 2**60 steps) and spikes in flight
        (``check_in_flight``), as candidates of the Synapses' ``check`` (see stateful.py)."""
        check.finite(self.delay_name, minimum=0)
        delays = check[self.delay_name]
        if delays.size and not delays.max() / check.dt < MAX_STEPS:
            check.fail(self.delay_name, f"holds a delay of {delays.max()} s, more than 2**60 "
                                        f"time steps of pathway '{self.name}'")
        prefix = f"_{self.name}_"
        queue_dt = check[prefix + "queue_dt"]
        if len(queue_dt) != 1 or not (np.isfinite(queue_dt[0]) and queue_dt[0] >= 0):
            check.fail(prefix + "queue_dt", f"must be one time >= 0, not {queue_dt}")
        check_in_flight(check[prefix + "spikes"], check[prefix + "steps"],
                        check[prefix + "pending"], len(self.group), len(check["i"]),
                        f"restore(): the stored spikes in flight of '{check.owner}' (arrays "
                        f"'{prefix}spikes', '{prefix}steps', '{prefix}pending')")

    def state_restored(self):
        """After a restore: the synapses and delays may be others, rebuild the index."""
        self._restores += 1

    # -- before a run and between runs -------------------------------------------------------------
    def delay_steps(self, dt):
        """Delays in time steps, checked: ``delay/dt`` rounded half up, as Brian2's spike queue
        does (``int(delay/dt + 0.5)``)."""
        where = f"pathway '{self.name}' of {self.synapses.name}"
        seconds = checked_delay(self.delay_variable.with_unit(self.delay_variable.array.data),
                                where)
        steps = np.floor(seconds / dt + 0.5)
        if steps.size and steps.max() >= MAX_STEPS:
            raise ValueError(f"The delay of {where} is {seconds.max()} s, more than 2**60 time "
                             f"steps of {dt} s")
        return steps.astype(np.int64)

    def _use_index(self, dt, delay_version):
        """Make the index the one of the current synapses and delays at ``dt``."""
        key = (len(self.synapses), delay_version, dt, self._restores, self._by_owner)
        if self._index_key == key:
            return
        side = self.synapses.variables["i" if self.side == "pre" else "j"].array.data
        steps = self.delay_steps(dt)
        index = build_index(side, steps, len(self.group))
        if self._by_owner is not None:
            self._use_owner_index(side, np.searchsorted(index.delays, steps), len(index.delays))
        self.neuron_groups.resize(len(index.neuron_groups))
        self.neuron_groups.data[:] = index.neuron_groups
        _set_rows(self.groups, np.stack([np.r_[index.group_class, -1], index.group_first],
                                        axis=1))
        offsets = dense_offsets(index, len(self.group))
        self.offsets.resize(len(offsets))
        self.offsets.shrink(len(offsets))
        self.offsets.data[:] = offsets
        self.order.resize(len(index.order))
        self.order.shrink(len(index.order))  # give back a permutation no longer needed
        self.order.data[:] = index.order
        self._index, self._index_key = index, key

    def _use_owner_index(self, sources, classes, n_classes):
        """The index by owner of a GPU build (``gpu/owner_index.py``) and its zeroed marks;
        empty (so the pathway is delivered on one thread) if its keys do not fit an int32."""
        from ..gpu.owner_index import build_owner_index
        owners = self.synapses.variables[self._by_owner].array.data
        built = build_owner_index(sources, np.broadcast_to(classes, sources.shape), owners,
                                  len(self.group), self._owners())
        offsets, rows = built if built is not None else (np.zeros(0, np.int32),
                                                         np.zeros((0, 2), np.int32))
        self.owner_offsets.resize(len(offsets))
        self.owner_offsets.data[:] = offsets
        _set_rows(self.owner_rows, rows)
        self.marks.resize(K.marks_bytes(len(self.group), n_classes) if built is not None else 0)
        self.marks.data[:] = 0

    def _owners(self):
        return len(self.synapses.source if self._by_owner == "i" else self.synapses.target)

    def flush(self, t):
        """Turn the spikes in flight into synapse-level events at time ``t`` (seconds); called
        just before the synapses or the delays change, so they keep their delivery."""
        steps = self.steps.data
        if not len(steps):
            return
        # spikes are only recorded during runs, which start with an index of what they are for
        now = int(round(t / self.queue_dt.data[0]))
        emitted = np.repeat(steps[:, 0], steps[:, 1])
        events = pending_events(self._index, emitted, self.spikes.data.astype(np.int64), now)
        older = self.pending.data
        _set_rows(self.pending, merge_pending(older[older[:, 0] >= now], events))
        self.spikes.resize(0)
        self.steps.resize(0)

    def prepare(self, clock, delay_version):
        """Bring the index and the spikes in flight to the clock's ``dt``, set the cursors."""
        dt, now = clock.dt_, clock.step
        queue_dt = self.queue_dt.data[0] or dt
        if queue_dt != dt and (len(self.steps) or len(self.pending)):
            self.queue_dt.data[0] = queue_dt
            self._use_index(queue_dt, delay_version)  # the one the spikes were recorded with
            self.flush(clock.t_)
            pending = self.pending.data
            pending[:, 0] = rescale_steps(pending[:, 0], int(round(clock.t_ / queue_dt)),
                                          queue_dt, now, dt)
        self.queue_dt.data[0] = dt
        self._use_index(dt, delay_version)
        pending = self.pending.data
        _set_rows(self.pending, pending[pending[:, 0] >= now])
        self.pending_next.data[0] = 0
        delays, steps = self._index.delays, self.steps.data
        rows, starts = class_cursors(delays, steps, now)
        # the largest delay (the last class) is the last to deliver a list
        head, first = (int(rows[-1]), int(starts[-1])) if len(rows) else (len(steps),
                                                                          len(self.spikes))
        _set_rows(self.steps, steps[head:].copy())
        spikes = self.spikes.data[first:].copy()
        self.spikes.resize(len(spikes))
        self.spikes.data[:] = spikes
        _set_rows(self.classes, np.stack([delays, rows - head, starts - first], axis=1))

    # -- the kernel -------------------------------------------------------------------------------
    def bindable_arrays(self) -> dict:
        """The arrays of its own that its kernel binds, by role (``BrianObject.bindable_arrays``);
        the event space and the synapses' variables are their groups'."""
        return {"spikes": self.spikes, "steps": self.steps, "classes": self.classes,
                "offsets": self.offsets, "neuron_groups": self.neuron_groups,
                "groups": self.groups, "order": self.order, "pending": self.pending,
                "pending_next": self.pending_next}

    def delivered_on_cpu(self):
        """What :meth:`kernel` sets for a CPU build: no index by owner."""
        self._by_owner = None

    def kernel(self, ctx, variables, statements, stream, code_clock):
        """The pathway's ``Propagate`` kernel: ``statements`` over ``variables`` for the
        synapses of each event, stepping with :attr:`clock`; ``code_clock`` is
        ``Kernel.code_clock`` (its code reads the Synapses' time)."""
        group = self.group
        owner = getattr(group, "owner", group)
        slots = ctx.slots
        shape = K.Propagate(slots.slot(event_space(group, self.event)), len(owner), group.start - owner.start,
                            group.stop - owner.start,
                            slots.slot(self.synapses.variables["i"].array),
                            slots.slot(self.spikes), slots.slot(self.steps),
                            slots.slot(self.classes), slots.slot(self.offsets),
                            slots.slot(self.neuron_groups), slots.slot(self.groups),
                            slots.slot(self.order), slots.slot(self.pending),
                            slots.slot(self.pending_next))
        kern = K.Kernel(f"{self.synapses.name}_{self.name}", shape, variables, statements, stream,
                        ctx.functions(self.synapses), code_clock)
        self._by_owner = None
        if ctx.program_target is not None:  # a GPU build: deliver by owner where it can
            from ..gpu.owner_index import owner_index
            self._by_owner = owner_index(kern, ("i", "j"))
        if self._by_owner is None:
            return kern
        by_owner = K.OwnerIndex(self._by_owner, self._owners(), slots.slot(self.owner_offsets),
                                slots.slot(self.owner_rows), slots.slot(self.marks))
        return dataclasses.replace(kern, shape=dataclasses.replace(shape, by_owner=by_owner))
