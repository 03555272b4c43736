"""A network's kernels in the GPU's form: one entry per launch, for NVPTX or for the host.

The GPU form is a list of *launches*, run in order at every step of their clock. Each launch is
an entry ``void entry(ptr slots, i64 offset, ptr control)`` executed by ``threads`` threads,
whose base step is ``control.base + offset`` and which does nothing where its clock does not
tick or the chunk has failed (``gpu.control``: so one CUDA graph of ``K`` steps replays every
stretch of ``K`` steps):

* a kernel that ``codegen.partition`` can partition is lowered once, by the same ranged lowering
  the CPU threads use (``i32 part(slots, step, lo, hi)``), and its entry runs ``part`` on
  ``[i, i + 1)`` for its own element ``i``: one thread per element, no copy of the shapes' code.
  A threshold compacts its spikes in three more launches (``gpu.compaction``: a thread per block
  counts, one thread scans, a thread per block writes its spikes in index order) where its
  statements write only the spiking element; any other shape's serial rest is a second launch
  of one thread;
* a synaptic pathway built with an index by owner (``kernel.OwnerIndex``: GPU builds of
  pathways that write only through one per-synapse index) is three launches
  (``gpu.delivery``): one thread marks the sources of the list due, one thread per owner
  applies their synapses in the CPU's order, one thread clears the marks;
* every other kernel (other pathways, queues, monitors, Poisson inputs, ...) is one launch of
  one thread running the kernel as the CPU runs it, so its results do not depend on scheduling.

A kernel's non-zero status (an array that could not grow) is stored into ``control.status``.

The *target* decides where the elements come from: ``"nvptx"`` makes each entry a
``ptx_kernel`` whose element is ``ctaid.x * ntid.x + tid.x`` (threads past the last element do
nothing); ``"host"`` (the CPU emulation) runs the same ranged function over all the launch's
elements, the thread index being its loop variable, so calling the entry is the whole launch.
The host form is not called element by element because LLVM vectorises the ranged loop: one
call per element would compute other roundings than the CPU back-end's vectorised loop where
``contract`` fuses differently in vector and scalar code (measured: the last bit of 7 % of
CUBA's ``v``), and the emulation must equal the CPU back-end. The GPU runs the scalar code, so
the device may differ from the CPU in such last bits (``benchmarks/gpu_check.py`` measures
it). The host form also holds ``run_steps(slots, start, stop)``, the GPU's launch order as one
native loop (every launch at every step, the status checked after each), with the signature of
the CPU back-end's driver. Math is always written in IR (mode ``'ir'``): the GPU
has no libm, and the emulation must compute what the GPU computes.
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass

from llvmlite import ir

from .. import jit
from .. import kernel as K
from ..codegen.declarations import declare_function
from ..codegen.driver import (DRIVER_NAME, ScheduledKernel, export_with_subnormals_flushed,
                              StatusExit, kernel_function_name)
from ..codegen.kernels import lower_kernel
from ..codegen.loops import for_range
from ..codegen.mathfuncs import set_math_mode
from ..codegen.partition import PARTITIONED, lower_partitioned, partitionable
from .compaction import blocks, compacts_in_parallel, lower_compaction
from .control import ADVANCE, CONTROL, emit_advance_entry, emit_gate, status_pointer
from .delivery import delivers_by_owner, lower_delivery

__all__ = ["Launch", "GpuModule", "build_gpu_module", "plan_launches", "HEAP_COPY", "HEAP_FREE",
           "SERVICE_ENTRIES", "TARGETS", "ENTRY_TYPE", "NVPTX_TRIPLE"]

I32, I64, PTR = ir.IntType(32), ir.IntType(64), ir.PointerType()
ENTRY_TYPE = ir.FunctionType(ir.VoidType(), [PTR, I64, PTR])
NVPTX_TRIPLE = "nvptx64-nvidia-cuda"
#: the entries that copy and free a buffer a kernel grew on the device (see ``gpu.runtime``)
HEAP_COPY, HEAP_FREE = "brianjit_heap_copy", "brianjit_heap_free"
#: the entries besides the launches: the heap's copy and free, the control block's advance
SERVICE_ENTRIES = (HEAP_COPY, HEAP_FREE, ADVANCE)
TARGETS = ("nvptx", "host")


@dataclass(frozen=True)
class Launch:
    """One entry of the GPU form: run by ``threads`` threads at every tick of a clock of
    ``period`` base steps (with that clock's own step)."""

    name: str
    period: int
    threads: int


@dataclass(frozen=True)
class GpuModule:
    """The module and its launches in the order of one step."""

    module: ir.Module
    launches: tuple


def build_gpu_module(schedule: list[ScheduledKernel], target: str, name: str = "gpu",
                     lowering_context=None) -> GpuModule:
    """The GPU form of ``schedule`` for ``target`` (one of :data:`TARGETS`); see the module
    docstring. ``lowering_context(n)`` is the network's context manager around kernel ``n``."""
    if target not in TARGETS:
        raise ValueError(f"unknown GPU target {target!r}; expected one of {TARGETS}")
    module = ir.Module(name=name)
    module.triple = NVPTX_TRIPLE if target == "nvptx" else ""
    set_math_mode(module, "ir")
    launches = []
    for n, item in enumerate(schedule):
        fname = kernel_function_name(n, item.kernel)
        with lowering_context(n) if lowering_context else contextlib.nullcontext():
            _refuse_python_calls(item.kernel)
            if partitionable(item.kernel):
                parted = lower_partitioned(module, item.kernel, fname)
                parted.whole.linkage = "internal"  # the GPU form never calls it
                bodies = [_ranged_body(parted.part)]
                if compacts_in_parallel(item.kernel):
                    parted.rest.linkage = "internal"  # nor this
                    count, scan, scatter = lower_compaction(module, item.kernel, fname,
                                                            parted.part_streams)
                    bodies += [_ranged_body(count), _whole_body(scan), _ranged_body(scatter)]
                elif parted.rest is not None:
                    bodies.append(_whole_body(parted.rest))
            elif delivers_by_owner(item.kernel):
                mark, owners, unmark = lower_delivery(module, item.kernel, fname)
                bodies = [_whole_body(mark), _ranged_body(owners), _whole_body(unmark)]
            else:
                bodies = [_whole_body(lower_kernel(module, item.kernel, fname))]
        for launch, body in zip(_launches_of(n, item), bodies):
            _entry(module, target, launch, body)
            launches.append(launch)
    _emit_heap_entries(module, target)
    emit_advance_entry(module, target == "nvptx")
    if target == "nvptx":
        _hide_helpers(module, launches)
    else:
        _emit_host_driver(module, launches)
    return GpuModule(module, tuple(launches))


def plan_launches(schedule: list[ScheduledKernel]) -> tuple:
    """The launches of :func:`build_gpu_module` for ``schedule``, without lowering anything
    (a network whose module was found in a cache needs only these)."""
    return tuple(launch for n, item in enumerate(schedule) for launch in _launches_of(n, item))


def _launches_of(n, item):
    fname = kernel_function_name(n, item.kernel)
    if delivers_by_owner(item.kernel):
        return [Launch(f"{fname}_mark", item.period, 1),
                Launch(f"{fname}_owners", item.period, item.kernel.shape.by_owner.owners),
                Launch(f"{fname}_unmark", item.period, 1)]
    if not partitionable(item.kernel):
        return [Launch(f"{fname}_serial", item.period, 1)]
    partition = PARTITIONED[type(item.kernel.shape)]
    elements = [Launch(f"{fname}_elements", item.period, partition.size(item.kernel.shape))]
    if compacts_in_parallel(item.kernel):
        n = blocks(item.kernel.shape)
        return elements + [Launch(f"{fname}_count", item.period, n),
                           Launch(f"{fname}_scan", item.period, 1),
                           Launch(f"{fname}_scatter", item.period, n)]
    return elements + ([Launch(f"{fname}_serial", item.period, 1)] if partition.rest else [])


def _emit_heap_entries(module, target):
    """Two entries for buffers that kernels grew on the device (``malloc`` of the device heap,
    which the driver's copies may not read): ``void HEAP_COPY(ptr dst, ptr src, i64 nbytes)``,
    each thread copying the bytes ``k, k + threads, ...`` (host: one loop), and ``void
    HEAP_FREE(ptr buffer)`` on one thread."""
    i8 = ir.IntType(8)
    copy = ir.Function(module, ir.FunctionType(ir.VoidType(), [PTR, PTR, I64]), name=HEAP_COPY)
    dst, src, nbytes = copy.args
    b = ir.IRBuilder(copy.append_basic_block("entry"))
    if target == "nvptx":
        copy.calling_convention = "ptx_kernel"
        first, stride = _global_thread_index(module, b), _thread_count(module, b)
    else:
        first, stride = ir.Constant(I64, 0), ir.Constant(I64, 1)
    loop, body, done = (copy.append_basic_block(n) for n in ("loop", "body", "done"))
    b.branch(loop)
    b.position_at_end(loop)
    k = b.phi(I64)
    k.add_incoming(first, copy.entry_basic_block)
    b.cbranch(b.icmp_signed("<", k, nbytes), body, done)
    b.position_at_end(body)
    b.store(b.load(b.gep(src, [k], source_etype=i8), typ=i8), b.gep(dst, [k], source_etype=i8))
    k.add_incoming(b.add(k, stride), body)
    b.branch(loop)
    b.position_at_end(done)
    b.ret_void()
    free = declare_function(module, "free", ir.FunctionType(ir.VoidType(), [PTR]))
    release = ir.Function(module, ir.FunctionType(ir.VoidType(), [PTR]), name=HEAP_FREE)
    if target == "nvptx":
        release.calling_convention = "ptx_kernel"
    b = ir.IRBuilder(release.append_basic_block("entry"))
    b.call(free, [release.args[0]])
    b.ret_void()


def _hide_helpers(module, launches):
    """Every defined function but the entries internal: PTX names may not hold ``.``, and LLVM
    renames internal functions to valid names (the entries are named validly here)."""
    entries = {launch.name for launch in launches} | set(SERVICE_ENTRIES)
    for fn in module.functions:
        if not fn.is_declaration and fn.name not in entries:
            fn.linkage = "internal"


def _refuse_python_calls(kern: K.Kernel) -> None:
    python = [f for f in kern.functions.values() if isinstance(f, K.PythonFunction)]
    if python:
        raise NotImplementedError(
            f"the GPU target cannot call Python functions from its kernels "
            f"({', '.join(repr(f.name) for f in python)}); use a function written in the model "
            f"language, a TimedArray, or the CPU back-end")


def _ranged_body(part):
    """Elements ``[lo, hi)`` by the ranged lowering (the GPU: one thread, ``hi = lo + 1``)."""
    def body(b, slots, step, lo, hi):
        return b.call(part, [slots, step, lo, hi])
    return body


def _whole_body(fn):
    def body(b, slots, step, lo, hi):
        return b.call(fn, [slots, step])
    return body


def _entry(module, target, launch, body):
    func = ir.Function(module, ENTRY_TYPE, name=launch.name)
    threads = launch.threads
    slots, offset, control = func.args
    slots.add_attribute("noalias")
    b = ir.IRBuilder(func.append_basic_block("entry"))

    def run(step, lo, hi):
        result = body(b, slots, step, lo, hi)
        with b.if_then(b.icmp_signed("!=", result, ir.Constant(I32, 0)), likely=False):
            b.atomic_rmw("xchg", status_pointer(b, control), result, "monotonic")

    if target == "nvptx":
        func.calling_convention = "ptx_kernel"
        i = _global_thread_index(module, b)

        def element(step):
            with b.if_then(b.icmp_signed("<", i, ir.Constant(I64, threads))):
                run(step, i, b.add(i, ir.Constant(I64, 1)))
        emit_gate(b, control, offset, launch.period, element)
    else:
        emit_gate(b, control, offset, launch.period,
                  lambda step: run(step, ir.Constant(I64, 0), ir.Constant(I64, threads)))
    b.ret_void()


def _global_thread_index(module, b):
    """``ctaid.x * ntid.x + tid.x`` as an i64, from the NVVM special registers."""
    return b.add(b.mul(_sreg(module, b, "ctaid.x"), _sreg(module, b, "ntid.x")),
                 _sreg(module, b, "tid.x"))


def _sreg(module, b, name):
    """The NVVM special register ``name`` (``tid.x``, ...) as an i64."""
    full = f"llvm.nvvm.read.ptx.sreg.{name}"
    fn = declare_function(module, full, ir.FunctionType(I32, []))
    return b.zext(b.call(fn, []), I64)


def _thread_count(module, b):
    """``nctaid.x * ntid.x``: the threads of the launch."""
    return b.mul(_sreg(module, b, "nctaid.x"), _sreg(module, b, "ntid.x"))


def _emit_host_driver(module, launches):
    """``i32 run_steps(ptr slots, i64 start, i64 stop)``: every launch in order at every step
    (offset: the step, base 0; each entry checks its clock's tick), returning the first
    non-zero status; subnormals flushed as the CPU driver does (so the emulation computes what
    the CPU back-end computes)."""
    flush = jit.flushes_subnormals()
    driver = ir.Function(module, ir.FunctionType(I32, [PTR, I64, I64]),
                         name=DRIVER_NAME + (".body" if flush else ""))
    slots, start, stop = driver.args
    b = ir.IRBuilder(driver.append_basic_block("entry"))
    control = b.alloca(CONTROL, name="control")
    b.store(ir.Constant(CONTROL, [0, 0, 0]), control)
    status = status_pointer(b, control)
    exit_ = StatusExit(driver)
    with for_range(b, start, stop, name="step") as step:
        for launch in launches:
            b.call(module.globals[launch.name], [slots, step, control])
            exit_.check(b, b.load(status, typ=I32))
    b.ret(ir.Constant(I32, 0))
    exit_.finish()
    if flush:
        export_with_subnormals_flushed(module, driver, DRIVER_NAME)
