"""A network's build answered from the disk cache without sympy (issue 9, target 2).

A network's machine code is found by the structural key of its kernels (``kernel_key``), and
making kernels needs sympy (integration, thresholds, resets, pathways). A script run again, or a
``start_scope()`` loop, makes the very same kernels from the same texts, so the build is keyed
here by what determines the kernels, computed from the objects without parsing anything: the
*front key*. Each object says what determines its kernels (``BrianObject.front_key(keying)``:
its texts, flags, sizes, variables' names, dtypes and dimensions, the method by what defines it,
its events, the objects it refers to by their position in the build), or that it cannot
(``None``: every class that does not override it, and any object whose kernels depend on
something it cannot describe exactly: a function, a method chosen among several...); the
network adds each object's class, ``when``/``order`` and clock periods, the lowering's
parameters (partial driver, profiling, math mode, threads), the schedule, brianjit's source
(``diskcache.code_fingerprint``) and sympy's version. One object without a key means no front
key: the build goes the way it always did.

Under the front key the miss path stores a :class:`FrontEntry`: the structural key of the
machine code; the binding of each slot to the roles of its array (``assembly.record_binding``);
for each kernel, in schedule order, its object, its part of the object, its name after the
object's name, its period and its text (for ``obj.code`` and profiling); and for each object what
the run needs of its texts besides kernels: the names it resolves (external names, and internal
ones that the namespaces may shadow) and the warnings its texts give (``text_warnings``). An
entry is written only when every slot has a role. A hit (``Network._build_from_entry``) resolves
the stored names, binds the slots and loads the machine code: no kernel is made, no sympy is
imported. A damaged entry, one whose roles now alias differently, whose kernels' periods or
order changed, or whose machine code is gone, is a miss.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import threading

from .. import diskcache
from ..model.known_texts import sympy_release
from ..utils import debug
from .front_key import front_key
from .frontend_memo import method_text

__all__ = ["NoKey", "FrontKeying", "FrontEntry", "StoredKernel", "network_front_key",
           "load_entry", "store_entry", "forget_entry", "front_counts", "count", "machine_key",
           "stored_kernels", "kernels_of_entry"]

#: held while the counts are read or changed (networks may be built in several threads)
_lock = threading.Lock()


class NoKey(Exception):
    """Raised inside ``front_key`` when something cannot be described exactly (no key)."""


class FrontKeying:
    """What ``front_key(keying)`` of the objects of one build uses: references to other objects
    of the build, the method by what defines it, and the key of a group's texts
    (``front_key.front_key``: the texts, the group's structure and its related groups', how
    every name resolves in the namespaces)."""

    def __init__(self, objects, run_namespace):
        self._index = {id(obj): k for k, obj in enumerate(objects)}
        self.run_namespace = run_namespace

    def ref(self, obj):
        """Where ``obj`` is in the build: its position, or for a subgroup its owner's position
        and its range; NoKey when it is not part of the build."""
        k = self._index.get(id(obj))
        if k is not None:
            return k
        owner = getattr(obj, "owner", None)
        if owner is not None and owner is not obj and id(owner) in self._index:
            return (self._index[id(owner)], int(obj.start), int(obj.stop))
        raise NoKey

    @staticmethod
    def method(method) -> str:
        """A group's ``method`` argument by what defines it (a name, a method object, a list of
        them, None for Brian2's default list)."""
        text = method_text(method)
        if text is None:
            raise NoKey
        return text

    def texts(self, group, texts) -> str:
        """The key of ``texts`` run as ``group``'s code (NoKey when there is none)."""
        # a network's kernels loop over a Synapses' rows as they are when they run: its number
        # of synapses is not part of the key
        key = front_key("network", group, texts, self.run_namespace, sizes=False)
        if key is None:
            raise NoKey
        return key


def network_front_key(objects, keying, periods, **lowering) -> str | None:
    """SHA-256 of what determines the kernels of ``objects`` (in build order) and their
    lowering (``lowering``: partial, profile, math mode, threads, schedule); None when some
    object has no key."""
    parts = [repr(sorted(lowering.items())), diskcache.code_fingerprint(), sympy_release()]
    from ..kernel_key import canonical_text
    try:
        for obj in objects:
            key = obj.front_key(keying)
            if key is None:
                return None
            clocks = [periods[obj.clock]] + [periods[p.clock] for p in obj.schedule_entries()]
            parts.append(canonical_text((type(obj).__module__, type(obj).__qualname__, obj.when,
                                         obj.order, clocks, key)))
    except NoKey:
        return None
    except Exception as error:   # noqa: BLE001 - no key is always safe: kernels are made
        debug("brianjit.front_network", f"no front key for the network: {error!r}")
        return None
    return hashlib.sha256("\n".join(["network-front", *parts]).encode()).hexdigest()


def machine_key(structure: str | None, n_slots: int) -> str | None:
    """The key of a network's machine code: its kernels' structural key and its number of
    slots, so that a stored binding of another length can never meet code that reads more
    slots than its table has."""
    if structure is None:
        return None
    return hashlib.sha256(f"{structure}:{n_slots}".encode()).hexdigest()


class StoredKernel:
    """A kernel of a build answered from a stored entry: its name (for profiling, ``obj.code``)
    and its text as ``print(kernel)`` gave it in the build that stored the entry."""

    def __init__(self, name, text):
        self.name, self._text = name, text

    def __str__(self):
        return f"kernel {self.name}:{self._text}"


def stored_kernels(objects, entries) -> list | None:
    """The kernels of a build of ``objects`` as an entry keeps them (``FrontEntry.kernels``),
    from ``entries`` ``[(sort key, object, ScheduledKernel, part)]`` in schedule order; None
    when a kernel's part is not one of its object's ``schedule_entries()`` or its name does
    not start with its object's name (a later build could not name it)."""
    position = {id(obj): k for k, obj in enumerate(objects)}
    kernels = []
    for key, obj, scheduled, part in entries:
        found = [j for j, p in enumerate(obj.schedule_entries()) if p == part]
        name, text = scheduled.kernel.name, str(scheduled.kernel)
        head = f"kernel {name}:"
        if not found or not name.startswith(obj.name) or not text.startswith(head):
            return None
        kernels.append([position[id(obj)], key[-1], found[0], name[len(obj.name):],
                        scheduled.period, text[len(head):]])
    return kernels


def kernels_of_entry(entry, objects, periods, schedule):
    """``(owners, StoredKernels, sort keys)`` of ``entry``'s kernels for ``objects`` now: each
    kernel's part found again among its object's ``schedule_entries()``; None when a part is
    gone, runs on another period, or the kernels would now be sorted otherwise (names break
    ties in the schedule's order)."""
    from .scheduling import slot_position
    owners, kernels, keys = [], [], []
    for k, n, j, suffix, period, text in entry.kernels:
        parts = objects[k].schedule_entries() if k < len(objects) else []
        if j >= len(parts) or periods.get(parts[j].clock) != period:
            return None
        part = parts[j]
        keys.append(slot_position(part.when, schedule, f"'{part.name}'")
                    + (part.order, part.name, n))
        owners.append(objects[k])
        kernels.append(StoredKernel(objects[k].name + suffix, text))
    if keys != sorted(keys):
        return None
    return owners, kernels, keys


@dataclasses.dataclass
class FrontEntry:
    """What a build keeps under its front key (see the module docstring); JSON on disk."""

    structure: str
    threaded: bool
    #: per object: [external names, {internal name: value of N or None}, [[logger, message]],
    #: the method chosen among several: [label, seconds, other seconds] or None]
    names: list
    #: per kernel in schedule order: [object, n, part, name suffix, period, text]
    kernels: list
    #: ``assembly.record_binding``
    slots: list
    profile: bool

    def to_text(self) -> str:
        return json.dumps(dataclasses.asdict(self), separators=(",", ":"))

    @classmethod
    def from_text(cls, text: str):
        """The entry of ``text``, or None when it is not one of this layout (every field
        checked, so that a damaged entry can only be a miss)."""
        try:
            entry = cls(**json.loads(text))
            ok = (_is(entry.structure, str) and _is(entry.threaded, bool)
                  and _is(entry.profile, bool)
                  and all(_is(item, [_index, int, _index, str, _index, str])
                          for item in entry.kernels)
                  and all(_is(item, [[str], {str: (int, None)}, [[str, str]],
                                     (None, [str, _number, _number])])
                          for item in entry.names)
                  and all(_is(item, [[[[(str, int)], _index, _index]], [str, [_index]]])
                          and item[0] for item in entry.slots))
        except (ValueError, TypeError, AttributeError, KeyError):
            return None
        return entry if ok else None


def _index(value) -> bool:
    return type(value) is int and value >= 0


def _number(value) -> bool:
    return type(value) in (int, float)


def _is(value, shape) -> bool:
    """Whether JSON ``value`` has ``shape``: a type (bool is not an int), a tuple of
    alternatives (None for null), a predicate, ``[shape]`` (a list of any length), a list of
    several shapes (a list of exactly those), ``{key shape: value shape}`` (a dict)."""
    if shape is None:
        return value is None
    if isinstance(shape, tuple):
        return any(_is(value, alternative) for alternative in shape)
    if isinstance(shape, list):
        if type(value) is not list:
            return False
        if len(shape) == 1:
            return all(_is(item, shape[0]) for item in value)
        return len(value) == len(shape) and all(map(_is, value, shape))
    if isinstance(shape, dict):
        (key_shape, value_shape), = shape.items()
        return type(value) is dict and all(_is(k, key_shape) and _is(v, value_shape)
                                           for k, v in value.items())
    if isinstance(shape, type):
        return type(value) is shape
    return shape(value)


#: how the front lookups of this process were answered (see :func:`front_counts`)
_counts = {"hit": 0, "miss": 0, "no_key": 0, "stored": 0}


def front_counts() -> dict:
    """How this process's network builds were answered: ``hit`` (from a stored entry, no
    kernels made), ``miss`` (a front key without a fitting entry: kernels made), ``no_key``
    (some object has no front key, or a device's target), and how many entries were
    ``stored``."""
    with _lock:
        return dict(_counts)


def count(answer: str) -> None:
    with _lock:
        _counts[answer] += 1


def _decoded(stored: tuple) -> FrontEntry | None:
    if len(stored) != 2 or stored[0] != b"front":
        return None
    return FrontEntry.from_text(stored[1])


#: entries this process found or wrote, by front key (a loop finds its entry without the disk)
_entries = diskcache.RememberedEntries(64, _decoded)


def load_entry(key: str) -> FrontEntry | None:
    """The entry stored under the front ``key`` (this process's, else the disk's), or None."""
    return _entries.get(key)


def store_entry(key: str, entry: FrontEntry) -> None:
    count("stored")
    _entries.put(key, entry, b"front", entry.to_text())


def forget_entry(key: str) -> None:
    """Drop the in-process entry of ``key`` (it did not fit the objects it was found for)."""
    _entries.forget(key)
