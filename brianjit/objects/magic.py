"""Module-level ``run()``: the objects in the caller's frame, simulated by one implicit network.

Like Brian2's magic network, the implicit network persists between calls (its time goes on, its
compiled program is reused while the set of objects and their structure stay the same); a call
that finds only objects never run before starts a new simulation at t = 0.
"""
from __future__ import annotations

import sys

from ..units import second
from .base import BrianObject
from .network import Network

__all__ = ["run", "store", "restore", "collect", "magic_network", "start_scope"]

#: objects created before the last ``start_scope()`` are invisible to ``run()``
_scope = {"first_creation_index": 0}


def start_scope():
    """Make the next ``run()`` ignore every object created before this call (Brian2's
    ``start_scope``, handy in notebooks), and start its simulation at t = 0."""
    from .base import _creation
    _scope["first_creation_index"] = next(_creation)
    magic_network.objects = []


def collect(level=0):
    """The runnable objects defined in the caller's frame (locals and globals)."""
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
    """The implicit network of module-level ``run()``."""

    def __init__(self):
        super().__init__(name="magicnetwork")

    def reset_time(self):
        """A new simulation in the same magic network: time 0, its own random numbers."""
        self._t = 0.0
        self._simulation = None


magic_network = MagicNetwork()


def _update_magic_objects(level, what):
    """Make the magic network hold the objects of the user's frame (``level`` further out)."""
    objects = collect(level)
    if not objects:
        raise ValueError(f"{what}() found no objects: create groups and monitors in the code "
                         f"that calls {what}(), or use an explicit Network")
    if not any(obj in magic_network.objects for obj in objects):
        # only new objects: a new simulation, starting at t = 0 as in Brian2
        magic_network.reset_time()
    magic_network.objects = sorted(objects, key=lambda o: o._creation_index)


def run(duration, report=None, report_period=10 * second, namespace=None, profile=None, level=0):
    """Run every object defined where ``run`` is called (see Brian2's ``run``)."""
    _update_magic_objects(level, "run")
    magic_network.run(duration, report=report, report_period=report_period, namespace=namespace,
                      profile=profile, level=level)


def store(name="default", filename=None, level=0):
    """``Network.store`` for the objects defined where ``store`` is called."""
    _update_magic_objects(level, "store")
    magic_network.store(name, filename)


def restore(name="default", filename=None, restore_random_state=False, level=0):
    """``Network.restore`` for the objects defined where ``restore`` is called (inside a
    network_operation of a magic run: for the objects of that run)."""
    if magic_network._stepper is None:
        _update_magic_objects(level, "restore")
    magic_network.restore(name, filename, restore_random_state)
