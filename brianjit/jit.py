"""The JIT engine: LLVM IR in, addresses of native functions out, cached by what determines them.

This is the only module that imports ``llvmlite.binding``. It owns the target machine for the host
CPU (or a generic x86-64 CPU for clusters of mixed machines), the O3 pass pipeline, and two keys:

* :func:`compile_structure` takes a *structural* key (``brianjit.kernel_key``: the exact text of
  the kernels without their names, plus lowering parameters) and a function that makes the IR,
  called only on a miss: a network rebuilt from new objects of the same model (the
  ``start_scope()`` loop) or a later process skips the lowering as well as LLVM;
* :func:`compile_ir` keys by the IR text itself (one-off modules, tests).

Both add the CPU name and features and the llvmlite/LLVM versions; the structural key also
brianjit's own source (``diskcache.code_fingerprint``), since it stands for the IR this version makes.
Hits come from this process (``_cache``) or from the disk (``brianjit.diskcache``), whose entry
holds the object code, the optimised IR, the IR and the function names, so a disk hit needs
neither the lowering nor LLVM's parser.

**One MCJIT engine per module, freed with it.** MCJIT cannot unload object code from an engine,
so each ``CompiledModule`` gets an engine of its own (2 ms to create) and the engine goes when the
module does: a module lives while a program, a ``CodeView`` or a ctypes function made by
:meth:`CompiledModule.cfunc` refers to it, or while it is among the :data:`RECENT_MODULES` most
recently used (so a loop that drops its network and builds the same structure again finds it).
Before, one process-wide engine kept every module ever compiled: ~1 MB per build in a loop.

A compilation is: parse and verify, optimise, generate object code (or take it from the disk
cache), then link the object into its engine. A network's module may come split into parts
(``codegen.module_split``) that compile at the same time: the first here, each other in a
process forked for it (``forked_map``; :func:`_fork_holding_llvm_lock` forks inside llvmlite's
lock), all objects linked into the module's one engine and kept in one disk entry. Only the
last step touches the engine, and it runs
with Ctrl-C deferred (``brianjit.interrupts``), so an interrupt never leaves half a build behind
and always reaches the user. The engine receives object code, never IR: MCJIT's object-cache
callbacks, in which a ``KeyboardInterrupt`` used to be swallowed by ctypes, are not used. Every use
of ``llvmlite.binding`` holds one re-entrant lock (LLVM's context is not thread-safe). Defined
functions are renamed with a suffix of the key, so the assembly of different modules never
shows two functions of one name (except internal ones, local to their object anyway: the math
written in IR, which attributes name as text).
"""
from __future__ import annotations

import ctypes
import hashlib
import os
import threading
import time
import warnings
import weakref
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

import llvmlite

from . import diskcache
from .codegen.module_split import ModuleParts
from .elf import undefined_symbols
from .forked_map import map_forked
from .interrupts import sigint_deferred
from .lazy import lazy_module

llvm = lazy_module("llvmlite.binding")   # LLVM itself loads with the first compile

__all__ = ["CompiledModule", "Compiled", "JITError", "compile_counts", "compile_ir", "compile_structure",
           "find_structure",
           "cpu_description",
           "flushes_subnormals", "set_cpu", "vector_math_variants"]

_lock = threading.RLock()
_state: dict = {}
#: key -> weak reference to the CompiledModule (see ``_remember``)
_cache: dict = {}
#: the most recently used modules, kept alive whatever happens to their users
_recent: OrderedDict = OrderedDict()
#: how many modules ``_recent`` keeps
RECENT_MODULES = 16
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
        if _cpu_choice["name"] == "host":
            cpu, features = llvm.get_host_cpu_name(), llvm.get_host_cpu_features().flatten()
        else:
            cpu, features = _cpu_choice["name"], ""
        _state["cpu"] = (cpu, features)
        tm = _state["target_machine"] = _new_target_machine()
    return tm


def _new_target_machine():
    """A target machine for the chosen CPU (``_state["cpu"]``, set by ``_target_machine``)."""
    cpu, features = _state["cpu"]
    return llvm.Target.from_default_triple().create_target_machine(
        cpu=cpu, features=features, opt=3, codemodel="jitdefault")


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


def _load_libmvec() -> bool:
    """Load glibc's libmvec into the process once (x86-64 only); whether it is there."""
    _target_machine()
    if "libmvec" not in _state:
        _state["libmvec"] = (llvm.get_process_triple().startswith("x86_64")
                             and _load_library("mvec", "libmvec.so.1"))
    return _state["libmvec"]


def _vector_math_variants(name, nargs):
    if not _load_libmvec():
        return []
    features = _state["cpu"][1].split(",")
    variants = []
    for feature, isa, lanes in _LIBMVEC_ISAS:
        if not feature or feature in features:
            vector_name = f"_ZGV{isa}N{lanes}{'v' * nargs}_{name}"
            if llvm.address_of_symbol(vector_name):
                variants.append((vector_name, lanes))
    return variants


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
    #: the MCJIT engine that holds the code: it is freed with this object
    _engine: object = field(default=None, repr=False, compare=False)
    #: the optimised IR of each part the module was compiled in (``optimized_ir`` joins them;
    #: one part: the module compiled whole)
    optimized_parts: tuple = ()

    @property
    def assembly(self) -> str:
        """Assembly of the optimised module (generated on first access: it costs a codegen pass)."""
        with _lock:
            if self._assembly is None:
                self._assembly = "\n".join(_target_machine().emit_assembly(_parse(text))
                                           for text in self.optimized_parts)
            return self._assembly

    def __getstate__(self):
        """A pickled module (inside a pickled group's ``code``) keeps its texts, not its code:
        the copy has no engine and no functions."""
        state = dict(self.__dict__)
        state.update(addresses={}, _engine=None)
        return state

    def cfunc(self, name: str, restype, *argtypes):
        """The function ``name`` wrapped once as a ctypes callable, which keeps this module (and
        so its code) alive as long as it exists."""
        function = ctypes.CFUNCTYPE(restype, *argtypes)(self.addresses[name])
        function.compiled_module = self
        return function


def _parse(ir_text: str):
    try:
        module = llvm.parse_assembly(ir_text)
        module.verify()
    except RuntimeError as exc:
        raise JITError(f"LLVM refused the IR that brianjit generated (a bug in brianjit, please "
                       f"report it): {str(exc).strip()}") from exc
    return module


def _check_external_symbols(objects: list[bytes], provided) -> None:
    """Refuse objects that call a function neither one of them (``provided``: the functions
    they define) nor the process has: linked anyway, the call would jump to address 0 and crash
    the interpreter. (Objects other than ELF are not checked.)"""
    _load_libmvec()  # a module from the disk cache may call vector functions nothing loaded yet
    for object_code in objects:
        try:
            needed = undefined_symbols(object_code) or ()
        except ValueError as exc:
            raise JITError(f"LLVM produced an object file that cannot be read: {exc}") from exc
        for name in needed:
            if name not in provided and not llvm.address_of_symbol(name):
                raise JITError(f"the generated code calls '{name}', which no library loaded in "
                               f"this process provides")




def _new_engine():
    """A fresh MCJIT engine for one module (with a target machine of its own, which the engine
    owns). Creating an engine also makes the process's own symbols (libc, libm) searchable."""
    return llvm.create_mcjit_compiler(llvm.parse_assembly(""), _new_target_machine())


def _load(engine, objects: list[bytes], names: dict[str, str]) -> dict[str, int]:
    """Link ``objects`` into ``engine``; addresses of the functions ``names`` (name in the
    objects -> name to report) that they define."""
    for object_code in objects:
        engine.add_object_file(llvm.ObjectFileRef.from_data(object_code))
    engine.finalize_object()
    addresses = {}
    for new, old in names.items():
        address = engine.get_function_address(new)
        if address:
            addresses[old] = address
    return addresses


def _full_key(*parts: str) -> str:
    """The cache key: ``parts`` plus the CPU and the llvmlite/LLVM versions (callers hold
    ``_lock``)."""
    _target_machine()
    return hashlib.sha256("\0".join([*parts, *_state["cpu"], llvmlite.__version__,
                                      ".".join(map(str, llvm.llvm_version_info))]).encode()
                          ).hexdigest()


def _lookup(key: str) -> CompiledModule | None:
    reference = _cache.get(key)
    module = reference() if reference is not None else None
    if module is not None:
        _remember(key, module)
    return module


def _remember(key: str, module: CompiledModule) -> None:
    """Keep ``module`` findable while anything uses it (a weak entry) and, whatever happens to
    its users, while it is among the most recently used ones (a strong reference), so the next
    iteration of a ``start_scope()`` loop finds the module the last one dropped. A module
    neither used nor recent is freed, code and engine (issue 9: flat memory in long loops)."""
    _cache[key] = weakref.ref(module, lambda _, key=key: _forget(key))
    if key in _recent:
        _recent.move_to_end(key)
    _recent[key] = module
    while len(_recent) > RECENT_MODULES:
        _recent.popitem(last=False)


def _forget(key: str) -> None:
    reference = _cache.get(key)
    if reference is not None and reference() is None:
        del _cache[key]


def compile_ir(ir_text: str) -> CompiledModule:
    """Optimise (O3, host CPU) and JIT-compile one module given as LLVM IR text.

    Returns the cached result when the same text was compiled before for the same CPU. Raises
    :class:`JITError` when LLVM refuses the module; the engine stays usable. Ctrl-C during the
    compilation either stops it before anything reached the engine or, while the code is being
    linked into the engine, is delivered as soon as that is complete."""
    with _lock:
        return _compile(_full_key("ir", ir_text), lambda: ir_text).module


@dataclass(frozen=True)
class Compiled:
    """How :func:`compile_structure` answered: the ``module`` and where it came from,
    ``answer``: ``"memory"`` (this process had it: the build cost nothing), ``"disk"`` (machine
    code from the disk cache) or ``"compiled"`` (LLVM compiled it now), as counted by
    :func:`compile_counts`."""

    module: CompiledModule
    answer: str

    @property
    def fresh(self) -> bool:
        """Whether this call loaded the code (its ``module.timings`` are this build's)."""
        return self.answer != "memory"


def compile_structure(structure_key: str | None,
                      make_ir: Callable[[], str | ModuleParts]) -> Compiled:
    """The module whose IR ``make_ir()`` gives (one text, or a module split into parts that
    compile at the same time: ``codegen.module_split``), found by ``structure_key`` (what
    determines that IR: ``brianjit.kernel_key.kernels_key``) in this process's cache or on disk
    without calling ``make_ir`` at all; compiled as :func:`compile_ir` does otherwise. The key
    also covers the CPU, the llvmlite/LLVM versions and brianjit's own code. Without a key
    (kernels that ``kernels_key`` cannot describe), the IR is made and keyed by its (whole) text."""
    if structure_key is None:
        made = _as_parts(make_ir())
        with _lock:
            return _compile(_full_key("ir", made.whole), lambda: made)
    with _lock:
        return _compile(_full_key("structure", structure_key, diskcache.code_fingerprint()), make_ir)


def _as_parts(made: str | ModuleParts) -> ModuleParts:
    return made if isinstance(made, ModuleParts) else ModuleParts.one(made)


def find_structure(structure_key: str) -> Compiled | None:
    """:func:`compile_structure`'s answer when this process or the disk cache has the module of
    ``structure_key``; None otherwise (nothing is compiled): for callers that can make the IR
    only by doing the work a hit is meant to skip (``objects/oneoff_cache.py``)."""
    with _lock:
        return _compile(_full_key("structure", structure_key, diskcache.code_fingerprint()), None)


def _compile(key: str, make_ir: Callable[[], str | ModuleParts] | None) -> Compiled | None:
    hit = _lookup(key)
    if hit is not None:
        _counts["memory"] += 1
        return Compiled(hit, "memory")
    _target_machine()
    cached = _from_disk(key)
    if cached is not None:  # machine code from an earlier process: no IR, no optimisation
        objects, optimized, ir_text, original = cached
        timings = {"parse": 0.0, "optimise": 0.0}
        t0 = time.perf_counter()
    elif make_ir is None:
        return None
    else:
        parts = _as_parts(make_ir())
        ir_text, suffix = parts.whole, "__" + key[:16]
        t0 = time.perf_counter()
        compiled = map_forked(lambda text: _compile_part(text, parts.shared, suffix), parts.texts,
                              fork=_fork_holding_llvm_lock)
        objects = [part.object_code for part in compiled]
        optimized = [part.optimized for part in compiled]
        original = {new: old for part in compiled for new, old in part.names.items()}
        timings = _critical_path([part.timings for part in compiled], time.perf_counter() - t0)
        t0 = time.perf_counter() - timings.pop("machine_code")
    engine = _new_engine()
    _check_external_symbols(objects, provided=original)
    with sigint_deferred():
        addresses = _load(engine, objects, original)
        timings["machine_code"] = time.perf_counter() - t0
        result = CompiledModule(addresses, ir_text, "\n".join(optimized), timings,
                                from_disk=cached is not None, _engine=engine,
                                optimized_parts=tuple(optimized))
        _remember(key, result)
    answer = "compiled" if cached is None else "disk"
    _counts[answer] += 1
    if cached is None:
        _to_disk(key, objects, optimized, ir_text, original)
    return Compiled(result, answer)


def _critical_path(part_timings: list[dict], seconds: float) -> dict[str, float]:
    """The stages of a build whose parts took ``seconds`` together: the slowest part's stages,
    scaled to add up to ``seconds`` (forks, waiting, and cores shared with others)."""
    slowest = max(part_timings, key=lambda t: sum(t.values()))
    scale = seconds / max(sum(slowest.values()), 1e-12)
    return {stage: value * scale for stage, value in slowest.items()}


@dataclass(frozen=True)
class _Part:
    """One part compiled: its object code, optimised IR (names as in the IR), the functions it
    defines ({name in the object: name in the IR}) and its timings (sent back pickled from a
    forked process: ``forked_map``)."""

    object_code: bytes
    optimized: str
    names: dict
    timings: dict


def _compile_part(ir_text: str, shared: frozenset, suffix: str) -> _Part:
    """Parse, optimise and emit one part; the functions it defines and the ``shared`` ones it
    declares get ``suffix``."""
    t0 = time.perf_counter()
    mod = _parse(ir_text)
    names = {}
    for f in mod.functions:
        # internal functions (math in IR) keep their names: attributes name them as text
        if f.is_declaration and f.name in shared:
            f.name = f.name + suffix
        elif not f.is_declaration and f.linkage != llvm.Linkage.internal:
            names[f.name + suffix] = f.name
            f.name = f.name + suffix
    t1 = time.perf_counter()
    tm = _target_machine()
    pb = llvm.create_pass_builder(tm, _pipeline_tuning())
    pb.getModulePassManager().run(mod, pb)
    optimized = str(mod).replace(suffix, "")
    t2 = time.perf_counter()
    object_code = tm.emit_object(mod)
    return _Part(object_code, optimized, names,
                 {"parse": t1 - t0, "optimise": t2 - t1, "machine_code": time.perf_counter() - t2})


def _fork_holding_llvm_lock(child: Callable[[], None]) -> int:
    """Fork while this thread holds llvmlite's lock (taken by a call, forking in the lock's
    documented acquire callback), so that no other thread is inside LLVM at that instant and
    the child, which has only this thread, finds the lock its own. The child runs ``child()``
    right there, which ends the process; the parent gets the child's pid. ``OSError`` where the
    system refuses a process."""
    me = threading.get_ident()
    box: dict = {}

    def acquired():
        if threading.get_ident() != me or "pid" in box:
            return
        box["pid"] = None
        try:
            with warnings.catch_warnings():
                # Python >= 3.12 warns of any other OS thread, e.g. numpy's OpenBLAS pool, which
                # has its own fork handlers; no other Python thread lives
                # (forked_map.parallel_parts)
                warnings.simplefilter("ignore", DeprecationWarning)
                pid = os.fork()
        except BaseException as exc:  # raised after the call: the lock must be released first
            box["error"] = exc
            return
        if pid == 0:
            child()
        box["pid"] = pid

    def released():
        pass

    llvm.ffi.register_lock_callback(acquired, released)
    try:
        llvm.get_process_triple()
    finally:
        llvm.ffi.unregister_lock_callback(acquired, released)
    if "error" in box:
        raise box["error"]
    return box["pid"]


def _pipeline_tuning():
    """O3 with the loop vectoriser and without the SLP (straight-line) vectoriser.

    The kernels' time is in loops, which the loop vectoriser handles; the SLP vectoriser only
    packed a few scalar products of a kernel's preamble into vectors (swc-neuron: 1 line of
    2,863 of optimised IR; same bits on every benchmark model) at ~12 % of LLVM's optimisation
    time (LLVM's pass timing on swc-neuron: 0.031 of 0.26 s), and pairs of loop-invariant
    ``exp`` calls into libmvec's two-lane ``exp``, which are now libm's, as numpy's."""
    pto = llvm.create_pipeline_tuning_options(speed_level=3)
    pto.loop_vectorization = True
    pto.slp_vectorization = False
    return pto


#: the first text of a disk entry: this tag, then the size of each part's object code
_PARTS_TAG = "parts-v1"


def _to_disk(key: str, objects: list[bytes], optimized: list[str], ir_text: str,
             original: dict[str, str]) -> None:
    """Keep the objects of a module's parts (joined), each part's optimised IR, the IR and
    the function names (see :func:`_from_disk`)."""
    layout = " ".join([_PARTS_TAG, *(str(len(o)) for o in objects)])
    diskcache.store(key, b"".join(objects), layout, *optimized, ir_text,
                    "\n".join(f"{new} {old}" for new, old in original.items()))


def _from_disk(key: str):
    """(object code of each part, optimised IR of each part, IR, {name in the objects: function
    name}) of the entry ``key``, or None: also for an entry of another layout (written by an
    earlier brianjit: one object, no tag), which the compilation then replaces."""
    entry = diskcache.load(key)
    if entry is None or len(entry) < 2 or not isinstance(entry[1], str):
        return None
    blob, layout, *texts = entry
    tag, *sizes = layout.split(" ")
    try:
        sizes = [int(size) for size in sizes]
    except ValueError:
        return None
    if tag != _PARTS_TAG or not sizes or min(sizes) < 0 or sum(sizes) != len(blob) \
            or len(texts) != len(sizes) + 2:
        return None
    *optimized, ir_text, names = texts
    try:
        original = dict(line.split(" ") for line in names.splitlines())
    except ValueError:
        return None
    objects, start = [], 0
    for size in sizes:
        objects.append(blob[start:start + size])
        start += size
    return objects, optimized, ir_text, original
