"""The JIT engine: LLVM IR text in, addresses of native functions out.

This is the only module that imports ``llvmlite.binding``. It owns the one MCJIT execution engine of
the process (MCJIT never frees code, so one engine serves every build), the target machine for the
host CPU (or a generic x86-64 CPU for clusters of mixed machines), the O3 pass pipeline, and an
in-process cache keyed on the IR text, the CPU and the llvmlite/LLVM versions, so a structurally
unchanged network is never compiled twice, and a disk cache under the same key
(``brianjit.diskcache``), so a later process skips LLVM's optimisation and code generation too.

A compilation is: parse and verify, optimise, generate object code (or take it from the disk
cache), then link the object into the engine. Only the last step touches the engine, and it runs
with Ctrl-C deferred (``brianjit.interrupts``), so an interrupt never leaves half a build in the
engine and always reaches the user. The engine receives object code, never IR: MCJIT's object-cache
callbacks, in which a ``KeyboardInterrupt`` used to be swallowed by ctypes, are not used. Every use
of ``llvmlite.binding`` holds one re-entrant lock (LLVM's context is not thread-safe).

Function names must be unique inside one engine; rather than asking every producer of IR to invent
unique names, :func:`compile_ir` renames each defined function after hashing the module text
(except internal ones, which are local to their object anyway: attributes name them as text).
"""
from __future__ import annotations

import ctypes
import hashlib
import threading
import time
from dataclasses import dataclass, field

import llvmlite

from . import diskcache
from .elf import undefined_symbols
from .interrupts import sigint_deferred
from .lazy import lazy_module

llvm = lazy_module("llvmlite.binding")   # LLVM itself loads with the first compile

__all__ = ["CompiledModule", "JITError", "compile_counts", "compile_ir", "cpu_description",
           "flushes_subnormals", "set_cpu", "vector_math_variants"]

_lock = threading.RLock()
_state: dict = {}
_cache: dict = {}
#: how this process's ``compile_ir`` calls were answered (see ``compile_counts``)
_counts = {"memory": 0, "disk": 0, "compiled": 0}


def compile_counts() -> dict[str, int]:
    """How many ``compile_ir`` calls of this process found their code in its own cache
    (``memory``), in the disk cache (``disk``), or had LLVM compile it (``compiled``)."""
    return dict(_counts)


_cpu_choice = {"name": "host"}


class JITError(RuntimeError):
    """LLVM refused a module: IR that does not verify (a bug in brianjit's code generation) or
    code that calls a function the process does not provide. The engine stays usable."""


def set_cpu(name: str = "host") -> None:
    """Choose the CPU code is generated for: ``'host'`` (default) or an LLVM CPU name such as
    ``'x86-64'`` (portable across a cluster of mixed machines). Affects later compilations only."""
    with _lock:
        if name != _cpu_choice["name"]:
            _cpu_choice["name"] = name
            _state.pop("target_machine", None)


def _target_machine():
    """The target machine code is generated for (callers hold ``_lock``)."""
    tm = _state.get("target_machine")
    if tm is None:
        if "initialised" not in _state:
            # llvm.initialize() raises on llvmlite >= 0.45; the native target is all we need.
            llvm.initialize_native_target()
            llvm.initialize_native_asmprinter()
            _state["initialised"] = True
        target = llvm.Target.from_default_triple()
        if _cpu_choice["name"] == "host":
            cpu, features = llvm.get_host_cpu_name(), llvm.get_host_cpu_features().flatten()
        else:
            cpu, features = _cpu_choice["name"], ""
        tm = target.create_target_machine(cpu=cpu, features=features, opt=3, codemodel="jitdefault")
        _state["target_machine"] = tm
        _state["cpu"] = (cpu, features)
    return tm


def cpu_description() -> tuple[str, str]:
    """(cpu name, feature string) that code is currently generated for."""
    with _lock:
        _target_machine()
        return _state["cpu"]


def flushes_subnormals() -> bool:
    """Whether generated drivers can flush subnormals to zero during runs (x86-64: MXCSR)."""
    with _lock:
        return llvm.get_process_triple().startswith("x86_64")


# glibc's libmvec vector ABI: (feature the CPU needs, ISA letter, lanes of double), best first.
_LIBMVEC_ISAS = (("+avx512f", "e", 8), ("+avx2", "d", 4), ("", "b", 2))


def vector_math_variants(name: str, nargs: int) -> list[tuple[str, int]]:
    """[(name, lanes), ...] of glibc's libmvec vector variants of the libm function ``name``
    (taking ``nargs`` doubles) that the CPU code is generated for can run, e.g.
    ``[('_ZGVeN8v_exp', 8), ('_ZGVdN4v_exp', 4), ('_ZGVbN2v_exp', 2)]``; empty when this process
    has none (not x86-64, no libmvec, or a glibc too old for that function). Offering every width
    lets the loop vectoriser pick any of them instead of scalarising a width it has no variant for.

    Loads libmvec into the process on first use, so MCJIT resolves the vector calls that the loop
    vectoriser emits for a scalar libm call carrying the matching ``vector-function-abi-variant``."""
    with _lock:
        return _vector_math_variants(name, nargs)


def _load_library(name: str, usual: str) -> bool:
    """Load the shared library ``name`` (as ``ctypes.util.find_library`` names it: ``'mvec'``)
    into the process for MCJIT's symbol lookup: first by its ``usual`` file name, then wherever
    ``find_library`` finds it (another libc's naming). False where it does not exist (glibc's
    libmvec on Windows, macOS, musl)."""
    for candidate in (usual, None):
        if candidate is None:
            import ctypes.util  # runs ldconfig: only when the usual name failed
            candidate = ctypes.util.find_library(name)
            if candidate is None:
                return False
        try:
            llvm.load_library_permanently(candidate)
            return True
        except RuntimeError:
            continue
    return False


def _vector_math_variants(name, nargs):
    _target_machine()
    if not llvm.get_process_triple().startswith("x86_64"):
        return []
    if "libmvec" not in _state:
        _state["libmvec"] = _load_library("mvec", "libmvec.so.1")
    if not _state["libmvec"]:
        return []
    features = _state["cpu"][1].split(",")
    variants = []
    for feature, isa, lanes in _LIBMVEC_ISAS:
        if not feature or feature in features:
            vector_name = f"_ZGV{isa}N{lanes}{'v' * nargs}_{name}"
            if llvm.address_of_symbol(vector_name):
                variants.append((vector_name, lanes))
    return variants


def _engine():
    """The process's one MCJIT engine. It only ever receives object code (``add_object_file``),
    never IR: code generation happens before, under our control, so what the engine runs is
    exactly the optimised object that the disk cache keeps, and nothing runs inside it that could
    call back into Python."""
    ee = _state.get("engine")
    if ee is None:
        ee = llvm.create_mcjit_compiler(llvm.parse_assembly(""), _target_machine())
        _state["engine"] = ee
    return ee


@dataclass
class CompiledModule:
    """Native code of one module: function addresses by their original IR name, plus every stage
    printable for debugging (``ir``, ``optimized_ir``, ``assembly``) and the compile timings."""

    addresses: dict[str, int]
    ir: str
    optimized_ir: str
    timings: dict[str, float] = field(default_factory=dict)
    #: whether the machine code came from the disk cache (see ``brianjit.diskcache``)
    from_disk: bool = False
    _assembly: str | None = None

    @property
    def assembly(self) -> str:
        """Assembly of the optimised module (generated on first access: it costs a codegen pass)."""
        with _lock:
            if self._assembly is None:
                module = _parse(self.optimized_ir)
                self._assembly = _target_machine().emit_assembly(module)
            return self._assembly

    def cfunc(self, name: str, restype, *argtypes):
        """The function ``name`` wrapped once as a ctypes callable."""
        return ctypes.CFUNCTYPE(restype, *argtypes)(self.addresses[name])


def _parse(ir_text: str):
    try:
        module = llvm.parse_assembly(ir_text)
        module.verify()
    except RuntimeError as exc:
        raise JITError(f"LLVM refused the IR that brianjit generated (a bug in brianjit, please "
                       f"report it): {str(exc).strip()}") from exc
    return module


def _check_external_symbols(object_code: bytes) -> None:
    """Refuse an object that calls a function the process lacks: linked anyway, the call would
    jump to address 0 and crash the interpreter. (Objects other than ELF are not checked.)"""
    _engine()  # creating the engine makes the process's own symbols (libc, libm) searchable
    try:
        needed = undefined_symbols(object_code) or ()
    except ValueError as exc:
        raise JITError(f"LLVM produced an object file that cannot be read: {exc}") from exc
    for name in needed:
        if not llvm.address_of_symbol(name):
            raise JITError(f"the generated code calls '{name}', which no library loaded in this "
                           f"process provides")


def _load(object_code: bytes, names: dict[str, str]) -> dict[str, int]:
    """Link ``object_code`` into the engine; addresses of the functions ``names`` (name in the
    object -> name to report) that it defines."""
    ee = _engine()
    ee.add_object_file(llvm.ObjectFileRef.from_data(object_code))
    ee.finalize_object()
    addresses = {}
    for new, old in names.items():
        address = ee.get_function_address(new)
        if address:
            addresses[old] = address
    return addresses


def compile_ir(ir_text: str) -> CompiledModule:
    """Optimise (O3, host CPU) and JIT-compile one module given as LLVM IR text.

    Returns the cached result when the same text was compiled before for the same CPU. Raises
    :class:`JITError` when LLVM refuses the module; the engine stays usable. Ctrl-C during the
    compilation either stops it before anything reached the engine or, while the code is being
    linked into the engine, is delivered as soon as that is complete."""
    with _lock:
        tm = _target_machine()
        key = hashlib.sha256(
            "\0".join([ir_text, *_state["cpu"], llvmlite.__version__,
                       ".".join(map(str, llvm.llvm_version_info))]).encode()
        ).hexdigest()
        hit = _cache.get(key)
        if hit is not None:
            _counts["memory"] += 1
            return hit
        timings = {}
        t0 = time.perf_counter()
        mod = _parse(ir_text)
        suffix = "__" + key[:16]
        original = {}
        for f in mod.functions:
            # internal functions (math in IR) keep their names: attributes name them as text
            if not f.is_declaration and f.linkage != llvm.Linkage.internal:
                original[f.name + suffix] = f.name
                f.name = f.name + suffix
        t1 = time.perf_counter()
        timings["parse"] = t1 - t0
        cached = diskcache.load(key)
        if cached is not None:  # machine code from an earlier process: no optimisation needed
            object_code, optimized = cached
            t2 = t1
        else:
            pto = llvm.create_pipeline_tuning_options(speed_level=3)
            pto.loop_vectorization = True
            pto.slp_vectorization = True
            pb = llvm.create_pass_builder(tm, pto)
            pb.getModulePassManager().run(mod, pb)
            optimized = str(mod)
            t2 = time.perf_counter()
            object_code = tm.emit_object(mod)
        timings["optimise"] = t2 - t1
        _check_external_symbols(object_code)
        with sigint_deferred():
            addresses = _load(object_code, original)
            timings["machine_code"] = time.perf_counter() - t2
            result = _cache[key] = CompiledModule(addresses, ir_text, optimized.replace(suffix, ""),
                                                  timings, from_disk=cached is not None)
        _counts["compiled" if cached is None else "disk"] += 1
        if cached is None:
            diskcache.store(key, object_code, optimized)
        return result
