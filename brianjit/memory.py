"""DynamicArray: a growable 1D or 2D array whose buffer lives in C memory.

Native kernels append to monitors, create synapses and grow spike queues *inside* one call, so the
arrays they touch cannot live on the Python heap: each array has an 80-byte header in C memory
(layout in docs/CONTRACTS.md) whose address native code receives, and a buffer obtained from the
process's own libc (``calloc``/``free`` through ctypes; no compiled extension): the blocks of
:mod:`brianjit.memory_blocks`.

Every allocation is checked first against the process's memory budget
(:mod:`brianjit.memory_budget`), which native growth respects too: memory that is not there is
refused with a ``MemoryError`` instead of being promised by an overcommitting ``malloc``. An array
may also have a row limit (``max_rows``: 32-bit indices, for instance), which Python and native
growth both enforce. A failed native growth leaves the array unchanged and records the rows it
asked for (``refused``), so :func:`growth_failure` can say what could not grow and why.

Ownership, in one paragraph: every block this module allocates (headers and buffers) is a
:class:`~brianjit.memory_blocks.CBlock` that frees itself when its last Python reference dies
(reference counting, not the garbage collector's timing or order). numpy views handed out by
:attr:`DynamicArray.data` keep their block alive through their ``base``, so growing an array
retires the old buffer instead of freeing it, and a stale view still reads its old contents. Native code
grows an array by ``malloc``/copy, freeing the old buffer only if it is not the one Python wrapped
(``pinned``); :meth:`DynamicArray.sync` (called implicitly by every method) adopts the new buffer.
"""
from __future__ import annotations

import ctypes
import math
import operator

import numpy as np

from . import memory_budget
from .memory_blocks import CBlock, Header, HeaderBlock, live_buffers

__all__ = ["DynamicArray", "live_buffers", "growth_failure", "MAX_ROWS", "MAX_BYTES"]

#: Upper bound on rows and on bytes of one buffer; larger requests are refused as bad input
#: (native growth refuses them too, see ``brianjit.codegen.dynarray``).
MAX_ROWS = 1 << 62
MAX_BYTES = 1 << 62

_ALLOWED_KINDS = "biuf"  # booleans, signed and unsigned integers, floats


def _count(value, what: str) -> int:
    """``value`` as a non-negative row/column count, or a clear exception."""
    try:
        n = operator.index(value)
    except TypeError:
        raise TypeError(f"DynamicArray: {what} must be an integer, got {value!r}") from None
    if n < 0:
        raise ValueError(f"DynamicArray: {what} must be >= 0, got {n}")
    if n > MAX_ROWS:
        raise ValueError(f"DynamicArray: {what} {n} exceeds the limit of {MAX_ROWS}")
    return n


def _checked_dtype(dtype) -> np.dtype:
    try:
        dt = np.dtype(dtype)
    except TypeError as exc:
        raise TypeError(f"DynamicArray: {dtype!r} is not a numpy dtype ({exc})") from None
    if dt.kind not in _ALLOWED_KINDS or dt.fields is not None or dt.subdtype is not None:
        raise TypeError(f"DynamicArray: dtype {dt} is not supported "
                        "(only booleans, integers and floats)")
    return dt


def _checked_factor(factor) -> float:
    try:
        f = float(factor)
    except (TypeError, ValueError):
        raise TypeError(f"DynamicArray: factor must be a number, got {factor!r}") from None
    if not (1.0 < f <= 16.0):
        raise ValueError(f"DynamicArray: growth factor must be in (1, 16], got {factor!r}")
    return f


def _nbytes(rows: int, rowbytes: int) -> int:
    """Bytes of ``rows`` rows, or ValueError past :data:`MAX_BYTES`."""
    n = rows * rowbytes
    if n > MAX_BYTES:
        raise ValueError(f"DynamicArray: {rows} rows of {rowbytes} bytes exceed the limit of "
                         f"{MAX_BYTES} bytes")
    return n


def _grown_capacity(capacity: int, needed: int, factor: float, rowbytes: int, max_rows: int,
                    room: int) -> int:
    """The capacity after growing past ``capacity`` to hold ``needed`` rows (which the caller
    checked to fit): ``factor`` times larger (rounded up; native growth computes it with the same
    floating-point operations), or just ``needed`` when that is more. When the larger buffer
    would exceed the array's row limit, the byte limit or the memory budget's ``room``, half of
    the rows that still fit beyond ``needed``: growing by ``needed`` alone near the limit made
    every append copy the whole array (a connect() close to the limit took minutes)."""
    by_factor = math.ceil(float(capacity) * factor)
    if by_factor <= needed:
        return needed
    if by_factor <= max_rows and by_factor * rowbytes <= MAX_BYTES and by_factor * rowbytes <= room:
        return by_factor
    divisor = rowbytes or 1
    fitting = min(max_rows, MAX_ROWS, MAX_BYTES // divisor, max(room, 0) // divisor)
    return min(needed + max(fitting - needed, 0) // 2, by_factor)


def growth_failure(arrays) -> Exception:
    """The exception for a native call that returned status 1 (a growth failed): a
    ``ValueError`` if an array would have passed its row limit, else a ``MemoryError`` naming
    the array and the memory left. Clears the arrays' failure records."""
    found = None
    for array in arrays:
        failure = array._take_failure()
        if failure is not None and found is None:
            found = failure
    return found or MemoryError(f"native code ran out of memory ({memory_budget.describe_room()})")


class DynamicArray:
    """A 1D (``shape=n``) or 2D (``shape=(rows, cols)``) array in C memory whose rows can grow.

    :attr:`data` is a writable zero-copy numpy view of the rows in use; new rows are zero.
    ``header_address`` is what native code receives. Columns of a 2D array are fixed unless
    :meth:`resize` is given a new ``(rows, cols)`` shape, which copies."""

    def __init__(self, shape, dtype=np.float64, factor=1.5, *, max_rows=None, label=None,
                 limit_reason=None):
        """``max_rows`` limits the rows (growth beyond is refused: ``ValueError``, and a failed
        native growth); ``label`` names the array in errors (e.g. ``"spikemonitor.i"``) and
        ``limit_reason`` says why the limit exists."""
        self._label = label or "DynamicArray"
        self._limit_reason = limit_reason
        self._dtype = _checked_dtype(dtype)
        self._factor = _checked_factor(factor)
        self._max_rows = MAX_ROWS if max_rows is None else _count(max_rows, "max_rows")
        if isinstance(shape, tuple):
            if len(shape) != 2:
                raise ValueError(f"DynamicArray: shape must be n or (rows, cols), got {shape!r}")
            rows, ncols = self._rows(shape[0]), _count(shape[1], "columns")
            self._ndim = 2
        else:
            rows, ncols = self._rows(shape, "size"), 1
            self._ndim = 1
        rowbytes = ncols * self._dtype.itemsize
        nbytes = _nbytes(rows, rowbytes)
        self._header_block = HeaderBlock.allocate(ctypes.sizeof(Header), self._label)
        self._header = Header.from_address(self._header_block.address)
        self._header.factor = self._factor
        self._header.max_rows = self._max_rows
        self._header.budget = memory_budget.budget_address()
        self._set_layout(ncols)
        self._install(CBlock.allocate(nbytes, self._label), rows)
        self._header.size = rows

    def __reduce__(self):
        """Pickled as its rows in use (a copy) and its settings: unpickling allocates new C
        memory, so a pickled group carries its values, never an address."""
        return (_unpickled, (self.shape if self._ndim == 2 else len(self), self._dtype.str,
                             self._factor, self._max_rows, self._label, self._limit_reason,
                             np.array(self.data)))

    def _rows(self, value, what="rows") -> int:
        """``value`` as a row count within this array's limit."""
        rows = _count(value, what)
        if rows > self._max_rows:
            raise ValueError(self._limit_message(rows))
        return rows

    def _limit_message(self, rows: int) -> str:
        reason = f" ({self._limit_reason})" if self._limit_reason else ""
        return (f"{self._label}: {rows} rows exceed the limit of {self._max_rows} rows"
                f"{reason}")

    def _take_failure(self):
        """The exception for this array's last refused native growth (None if none); clears it."""
        h = self._header
        rows, h.refused = h.refused, 0
        if not rows:
            return None
        if not 0 < rows <= MAX_ROWS:
            return ValueError(f"{self._label}: native code asked for an impossible number of "
                              f"rows ({rows & (2**64 - 1)}); the array is unchanged")
        if rows > self._max_rows:
            return ValueError(self._limit_message(rows))
        return MemoryError(f"{self._label}: could not grow to {rows} rows "
                           f"({rows * h.rowbytes} bytes) in native code; "
                           f"{memory_budget.describe_room()}")

    # --- header and buffer bookkeeping -------------------------------------------------------

    def _set_layout(self, ncols: int) -> None:
        self._ncols = ncols
        self._rowbytes = ncols * self._dtype.itemsize
        self._header.ncols = ncols
        self._header.rowbytes = self._rowbytes

    def _install(self, block: CBlock, capacity: int) -> None:
        """Make ``block`` (holding ``capacity`` rows) the current, pinned buffer."""
        h = self._header
        self._block = block
        full = np.asarray(block).view(self._dtype)
        self._full = full.reshape(capacity, self._ncols) if self._ndim == 2 else full
        h.data = h.pinned = block.address
        h.capacity = capacity

    def _reallocate(self, capacity: int, keep: int) -> None:
        """Move the first ``keep`` rows into a new zeroed buffer of ``capacity`` rows; the old
        buffer is retired (freed when its last view dies)."""
        rowbytes = self._header.rowbytes
        block = CBlock.allocate(_nbytes(capacity, rowbytes), self._label)
        ctypes.memmove(block.address, self._block.address, keep * rowbytes)
        self._install(block, capacity)

    def sync(self) -> None:
        """Adopt a buffer that native code installed in the header (contract: wrap the new
        ``data``, pin it, drop the old buffer). Every method calls this first, so calling it
        explicitly after a native call is optional."""
        h = self._header
        adopted = h.data != self._block.address
        if not h.data or not (0 <= h.size <= h.capacity <= self._max_rows) \
                or h.rowbytes != self._rowbytes or h.ncols != self._ncols \
                or (not adopted and h.capacity != self._full.shape[0]):
            raise RuntimeError(
                f"DynamicArray: inconsistent header at {self.header_address:#x} after native code"
                f" (data={h.data}, size={h.size}, capacity={h.capacity}, rowbytes={h.rowbytes},"
                f" ncols={h.ncols})")
        if adopted:
            self._install(CBlock(h.data, h.capacity * h.rowbytes), h.capacity)

    # --- read access ---------------------------------------------------------------------------

    @property
    def header_address(self) -> int:
        """Address of the 64-byte header that native code reads and grows."""
        return self._header_block.address

    @property
    def data(self) -> np.ndarray:
        """Writable zero-copy view of the rows in use. It stays valid memory after the array
        grows, but then no longer sees the array (take a new one)."""
        self.sync()
        return self._full[:self._header.size]

    @property
    def dtype(self) -> np.dtype:
        return self._dtype

    @property
    def factor(self) -> float:
        return self._factor

    @property
    def ndim(self) -> int:
        return self._ndim

    @property
    def shape(self) -> tuple:
        self.sync()
        size = self._header.size
        return (size, self._ncols) if self._ndim == 2 else (size,)

    @property
    def max_rows(self) -> int:
        """The most rows this array may hold."""
        return self._max_rows

    @property
    def label(self) -> str:
        return self._label

    @property
    def capacity(self) -> int:
        """Rows allocated."""
        self.sync()
        return self._header.capacity

    def __len__(self) -> int:
        self.sync()
        return self._header.size

    def __getitem__(self, item):
        return self.data[item]

    def __setitem__(self, item, value):
        self.data[item] = value

    def __array__(self, dtype=None, copy=None):
        view = self.data
        if copy:
            view = view.copy()
        return view if dtype is None else view.astype(dtype, copy=bool(copy))

    def __repr__(self) -> str:
        return (f"DynamicArray(shape={self.shape}, dtype={self._dtype}, capacity={self.capacity}, "
                f"factor={self._factor})")

    # --- changing the size ---------------------------------------------------------------------

    def _shape_arg(self, newshape) -> tuple[int, int]:
        """(rows, cols) from an int (rows) or, for 2D arrays, a (rows, cols) tuple."""
        if isinstance(newshape, tuple):
            if self._ndim != 2 or len(newshape) != 2:
                raise ValueError(f"DynamicArray: shape {newshape!r} does not fit a "
                                 f"{self._ndim}D array")
            return self._rows(newshape[0]), _count(newshape[1], "columns")
        return self._rows(newshape, "size"), self._ncols

    def reserve(self, rows: int) -> None:
        """Make room for ``rows`` rows without changing the length, so that appends up to there
        (native ones included) need no growth."""
        self.sync()
        rows = self._rows(rows)
        h = self._header
        _nbytes(rows, h.rowbytes)
        if rows > h.capacity:
            self._reallocate(rows, keep=h.size)

    def resize(self, newshape) -> None:
        """Set the number of rows (or, for 2D, ``(rows, cols)``). Growing past the capacity
        reallocates to at least ``factor`` times the capacity; shrinking keeps the capacity.
        New elements are zero."""
        self.sync()
        rows, ncols = self._shape_arg(newshape)
        h = self._header
        if ncols != self._ncols:
            self._change_columns(rows, ncols)
            return
        _nbytes(rows, h.rowbytes)
        size = h.size
        if rows > h.capacity:
            self._reallocate(_grown_capacity(h.capacity, rows, self._factor, h.rowbytes,
                                             self._max_rows, memory_budget.room()), keep=size)
        elif rows > size:
            self._full[size:rows] = 0  # native growth leaves rows past ``size`` uninitialised
        h.size = rows

    def _change_columns(self, rows: int, ncols: int) -> None:
        """Copy into a new buffer of exactly ``rows`` x ``ncols``: the common block is kept, the
        rest is zero."""
        h = self._header
        old, keep = self._full, min(h.size, rows)
        new_rowbytes = ncols * self._dtype.itemsize
        block = CBlock.allocate(_nbytes(rows, new_rowbytes), self._label)
        self._set_layout(ncols)
        self._install(block, rows)
        common = min(old.shape[1], ncols)
        self._full[:keep, :common] = old[:keep, :common]
        h.size = rows

    def shrink(self, newshape) -> None:
        """Reduce to ``newshape`` rows (no more than now) and release the spare capacity."""
        self.sync()
        rows, ncols = self._shape_arg(newshape)
        h = self._header
        if ncols != self._ncols:
            raise ValueError("DynamicArray.shrink cannot change the columns; use resize")
        if rows > h.size:
            raise ValueError(f"DynamicArray.shrink: {rows} rows is more than the {h.size} in use")
        self._reallocate(rows, keep=rows)
        h.size = rows

    def _row_values(self, values, leading: tuple) -> np.ndarray:
        """``values`` as an array of shape ``leading + row shape``, checked before any change."""
        row_shape = (self._ncols,) if self._ndim == 2 else ()
        arr = np.asarray(values, dtype=self._dtype)
        try:
            return np.broadcast_to(arr, leading + row_shape)
        except ValueError:
            raise ValueError(f"DynamicArray: values of shape {arr.shape} do not fit rows of "
                             f"shape {row_shape}") from None

    def append(self, value) -> None:
        """Add one row (1D: one element) at the end."""
        row = self._row_values(value, ())
        n = len(self)
        self.resize(n + 1)
        self._full[n] = row

    def extend(self, values) -> None:
        """Add rows at the end (1D: a sequence of elements; 2D: a sequence of rows)."""
        arr = np.asarray(values, dtype=self._dtype)
        if arr.ndim != self._ndim:
            raise ValueError(f"DynamicArray.extend: expected a {self._ndim}D sequence, "
                             f"got shape {arr.shape}")
        rows = self._row_values(arr, (arr.shape[0],))
        n = len(self)
        self.resize(n + rows.shape[0])
        self._full[n:n + rows.shape[0]] = rows


def _unpickled(shape, dtype, factor, max_rows, label, limit_reason, values):
    array = DynamicArray(shape, dtype, factor, max_rows=max_rows, label=label,
                         limit_reason=limit_reason)
    array.data[...] = values
    return array
