"""The GPU target as a program builder for ``Network`` (``Device.program_target``).

Two builders share the GPU form of ``gpu.lowering``:

* :class:`EmulatedTarget` compiles the host form (one loop per launch, the thread index a loop
  variable) and runs its native ``run_steps`` on the network's own arrays, exactly where the
  CPU back-end's driver runs. It is the CPU emulation of the GPU kernels that the test suite
  compares with the CPU back-end.
* :class:`DeviceTarget` keeps the network's state on a device through a driver API
  (``gpu.driver_api``: CUDA, or its host twin) and replays the steps as CUDA graphs, or launches
  the entries one by one (``gpu.runtime``, ``gpu.replay``; ``prefs.brianjit.gpu_graphs``).

Both refuse what the GPU form does not have yet: ``network_operation``s and other Python
objects between kernels (``run_partial``), and ``profile=True``.
"""
from __future__ import annotations

import ctypes

from ..codegen.driver import DRIVER_NAME
from ..jit import compile_structure
from ..kernel_key import kernels_key
from .lowering import build_gpu_module

__all__ = ["EmulatedTarget", "DeviceTarget"]


def _refuse(partial, profile):
    if partial:
        raise NotImplementedError(
            "the GPU target runs whole time steps on the device: networks with Python code "
            "between kernels (network_operation, objects that run in Python) need the CPU "
            "back-end (set_device('runtime'))")
    if profile:
        raise NotImplementedError("run(profile=True) is not available on the GPU target")


def compile_host_form(scheduled, lowering_context=None):
    """The host form of ``scheduled`` compiled (cached by structure)."""
    def make_ir():
        return str(build_gpu_module(scheduled, "host", lowering_context=lowering_context).module)
    structure = kernels_key([(s.period, s.kernel) for s in scheduled], gpu="host")
    return compile_structure(structure, make_ir).module


class EmulatedTarget:
    """The GPU form run on the CPU by its own native driver (see the module docstring)."""

    def __repr__(self):
        return "EmulatedTarget()"

    def build(self, scheduled, slots, partial, profile, lowering_context=None):
        _refuse(partial, profile)
        compiled = compile_host_form(scheduled, lowering_context)
        driver = compiled.cfunc(DRIVER_NAME, ctypes.c_int32, ctypes.c_void_p, ctypes.c_int64,
                                ctypes.c_int64)
        return driver, compiled


class DeviceTarget:
    """The GPU form on a device reached through ``api`` (a ``gpu.driver_api.DriverApi``)."""

    def __init__(self, api):
        self.api = api

    def __repr__(self):
        return f"DeviceTarget({self.api!r})"

    def build(self, scheduled, slots, partial, profile, lowering_context=None):
        from ..preferences import prefs
        from .runtime import DeviceProgram
        _refuse(partial, profile)
        return DeviceProgram.build(self.api, scheduled, slots, lowering_context,
                                   graphs=prefs["brianjit.gpu_graphs"])
