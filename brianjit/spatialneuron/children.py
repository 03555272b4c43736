"""The children of a section: subtrees in the order they were attached, each reachable by names.

Every child gets an automatic name, its number among its siblings (``'1'``, ``'2'``, ...), and
usually a given name (``'axon'``, ``'L'``); further names are aliases. ``morpho.children`` reads
like a mapping from names to subtrees but iterates over the subtrees, as in Brian2.

Attaching is where a tree could stop being a tree, so it is checked here: a child must be a
Morphology, not the section itself or one of its ancestors (a cycle), and not a section that
already hangs below another one (two parents). Removing a child removes all of its names.
Both count as a change of structure (:func:`structure_version`), which makes cached compartment
indices stale.
"""
from __future__ import annotations

import itertools

__all__ = ["Children", "structure_version"]

_changes = itertools.count(1)
_version = [0]


def structure_version() -> int:
    """A number that changes whenever any tree gains or loses a subtree."""
    return _version[0]


class Children:
    """The subtrees attached to one section (``owner``)."""

    def __init__(self, owner):
        self._owner = owner
        self._subtrees = []   # in order of attachment
        self._by_name = {}    # every name -> subtree
        self._given = {}      # subtree -> the name it was attached with (None: none given)
        self._counter = 0     # automatic names are never reused, as in Brian2

    def __iter__(self):
        return iter(list(self._subtrees))

    def __len__(self):
        return len(self._subtrees)

    def __contains__(self, item):
        """``'axon' in morpho.children`` (a name) or ``subtree in morpho.children``."""
        if isinstance(item, str):
            return item in self._by_name
        return any(item is subtree for subtree in self._subtrees)

    def __getitem__(self, name):
        if not isinstance(name, str):
            raise TypeError(f"Children are looked up by name (a string), not {name!r}")
        return self._by_name[name]

    def name(self, child):
        """The name ``child`` was attached with (None if it was attached without one)."""
        return self._given.get(child)

    def names(self, child) -> list:
        """All names of ``child``: its number first, then the given name and aliases."""
        return [name for name, subtree in self._by_name.items() if subtree is child]

    def label(self, child) -> str:
        """The name to show for ``child``: the given name, else its first other name."""
        given = self._given.get(child)
        return given if given is not None else self.names(child)[0]

    def add(self, name, subtree, automatic_name=False):
        """Attach ``subtree`` as a child called ``name`` (an alias if it is a child already).

        A name used by another child is an AttributeError, unless ``automatic_name`` is true:
        then ``name2``, ``name3``, ... is used instead.
        """
        self._check_type(subtree)
        if name is not None:
            name = str(name)
        owner = self._owner
        if name is not None and self._by_name.get(name, subtree) is not subtree:
            if not automatic_name:
                raise AttributeError(f"The name {name!r} is already used for another subtree")
            base, counter = name, 2
            while base + str(counter) in self._by_name:
                counter += 1
            name = base + str(counter)
        if subtree not in self:
            self._check_attachable(subtree)
            self._counter += 1
            self._subtrees.append(subtree)
            number = str(self._counter)
            if number not in self._by_name:
                self._by_name[number] = subtree
            self._given[subtree] = name
        if name is not None:
            self._by_name[name] = subtree
        object.__setattr__(subtree, "_parent", owner)
        _version[0] = next(_changes)

    @staticmethod
    def _check_type(subtree):
        from .tree import Morphology  # tree.py imports this module
        if not isinstance(subtree, Morphology):
            raise TypeError(f"Only a Morphology (Soma, Section, Cylinder) can be attached to a "
                            f"section, not {subtree!r}")

    def _check_attachable(self, subtree):
        node = self._owner
        while node is not None:
            if node is subtree:
                raise ValueError("Cannot attach a section below itself or below one of its own "
                                 "subtrees: a morphology has to be a tree")
            node = node._parent
        if subtree._parent is not None:
            raise ValueError(f"{subtree!r} is already attached to another section; attach a copy "
                             f"(subtree.copy_section() copies one section) or remove it there "
                             f"first")

    def remove(self, name):
        """Detach the child called ``name`` (and forget all of its names)."""
        if name not in self._by_name:
            raise AttributeError(f"The subtree {name!r} does not exist")
        subtree = self._by_name[name]
        self._subtrees = [s for s in self._subtrees if s is not subtree]
        for alias in self.names(subtree):
            del self._by_name[alias]
        del self._given[subtree]
        object.__setattr__(subtree, "_parent", None)
        _version[0] = next(_changes)

    def __repr__(self):
        count = len(self._subtrees)
        if count == 0:
            return "<0 children>"
        shown = ", ".join(f"{self.label(s)!r}: {s!r}" for s in self._subtrees)
        return f"<{count} children: {{{shown}}}>"
