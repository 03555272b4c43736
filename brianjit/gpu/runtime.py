"""The device runtime: a network's arrays on the device, run chunk by chunk through a DriverApi.

The program's driver has the CPU driver's signature, ``driver(table, start, stop) -> status``,
so ``Network`` and its ``Stepper`` run it unchanged. One call (a chunk of steps):

1. uploads every array of the slot table: a device buffer of the host array's capacity (kept
   between chunks, replaced when the host array outgrew it), its rows in use, and a device copy
   of its 80-byte header pointing at that buffer (``docs/CONTRACTS.md``), whose ``budget``
   points at the device's room (the process's room, ``memory_budget``, at most
   ``DriverApi.heap_bytes``); the device slot table holds the device headers' addresses; the
   control block (``gpu.control``) gets status 0 and the chunk's first step as its base;
2. runs the steps: CUDA graphs of up to 64 steps replayed, or one launch per kernel per step
   where the driver has no graphs (``gpu.replay``), then waits for them;
3. reads every device header back and copies the rows in use into the host DynamicArrays (grown
   there as needed), with the ``refused`` rows of a failed growth, and returns the first
   non-zero status of the chunk (read from the control block). A buffer a kernel grew
   on the device (PTX ``malloc``: the device heap, which the driver's copies may not read) is
   first copied into a buffer of the driver's by the ``HEAP_COPY`` entry and freed by
   ``HEAP_FREE`` (``gpu.lowering``), so the device heap holds nothing between chunks.

Users keep seeing the host arrays and their zero-copy views; between chunks the device holds no
state Python could miss. The upload of every array each chunk is simple and costs bandwidth
(the next step: upload only what Python may have written). A kernel's failure (status) makes
every later launch of the chunk return at once (``gpu.control``), so the chunk stops where the
CPU's driver stops, with the CPU's state, and the run ends with the same error.
"""
from __future__ import annotations

import ctypes

from .. import memory_budget
from ..memory_blocks import Header
from .control import ADVANCE, Control
from .lowering import HEAP_COPY, HEAP_FREE, plan_launches
from .replay import choose_replay

__all__ = ["DeviceProgram"]

_HEADER_BYTES = ctypes.sizeof(Header)
_ENTRY_ARGS = (ctypes.c_void_p, ctypes.c_int64, ctypes.c_void_p)
_COPY_ARGS = (ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64)
_ADVANCE_ARGS = (ctypes.c_void_p, ctypes.c_int64)
_CONTROL_BYTES = ctypes.sizeof(Control)
#: threads of a ``HEAP_COPY`` launch (each copies every 65536th byte)
_COPY_THREADS = 1 << 16


class _DeviceArray:
    """The device side of one host DynamicArray: its buffer and its header."""

    def __init__(self, api):
        self.api = api
        self.header = api.alloc(_HEADER_BYTES)
        #: the device buffer and its size in bytes (rows differ if the host changed columns)
        self.buffer, self.nbytes = 0, 0

    def upload(self, array, room_address):
        array.sync()
        host = Header.from_address(array.header_address)
        if host.capacity * host.rowbytes > self.nbytes or not self.buffer:
            if self.buffer:
                self.api.free(self.buffer)
            self.nbytes = max(host.capacity * host.rowbytes, host.rowbytes, 1)
            self.buffer = self.api.alloc(self.nbytes)
        if host.size:
            self.api.to_device(self.buffer, host.data, host.size * host.rowbytes)
        mirror = Header.from_buffer_copy(host)
        mirror.data = mirror.pinned = self.buffer
        mirror.capacity = self.nbytes // host.rowbytes if host.rowbytes else host.capacity
        mirror.budget = room_address
        mirror.refused = 0
        self.api.to_device(self.header, ctypes.addressof(mirror), _HEADER_BYTES)

    def download(self, array, heap):
        mirror = Header()
        self.api.to_host(ctypes.addressof(mirror), self.header, _HEADER_BYTES)
        if mirror.data != self.buffer:
            self._adopt_grown(mirror, heap)
        host = Header.from_address(array.header_address)
        if mirror.size > host.capacity:
            array.reserve(mirror.size)
            host = Header.from_address(array.header_address)
        if mirror.size:
            self.api.to_host(host.data, mirror.data, mirror.size * mirror.rowbytes)
        host.size = mirror.size  # the rows were just written (Python may grow ``size``)
        host.refused = mirror.refused

    def _adopt_grown(self, mirror, heap):
        """Move the buffer a kernel grew on the device heap into one of the driver's."""
        copy, free = heap
        buffer = self.api.alloc(mirror.capacity * mirror.rowbytes)
        nbytes = mirror.size * mirror.rowbytes
        self.api.launch(copy, min(max(nbytes, 1), _COPY_THREADS), ctypes.c_void_p(buffer),
                        ctypes.c_void_p(mirror.data), ctypes.c_int64(nbytes))
        self.api.launch(free, 1, ctypes.c_void_p(mirror.data))
        self.api.synchronize()
        self.api.free(self.buffer)
        self.buffer, self.nbytes = buffer, mirror.capacity * mirror.rowbytes
        mirror.data = buffer

    def release(self):
        if self.buffer:
            self.api.free(self.buffer)
        self.api.free(self.header)


class DeviceProgram:
    """A network built for a device: call it as the CPU driver is called. ``graphs``: replay
    CUDA graphs where the driver has them (``gpu.replay.choose_replay``); ``replay`` is the
    way chosen."""

    def __init__(self, api, module, launches, slots, graphs=True):
        self.api, self.module, self.slots = api, module, slots
        functions = [(module.function(launch.name, _ENTRY_ARGS), launch) for launch in launches]
        advance = module.function(ADVANCE, _ADVANCE_ARGS)
        self.replay = choose_replay(api, graphs)(api, functions, advance)
        self.heap = (module.function(HEAP_COPY, _COPY_ARGS),
                     module.function(HEAP_FREE, (ctypes.c_void_p,)))
        self.arrays = []
        self.table = api.alloc(8)
        self.table_slots = 0
        self.control = api.alloc(_CONTROL_BYTES)
        self.room = api.alloc(8)

    @classmethod
    def build(cls, api, scheduled, slots, lowering_context=None, graphs=True):
        module = api.load(scheduled, lowering_context)
        program = cls(api, module, plan_launches(scheduled), slots, graphs)
        return program, getattr(module, "compiled", module)

    def __call__(self, table, start, stop):
        self._upload(start)
        self.replay.run(self.table, self.control, start, stop)
        self.api.synchronize()
        self._download()
        control = Control()
        self.api.to_host(ctypes.addressof(control), self.control, _CONTROL_BYTES)
        return control.status

    def _upload(self, start):
        api, arrays = self.api, self.slots.arrays
        while len(self.arrays) < len(arrays):
            self.arrays.append(_DeviceArray(api))
        if self.table_slots < len(arrays):
            api.free(self.table)
            self.table = api.alloc(8 * len(arrays))
            self.table_slots = len(arrays)
        addresses = (ctypes.c_uint64 * max(len(arrays), 1))(*(d.header for d in self.arrays))
        api.to_device(self.table, ctypes.addressof(addresses), 8 * len(arrays))
        room = ctypes.c_int64(self._room())
        api.to_device(self.room, ctypes.addressof(room), 8)
        control = Control(status=0, base=start)
        api.to_device(self.control, ctypes.addressof(control), _CONTROL_BYTES)
        for device, array in zip(self.arrays, arrays):
            device.upload(array, self.room)

    def _room(self):
        """Bytes native growth may take on the device this chunk: the process's room (what
        the host may still allocate, since grown rows are copied into host arrays at the
        chunk's end; ``memory_budget``), at most the device heap's."""
        return min(memory_budget.room(), self.api.heap_bytes)

    def _download(self):
        for device, array in zip(self.arrays, self.slots.arrays):
            device.download(array, self.heap)

    def __del__(self):
        replay = getattr(self, "replay", None)
        if replay is not None:
            replay.release()
        for device in getattr(self, "arrays", ()):
            device.release()
        for name in ("table", "control", "room"):
            if getattr(self, name, None):
                self.api.free(getattr(self, name))
