"""The driver layer: the CUDA driver through ctypes, and its twin on the host.

Both implement one small interface, :class:`DriverApi`, which is all the device runtime
(``gpu.runtime``) uses: ``load(scheduled)`` compiles the network's GPU form and returns a module
whose ``function(name, argtypes)`` is an entry (``argtypes``: its ctypes parameter types);
``launch(function, threads, *args)`` runs an entry on ``threads`` threads with ``args`` (ctypes
values); ``alloc``/``free``/``to_device``/``to_host`` manage and copy device
memory (addresses are ints); ``synchronize()`` waits for the launches. Where ``graphs`` is true,
``graph(launches)`` records a sequence of launches once (``(function, threads, args)`` each, run
in this order; the argument values are copied), ``launch_graph(graph)`` replays it with one
call and ``release_graph(graph)`` frees it.

:class:`CudaApi` finds the driver library portably (``libcuda.so.1`` on Linux, ``nvcuda.dll`` on
Windows), uses the first device's primary context, loads PTX with ``cuModuleLoadDataEx`` (the
driver JIT-compiles it: no CUDA toolkit) and reports failures with ``cuGetErrorString``. Where the
library, a device or a usable driver is missing, :meth:`CudaApi.open` raises
:class:`GpuUnavailableError` saying which. :class:`HostApi` allocates C memory, copies with
``memmove`` and launches the host form of the same kernels (``gpu.lowering``, target "host"), so
the device runtime is tested in CI without a GPU; its graphs are the recorded launches, replayed
in order (``HostApi(graphs=False)`` has none, as an older driver). :class:`CudaApi` builds a graph
explicitly (``cuGraphCreate``, one ``cuGraphAddKernelNode`` per launch depending on the one
before, ``cuGraphInstantiateWithFlags``) and replays it with ``cuGraphLaunch``; a driver
without those calls (older than CUDA 11.4) has ``graphs`` false and ``missing_graph_calls``
names what it lacks.
"""
from __future__ import annotations

import ctypes
import os

from ..c_runtime import c_function

__all__ = ["DriverApi", "CudaApi", "HostApi", "GpuUnavailableError", "CudaError"]


class GpuUnavailableError(RuntimeError):
    """No usable NVIDIA GPU: the message says what is missing (library, device, driver)."""


class CudaError(RuntimeError):
    """A CUDA driver call failed (the message names the call and the driver's explanation)."""


class DriverApi:
    """The interface of the device runtime (see the module docstring)."""

    #: bytes native code may allocate on the device heap (dynamic-array growth)
    heap_bytes = 0
    #: whether :meth:`graph`, :meth:`launch_graph` and :meth:`release_graph` are available
    graphs = False
    #: where ``graphs`` is false, what is missing (the driver's calls)
    missing_graph_calls = ("graph calls",)

    def load(self, scheduled, lowering_context=None):
        raise NotImplementedError

    def launch(self, function, threads, *args):
        raise NotImplementedError

    def alloc(self, nbytes: int) -> int:
        raise NotImplementedError

    def free(self, address: int) -> None:
        raise NotImplementedError

    def to_device(self, device: int, host: int, nbytes: int) -> None:
        raise NotImplementedError

    def to_host(self, host: int, device: int, nbytes: int) -> None:
        raise NotImplementedError

    def synchronize(self) -> None:
        """Wait until every launch so far has finished."""

    def graph(self, launches):
        """``launches`` (``(function, threads, args)`` each) recorded to replay in this order."""
        raise NotImplementedError

    def launch_graph(self, graph) -> None:
        raise NotImplementedError

    def release_graph(self, graph) -> None:
        raise NotImplementedError


# -- the host twin ------------------------------------------------------------------------------

class _HostModule:
    def __init__(self, compiled):
        self.compiled = compiled

    def function(self, name, argtypes):
        return self.compiled.cfunc(name, None, *argtypes)


class HostApi(DriverApi):
    """Device memory is C memory, copies are ``memmove``, a launch calls the host form's entry
    (which loops over its threads)."""

    heap_bytes = 1 << 62

    def __init__(self, graphs: bool = True):
        self.graphs = graphs
        self.missing_graph_calls = () if graphs else ("HostApi(graphs=False)",)
        self._calloc = c_function("calloc", ctypes.c_void_p, [ctypes.c_size_t, ctypes.c_size_t])
        self._free = c_function("free", None, [ctypes.c_void_p])

    def __repr__(self):
        return "HostApi()" if self.graphs else "HostApi(graphs=False)"

    def load(self, scheduled, lowering_context=None):
        from .targets import compile_host_form
        compiled = compile_host_form(scheduled, lowering_context)
        return _HostModule(compiled)

    def launch(self, function, threads, *args):
        function(*args)

    def alloc(self, nbytes):
        address = self._calloc(max(nbytes, 1), 1)
        if not address:
            raise MemoryError(f"the host device could not allocate {nbytes} bytes")
        return address

    def free(self, address):
        self._free(address)

    def to_device(self, device, host, nbytes):
        ctypes.memmove(device, host, nbytes)

    def to_host(self, host, device, nbytes):
        ctypes.memmove(host, device, nbytes)

    def graph(self, launches):
        if not self.graphs:
            raise NotImplementedError("this HostApi was made without graphs")
        return [(function, tuple(type(a)(a.value) for a in args))
                for function, threads, args in launches]

    def launch_graph(self, graph):
        for function, args in graph:
            function(*args)

    def release_graph(self, graph):
        pass


# -- CUDA ---------------------------------------------------------------------------------------

_LIBRARIES = ("nvcuda.dll",) if os.name == "nt" else ("libcuda.so.1", "libcuda.so",
                                                       "libcuda.dylib")
_CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75
_CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76
_CU_LIMIT_MALLOC_HEAP_SIZE = 2
_CU_JIT_ERROR_LOG_BUFFER = 5
_CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES = 6
#: the newest architecture llvmlite's NVPTX back-end is asked for; newer GPUs JIT this PTX
_NEWEST_ARCH = 90
_BLOCK = 256
_HEAP_BYTES = 1 << 30
#: the graph calls besides adding a kernel node (``cuGraphAddKernelNode_v2``, CUDA 12, or
#: ``cuGraphAddKernelNode``: both read the fields of :class:`_KernelNodeParams` they know)
_GRAPH_CALLS = ("cuGraphCreate", "cuGraphInstantiateWithFlags", "cuGraphLaunch",
                "cuGraphExecDestroy", "cuGraphDestroy")
_ADD_KERNEL_NODE = ("cuGraphAddKernelNode_v2", "cuGraphAddKernelNode")


class _KernelNodeParams(ctypes.Structure):
    """``CUDA_KERNEL_NODE_PARAMS_v2``: the v1 fields, then ``kern`` and ``ctx`` (null here)."""

    _fields_ = [("func", ctypes.c_void_p),
                *((name, ctypes.c_uint) for name in ("gridDimX", "gridDimY", "gridDimZ",
                                                     "blockDimX", "blockDimY", "blockDimZ",
                                                     "sharedMemBytes")),
                ("kernelParams", ctypes.c_void_p), ("extra", ctypes.c_void_p),
                ("kern", ctypes.c_void_p), ("ctx", ctypes.c_void_p)]


def _geometry(threads):
    """(blocks, threads per block) of a launch of ``threads`` threads."""
    block = min(threads, _BLOCK)
    return (threads + block - 1) // block, block


def _parameters(args):
    """The ``void **`` of a launch: the address of each argument's value."""
    return (ctypes.c_void_p * len(args))(*(ctypes.addressof(a) for a in args))


def _find_library():
    tried = []
    for name in _LIBRARIES:
        try:
            return ctypes.CDLL(name)
        except OSError as error:
            tried.append(f"{name} ({error})")
    raise GpuUnavailableError(
        "no NVIDIA GPU driver: the CUDA driver library could not be loaded (tried "
        + "; ".join(tried) + "). Install the NVIDIA driver, or set prefs.brianjit.gpu = 'host' "
        "(or BRIANJIT_GPU=host) to check the model with the GPU kernels on the CPU")


class _CudaModule:
    def __init__(self, api, handle):
        self.api, self.handle = api, handle

    def function(self, name, argtypes):
        fn = ctypes.c_void_p()
        self.api._call("cuModuleGetFunction", ctypes.byref(fn), self.handle,
                       name.encode())
        return fn


class CudaApi(DriverApi):
    """The CUDA driver API through ctypes (first device, primary context)."""

    heap_bytes = _HEAP_BYTES

    def __init__(self, lib):
        self.lib = lib
        self._check_init()
        count = ctypes.c_int()
        self._call("cuDeviceGetCount", ctypes.byref(count))
        if count.value == 0:
            raise GpuUnavailableError("the NVIDIA driver is installed but reports no CUDA device")
        self.device = ctypes.c_int()
        self._call("cuDeviceGet", ctypes.byref(self.device), 0)
        major, minor = ctypes.c_int(), ctypes.c_int()
        self._call("cuDeviceGetAttribute", ctypes.byref(major),
                   _CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, self.device)
        self._call("cuDeviceGetAttribute", ctypes.byref(minor),
                   _CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, self.device)
        self.arch = f"sm_{min(major.value * 10 + minor.value, _NEWEST_ARCH)}"
        #: loaded modules by PTX key (see :meth:`load`); never unloaded, as MCJIT's code
        self._modules = {}
        self.context = ctypes.c_void_p()
        self._call("cuDevicePrimaryCtxRetain", ctypes.byref(self.context), self.device)
        self._call("cuCtxSetCurrent", self.context)
        self._call("cuCtxSetLimit", _CU_LIMIT_MALLOC_HEAP_SIZE, ctypes.c_size_t(_HEAP_BYTES))
        self._add_kernel_node = next((n for n in _ADD_KERNEL_NODE if hasattr(lib, n)), None)
        #: the graph calls this driver lacks (none: :attr:`graphs` is true)
        self.missing_graph_calls = tuple(n for n in _GRAPH_CALLS if not hasattr(lib, n)) + (
            () if self._add_kernel_node else (_ADD_KERNEL_NODE[-1],))
        self.graphs = not self.missing_graph_calls

    @classmethod
    def open(cls) -> "CudaApi":
        """The driver and its first device, or :class:`GpuUnavailableError` saying what is
        missing."""
        return cls(_find_library())

    def __repr__(self):
        return f"CudaApi(device 0, {self.arch})"

    def _check_init(self):
        try:
            status = self.lib.cuInit(0)
        except AttributeError:
            raise GpuUnavailableError("the CUDA driver library has no cuInit: not an NVIDIA "
                                      "driver") from None
        if status != 0:
            raise GpuUnavailableError(f"the NVIDIA driver could not start (cuInit: "
                                      f"{self._error_string(status)}); is a GPU present and "
                                      f"the driver loaded?")

    def _error_string(self, status):
        text = ctypes.c_char_p()
        if self.lib.cuGetErrorString(status, ctypes.byref(text)) == 0 and text.value:
            return f"{text.value.decode(errors='replace')} ({status})"
        return f"error {status}"

    def _call(self, name, *args):
        status = getattr(self.lib, name)(*args)
        if status != 0:
            raise CudaError(f"{name} failed: {self._error_string(status)}")

    def load(self, scheduled, lowering_context=None):
        """The module of ``scheduled``'s PTX (``gpu.ptx_cache``), loaded once per structure:
        networks of one structure share it (their state is in their own buffers)."""
        from .ptx_cache import ptx_for
        key, text = ptx_for(scheduled, self.arch, lowering_context)
        module = self._modules.get(key) if key is not None else None
        if module is None:
            module = self._load_ptx(text)
            if key is not None:
                self._modules[key] = module
        return module

    def _load_ptx(self, text):
        ptx = text.encode() + b"\0"
        log = ctypes.create_string_buffer(16384)
        options = (ctypes.c_int * 2)(_CU_JIT_ERROR_LOG_BUFFER, _CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES)
        values = (ctypes.c_void_p * 2)(ctypes.addressof(log), len(log))
        handle = ctypes.c_void_p()
        status = self.lib.cuModuleLoadDataEx(ctypes.byref(handle), ptx, 2, options, values)
        if status != 0:
            raise CudaError(f"the CUDA driver refused the PTX ({self._error_string(status)}): "
                            f"{log.value.decode(errors='replace')}")
        return _CudaModule(self, handle)

    def launch(self, function, threads, *args):
        grid, block = _geometry(threads)
        self._call("cuLaunchKernel", function, grid, 1, 1, block, 1, 1, 0, None,
                   _parameters(args), None)

    def alloc(self, nbytes):
        address = ctypes.c_uint64()
        self._call("cuMemAlloc_v2", ctypes.byref(address), ctypes.c_size_t(max(nbytes, 1)))
        return address.value

    def free(self, address):
        self._call("cuMemFree_v2", ctypes.c_uint64(address))

    def to_device(self, device, host, nbytes):
        self._call("cuMemcpyHtoD_v2", ctypes.c_uint64(device), ctypes.c_void_p(host),
                   ctypes.c_size_t(nbytes))

    def to_host(self, host, device, nbytes):
        self._call("cuMemcpyDtoH_v2", ctypes.c_void_p(host), ctypes.c_uint64(device),
                   ctypes.c_size_t(nbytes))

    def synchronize(self):
        self._call("cuCtxSynchronize")

    def graph(self, launches):
        """The launches as a chain of kernel nodes (each depends on the one before: the stream's
        order), instantiated; the driver copies each node's argument values."""
        graph = ctypes.c_void_p()
        self._call("cuGraphCreate", ctypes.byref(graph), 0)
        try:
            previous = None
            for function, threads, args in launches:
                grid, block = _geometry(threads)
                values = _parameters(args)
                params = _KernelNodeParams(function.value, grid, 1, 1, block, 1, 1, 0,
                                           ctypes.addressof(values), None, None, None)
                node = ctypes.c_void_p()
                self._call(self._add_kernel_node, ctypes.byref(node), graph,
                           None if previous is None else ctypes.byref(previous),
                           ctypes.c_size_t(0 if previous is None else 1), ctypes.byref(params))
                previous = node
            executable = ctypes.c_void_p()
            self._call("cuGraphInstantiateWithFlags", ctypes.byref(executable), graph,
                       ctypes.c_ulonglong(0))
        except BaseException:
            self.lib.cuGraphDestroy(graph)
            raise
        return _CudaGraph(graph, executable)

    def launch_graph(self, graph):
        self._call("cuGraphLaunch", graph.executable, None)

    def release_graph(self, graph):
        self._call("cuGraphExecDestroy", graph.executable)
        self._call("cuGraphDestroy", graph.graph)


class _CudaGraph:
    """A graph and its instantiation (``CUgraph``, ``CUgraphExec``)."""

    def __init__(self, graph, executable):
        self.graph, self.executable = graph, executable
