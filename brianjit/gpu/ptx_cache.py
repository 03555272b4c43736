"""The PTX of a network's GPU form, found by the kernels' structure instead of lowered again.

Lowering a network to NVPTX and optimising it takes LLVM as long as the CPU back-end's build
(most of a second for a network of synapses and monitors), and a ``start_scope()`` loop or a
re-run script builds the same structure each time. As the CPU's machine code is
(``jit.compile_structure``), the PTX is keyed by ``kernel_key.kernels_key`` of the scheduled
kernels (with the target ``"nvptx"`` and the GPU architecture), llvmlite's version (which fixes
its LLVM) and brianjit's code fingerprint; it is kept in this process (the most recent
:data:`KEPT` texts) and in the disk cache (``diskcache``, under the same authentication as
machine code), so a second build lowers nothing. Kernels that ``kernels_key`` cannot describe
are lowered every time. :func:`ptx_counts` says how each request was answered. The driver's
loaded module is kept by the same key (``driver_api.CudaApi``): one ``cuModuleLoadDataEx`` per
structure and process.
"""
from __future__ import annotations

import collections
import hashlib
import threading

from .. import diskcache
from ..kernel_key import kernels_key

__all__ = ["ptx_key", "ptx_for", "ptx_counts", "KEPT"]

#: PTX texts kept in this process (a few hundred kB each)
KEPT = 32
_kept: collections.OrderedDict[str, str] = collections.OrderedDict()
_counts = {"memory": 0, "disk": 0, "compiled": 0}
_lock = threading.Lock()


def ptx_key(scheduled, arch: str) -> str | None:
    """The key of ``scheduled``'s PTX for ``arch``, or None where the kernels have no exact
    description."""
    structure = kernels_key([(s.period, s.kernel) for s in scheduled], gpu="nvptx", arch=arch)
    if structure is None:
        return None
    import llvmlite
    return hashlib.sha256("\0".join(["ptx", structure, arch, llvmlite.__version__,
                                      diskcache.code_fingerprint()]).encode()).hexdigest()


def ptx_for(scheduled, arch: str, lowering_context=None) -> tuple[str | None, str]:
    """``(key, PTX text)`` of the GPU form of ``scheduled`` for ``arch``: from this process,
    from the disk cache, or lowered and compiled (then kept in both)."""
    key = ptx_key(scheduled, arch)
    with _lock:
        if key is not None and key in _kept:
            _kept.move_to_end(key)
            _counts["memory"] += 1
            return key, _kept[key]
    stored = diskcache.load(key) if key is not None else None
    if stored is not None:
        text = stored[0].decode("utf-8")
        source = "disk"
    else:
        text = _compile(scheduled, arch, lowering_context)
        source = "compiled"
        if key is not None:
            diskcache.store(key, text.encode("utf-8"))
    with _lock:
        _counts[source] += 1
        if key is not None:
            _kept[key] = text
            while len(_kept) > KEPT:
                _kept.popitem(last=False)
    return key, text


def ptx_counts() -> dict[str, int]:
    """How this process's :func:`ptx_for` calls were answered: ``memory``, ``disk``, or
    ``compiled`` (lowered and compiled)."""
    with _lock:
        return dict(_counts)


def _compile(scheduled, arch, lowering_context):
    from .lowering import build_gpu_module
    from .ptx import compile_ptx
    form = build_gpu_module(scheduled, "nvptx", lowering_context=lowering_context)
    return compile_ptx(str(form.module), arch)
