"""``morpho.topology()``: an outline of the tree, one line per section, as NEURON prints it.

A soma is drawn ``( )``, a section one ``-`` per compartment and a ``|``; each child is indented
below its parent's end and marked with a backtick; the label is the path of given names from
the root (``.dend.L``), or ``[root]``. The layout is Brian2's, character for character.
"""
from __future__ import annotations

__all__ = ["Topology"]


class Topology:
    """The printable topology of a morphology (``str()`` or ``print`` it)."""

    def __init__(self, morphology):
        self.morphology = morphology

    def __str__(self):
        from .sections import Soma
        lines = []
        stack = [(self.morphology, 0, "", False)]
        while stack:
            section, indent, path, has_parent = stack.pop()
            width = max(1, section.n)
            shape = "( )" if isinstance(section, Soma) else "-" * width + "|"
            label = path if path else "[root] "
            lines.append(" " * indent + ("`" if has_parent else "") + shape + "  " + label)
            children = section.children
            for child in reversed(list(children)):
                stack.append((child, indent + 2 + width, f"{path}.{children.label(child)}",
                              True))
        return "\n".join(lines) + "\n"

    __repr__ = __str__
