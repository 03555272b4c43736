"""``set_device('cuda_standalone')``: brian2cuda's name for the GPU, so its users' scripts run.

As every brianjit device, it runs each ``run()`` at once; only where the network runs changes.
The preference ``prefs.brianjit.gpu`` (or the environment variable ``BRIANJIT_GPU`` when the
preference is None) chooses the implementation:

* ``'cuda'`` (default): an NVIDIA GPU through the CUDA driver (``gpu.driver_api.CudaApi``). The
  driver and a device are looked for when the device is set, so a machine without them gets a
  :class:`~brianjit.gpu.driver_api.GpuUnavailableError` naming what is missing there, not in
  the middle of a script;
* ``'host'``: the same device runtime with the host twin of the driver (allocations in C memory,
  copies as ``memmove``, launches as the emulated kernels), to check a model without a GPU;
* ``'emulate'``: the GPU kernels run on the CPU by their own native driver, on the network's
  arrays (what the test suite compares with the CPU back-end).

Brian2's build options of brian2cuda (``directory``, ``compile``, ``run``, ``debug``...) are
accepted and have nothing to do: there is no project to build.
"""
from __future__ import annotations

import os

from ..devices.device import Device
from .targets import DeviceTarget, EmulatedTarget

__all__ = ["CUDAStandaloneDevice", "gpu_mode", "GPU_MODES"]

GPU_MODES = ("cuda", "host", "emulate")


def gpu_mode() -> str:
    """The implementation chosen by ``prefs.brianjit.gpu`` or ``BRIANJIT_GPU``."""
    from ..preferences import prefs
    mode = prefs["brianjit.gpu"]
    if mode is None:
        mode = os.environ.get("BRIANJIT_GPU", "").strip() or "cuda"
    if mode not in GPU_MODES:
        raise ValueError(f"BRIANJIT_GPU={mode!r} is not one of {', '.join(GPU_MODES)}")
    return mode


class CUDAStandaloneDevice(Device):
    """The GPU device (see the module docstring)."""

    name = "cuda_standalone"

    def __init__(self):
        super().__init__()
        self._targets = {}

    def activate(self, build_on_run=True, **kwargs):
        self.program_target()  # no usable GPU: say so now, before the device changes
        super().activate(build_on_run=build_on_run, **kwargs)

    def program_target(self):
        mode = gpu_mode()
        target = self._targets.get(mode)
        if target is None:
            if mode == "emulate":
                target = EmulatedTarget()
            else:
                from .driver_api import CudaApi, HostApi
                target = DeviceTarget(CudaApi.open() if mode == "cuda" else HostApi())
            self._targets[mode] = target
        return target
