"""PTX text from the NVPTX form of a network, with llvmlite's own LLVM (no CUDA toolkit).

The module is verified, optimised at O3 for ``sm_90`` (the CUDA driver JIT-compiles PTX of an
older or equal virtual architecture for any newer GPU; ``ptx_target`` changes it) and printed as
PTX. The only functions PTX may leave to the driver are its system calls ``malloc`` and ``free``
(PTX ISA, "System calls": the device heap), which the dynamic-array growth of monitors, spike
queues and synapse creation uses on the device; any other external is refused here, since the
driver cannot resolve it. This module and ``jit.py`` are the only importers of
``llvmlite.binding``.
"""
from __future__ import annotations

import re
import threading

from .. import lazy

llvm = lazy.lazy_module("llvmlite.binding")

__all__ = ["compile_ptx", "externals", "entries", "PTX_SYSTEM_CALLS", "DEFAULT_ARCH"]

DEFAULT_ARCH = "sm_90"
#: functions the CUDA driver provides to PTX without any library
PTX_SYSTEM_CALLS = frozenset({"malloc", "free"})
_lock = threading.Lock()
_initialised = []


def _machine(arch):
    if not _initialised:
        llvm.initialize_all_targets()
        llvm.initialize_all_asmprinters()
        _initialised.append(True)
    return llvm.Target.from_triple("nvptx64-nvidia-cuda").create_target_machine(cpu=arch, opt=3)


def compile_ptx(ir_text: str, arch: str = DEFAULT_ARCH) -> str:
    """The PTX of the NVPTX module ``ir_text`` (verified, O3); ``ValueError`` if it calls a
    function the driver cannot provide."""
    with _lock:
        tm = _machine(arch)
        mod = llvm.parse_assembly(ir_text)
        mod.data_layout = str(tm.target_data)  # the optimiser's sizes and alignments: NVPTX's
        mod.verify()
        pto = llvm.create_pipeline_tuning_options(speed_level=3)
        pb = llvm.create_pass_builder(tm, pto)
        pb.getModulePassManager().run(mod, pb)
        ptx = tm.emit_assembly(mod)
    unknown = externals(ptx) - PTX_SYSTEM_CALLS
    invalid = [name for name in _defined(ptx) if not _PTX_NAME.fullmatch(name)]
    if invalid:
        raise ValueError(f"the GPU module defines names PTX does not allow: {invalid}")
    if unknown:
        raise ValueError(f"the GPU module calls functions the CUDA driver does not provide: "
                         f"{', '.join(sorted(unknown))}")
    return ptx


def externals(ptx: str) -> set[str]:
    """Names of the functions ``ptx`` declares ``.extern``."""
    return set(re.findall(r"\.extern\s+\.func\s+(?:\([^)]*\)\s*)?([\w$.]+)", ptx))


_PTX_NAME = re.compile(r"[A-Za-z_$%][\w$]*")


def _defined(ptx):
    return re.findall(r"^\.(?:visible\s+)?(?:\.entry|\.func)\s+(?:\([^)]*\)\s*)?([^\s(]+)\(",
                      ptx, flags=re.M)


def entries(ptx: str) -> set[str]:
    """Names of the ``.entry`` functions of ``ptx``."""
    return set(re.findall(r"\.entry\s+([\w$]+)\s*\(", ptx))
