"""The JIT engine: LLVM IR text in, addresses of native functions out.

This is the only module that imports ``llvmlite.binding``. It owns the one MCJIT execution engine of
the process (MCJIT never frees code, so one engine serves every build), the target machine for the
host CPU (or a generic x86-64 CPU for clusters of mixed machines), the O3 pass pipeline, and an
in-process cache keyed on the IR text, the CPU and the llvmlite/LLVM versions, so a structurally
unchanged network is never compiled twice, and a disk cache under the same key
(``brianjit.diskcache``), so a later process skips LLVM's optimisation and code generation too.

Function names must be unique inside one engine; rather than asking every producer of IR to invent
unique names, :func:`compile_ir` renames each defined function after hashing the module text.
"""
from __future__ import annotations

import ctypes
import hashlib
import threading
import time
from dataclasses import dataclass, field

import llvmlite
import llvmlite.binding as llvm

from . import diskcache

__all__ = ["CompiledModule", "compile_ir", "cpu_description", "set_cpu", "vector_math_variants"]

_lock = threading.Lock()
_state: dict = {}
_cache: dict = {}
_cpu_choice = {"name": "host"}


def set_cpu(name: str = "host") -> None:
    """Choose the CPU code is generated for: ``'host'`` (default) or an LLVM CPU name such as
    ``'x86-64'`` (portable across a cluster of mixed machines). Affects later compilations only."""
    with _lock:
        if name != _cpu_choice["name"]:
            _cpu_choice["name"] = name
            _state.pop("target_machine", None)


def _target_machine():
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
    _target_machine()
    return _state["cpu"]


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
    _target_machine()
    if not llvm.get_process_triple().startswith("x86_64"):
        return []
    with _lock:
        if "libmvec" not in _state:
            try:
                llvm.load_library_permanently("libmvec.so.1")
                _state["libmvec"] = True
            except RuntimeError:
                _state["libmvec"] = False
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
    ee = _state.get("engine")
    if ee is None:
        backing = llvm.parse_assembly("")
        ee = llvm.create_mcjit_compiler(backing, _target_machine())
        # MCJIT asks for a module's object code before generating it and reports what it
        # generated: the disk cache answers and keeps (modules are named by their cache key)
        ee.set_object_cache(_object_compiled, _object_wanted)
        _state["engine"] = ee
    return ee


#: cache key -> (object code, optimised IR) for modules about to be added to the engine
_from_disk: dict = {}
#: cache key -> optimised IR of modules whose object code should go to disk once generated
_to_disk: dict = {}


def _object_wanted(module):
    entry = _from_disk.pop(module.name, None)
    return entry[0] if entry is not None else None


def _object_compiled(module, object_code):
    optimized_ir = _to_disk.pop(module.name, None)
    if optimized_ir is not None:
        diskcache.store(module.name, object_code, optimized_ir)


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
    _asm_source: object = None
    _assembly: str | None = None

    @property
    def assembly(self) -> str:
        """Assembly of the optimised module (generated on first access: it costs a codegen pass)."""
        if self._assembly is None:
            with _lock:
                self._assembly = _target_machine().emit_assembly(llvm.parse_assembly(self.optimized_ir))
        return self._assembly

    def cfunc(self, name: str, restype, *argtypes):
        """The function ``name`` wrapped once as a ctypes callable."""
        return ctypes.CFUNCTYPE(restype, *argtypes)(self.addresses[name])


def compile_ir(ir_text: str) -> CompiledModule:
    """Optimise (O3, host CPU) and JIT-compile one module given as LLVM IR text.

    Returns the cached result when the same text was compiled before for the same CPU."""
    with _lock:
        tm = _target_machine()
        key = hashlib.sha256(
            "\0".join([ir_text, *_state["cpu"], llvmlite.__version__,
                       ".".join(map(str, llvm.llvm_version_info))]).encode()
        ).hexdigest()
        hit = _cache.get(key)
        if hit is not None:
            return hit
        timings = {}
        t0 = time.perf_counter()
        mod = llvm.parse_assembly(ir_text)
        mod.verify()
        mod.name = key
        suffix = "__" + key[:16]
        defined = [f for f in mod.functions if not f.is_declaration]
        original = {}
        for f in defined:
            new = f.name + suffix
            original[new] = f.name
            f.name = new
        t1 = time.perf_counter()
        timings["parse"] = t1 - t0
        cached = diskcache.load(key)
        if cached is not None:  # machine code from an earlier process: no optimisation needed
            _from_disk[key] = cached
            optimized = cached[1]
        else:
            pto = llvm.create_pipeline_tuning_options(speed_level=3)
            pto.loop_vectorization = True
            pto.slp_vectorization = True
            pb = llvm.create_pass_builder(tm, pto)
            pb.getModulePassManager().run(mod, pb)
            optimized = str(mod)
            _to_disk[key] = optimized
        t2 = time.perf_counter()
        timings["optimise"] = t2 - t1
        ee = _engine()
        ee.add_module(mod)
        ee.finalize_object()
        addresses = {}
        for new, old in original.items():
            addr = ee.get_function_address(new)
            if addr:
                addresses[old] = addr
        timings["machine_code"] = time.perf_counter() - t2
        _from_disk.pop(key, None)
        _to_disk.pop(key, None)
        result = CompiledModule(addresses, ir_text, optimized.replace(suffix, ""), timings,
                               from_disk=cached is not None)
        _cache[key] = result
        return result
