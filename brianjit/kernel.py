"""Kernels: the small intermediate representation between model statements and LLVM IR.

A kernel is one piece of the time step (a group's state update, its threshold, a monitor's record)
described as data: a name, the state arrays it touches (each bound to a slot of the network's slot
table), a body of sympy assignments, and a *loop shape* that says how the body is iterated (every
element, every spike, append a monitor row...). Objects produce kernels; `codegen.kernels` lowers
each shape with one explicit function, failing loudly on any shape it does not know. ``print(kernel)``
shows what will be compiled.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .lazy import lazy_module

sympy = lazy_module("sympy", rebind=globals())   # imported when first needed

__all__ = [
    "ArrayVar", "Assign", "Kernel", "STORAGE_KINDS", "storage_kind", "value_type",
    "ForEach", "Threshold", "ForEachSpike", "RecordState", "RecordSpikes", "RecordRate",
    "ForEachRow", "Propagate", "OwnerIndex", "marks_bytes", "Connect", "COMPACTION_BLOCK",
    "threshold_mask_bytes",
]


#: the storage kinds of :attr:`ArrayVar.dtype` (how an element is held in memory) -> the model
#: type of its value inside expressions: 'float' is float64, 'float32' a float rounded when
#: stored (``prefs.core.default_float_dtype = float32``), 'integer' int32, 'int64', 'boolean' a byte
STORAGE_KINDS = {"float": "float", "float32": "float", "integer": "integer", "int64": "integer",
                 "boolean": "boolean"}
_NUMPY_STORAGE = {("f", 8): "float", ("f", 4): "float32", ("i", 4): "integer",
                  ("i", 8): "int64", ("b", 1): "boolean"}


def storage_kind(declared: str, numpy_dtype) -> str:
    """The storage kind of an array of ``numpy_dtype`` that a kernel reads as ``declared`` (a
    model type or a storage kind): a float variable stored as float32 is 'float32'. A numpy
    dtype that does not hold values of that type is a ValueError (native code would misread
    the bytes)."""
    dtype = np.dtype(numpy_dtype)
    kind = _NUMPY_STORAGE.get((dtype.kind, dtype.itemsize))
    if kind is None or STORAGE_KINDS[kind] != STORAGE_KINDS.get(declared):
        raise ValueError(f"a {declared} variable cannot be stored in an array of {dtype}")
    return kind


def value_type(kind: str) -> str:
    """The model type ('float', 'integer', 'boolean') of the values of storage ``kind``."""
    return STORAGE_KINDS[kind]


@dataclass(frozen=True)
class ArrayVar:
    """How a kernel sees one state array: ``name`` in the statements, ``slot`` in the network's slot
    table, storage ``dtype`` (a key of :data:`STORAGE_KINDS`), ``scalar`` for one shared value, and
    ``offset`` (the first element, for subgroups that view part of their parent's arrays), and
    ``index``: the name of an integer value of the same kernel (a variable or a loop index such as
    ``i``) that gives the element to read, so a per-synapse kernel reads ``v_post`` as
    ``v[offset + j]`` with ``j`` the synapse's postsynaptic index (None: the loop's own index).
    ``write_condition``: the name of a boolean variable of the same kernel, read at the same
    element; an assignment to this variable takes effect only where it holds (Brian2's
    "conditional write": ``(unless refractory)`` variables change only where
    ``not_refractory``). ``stride`` and ``field``: the variable is one column of a 2D array
    (per-synapse variables stored interleaved, ``objects/synapse_records.py``): element ``e`` is
    ``data[(e + offset) * stride + field]`` of the slot's array."""

    name: str
    slot: int
    dtype: str
    scalar: bool = False
    offset: int = 0
    index: str | None = None
    write_condition: str | None = None
    stride: int = 1
    field: int = 0


@dataclass(frozen=True)
class Assign:
    """``target op= expr``. ``op`` is '=' or an augmented operator such as '+='."""

    target: str
    expr: sympy.Expr
    op: str = "="

    def __str__(self):
        return f"{self.target} {self.op} {self.expr}"


# ---- loop shapes --------------------------------------------------------------------------------

@dataclass(frozen=True)
class ForEach:
    """Run the body for element indices ``0 <= i < size`` (of the kernel's group), optionally only
    where ``condition`` holds."""

    size: int
    condition: sympy.Expr | None = None


@dataclass(frozen=True)
class Threshold:
    """Evaluate ``condition`` for every element of a group of ``size``; the indices where it holds go,
    in increasing order, into the spike space (``spikespace`` slot: ``size + 1`` int32s, the last one
    the count). The body then runs once for each spiking element. ``mask`` is the slot of a zeroed
    uint8 scratch array of :func:`threshold_mask_bytes` bytes: a byte per element, rounded up to
    a multiple of 8 (see the lowering), then an int32 per block of :data:`COMPACTION_BLOCK`
    elements (the GPU form's parallel compaction, ``gpu/compaction.py``)."""

    size: int
    spikespace: int
    condition: sympy.Expr
    mask: int


#: elements per block of the GPU form's parallel spike compaction: one thread counts, then
#: writes, the spikes of a block (``gpu/compaction.py``)
COMPACTION_BLOCK = 1024


def threshold_mask_bytes(size: int) -> int:
    """Bytes of a :class:`Threshold`'s scratch ``mask`` for a group of ``size``."""
    return (size + 7) // 8 * 8 + 4 * -(-size // COMPACTION_BLOCK)


@dataclass(frozen=True)
class ForEachSpike:
    """Run the body for each element that spiked this step, restricted to ``start <= i < stop`` of the
    spike space's group (``i`` in the body is relative to ``start``)."""

    spikespace: int
    source_size: int
    start: int
    stop: int


@dataclass(frozen=True)
class RecordState:
    """Append one row to each 2D ``targets`` array holding, at the element indices of the
    ``indices`` array (int32), the value of the matching expression of ``sources`` (a variable's
    symbol or a substituted subexpression) stored as the matching ``dtypes`` (storage kinds,
    :data:`STORAGE_KINDS`); and append the time
    to the ``times`` array."""

    indices: int
    n_indices: int
    sources: tuple
    targets: tuple
    dtypes: tuple
    times: int


@dataclass(frozen=True)
class RecordSpikes:
    """Count every event of the ``spikespace`` in ``[start, stop)`` in ``counts`` (int64), and
    record those of the elements marked in ``selected`` (a uint8 per element of the range; None:
    every element): append the index (relative to ``start``) and time to the ``indices``/
    ``times`` arrays (None: not recorded) and each variable of ``sources`` to the matching
    ``targets`` array, all or none."""

    spikespace: int
    source_size: int
    start: int
    stop: int
    indices: int | None
    times: int | None
    counts: int
    sources: tuple = ()
    targets: tuple = ()
    selected: int | None = None


@dataclass(frozen=True)
class RecordRate:
    """Append the population rate (spikes in ``[start, stop)`` / (stop - start) / dt) and the time."""

    spikespace: int
    source_size: int
    start: int
    stop: int
    rates: int
    times: int


@dataclass(frozen=True)
class ForEachRow:
    """Like :class:`ForEach`, for a table whose length can change between builds (synapses): the
    number of elements is the size of the array in slot ``rows``, read when the kernel starts."""

    rows: int
    condition: sympy.Expr | None = None


@dataclass(frozen=True)
class Propagate:
    """One synaptic pathway: the spikes of ``[start, stop)`` of the ``spikespace``'s group reach
    their synapses ``d`` steps later (``d`` each synapse's delay), and the body runs once per
    reached synapse (its index is the loop index). ``synapses`` is the slot of the synapse table's
    ``i`` array (its size is ``N`` in the body).

    The arrays, by slot (``objects/spikes_in_flight.py`` gives the design and ``PathwayIndex``
    the index): ``spikes`` (int32 neurons relative to ``start``) and ``steps`` (int64 rows
    ``(emission step, number of spikes)``) are the spike lists of the steps in flight, in
    emission order (each step appends the spikes of neurons that have synapses, growing
    natively); ``classes`` (int64 rows ``(delay steps, next row of steps, its first spike)``,
    delays increasing; the last class's row is where the live lists begin, so delivered ones
    are dropped by moving the rest down). A spike of ``neuron`` reaches, in class ``c``, the
    positions ``offsets[neuron*K + c]:offsets[neuron*K + c + 1]`` of ``order`` (``offsets``
    int32; K classes) or, when ``offsets`` is empty (too large: neurons x classes), those of
    the neuron's group of class ``c`` (``neuron_groups``: int32 CSR of each neuron's groups;
    ``groups``: int32 rows ``(class, first position)``, increasing class, a sentinel row last).
    ``order`` holds int32 synapse ids by position (empty: the identity). ``pending`` (int64 rows
    ``(delivery step, synapse)`` in delivery order) and ``pending_next`` (int64[1]: its first
    undelivered row) hold events from before a change of synapses, delays or dt. A step delivers
    the pending events due, then each class from the largest delay down: the lists at its row
    that are its delay old."""

    spikespace: int
    source_size: int
    start: int
    stop: int
    synapses: int
    spikes: int
    steps: int
    classes: int
    offsets: int
    neuron_groups: int
    groups: int
    order: int
    pending: int
    pending_next: int
    #: GPU builds only (None on the CPU): the index for delivering by target owner
    by_owner: OwnerIndex | None = None


@dataclass(frozen=True)
class OwnerIndex:
    """What a pathway needs to be delivered by one thread per *owner* (the element its
    statements write, e.g. the postsynaptic neuron) on the GPU (``gpu/delivery.py``):
    ``index``, the kernel's per-synapse integer variable naming the owner (``j``); ``owners``,
    their number; ``offsets`` (int32, ``owners + 1``: CSR) and ``rows`` (int32 rows
    ``(key, synapse)``, ``key = class * sources + source``; per owner from the largest delay
    class down, then by source, then synapse: the CPU's order), both built by the pathway
    (``gpu/owner_index.py``); ``marks`` (bytes: one per (class, source), 0 between steps, then
    scratch, :func:`marks_bytes`)."""

    index: str
    owners: int
    offsets: int
    rows: int
    marks: int


def marks_bytes(sources: int, classes: int) -> int:
    """Bytes of :attr:`OwnerIndex.marks` for ``sources`` source neurons and ``classes`` delay
    classes: a mark per (class, source) (rounded up to 8), then an int64 (marked?) and two per
    class (the first and last position of the list it marked)."""
    return (sources * classes + 7) // 8 * 8 + 8 + 16 * classes


@dataclass(frozen=True)
class Connect:
    """Synapse creation: for each ``outer`` index ``0 <= a < outer_size`` and each inner value
    ``k`` in ``range(inner_start, inner_stop, inner_step)`` (expressions of the outer index,
    named ``outer_name``; ``k`` is named ``inner_name``), the other end is ``target`` (an
    expression of both). Out-of-range ends are skipped (``skip_if_invalid``) or stop the kernel
    with status 2, writing the offending pair to ``error`` (int64[2]). Then ``condition`` filters,
    ``p`` keeps each candidate with that probability (``p_constant``: a number, drawn by
    geometric skipping over ``k``, so sparse connectivity costs per synapse, not per pair), and
    ``n`` copies of the synapse are appended to ``pre``/``post`` (int32, relative indices).
    ``outer_is_pre``: the outer index is the presynaptic one (``i``)."""

    outer_size: int
    other_size: int
    outer_name: str
    inner_name: str
    inner_start: sympy.Expr
    inner_stop: sympy.Expr
    inner_step: int
    target: sympy.Expr
    condition: sympy.Expr | None
    p: sympy.Expr | None
    p_constant: bool
    n: sympy.Expr
    outer_is_pre: bool
    skip_if_invalid: bool
    pre: int
    post: int
    error: int
    #: the generator's ``if``: tested on (outer, k, target) before the range check (unless
    #: ``prefilter_reads_other``), so ``range(i-3, i+4) if k >= 0`` never sees the
    #: out-of-range candidates it excludes
    prefilter: sympy.Expr | None = None
    #: ``sample(..., size=...)``: that many distinct inner values, chosen uniformly (selection
    #: sampling, in range order); a size outside [0, number of values] is clipped
    #: (``skip_if_invalid``) or stops the kernel with status ``INVALID_SAMPLE_SIZE``, writing (outer index, size)
    #: to ``error``
    sample_size: sympy.Expr | None = None
    #: the prefilter reads variables of the other end: the range check comes first (an
    #: out-of-range candidate is skipped or an error, never read)
    prefilter_reads_other: bool = False


@dataclass
class Kernel:
    """One native function of a network: see the module docstring. ``first_stream`` numbers the
    random streams of its ``rand()``/``randn()`` calls, so results never depend on build order."""

    name: str
    shape: object
    variables: dict[str, ArrayVar]
    statements: list[Assign] = field(default_factory=list)
    first_stream: int = 0
    #: functions the statements call by name beyond the built-in ones (name -> a description
    #: such as :class:`TimedArrayFunction`, lowered by ``codegen.kernels.FUNCTION_LOWERINGS``)
    functions: dict = field(default_factory=dict)
    #: ``(p, q)``: the statements read the time of another clock than the one the kernel steps
    #: with, one whose period is ``q/p`` times the kernel's (``run_regularly`` with a dt of its
    #: own reads its group's ``t``; Brian2 resolves ``t`` among the group's variables). That
    #: clock's step is then ``ceil(step * p / q)``: the step it last ticked at or, between two
    #: of its ticks, the one it ticks at next (Brian2 moves a clock's ``t`` once all its objects
    #: ran), and ``t = that step * dt``, with ``dt`` the kernel's ``dt`` (that clock's)
    code_clock: tuple = (1, 1)

    def __str__(self):
        lines = [f"kernel {self.name}: {self.shape}"]
        if self.code_clock != (1, 1):
            p, q = self.code_clock
            lines.append(f"  t_in_timesteps = ceil(step * {p} / {q})")
        for var in self.variables.values():
            kind = "scalar" if var.scalar else f"array+{var.offset}" if var.offset else "array"
            kind += f"[{var.index}]" if var.index else ""
            lines.append(f"  {var.name}: {var.dtype} {kind} @slot {var.slot}")
        lines += [f"  {stmt}" for stmt in self.statements]
        return "\n".join(lines)


# ---- inputs (lowered in codegen/shapes_inputs.py) -------------------------------------------------
__all__ += ["SpikeGenerator", "TimedArrayFunction", "BinomialSample"]


@dataclass(frozen=True)
class SpikeGenerator:
    """Emit the spikes of a SpikeGeneratorGroup of ``size`` neurons into ``spikespace``: the
    ``timebins``/``indices`` arrays (int32, sorted by bin) hold the spikes; ``lastindex``
    (int64[1]) is the first spike not yet emitted (-1: new spikes, skip those before the
    current step); ``period_bins`` (int64[1]) repeats them
    (0: never). Sizes are read from the headers, so new spikes of any number never recompile."""

    size: int
    spikespace: int
    timebins: int
    indices: int
    lastindex: int
    period_bins: int


@dataclass(frozen=True)
class TimedArrayFunction:
    """``name(t)`` (``ndim`` 1) or ``name(t, i)`` (``ndim`` 2): the row of the 2D float array in
    slot ``values`` for the time step of ``t`` (Brian2's rounding, clipped to the first and last
    rows), column ``i`` (NaN outside). Its shape is read at run time; ``dt`` is the array's."""

    values: int
    dt: float
    ndim: int


@dataclass(frozen=True)
class BinomialSample:
    """``name()``: a Binomial(``n``, ``p``) number per element and step, drawn as Brian2 does
    (a normal approximation when ``approximate`` and ``n*p > 5`` and ``n*(1-p) > 5``, else
    inversion)."""

    n: int
    p: float
    approximate: bool = True


@dataclass(frozen=True)
class BernoulliSpikes:
    """Each element of a group of ``size`` spikes independently with the probability
    ``probability`` (an expression per element, e.g. ``rates*dt``): the indices go into the
    ``spikespace`` as for ``Threshold``. ``scratch`` is a float64 array of ``size`` for the
    probabilities of the step. The same distribution as ``rand() < probability``, drawn by
    skipping geometrically between candidates (see the lowering), so the cost follows the
    number of spikes, not the number of elements."""

    size: int
    spikespace: int
    probability: sympy.Expr
    scratch: int


# ---- multicompartment neurons (lowered in codegen/shapes_cable.py) --------------------------------
__all__ += ["CableStep"]


@dataclass(frozen=True)
class CableStep:
    """One implicit time step of the cable equation of a SpatialNeuron of compartments in
    unbranched sections (Brian2's scheme; docs/architecture.md, "The cable solver"). The numbers
    of compartments and sections are read from the sizes of ``bi`` and ``starts`` at run time,
    so the code does not depend on the morphology. The kernel's variables include ``v``, ``Cm`` and ``Ic`` (written) and whatever
    ``gtot`` (``-dIm/dv``) and ``I0`` (``Im + gtot*v``), the membrane current linearised around
    the present ``v``, read. The other fields are slots:

    - per compartment, float64[n], set before each run: ``diagonal`` (``-Cm/dt`` minus the axial
      conductances over the area), ``lower``/``upper`` (coupling to the previous/next compartment;
      0 across a section boundary);
    - per section, int32[n_sections]: ``starts``, ``ends`` (compartments ``start <= j < end``),
      ``parent_node`` (the branch point where the section starts; node ``s + 1`` is where
      section ``s`` ends); float64[n_sections], set before each run: ``invr0``/``invrn`` (axial
      conductance from the section's start/end node to its first/last compartment) and
      ``start_rhs``/``end_rhs`` (the right-hand sides of the two homogeneous solutions);
    - branch points: ``node_offsets`` (int32[n_sections + 2]) and ``node_children``
      (int32[n_sections]): the sections starting at node ``k`` are
      ``node_children[node_offsets[k]:node_offsets[k + 1]]``, in order;
    - scratch, float64[n]: ``bi`` (diagonal minus gtot), ``v_star``, ``u_plus``, ``u_minus``
      (the particular and the two homogeneous solutions), ``c`` (the eliminated upper diagonal),
      ``v_previous``; float64[n_sections + 1]: ``p_diag``, ``b`` (the branch-point system and its
      solution); float64[n_sections]: ``p_parent``, ``p_child`` (its off-diagonal entries)."""

    gtot: sympy.Expr
    I0: sympy.Expr
    diagonal: int
    lower: int
    upper: int
    starts: int
    ends: int
    parent_node: int
    invr0: int
    invrn: int
    start_rhs: int
    end_rhs: int
    node_offsets: int
    node_children: int
    bi: int
    v_star: int
    u_plus: int
    u_minus: int
    c: int
    v_previous: int
    p_diag: int
    b: int
    p_parent: int
    p_child: int


# ---- Python functions called from native code (lowered in codegen/callbacks.py) ----------------
__all__ += ["PythonFunction", "PYTHON_ERROR", "INVALID_SAMPLE_SIZE"]

#: the status a kernel returns when a Python function it called raised (the exception is kept by
#: ``objects.callbacks`` and raised again by whoever ran the kernel)
PYTHON_ERROR = 3
#: the status of a ``Connect`` kernel whose ``sample(..., size=...)`` is outside the population
INVALID_SAMPLE_SIZE = 4


@dataclass(frozen=True)
class PythonFunction:
    """``name(args...)``: a user's Python function, evaluated in Python on whole arrays. The
    kernel first runs its loop without side effects, appending each call's arguments as a row of
    ``tables[level - 1]`` (2D float64, ``nargs + 1`` columns: the arguments and the result; row 0
    holds the arguments' type codes), then calls the function in ``callback`` (a pointer-sized
    array holding the address of ``i32 callback(ptr table_header)``) once, which writes the
    results, and then runs the loop for real, reading the results in the same order. A call
    whose arguments use the result of another call has the other's level plus one (one such
    pre-pass per level). ``arg_types``: the declared types (Brian2's ``declare_types``),
    ``result_type``: 'float', 'integer', 'boolean' or 'highest'."""

    name: str
    nargs: int
    tables: tuple
    callback: int
    arg_types: tuple
    result_type: str


# ---- how shapes are compiled ----------------------------------------------------------------------
__all__ += ["EVENT_SHAPES", "runs_per_event"]

#: Shapes whose loops run once per event of the step (a spike, a generated spike), not once per
#: element. Their trip counts are small and unknown, so vectorising and unrolling them rarely
#: pays at run time, yet costs LLVM time in every build: ``codegen.kernels.lower_kernel``
#: compiles them for size (docs/architecture.md, "Compile time"). Not ``Propagate``: its
#: synapse loop is CUBA's hot loop, which O3 unswitches and unrolls (compiled for size, CUBA's
#: native run measured ~3 % slower).
EVENT_SHAPES = (ForEachSpike, RecordSpikes, SpikeGenerator)


def runs_per_event(shape) -> bool:
    """Whether ``shape``'s loops run per event rather than per element (:data:`EVENT_SHAPES`)."""
    return isinstance(shape, EVENT_SHAPES)
