"""The driver layer: the CUDA driver through ctypes, and its twin on the host.

Both implement one small interface, :class:`DriverApi`, which is all the device runtime
(``gpu.runtime``) uses: ``load(scheduled)`` compiles the network's GPU form and returns a module
whose ``function(name, argtypes)`` is an entry (``argtypes``: its ctypes parameter types);
``launch(function, threads, *args)`` runs an entry on ``threads`` threads with ``args`` (ctypes
values); ``alloc``/``free``/``to_device``/``to_host`` manage and copy device
memory (addresses are ints); ``synchronize()`` waits for the launches.

:class:`CudaApi` finds the driver library portably (``libcuda.so.1`` on Linux, ``nvcuda.dll`` on
Windows), uses the first device's primary context, loads PTX with ``cuModuleLoadDataEx`` (the
driver JIT-compiles it: no CUDA toolkit) and reports failures with ``cuGetErrorString``. Where the
library, a device or a usable driver is missing, :meth:`CudaApi.open` raises
:class:`GpuUnavailableError` saying which. :class:`HostApi` allocates C memory, copies with
``memmove`` and launches the host form of the same kernels (``gpu.lowering``, target "host"), so
the device runtime is tested in CI without a GPU.
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

    def __init__(self):
        self._calloc = c_function("calloc", ctypes.c_void_p, [ctypes.c_size_t, ctypes.c_size_t])
        self._free = c_function("free", None, [ctypes.c_void_p])

    def __repr__(self):
        return "HostApi()"

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
        params = (ctypes.c_void_p * len(args))(*(ctypes.addressof(a) for a in args))
        block = min(threads, _BLOCK)
        grid = (threads + block - 1) // block
        self._call("cuLaunchKernel", function, grid, 1, 1, block, 1, 1, 0, None, params, None)

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
