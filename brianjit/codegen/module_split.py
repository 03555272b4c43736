"""A network's module split into parts that LLVM optimises and compiles at the same time.

LLVM spends most of a network's build (swc-neuron: ~0.25 of ~0.34 s on an idle core) optimising
and generating code for a handful of big kernels (the cable step, a pathway's delivery, a state
update), one after the other. The parts of a :class:`ModuleParts` are independent modules, so
``jit`` compiles them at the same time (``forked_map``: each part but the first in a forked
process) and links all the objects into the module's one engine, where a call from one part into
another is resolved like any other symbol.

:func:`plan_parts` decides which function goes where. It is a pure function of the functions'
sizes and the number of parts, so a structure always compiles to the same objects whatever the
children's timing, and the machine code of each function does not depend on the split except
for inlining: the *anchored* functions (the drivers) and every function too small to be worth a
part of its own stay together in part 0, so the small kernels are inlined into the driver as in
one module. A kernel of :data:`HEAVY_INSTRUCTIONS` or more, with its loops, costs LLVM's inliner
more than its O3 threshold (no such kernel of the benchmark models is inlined into the driver of
the whole module), and kernels exchange values only through memory, so calling one in another
part computes the same bits (``tests/test_parallel_compile_same_bits.py``). Big kernels are
spread over the parts largest first, each to the part with the fewest instructions so far.

Each part's text holds the definitions assigned to it, a declaration of every other function,
every declaration and non-local global of the module, all metadata, and the local (internal)
functions and tables that its definitions or those globals reach, so a helper used by two
parts is compiled in both (internal symbols never clash between objects).
"""
from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from llvmlite import ir

__all__ = ["HEAVY_INSTRUCTIONS", "ModuleParts", "plan_parts", "split_module", "instruction_count"]

#: a function with at least this many instructions (before optimisation) may get a part of its
#: own; smaller ones stay in part 0 with the driver. LLVM inlines up to a cost of ~250 at O3.
HEAVY_INSTRUCTIONS = 100

_REFERENCE = re.compile(r'@"((?:[^"\\]|\\.)*)"')
_LOCAL = ("internal", "private")


@dataclass(frozen=True)
class ModuleParts:
    """The IR texts of one module's parts (part 0 holds the drivers), the functions defined in
    one part and declared in others (``shared``), which ``jit`` renames alike in every part, and
    the ``whole`` module's text (``str(module)``, byte for byte, whatever the split): what the
    network shows as its IR and what a build without a structural key is keyed by."""

    texts: tuple[str, ...]
    shared: frozenset[str]
    whole: str

    @classmethod
    def one(cls, text: str) -> "ModuleParts":
        """A module compiled whole."""
        return cls((text,), frozenset(), text)


def plan_parts(sizes: Sequence[int], anchored: Collection[int], parts: int,
               heavy: int = HEAVY_INSTRUCTIONS) -> tuple[int, ...]:
    """The part (0 to ``parts - 1``, numbered without gaps) of each function of ``sizes``
    (instruction counts). Functions in ``anchored`` and functions smaller than ``heavy`` go to
    part 0; the others, largest first (ties: lower index first), each to the part with the fewest
    instructions so far (ties: the lower part). Never more parts than heavy functions plus one."""
    if parts < 1:
        raise ValueError(f"parts must be at least 1, not {parts}")
    movable = sorted((i for i, size in enumerate(sizes) if i not in anchored and size >= heavy),
                     key=lambda i: (-sizes[i], i))
    bins = min(parts, len(movable) + 1)
    load = [0] * bins
    load[0] = sum(sizes) - sum(sizes[i] for i in movable)   # what stays in part 0
    where = [0] * len(sizes)
    for i in movable:
        target = min(range(bins), key=lambda b: (load[b], b))
        where[i] = target
        load[target] += sizes[i]
    used = sorted(set(where) | {0})
    renumber = {old: new for new, old in enumerate(used)}
    return tuple(renumber[w] for w in where)


def instruction_count(function: ir.Function) -> int:
    """Instructions of ``function`` as built (before optimisation)."""
    return sum(len(block.instructions) for block in function.blocks)


def _is_local(value) -> bool:
    return getattr(value, "linkage", "") in _LOCAL


def _is_definition(value) -> bool:
    return isinstance(value, ir.Function) and bool(value.blocks)


def _declaration(function: ir.Function) -> str:
    """``function``'s prototype as a declaration (no attributes: a call needs only the type)."""
    arguments = ", ".join(str(t) for t in function.function_type.args)
    return f"declare {function.function_type.return_type} {function.get_reference()}({arguments})"


def split_module(module: ir.Module, parts: int, anchored: Collection[str] = ()) -> ModuleParts:
    """``module`` as at most ``parts`` texts (see the module docstring); the functions named in
    ``anchored`` stay in part 0. One part is the module's own text."""
    values = list(module.globals.values())
    texts = [str(v) for v in values]  # each printed once: printing is most of the IR stage
    header = [f'; ModuleID = "{module.name}"', f'target triple = "{module.triple}"',
              f'target datalayout = "{module.data_layout}"', ""]
    header += [t.get_declaration() for t in module.get_identified_types().values()]
    metadata = module._get_metadata_lines()
    whole = "\n".join(header + texts + metadata)  # as llvmlite's Module.__str__ prints it
    defined = [n for n, v in enumerate(values) if _is_definition(v) and not _is_local(v)]
    plan = plan_parts([instruction_count(values[n]) for n in defined],
                      {i for i, n in enumerate(defined) if values[n].name in anchored}, parts)
    count = max(plan, default=0) + 1
    if count == 1:
        return ModuleParts.one(whole)
    part_of = dict(zip(defined, plan))
    index = {v.name: n for n, v in enumerate(values)}
    local = {n for n, v in enumerate(values) if _is_local(v)}
    references = {n: [index[name] for name in _REFERENCE.findall(texts[n]) if name in index]
                  for n in range(len(values))}
    # globals every part holds (e.g. ``llvm.compiler.used``, which keeps IR math's vector
    # variants that attributes name only as text) keep what they refer to in every part
    everywhere = [n for n in range(len(values)) if n not in part_of and n not in local]
    out = []
    for part in range(count):
        reached = _reached([n for n in defined if part_of[n] == part] + everywhere, references,
                           local)
        lines = [f'; ModuleID = "{module.name}/{part}"', *header[1:]]
        for n, value in enumerate(values):
            if n in part_of:
                lines.append(texts[n] if part_of[n] == part else _declaration(value))
            elif n not in local or n in reached:
                lines.append(texts[n])
        out.append("\n".join(lines + metadata))
    return ModuleParts(tuple(out), frozenset(values[n].name for n in defined), whole)


def _reached(roots, references, local) -> set[int]:
    """The local globals that ``roots`` refer to, directly or through other local globals."""
    reached, todo = set(), list(roots)
    while todo:
        for m in references[todo.pop()]:
            if m in local and m not in reached:
                reached.add(m)
                todo.append(m)
    return reached
