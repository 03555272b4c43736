"""A fake CUDA driver library that runs the host form of a network, for ``CudaApi`` without a GPU.

``FakeLibcuda`` answers the driver calls ``CudaApi`` makes, as ``ctypes.CDLL`` would be called:
every argument is checked against the call's C prototype (a ctypes instance of the right type,
``byref`` of one, or None for a null pointer; plain ints only where the prototype has an
``int``/``unsigned``), memory is host memory (``calloc``, ``memmove``), a kernel node's argument
values are copied when the node is added (as the driver does), and a launch or a graph replay
calls the host form's entry (compiled by ``load_host_form``) with the argument values read from
the ``void **`` it was given. ``calls`` lists every call's name in order, so tests count host
calls per chunk and check their order.
"""
import ctypes

from brianjit.c_runtime import c_function
from brianjit.gpu import control, lowering
from brianjit.gpu.driver_api import CudaApi, _CudaModule, _KernelNodeParams

P, I64 = ctypes.c_void_p, ctypes.c_int64
_ENTRY = (P, I64, P)
_SIGNATURES = {lowering.HEAP_COPY: (P, P, I64), lowering.HEAP_FREE: (P,),
               control.ADVANCE: (P, I64)}
_INT = int  # a C int or unsigned: a Python int is what ctypes passes


class _byref:
    """``ctypes.byref`` of an instance of ``of``."""

    def __init__(self, of):
        self.of = of


class _either(tuple):
    """Any of these kinds."""


_PROTOTYPES = {
    "cuDeviceGetCount": [_byref(ctypes.c_int)],
    "cuDeviceGet": [_byref(ctypes.c_int), _INT],
    "cuDeviceGetAttribute": [_byref(ctypes.c_int), _INT, ctypes.c_int],
    "cuDevicePrimaryCtxRetain": [_byref(P), ctypes.c_int],
    "cuCtxSetCurrent": [P],
    "cuCtxSetLimit": [_INT, ctypes.c_size_t],
    "cuModuleGetFunction": [_byref(P), P, bytes],
    "cuLaunchKernel": [P, _INT, _INT, _INT, _INT, _INT, _INT, _INT, None, ctypes.Array, None],
    "cuMemAlloc_v2": [_byref(ctypes.c_uint64), ctypes.c_size_t],
    "cuMemFree_v2": [ctypes.c_uint64],
    "cuMemcpyHtoD_v2": [ctypes.c_uint64, P, ctypes.c_size_t],
    "cuMemcpyDtoH_v2": [P, ctypes.c_uint64, ctypes.c_size_t],
    "cuCtxSynchronize": [],
    "cuGraphCreate": [_byref(P), _INT],
    "cuGraphAddKernelNode_v2": [_byref(P), P, _either((None, _byref(P))), ctypes.c_size_t,
                                _byref(_KernelNodeParams)],
    "cuGraphInstantiateWithFlags": [_byref(P), P, ctypes.c_ulonglong],
    "cuGraphLaunch": [P, None],
    "cuGraphExecDestroy": [P],
    "cuGraphDestroy": [P],
}
_PROTOTYPES["cuGraphAddKernelNode"] = _PROTOTYPES["cuGraphAddKernelNode_v2"]


def _check(name, args):
    expected = _PROTOTYPES[name]
    assert len(args) == len(expected), (name, args)
    for n, (arg, kind) in enumerate(zip(args, expected)):
        kinds = kind if isinstance(kind, _either) else (kind,)
        assert any(_matches(arg, k) for k in kinds), f"{name}: argument {n} is {arg!r}"


def _matches(arg, kind):
    """Whether ``arg`` is what ctypes would pass for a parameter of ``kind`` (None: a null
    pointer; int: a C int or unsigned; a ``_byref``; a ctypes type)."""
    if kind is None:
        return arg is None
    if isinstance(kind, _byref):
        return type(arg).__name__ == "CArgObject" and isinstance(arg._obj, kind.of)
    if kind is _INT:
        return type(arg) is int
    return isinstance(arg, kind)


class FakeLibcuda:
    """See the module docstring. ``without`` names calls this driver lacks (an older one)."""

    def __init__(self, without=()):
        self.calls = []
        self._without = set(without)
        self._functions = {}  # address -> ctypes function of the host form
        self._graphs, self._executables = {}, {}
        self._libc_calloc = c_function("calloc", P, [ctypes.c_size_t, ctypes.c_size_t])
        self._libc_free = c_function("free", None, [P])

    def __getattr__(self, name):
        if name.startswith("_") or name in self._without or name not in _PROTOTYPES:
            raise AttributeError(name)
        method = getattr(self, "_" + name, None)

        def call(*args):
            _check(name, args)
            self.calls.append(name)
            return method(*args) if method else 0
        return call

    def cuInit(self, flags):
        return 0

    def cuGetErrorString(self, status, out):
        out._obj.value = b"CUDA_ERROR_FAKE"
        return 0

    def count(self, name):
        return self.calls.count(name)

    # -- the device
    def _cuDeviceGetCount(self, out):
        out._obj.value = 1
        return 0

    def _cuDeviceGetAttribute(self, out, attribute, device):
        out._obj.value = {75: 9, 76: 0}[attribute]
        return 0

    # -- modules: the host form's entries by name
    def add_module(self, compiled):
        """The handle of a module whose functions are ``compiled``'s (a host form)."""
        self._module = compiled
        return P(id(compiled))

    def _cuModuleGetFunction(self, out, module, name):
        name = name.decode()
        address = self._module.addresses[name]
        self._functions[address] = ctypes.CFUNCTYPE(None, *_SIGNATURES.get(name, _ENTRY))(address)
        out._obj.value = address
        return 0

    # -- memory
    def _cuMemAlloc_v2(self, out, nbytes):
        out._obj.value = self._libc_calloc(max(nbytes.value, 1), 1)
        return 0

    def _cuMemFree_v2(self, address):
        self._libc_free(address.value)
        return 0

    def _cuMemcpyHtoD_v2(self, device, host, nbytes):
        ctypes.memmove(device.value, host.value, nbytes.value)
        return 0

    def _cuMemcpyDtoH_v2(self, host, device, nbytes):
        ctypes.memmove(host.value, device.value, nbytes.value)
        return 0

    # -- launches and graphs
    def _values(self, function, params):
        """The argument values of a launch of ``function``, read from its ``void **``."""
        fn = self._functions[function]
        return fn, [t.from_address(params[n]).value for n, t in enumerate(fn.argtypes)]

    def _cuLaunchKernel(self, function, gx, gy, gz, bx, by, bz, shared, stream, params, extra):
        assert (gy, gz, by, bz, shared) == (1, 1, 1, 1, 0) and gx * bx >= 1
        fn, values = self._values(function.value, params)
        fn(*values)
        return 0

    def _cuGraphCreate(self, out, flags):
        out._obj.value = handle = len(self._graphs) + 1
        self._graphs[handle] = []
        return 0

    def _cuGraphAddKernelNode_v2(self, out, graph, dependencies, count, params):
        nodes = self._graphs[graph.value]
        p = params._obj
        assert (p.gridDimY, p.gridDimZ, p.blockDimY, p.blockDimZ, p.sharedMemBytes) == (1, 1, 1,
                                                                                       1, 0)
        assert not (p.extra or p.kern or p.ctx)
        # the nodes form a chain: each depends on the one added before
        assert count.value == (1 if nodes else 0)
        if nodes:
            assert dependencies._obj.value == nodes[-1][0]
        kernel_params = ctypes.cast(p.kernelParams, ctypes.POINTER(P))
        fn, values = self._values(p.func, kernel_params)
        handle = graph.value * 1_000_000 + len(nodes) + 1
        nodes.append((handle, fn, values))  # the values are copied, as the driver does
        out._obj.value = handle
        return 0

    _cuGraphAddKernelNode = _cuGraphAddKernelNode_v2

    def _cuGraphInstantiateWithFlags(self, out, graph, flags):
        out._obj.value = handle = 1000 + graph.value
        self._executables[handle] = list(self._graphs[graph.value])
        return 0

    def _cuGraphLaunch(self, executable, stream):
        for _, fn, values in self._executables[executable.value]:
            fn(*values)
        return 0

    def _cuGraphExecDestroy(self, executable):
        del self._executables[executable.value]
        return 0

    def _cuGraphDestroy(self, graph):
        del self._graphs[graph.value]
        return 0


class HostBackedCuda(CudaApi):
    """``CudaApi`` on a :class:`FakeLibcuda`, whose modules are host forms (no PTX: the fake
    cannot run it)."""

    def __init__(self, without=()):
        super().__init__(FakeLibcuda(without))

    def load(self, scheduled, lowering_context=None):
        from brianjit.gpu.targets import compile_host_form
        return _CudaModule(self, self.lib.add_module(compile_host_form(scheduled,
                                                                        lowering_context)))
