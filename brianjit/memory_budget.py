"""The memory budget: how many bytes brianjit may still allocate, shared with native code.

Linux overcommits: ``malloc`` of far more memory than exists succeeds, and the process is killed
by the OOM killer later, when the pages are touched (``connect(p=1)`` on 10**6 x 10**6 neurons,
a SpikeMonitor that records without end). So every allocation of C memory is checked against a
budget first, and one that does not fit fails cleanly: a ``MemoryError`` in Python, a failed
growth (status 1, then a ``MemoryError`` naming the array) in native code.

The budget is one ``int64`` in C memory, the *room*: bytes that may still be allocated. Every
DynamicArray header points to it (docs/CONTRACTS.md), so native growth reads and updates it with
no global symbol and no address in the IR; Python's allocations and frees update it too. It is
recomputed from the system by :func:`refresh` (between native chunks, before one-off kernels, and
before Python allocations when older than ``_REFRESH_SECONDS``) as the least of

- ``MemAvailable + SwapFree`` from ``/proc/meminfo``,
- the room left under the process's memory cgroup limits (v1 or v2, every level up to the root;
  reclaimable page cache counts as free),
- the room left in the address space under ``RLIMIT_AS`` (then ``malloc`` fails by itself, but
  later and without saying what was being allocated),

less a headroom for the interpreter and numpy's copies. The first two count only memory that has
been touched, and ours is not, until written: a monitor reserves room for the whole run at once,
and the kernel hands out its pages as they are written. So the bytes brianjit holds beyond the
process's resident size (``live_bytes - RSS``: a lower bound of what is allocated but untouched)
are promised already and are taken off both. Users replace the automatic estimate with
:func:`set_memory_limit` (or the ``BRIANJIT_MEMORY_LIMIT`` environment variable): a fixed limit
on brianjit's own C memory, or no limit at all.

Reading the files costs ~30 us; a refresh at most every 50 ms costs nothing measurable. Between
refreshes the room only follows brianjit's own allocations, so memory that other code takes in
that time is seen at the next refresh. The updates are plain loads and stores: approximate if
two threads allocate at once, never unsafe.
"""
from __future__ import annotations

import ctypes
import functools
import math
import os
import re
import time

from .c_runtime import c_function

__all__ = ["set_memory_limit", "get_memory_limit", "room", "refresh", "charge", "give_back",
           "adopt", "release", "budget_address", "describe_room", "parse_size", "refresh_if_stale"]

_REFRESH_SECONDS = 0.05
_HEADROOM_FIXED = 64 << 20  # bytes kept free for the interpreter, numpy's copies, LLVM
_HEADROOM_SHARE = 32  # ... plus 1/32 of what is available
_UNLIMITED = (1 << 63) - 1

_calloc = c_function("calloc", ctypes.c_void_p, [ctypes.c_size_t, ctypes.c_size_t])
#: the room itself: allocated once and never freed (native code may hold its address)
_ROOM = ctypes.c_int64.from_address(_calloc(1, 8))


class _State:
    limit = None  # None: automatic; an int: bytes of brianjit's C memory; math.inf: unlimited
    limit_read = False  # whether BRIANJIT_MEMORY_LIMIT was read
    refreshed = -math.inf  # time.monotonic() of the last refresh
    live_bytes = 0  # bytes of C memory brianjit's Python side owns now
    last_source = "not measured yet"


def parse_size(text: str):
    """``"8G"``, ``"512 MiB"``, ``"1000000"`` (bytes), ``"unlimited"`` or ``"auto"`` as a
    :func:`set_memory_limit` argument (K, M, G, T are powers of 1024)."""
    value = text.strip().lower()
    if value in ("auto", "automatic", ""):
        return None
    if value in ("unlimited", "none", "off", "inf"):
        return math.inf
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?", value)
    if match is None:
        raise ValueError(f"memory limit {text!r} is not a size: use bytes, e.g. '8G', "
                         f"'512M', '1000000', or 'unlimited' or 'auto'")
    return int(float(match.group(1)) * 1024 ** " kmgt".index(match.group(2) or " "))


def set_memory_limit(limit=None) -> None:
    """Replace the automatic memory check.

    ``None``: automatic (the default): allocations must fit in the memory the system, the memory
    cgroup and the address-space limit have left. An integer: brianjit's own C memory (state,
    synapses, recordings) may grow to ``limit`` bytes, whatever the system says (e.g. on a machine
    whose swap the automatic check ignores). ``math.inf`` or ``"unlimited"``: no check (an
    allocation beyond the memory that exists may then end in the OOM killer). A string is read
    by :func:`parse_size`."""
    if isinstance(limit, str):
        limit = parse_size(limit)
    elif limit is not None and limit != math.inf:
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
            raise ValueError(f"memory limit must be None, a number of bytes >= 0, 'unlimited' "
                             f"or math.inf, not {limit!r}")
    _State.limit, _State.limit_read = limit, True
    refresh()


def get_memory_limit():
    """The limit :func:`set_memory_limit` set (None: automatic)."""
    _read_environment()
    return _State.limit


def _read_environment() -> None:
    if not _State.limit_read:
        _State.limit_read = True
        text = os.environ.get("BRIANJIT_MEMORY_LIMIT")
        if text is not None:
            _State.limit = parse_size(text)


def budget_address() -> int:
    """Address of the room (``int64``), which DynamicArray headers point to."""
    return ctypes.addressof(_ROOM)


def refresh_if_stale() -> None:
    """:func:`refresh` unless that was done in the last ``_REFRESH_SECONDS`` (before native
    calls: between chunks, before one-off kernels)."""
    if time.monotonic() - _State.refreshed > _REFRESH_SECONDS:
        refresh()


def room() -> int:
    """Bytes that may still be allocated (refreshed if stale)."""
    refresh_if_stale()
    return _ROOM.value


def refresh() -> None:
    """Recompute the room from the system (or the user's limit) and brianjit's live memory."""
    _read_environment()
    limit = _State.limit
    if limit is None:
        available, _State.last_source = _system_room()
        headroom = _HEADROOM_FIXED + available // _HEADROOM_SHARE
        value = available - headroom
    elif limit == math.inf:
        value, _State.last_source = _UNLIMITED, "no limit (set_memory_limit('unlimited'))"
    else:
        value = limit - _State.live_bytes
        _State.last_source = (f"the limit of {limit} bytes set by set_memory_limit or "
                              f"BRIANJIT_MEMORY_LIMIT")
    _ROOM.value = max(0, min(value, _UNLIMITED))
    _State.refreshed = time.monotonic()


# The room's bookkeeping: native growth takes bytes from the room when it allocates and gives
# them back when it frees a buffer it allocated; Python does the same through these functions,
# and counts the blocks it owns (adopted native buffers included) in ``live_bytes``.

def charge(nbytes: int, what: str) -> None:
    """Take ``nbytes`` from the room before a Python allocation, or raise MemoryError naming
    ``what`` was to be allocated."""
    if nbytes > _ROOM.value or time.monotonic() - _State.refreshed > _REFRESH_SECONDS:
        refresh()  # memory freed since the last refresh counts
        if nbytes > _ROOM.value:
            raise MemoryError(f"{what}: {nbytes} bytes do not fit in the memory left "
                              f"({describe_room()})")
    _ROOM.value -= nbytes


def give_back(nbytes: int, _room=_ROOM) -> None:
    """Return bytes taken from the room that no block holds (a failed allocation, a native
    buffer freed before Python adopted it)."""
    _room.value += nbytes


def adopt(nbytes: int) -> None:
    """Count a block as owned by Python (its bytes were taken from the room already)."""
    _State.live_bytes += nbytes


def release(nbytes: int, _room=_ROOM, _state=_State) -> None:
    """A block Python owned was freed (called from finalizers: nothing allocated here)."""
    _room.value += nbytes
    _state.live_bytes -= nbytes


def describe_room() -> str:
    """The room and where it comes from, for error messages."""
    return f"{_ROOM.value} bytes may still be allocated, from {_State.last_source}; " \
           f"brianjit.set_memory_limit() changes the check"


# --- what the system has left --------------------------------------------------------------------

def _system_room() -> tuple[int, str]:
    promised = max(0, _State.live_bytes - _resident_bytes())
    candidates = [(c[0] - promised, c[1]) for c in (_meminfo_room(), _cgroup_room())
                  if c is not None]
    candidates += [c for c in (_address_space_room(),) if c is not None]
    if not candidates:
        return _UNLIMITED, "no memory information (no /proc/meminfo)"
    return min(candidates)


def _resident_bytes() -> int:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _read_int(path: str):
    try:
        with open(path) as f:
            text = f.read().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def _meminfo_room():
    try:
        with open("/proc/meminfo", "rb") as f:
            text = f.read()
    except OSError:
        return None
    kb = 0
    for key in (b"MemAvailable:", b"SwapFree:"):
        at = text.find(key)
        if at < 0:
            if key == b"MemAvailable:":
                return None
            continue
        try:
            kb += int(text[at + len(key):text.index(b"kB", at)])
        except ValueError:
            return None
    return kb * 1024, "MemAvailable + SwapFree in /proc/meminfo"


def _stat_value(path: str, key: str) -> int:
    try:
        with open(path) as f:
            for line in f:
                name, _, value = line.partition(" ")
                if name == key:
                    return int(value)
    except (OSError, ValueError):
        pass
    return 0


@functools.lru_cache(maxsize=1)
def _limited_cgroups() -> tuple:
    """(directory, limit file, usage file, reclaimable key in memory.stat) of every level of the
    process's memory cgroups (v1 or v2, up to the root) that has a limit. Found once: limits are
    set when a container or job starts; usage is read at every refresh."""
    try:
        with open("/proc/self/cgroup") as f:
            lines = [line.rstrip("\n").split(":", 2) for line in f]
    except OSError:
        return ()
    found = []
    for hierarchy, controllers, path in (x for x in lines if len(x) == 3):
        if hierarchy == "0" and controllers == "":
            files = ("/sys/fs/cgroup", "memory.max", "memory.current", "inactive_file")
        elif "memory" in controllers.split(","):
            files = ("/sys/fs/cgroup/memory", "memory.limit_in_bytes", "memory.usage_in_bytes",
                     "total_inactive_file")
        else:
            continue
        root, limit_name, usage_name, cache_key = files
        parts = [p for p in path.split("/") if p]
        for depth in range(len(parts), -1, -1):
            directory = os.path.join(root, *parts[:depth])
            limit = _read_int(os.path.join(directory, limit_name))
            if limit is not None and limit < _UNLIMITED // 2:
                found.append((directory, limit_name, usage_name, cache_key))
    return tuple(found)


def _cgroup_room():
    """The least room under the memory limits of the process's cgroup and its ancestors."""
    best = None
    for directory, limit_name, usage_name, cache_key in _limited_cgroups():
        limit, usage = (_read_int(os.path.join(directory, limit_name)),
                        _read_int(os.path.join(directory, usage_name)))
        if limit is None or usage is None:
            continue
        reclaimable = _stat_value(os.path.join(directory, "memory.stat"), cache_key)
        left = (max(0, limit - max(0, usage - reclaimable)),
                f"the memory cgroup limit of {limit} bytes ({directory})")
        best = left if best is None or left[0] < best[0] else best
    return best


def _address_space_room():
    try:
        import resource   # POSIX only
    except ImportError:
        return None
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY:
        return None
    try:
        with open("/proc/self/statm") as f:
            used = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None
    return max(0, soft - used), f"the address-space limit RLIMIT_AS of {soft} bytes"
