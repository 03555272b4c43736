"""The object model every simulation object shares: Brian2's ``Nameable`` and ``BrianObject``.

``Nameable``: a name and an id. A name ending in ``*`` is a stem: the object gets the first of
``stem``, ``stem_1``, ``stem_2`` ... that no live object uses. An explicit name is taken as given,
as in Brian2: two objects may share one until they are put into the same network, which refuses
them when it runs (``Network.run``). ``id`` is unique for ever (a UUID), so compiled programs
and magic-network bookkeeping never confuse a dead object with a new one at the same address.

``BrianObject`` adds what the network schedules: ``clock``, ``when``, ``order``, ``active``
(passed on to the contained objects), ``contained_objects`` (run whenever the object is in a
network), its dependencies (a monitor needs its group) and the line of user code that created it
(for ``BrianObjectException``). Its methods are the protocol a network assembles from; see
docs/architecture.md, "Objects describe, the network assembles":

- Brian2's hooks, for subclasses written by users: ``before_run(run_namespace)`` (before the
  network builds), ``run()`` (Python, called at every step of the object's clock at its place in
  the schedule; only objects whose class overrides it are called, so native objects cost
  nothing per step) and ``after_run()``.
- brianjit's native side (the defaults describe an object that contributes nothing):
  ``external_names()`` and ``check_units(dims)``, ``refractory_constant()``,
  ``structure_key()``, ``_integrated(locally_constant)``, ``kernels(ctx)``,
  ``prepare_run(n_steps)`` and ``schedule_entries()``.
"""
from __future__ import annotations

import itertools
import linecache
import re
import sys
import threading
import uuid
import weakref
from typing import NamedTuple

from ..utils import warn

__all__ = ["Nameable", "BrianObject", "ScheduleEntry", "SCHEDULE"]

#: Brian2's default schedule: the slots of one time step, in order.
SCHEDULE = ("start", "groups", "thresholds", "synapses", "resets", "end")

_NAME = re.compile(r"[_A-Za-z][_A-Za-z0-9]*\*?")
_creation = itertools.count()
#: how many live Nameables use each name (for the stems of automatic names)
_live_names: dict = {}
#: objects are made in several threads at once and released by finalizers in any thread; the
#: count of a name is read, changed and written under this lock (re-entrant: a finalizer may
#: run in the thread that holds it, when a collection starts inside the locked code)
_names_lock = threading.RLock()


def _release_name(name):
    with _names_lock:
        _live_names[name] -= 1
        if not _live_names[name]:
            del _live_names[name]


def _count_name(obj):
    """Count ``obj._name`` among the live names until ``obj`` is collected."""
    with _names_lock:
        _live_names[obj._name] = _live_names.get(obj._name, 0) + 1
    weakref.finalize(obj, _release_name, obj._name).atexit = False


def _find_name(name: str) -> str:
    if not name.endswith("*"):
        return name
    stem = name[:-1]
    if stem not in _live_names:
        return stem
    return next(f"{stem}_{n}" for n in itertools.count(1) if f"{stem}_{n}" not in _live_names)


class Nameable:
    """An object with a ``name`` (see the module docstring) and a unique ``id``."""

    def __init__(self, name):
        if getattr(self, "_name", None) is not None and name is None:
            return  # named already (a class deriving from two Nameables)
        if not isinstance(name, str):
            raise TypeError(f"'name' has to be a string, not {name!r}")
        if not _NAME.fullmatch(name):
            raise ValueError(f"Name '{name}' is not a valid name: use letters, digits and "
                             f"underscores, not starting with a digit (an optional '*' at the "
                             f"end asks for a unique variant)")
        with _names_lock:  # two threads must not find the same free automatic name
            self._name = _find_name(name)
            _count_name(self)
        self._id = uuid.uuid4()

    def __setstate__(self, state):
        """An unpickled object (e.g. sent to another process) keeps its id, so that objects
        pickled together still know each other (dependencies are ids); its name counts among
        the live ones."""
        self.__dict__.update(state)
        _count_name(self)

    @property
    def name(self) -> str:
        """The object's name (unique within a network)."""
        return self._name

    @property
    def id(self):
        """A unique id (names may be reused, ids never are)."""
        return self._id

    def assign_id(self):
        """A new id: the object now counts as another one (the magic network, for each new
        simulation)."""
        self._id = uuid.uuid4()


class ScheduleEntry(NamedTuple):
    """One row of ``scheduling_summary()``: something that runs in a time step (an object, or
    a part of one such as a group's state updater), as Brian2 lists it."""

    when: str
    order: int
    dt: object
    name: str
    type: str
    active: bool
    owner_name: str | None
    owner_type: str | None
    #: the clock the part runs on (Brian2's: a synaptic pathway runs on its source's clock, a
    #: summed variable's updater on its target's)
    clock: object


def _creation_line() -> str:
    """Where the user's code created an object (the first frame outside brianjit), formatted
    as Brian2's ``_creation_stack``."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_globals.get("__name__", "").split(".")[0] == "brianjit":
        frame = frame.f_back
    if frame is None:
        return ""
    code = frame.f_code
    line = linecache.getline(code.co_filename, frame.f_lineno).strip()
    return f"  File '{code.co_filename}', line {frame.f_lineno}, in {code.co_name}\n    {line}"


class BrianObject(Nameable):
    """Base of everything a network runs (see the module docstring)."""

    #: whether module-level ``run()`` collects instances found in the caller's frame
    add_to_magic_network = False
    #: whether a new instance among objects run before makes ``run()`` raise ``MagicError``
    #: (False: e.g. a monitor added to a running simulation)
    invalidates_magic_network = True
    #: part of a group (its run_regularly code, thresholder, resetter): runs and dies with it,
    #: so it gives no "never included in a network" warning of its own (Brian2: an object with
    #: a ``group``)
    part_of_a_group = False
    #: the compiled kernels of this object (a CodeView), set when a network builds
    code = None
    #: the object's own names for its code (None: only the run's namespace)
    namespace = None
    #: seconds spent parsing and integrating the model (reported in ``Network.timings``)
    parse_time = 0.0
    integrate_time = 0.0

    def __init__(self, dt=None, clock=None, when="start", order=0, namespace=None,
                 name="brianobject*", *, default_name=None):
        from .clock import Clock, defaultclock
        self._creation_stack = _creation_line()
        if dt is not None and clock is not None:
            raise ValueError("Can only specify either a dt or a clock, not both.")
        if not isinstance(when, str):
            raise TypeError(f"'when' has to be the name of a slot of the schedule (e.g. "
                            f"'start'), not {when!r}; give a clock or dt with 'clock' or 'dt'")
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", when):
            # a network checks at run time that the slot is in its schedule (custom slots exist)
            raise ValueError(f"'when' must name a slot of the schedule such as {SCHEDULE} (or "
                             f"before_/after_ one of them), not {when!r}")
        Nameable.__init__(self, f"{default_name or 'brianobject'}*" if name is None else name)
        if clock is None:
            clock = defaultclock if dt is None else Clock(dt, name=f"{self.name}_clock*")
        self._clock = clock
        self.when = when
        self.order = order
        if namespace is not None:
            for key in namespace:
                if key.startswith("_"):
                    raise ValueError(f"Names starting with underscores are reserved for internal "
                                     f"use and cannot be defined in the namespace ('{key}')")
            self.namespace = namespace
        self._active = True
        self._contained_objects: list[BrianObject] = []
        self._dependencies: set = set()
        #: the id of the network this object was first run in (None: never run)
        self._network = None
        self._creation_index = next(_creation)

    def __setstate__(self, state):
        Nameable.__setstate__(self, state)
        # the networks it ran in are those of another process; a copy that is never run is
        # not the mistake the "unused object" warning is about
        self._network, self._unpickled = None, True

    @property
    def clock(self):
        """The clock that decides when the object runs (fixed at creation)."""
        return self._clock

    @property
    def contained_objects(self) -> list:
        """Objects that run along with this one (e.g. its ``run_regularly`` operations); change
        the list itself, the attribute cannot be set."""
        return self._contained_objects

    @property
    def active(self) -> bool:
        """Whether the object runs; setting it sets it for the contained objects too."""
        return self._active

    @active.setter
    def active(self, value):
        self._active = bool(value)
        for obj in self._contained_objects:
            obj.active = value

    def add_dependency(self, obj):
        """Record that this object needs ``obj`` (a group or subgroup: the group that owns the
        arrays) in the same network."""
        from .group import Group
        self._dependencies.add((obj.owner if isinstance(obj, Group) else obj).id)

    # -- Brian2's hooks for subclasses ---------------------------------------------------------
    def before_run(self, run_namespace):
        """Called by the network before it builds and runs (``run_namespace``: the names the
        run resolves against)."""

    def run(self):
        """Python code for one step of this object's clock (see the module docstring)."""

    def after_run(self):
        """Called by the network after a run that finished (or was stopped)."""

    @property
    def runs_in_python(self) -> bool:
        """Whether the network calls :meth:`run` at every step (the class overrides it)."""
        return type(self).run is not BrianObject.run

    # -- brianjit's native protocol (the defaults: nothing native) -----------------------------
    def external_names(self) -> set:
        """Names the object's code uses but does not define (resolved at each run)."""
        return set()

    def internal_names_used(self) -> dict:
        """The object's own names its code uses ({name: value if a constant, else None}):
        a run warns about those the namespaces also define, as Brian2 does."""
        return {}

    def check_units(self, dims) -> None:
        """Check the object's code against the dimensions of the resolved names."""

    def refractory_constant(self):
        """A value bound as ``_refractory`` for this run, or None."""
        return None

    def structure_key(self):
        """What the compiled program depends on besides the object's id (model text, sizes:
        never values); a change rebuilds the program."""
        return None

    def _integrated(self, locally_constant=None):
        """The state update statements, computed once before a build (``locally_constant``:
        the functions constant during a step, which ``exact`` may treat as constants)."""
        return []

    def kernels(self, ctx) -> list:
        """``[(ScheduleEntry, Kernel), ...]``: what the object runs natively, each kernel with
        the part of the object it belongs to (one of ``schedule_entries()``). The network runs
        kernels in the order of their parts' (slot, ``order``, name), Brian2's order of its code
        objects, and an object's kernels of one part in the order given."""
        return []

    # -- a build answered without making kernels (``front_network.py``) -----------------------
    def front_key(self, keying):
        """What determines this object's kernels, as plain data made without sympy (its texts,
        flags, sizes, variables, method, the objects it refers to through ``keying.ref``);
        None (or ``front_network.NoKey`` raised) when that cannot be said exactly: then the
        network is built by making its kernels. A class that overrides ``kernels`` or
        ``external_names`` gives its own key or none (this default: none)."""
        return None

    def bindable_arrays(self) -> dict:
        """``{role: array}``: every array of the object's own that its kernels may bind (a
        variable by name, an event space, a pathway's spike lists), for the binding that a
        build answered without kernels refills (``assembly.record_binding``)."""
        return {}

    def text_warnings(self) -> list:
        """``[(logger, message)]``: warnings about the object's texts that a run gives (made
        with sympy on a build that makes kernels, replayed from the stored entry otherwise)."""
        return []

    def check_before_run(self) -> None:
        """Checks of the object's state, not of its texts, that every run makes (a link that
        was never set), also when the build is answered without parsing."""

    def method_choice(self):
        """What its last integration logged when it chose a method among several: ``(label,
        seconds, other seconds)`` (``stateupdaters.choice_made``) or None; ``False`` when the
        method it used logs a message at each use (no front entry may be stored)."""
        return None

    def prepared_without_kernels(self) -> None:
        """What ``kernels(ctx)`` sets on the object besides kernels (for the CPU), done for a
        build answered from a stored entry."""

    def prepare_run(self, n_steps):
        """Python-side bookkeeping before a run of ``n_steps`` base steps (reserve memory...)."""

    def schedule_entries(self) -> list:
        """The rows of ``scheduling_summary()`` for this object (one by default; a group lists
        its state updater, thresholder and resetter as Brian2 does)."""
        return [self._own_entry()]

    def _own_entry(self) -> ScheduleEntry:
        """The entry of an object that runs as one part, under its own name."""
        return self._entry(self.name, type(self).__name__, self.when, owned=False)

    def _entry(self, name, kind, when, owned=True, order=None, clock=None) -> ScheduleEntry:
        clock = self.clock if clock is None else clock
        return ScheduleEntry(when, self.order if order is None else order, clock.dt, name,
                             kind, self.active, self.name if owned else None,
                             type(self).__name__ if owned else None, clock)

    def __del__(self):
        # Brian2's warning for an object that dies without ever having been in a network:
        # usually a group created and not kept, or kept in a list run() does not look into
        try:
            if getattr(self, "_network", "uninitialised") is None \
                    and not self.part_of_a_group and getattr(self, "group", None) is None \
                    and not self.__dict__.get("_unpickled", False):
                warn("brian2.core.base.unused_brian_object",
                     f"The object '{self.name}' is getting deleted, but was never included in a "
                     f"network. This probably means that you did not store the object reference "
                     f"in a variable, or that the variable was not used to construct the "
                     f"network.\nThe object was created here (most recent call only):\n"
                     f"{self._creation_stack}")
        except Exception:  # noqa: BLE001 - at interpreter exit logging may be gone
            pass

    def __repr__(self):
        return (f"{type(self).__name__}(clock={self.clock!r}, when={self.when}, "
                f"order={self.order}, name={self.name!r})")
