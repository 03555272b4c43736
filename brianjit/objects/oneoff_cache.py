"""One-off kernels (``G.v = '...'``, ``G.v['i > 5']``, ``indices_where``, a subexpression's
values, ``S.connect(...)``) answered from the cache by their front-end key, without sympy.

Why: in a script whose models are all in the disk cache, the first statement that runs a
one-off kernel (CUBA's ``P.v = 'Vr + rand()*(Vt - Vr)'``) used to import sympy (0.35-0.7 s of
processor time) only to parse the text, check its units and build a kernel whose machine code
the disk already had. The kernel is a pure function of what :mod:`.front_key` describes, so
an *entry* under that key, written after the miss path succeeded, holds what a later run needs
instead of the kernel:

* the structural key of the kernel (``kernel_key.kernels_key``), under which ``jit`` finds the
  machine code (``jit.find_structure``);
* the *binding*: the input the miss path gave the one binder of one-off kernels
  (``Group._bind_names``: the names the text used -- group variables, external constants,
  names the group shadows, whose warning the binder gives --) plus whatever the call
  site bound after it (an output array, a target's arrays, connect()'s synapse arrays), so a hit
  replays the same calls in the same order: same slots, same constants set, same link indices
  refreshed, same warnings;
* the exact text of the kernel's variables and of the other slots the code reads
  (:func:`binding_text`). A hit compares it with the replayed binding before running anything:
  if they differ (the key missed something, or the entry was edited) the hit is refused and
  the miss path runs, never code bound to the wrong arrays;
* data the call site needs besides the kernel (connect(): its constant ``p``, for the room it
  reserves).

Entries live in memory (this process) and in the disk cache (``diskcache``: authenticated,
written atomically); a missing, damaged, forged or inconsistent entry is no entry. Nothing is
written for a text that failed (an entry is written after the kernel ran and returned 0), nor
for kernels calling functions (the front key has none for them).
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from .. import diskcache
from ..jit import find_structure
from ..kernel_key import canonical_text

__all__ = ["Entry", "binding_text", "lookup", "remember", "stored_module", "hits"]

_TAG = "one-off-v1"
#: how many one-off kernels this process ran from an entry (tests observe hits and misses)
_hits = {"hits": 0}


@dataclass(frozen=True)
class Entry:
    """What a hit needs instead of the kernel (see the module docstring)."""

    structure_key: str
    #: the names the text used, which the binder bound (``ExpressionContext.names``)
    names: tuple[str, ...]
    binding: str
    data: dict


def hits() -> int:
    """How many one-off kernels this process ran from an entry."""
    return _hits["hits"]


def binding_text(variables: dict, slots=()) -> str:
    """The exact text of a one-off kernel's variables (by name) and of the ``slots`` its shape
    reads besides them (connect(): the synapse arrays)."""
    return canonical_text((sorted(variables.items()), tuple(slots)))


def _decoded(entry: tuple) -> Entry | None:
    if len(entry) != 3 or entry[1] != _TAG:
        return None
    try:
        fields = json.loads(entry[2])
        names = tuple(fields["names"])
        result = Entry(fields["structure_key"], names, fields["binding"], fields["data"])
    except (ValueError, KeyError, TypeError):
        return None
    plain = all(isinstance(n, str) for n in names)
    if not (plain and isinstance(result.structure_key, str) and isinstance(result.binding, str)
            and isinstance(result.data, dict)):
        return None
    return result


#: entries kept in this process in front of the disk (a loop over a few one-off statements
#: meets the disk once each)
_memory = diskcache.RememberedEntries(1024, _decoded)


def lookup(key: str | None) -> Entry | None:
    """The entry stored under the front-end ``key`` (None: no key, or no entry)."""
    return None if key is None else _memory.get(key)


def remember(key: str | None, structure_key: str | None, names, binding: str, **data) -> None:
    """Store the entry of a one-off kernel that was just built and ran successfully (nothing
    without a front-end or a structural key). ``data``: plain JSON values."""
    if key is None or structure_key is None:
        return
    entry = Entry(structure_key, tuple(sorted(names)), binding, data)
    _memory.put(key, entry, b"", _TAG, json.dumps({
        "structure_key": structure_key, "names": entry.names, "binding": binding,
        "data": data}))


def stored_module(entry: Entry, variables: dict, slots=()):
    """The compiled module of ``entry`` when the replayed binding (``variables``, ``slots``) is
    the one the entry was written with and the machine code is in memory or on disk; None
    otherwise (the caller takes the miss path)."""
    if binding_text(variables, slots) != entry.binding:
        return None
    compiled = find_structure(entry.structure_key)
    if compiled is None:
        return None
    _hits["hits"] += 1
    return compiled.module
