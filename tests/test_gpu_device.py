"""``set_device('cuda_standalone')`` (brian2cuda's name) selects the GPU target; the preference
``prefs.brianjit.gpu`` or ``BRIANJIT_GPU`` chooses the CUDA driver, its host twin or the CPU
emulation; without a usable driver or GPU a clear error says what is missing, and the device
stays what it was; what the GPU target does not run yet is refused with a clear error."""
import ctypes

import numpy as np
import pytest

import brianjit as b2
from brianjit import prefs
from brianjit.devices.device import Device, get_device
from brianjit.gpu import device as gpu_device
from brianjit.gpu import driver_api
from brianjit.gpu.driver_api import CudaApi, GpuUnavailableError
from brianjit.gpu.targets import DeviceTarget, EmulatedTarget


@pytest.fixture
def gpu_pref():
    yield
    prefs.brianjit.gpu = None
    while get_device().name != "runtime":
        b2.reset_device()


def _no_cuda_here():
    try:
        driver_api._find_library()
    except GpuUnavailableError:
        return True
    return False


@pytest.mark.skipif(not _no_cuda_here(), reason="this machine has a CUDA driver")
def test_without_a_driver_set_device_says_what_is_missing_and_changes_nothing(gpu_pref):
    prefs.brianjit.gpu = "cuda"
    before = get_device()
    with pytest.raises(GpuUnavailableError, match=r"libcuda\.so\.1.*BRIANJIT_GPU=host"):
        b2.set_device("cuda_standalone")
    assert get_device() is before


@pytest.mark.parametrize("mode, target", [("host", DeviceTarget), ("emulate", EmulatedTarget)])
def test_the_environment_chooses_the_implementation(gpu_pref, monkeypatch, mode, target):
    monkeypatch.setenv("BRIANJIT_GPU", mode)
    b2.set_device("cuda_standalone")
    assert get_device().name == "cuda_standalone"
    assert isinstance(get_device().program_target(), target)


def test_the_preference_wins_over_the_environment(gpu_pref, monkeypatch):
    monkeypatch.setenv("BRIANJIT_GPU", "cuda")
    prefs.brianjit.gpu = "emulate"
    assert gpu_device.gpu_mode() == "emulate"


def test_bad_choices_are_refused(gpu_pref, monkeypatch):
    monkeypatch.setenv("BRIANJIT_GPU", "opencl")
    with pytest.raises(ValueError, match="BRIANJIT_GPU='opencl'"):
        gpu_device.gpu_mode()
    with pytest.raises(Exception, match="gpu"):
        prefs.brianjit.gpu = "opencl"


def test_a_brian2cuda_script_runs_unchanged(gpu_pref):
    prefs.brianjit.gpu = "host"
    b2.set_device("cuda_standalone", directory=None, compile=True, run=True, debug=False)
    b2.start_scope()
    G = b2.NeuronGroup(5, "dv/dt = -v/(10*ms) : 1", method="exact")
    G.v = 1
    M = b2.StateMonitor(G, "v", record=True)
    b2.run(1 * b2.ms)
    b2.device.build(directory=None)
    np.testing.assert_allclose(M.v[:, -1], np.exp(-0.09), rtol=1e-12)
    b2.reset_device()
    assert get_device().name == "runtime"


@pytest.mark.parametrize("mode", ["host", "emulate"])
def test_what_the_gpu_does_not_run_is_refused(gpu_pref, mode):
    prefs.brianjit.gpu = mode
    b2.set_device("cuda_standalone")
    b2.start_scope()
    G = b2.NeuronGroup(5, "dv/dt = -v/(10*ms) : 1", method="exact")

    @b2.network_operation
    def nudge():
        pass
    with pytest.raises(NotImplementedError, match="network_operation"):
        b2.Network(G, nudge).run(0.1 * b2.ms)
    with pytest.raises(NotImplementedError, match="profile"):
        b2.Network(G).run(0.1 * b2.ms, profile=True)

    @b2.check_units(x=1, result=1)
    def double(x):
        return 2 * x
    H = b2.NeuronGroup(5, "dy/dt = double(y)/second : 1", method="euler",
                       namespace={"double": double})
    with pytest.raises(NotImplementedError, match="Python functions"):
        b2.Network(H).run(0.1 * b2.ms)


class _FakeCuda:
    """A driver library whose calls return the given statuses."""

    def __init__(self, init=0, count=1):
        self.init, self.count = init, count

    def cuInit(self, flags):
        return self.init

    def cuGetErrorString(self, status, out):
        out._obj.value = b"CUDA_ERROR_NO_DEVICE"
        return 0

    def cuDeviceGetCount(self, out):
        out._obj.value = self.count
        return 0


def test_a_driver_without_a_device_is_named():
    with pytest.raises(GpuUnavailableError, match="no CUDA device"):
        CudaApi(_FakeCuda(count=0))


def test_a_driver_that_cannot_start_is_named():
    with pytest.raises(GpuUnavailableError, match="cuInit: CUDA_ERROR_NO_DEVICE"):
        CudaApi(_FakeCuda(init=100))


def test_a_library_without_cuinit_is_not_taken_for_a_driver():
    with pytest.raises(GpuUnavailableError, match="no cuInit"):
        CudaApi(ctypes.CDLL(None))


class _RecordingCuda(_FakeCuda):
    """Every other call succeeds and is recorded; the device is compute capability 10.0."""

    def __init__(self):
        super().__init__()
        self.calls = []

    def cuDeviceGetAttribute(self, out, attribute, device):
        out._obj.value = {75: 10, 76: 0}[attribute]
        return 0

    def __getattr__(self, name):
        def call(*args):
            self.calls.append((name, args))
            return 0
        return call


def test_launch_geometry_and_architecture():
    lib = _RecordingCuda()
    api = CudaApi(lib)
    assert api.arch == "sm_90"  # newer GPUs JIT the PTX of the newest architecture asked for
    assert any(name == "cuCtxSetLimit" for name, _ in lib.calls)
    lib.calls.clear()
    api.launch(ctypes.c_void_p(1), 1000, ctypes.c_void_p(2), ctypes.c_int64(7))
    (name, args), = lib.calls
    assert name == "cuLaunchKernel"
    assert args[1:7] == (4, 1, 1, 256, 1, 1)  # ceil(1000 / 256) blocks of 256 threads
    params = args[9]
    assert ctypes.c_int64.from_address(params[1]).value == 7


def test_a_refused_module_reports_the_jit_log():
    lib = _RecordingCuda()
    api = CudaApi(lib)

    def refuse(handle, image, count, options, values):
        ctypes.memmove(values[0], b"ptxas fatal: bad\0", 17)
        return 218  # CUDA_ERROR_INVALID_PTX
    lib.cuModuleLoadDataEx = refuse
    b2.start_scope()
    G = b2.NeuronGroup(3, "dv/dt = -v/(10*ms) : 1", method="exact")
    b2.set_device(_DeviceWith(DeviceTarget(api)))
    try:
        with pytest.raises(driver_api.CudaError, match="refused the PTX.*ptxas fatal: bad"):
            b2.Network(G).run(0.1 * b2.ms)
    finally:
        b2.reset_device()


class _DeviceWith(Device):
    name = "with_target"

    def __init__(self, target):
        super().__init__()
        self.target = target

    def program_target(self):
        return self.target
