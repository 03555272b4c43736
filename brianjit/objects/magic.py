"""Module-level ``run()`` and friends: the objects in the caller's frame, simulated by one implicit
network (Brian2's ``MagicNetwork``).

Brian2's rules decide which simulation a ``run()`` continues. Each object remembers the network
it was first run in (``BrianObject._network``). If all collected objects are new, a new
simulation starts at t = 0 (the magic network takes a new id and forgets its compiled program);
if all were run by the magic network before, the simulation goes on; a mix raises ``MagicError``
(new objects whose class sets ``invalidates_magic_network = False``, e.g. a monitor added later,
do not count as new). Objects run in an explicit ``Network`` make ``run()`` fail (RuntimeError).
Monitors and synapses whose group was not collected are switched off with a warning. The magic
network holds the objects only while it runs (or stores, restores...): afterwards, and after
``start_scope()``, nothing here keeps them alive.
"""
from __future__ import annotations

import sys

from ..utils import debug, warn
from ..units import second
from .base import BrianObject, _creation
from .network import Network
from .profiling import ProfilingSummary

__all__ = ["MagicNetwork", "magic_network", "MagicError", "run", "stop", "store", "restore",
           "collect", "start_scope", "scheduling_summary", "profiling_summary"]

from .exceptions import MagicError  # noqa: E402  (part of this module's public names)

#: objects created before the last ``start_scope()`` are invisible to ``run()``
_scope = {"first_creation_index": 0}


def start_scope():
    """Make the next ``run()`` ignore every object created before this call (Brian2's
    ``start_scope``, handy in notebooks), and start its simulation at t = 0."""
    _scope["first_creation_index"] = next(_creation)
    magic_network._forget()


def collect(level=0):
    """The objects ``run()`` would simulate: those defined in the caller's frame (locals and
    globals, ``level`` frames further out) whose class has ``add_to_magic_network``, created
    since the last ``start_scope()``."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_globals.get("__name__", "").split(".")[0] == "brianjit":
        frame = frame.f_back
    for _ in range(level):
        frame = frame.f_back
    found, seen = [], set()
    for namespace in (frame.f_locals, frame.f_globals):
        for value in list(namespace.values()):
            if (isinstance(value, BrianObject) and value.add_to_magic_network
                    and value._creation_index >= _scope["first_creation_index"]
                    and id(value) not in seen):
                seen.add(id(value))
                found.append(value)
    return found


class MagicNetwork(Network):
    """The implicit network of module-level ``run()`` (see the module docstring); there is only
    one, ``magic_network``, and objects cannot be added to or removed from it by hand."""

    _created = False

    def __init__(self):
        if MagicNetwork._created:
            raise ValueError("There can be only one MagicNetwork (brianjit.magic_network)")
        MagicNetwork._created = True
        super().__init__(name="magicnetwork*")

    def add(self, *objs):
        raise MagicError("Cannot directly modify the MagicNetwork: it holds the objects that "
                         "run() finds; use an explicit Network to choose them")

    def remove(self, *objs):
        raise MagicError("Cannot directly modify the MagicNetwork: it holds the objects that "
                         "run() finds; use an explicit Network to choose them")

    def _forget(self):
        """A new simulation: a new id, time 0, its own random numbers, no compiled program
        (whose arrays belong to the objects of the previous one)."""
        self.assign_id()
        self._t = 0.0
        self._simulation = None
        self._program = self._key = None
        self._constants, self._dt_arrays = {}, {}

    def _update_magic_objects(self, level):
        """Take the objects of the user's frame (the first outside brianjit, ``level`` frames
        further out), with Brian2's rules for continuing or restarting (see the module docstring)."""
        objects = collect(level)
        if not objects:
            raise ValueError("run() found no objects: create groups and monitors in the code "
                             "that calls run(), or use an explicit Network")
        every = list(objects)
        for obj in objects:
            every += [o for o in _contained(obj) if o not in every]
        known = any(obj._network == self.id for obj in every)
        new = any(obj._network is None and obj.invalidates_magic_network for obj in every)
        if known and new:
            raise MagicError("The magic network contains a mix of objects that have been run "
                             "before and new objects: brianjit does not know whether you want to "
                             "start a new simulation or continue an old one. Consider creating a "
                             "Network explicitly; collect() shows which objects run() finds.")
        if new:
            self._forget()
        for obj in every:
            if obj._network is None:
                obj._network = self.id
        self.objects = sorted(objects, key=lambda o: o._creation_index)
        # Brian2 counts the parts of an object that run (a group's state updater ...) as objects
        names = [name for obj in every for name in [obj.name] + [
            e.name for e in obj.schedule_entries() if e.owner_name is not None]]
        debug("brian2.core.magic.magic_objects",
              f"Updated MagicNetwork to include {len(names)} objects with names {', '.join(names)}")

    def check_dependencies(self):
        """Brian2's magic rule: an object whose dependency was not collected (a monitor whose
        group is out of reach) is switched off, with a warning."""
        ids = {obj.id for obj in self._all_objects()}
        for obj in self._all_objects(active_only=True):
            if not obj._dependencies <= ids:
                warn("brian2.core.magic.dependency_warning",
                     f"'{obj.name}' has been included in the network but not the object on which "
                     f"it depends. Setting '{obj.name}' to inactive.")
                obj.active = False

    def _with_objects(self, level, action):
        """``action()`` with the caller's objects in the network, which lets them go after."""
        self._update_magic_objects(level)
        try:
            return action()
        finally:
            self.objects = []

    def run(self, duration, report=None, report_period=10 * second, namespace=None,
            profile=None, level=0):
        """``Network.run`` for the objects of the caller's frame (``level`` frames further
        out)."""
        return self._with_objects(level, lambda: Network.run(
            self, duration, report=report, report_period=report_period, namespace=namespace,
            profile=profile, level=level))

    def store(self, name="default", filename=None, level=0):
        return self._with_objects(level, lambda: Network.store(self, name, filename))

    def restore(self, name="default", filename=None, restore_random_state=False, level=0):
        if self._stepper is not None:
            # inside a network_operation of a magic run: the objects of that run
            return Network.restore(self, name, filename, restore_random_state)
        return self._with_objects(level, lambda: Network.restore(
            self, name, filename, restore_random_state))

    def get_states(self, units=True, format="dict", subexpressions=False,
                   read_only_variables=True, level=0):
        return self._with_objects(level, lambda: Network.get_states(
            self, units, format, subexpressions, read_only_variables, level))

    def set_states(self, values, units=True, format="dict", level=0):
        return self._with_objects(level, lambda: Network.set_states(
            self, values, units, format, level))

    def __repr__(self):
        return "MagicNetwork()"

    __str__ = __repr__


def _contained(obj):
    found = []
    for contained in obj.contained_objects:
        found += [contained, *_contained(contained)]
    return found


magic_network = MagicNetwork()


def run(duration, report=None, report_period=10 * second, namespace=None, profile=None, level=0):
    """Run every object defined where ``run`` is called (see Brian2's ``run`` and the module
    docstring)."""
    return magic_network.run(duration, report=report, report_period=report_period,
                             namespace=namespace, profile=profile, level=level)


def stop():
    """Stop the simulation in progress after the current time step (Brian2's ``stop``)."""
    Network._globally_stopped = True


def store(name="default", filename=None, level=0):
    """``Network.store`` for the objects defined where ``store`` is called."""
    magic_network.store(name, filename, level=level)


def restore(name="default", filename=None, restore_random_state=False, level=0):
    """``Network.restore`` for the objects defined where ``restore`` is called (inside a
    network_operation of a magic run: for the objects of that run)."""
    magic_network.restore(name, filename, restore_random_state, level=level)


def scheduling_summary(net=None):
    """What runs when in ``net`` (default: the objects ``run()`` would simulate here)."""
    if net is None:
        return magic_network._with_objects(0, magic_network.scheduling_summary)
    return net.scheduling_summary()


def profiling_summary(net=None, show=None):
    """The profiling table of the last ``run(profile=True)`` of ``net`` (default: the magic
    network); ``show``: only the longest ``show`` entries."""
    return ProfilingSummary(magic_network if net is None else net, show)
