"""Lowering of ``CableStep``: one implicit step of the cable equation, Brian2's scheme, natively.

The order of operations is Brian2's C++ template's (its Cython template's too, but compiled
through Cython's C it rounds otherwise; its numpy target calls scipy's banded solver), and
multiply-adds fuse into FMAs (``contract``) as g++'s do under Brian2's flags, so results agree
with Brian2's C++ standalone to rounding. That matters:
the step is ill-conditioned near a soma, and one ulp more or less in an intermediate value moves
``v`` by ~1e-10 relative per step (measured on Brian2's ``bipolar_cell``: 1.1e-13 from
standalone; without fusing 5e-9; Brian2's numpy target is 3e-8 from its standalone):

1. every compartment: the membrane current linearised around the present ``v``
   (``Im ~ I0 - gtot*v``), the matrix diagonal ``bi`` and the right-hand side
   ``-Cm/dt*v - I0``; ``v`` is kept in ``v_previous``. No dependence between compartments, so
   LLVM vectorises this loop (and any ``exp`` in it).
2. every section: three tridiagonal systems with the same matrix, solved together by the Thomas
   algorithm: the particular solution ``v_star`` (both ends held at 0 V) and the homogeneous
   solutions ``u_minus``/``u_plus`` (1 V at the section's start/end node). Sections are
   independent, because the axial coupling across a branch point is left out of the matrix.
3. the branch points: their voltages solve a small system with one row per node (current
   conservation; a sealed end at the root's start), whose matrix has the tree's shape. Nodes are
   numbered so that a parent precedes its children, so eliminating from the last node to the
   first needs no pivoting, and back substitution from the first to the last finishes it.
4. every compartment: ``v = v_star + V(start node)*u_minus + V(end node)*u_plus``, and the
   capacitive current ``Ic = Cm*(v - v_previous)/dt``.

Two liberties that do not change a bit of the result: ``u_plus``'s forward sweep is zero up to
the section's last compartment (its right-hand side is zero there), so it is not computed; and
the values a sweep carries from one compartment to the next stay in registers. One that changes
the last bit: the eliminated upper diagonal ``c`` is ``upper/pivot`` instead of Brian2's
``upper*(1/pivot)``, which takes an operation off the sweep's critical path (the recurrence of
``c``): 8 % less time for a 1,000-compartment cable (10.7 -> 9.8 ns per compartment and step);
Brian2's product would bring ``bipolar_cell`` from 1.1e-13 to 2.4e-15 of standalone, ``rall``
from 7e-12 to 2.5e-13 (re-measured: 4 % more time for a passive 1,800-compartment neuron).
One that looks like a liberty but is not: at compartment 0 Brian2's template divides by the
pivot instead of multiplying by its reciprocal, but g++ under ``-ffast-math`` computes the
reciprocal once, as here (dividing there puts ``bipolar_cell`` 1.2e-8 from standalone). Both
facts were read from g++ 12's assembly of Brian2's standalone code object: one ``vdivsd`` for
``1/pivot`` and fused ``vfnmadd``/``vfnmsub`` for the sweeps' multiply-subtracts, as LLVM emits
here; ``Cm/dt`` stays a division there too.
"""
from __future__ import annotations

from llvmlite import ir

from .. import kernel as K
from . import dynarray, loops
from .kernels import F64, I32, I64, KernelEmitter, const, lowers
from .mathfuncs import FAST_MATH

__all__ = []

_DIVIDE = ("contract",)   # exact division, as Brian2's: no reciprocal approximations


def _number(value):
    return ir.Constant(F64, value)


class _Solver:
    """Loads, stores and arithmetic of the solver's arrays (by slot) at the builder's position."""

    def __init__(self, em: KernelEmitter):
        self.em = em
        self.b = em.builder

    def load(self, slot, index):
        b = self.b
        return b.load(b.gep(self.em.data(slot), [index], source_etype=F64), typ=F64)

    def store(self, slot, index, value):
        b = self.b
        b.store(value, b.gep(self.em.data(slot), [index], source_etype=F64))

    def index(self, slot, position):
        """An int32 array's element as an i64."""
        b = self.b
        return b.sext(b.load(b.gep(self.em.data(slot), [position], source_etype=I32), typ=I32),
                      I64)

    def register(self, value=0.0):
        """A double carried from one loop iteration to the next (promoted to a register)."""
        slot = self.em.alloca(F64)
        self.b.store(_number(value) if isinstance(value, float) else value, slot)
        return slot

    def read(self, register):
        return self.b.load(register, typ=F64)

    def write(self, register, value):
        self.b.store(value, register)

    def add(self, x, y):
        return self.b.fadd(x, y, flags=FAST_MATH)

    def sub(self, x, y):
        return self.b.fsub(x, y, flags=FAST_MATH)

    def mul(self, x, y):
        return self.b.fmul(x, y, flags=FAST_MATH)

    def div(self, x, y):
        return self.b.fdiv(x, y, flags=_DIVIDE)

    def neg(self, x):
        return self.b.fneg(x, flags=FAST_MATH)


@lowers(K.CableStep)
def _cable_step(em: KernelEmitter, shape: K.CableStep):
    values = em.base_values()
    solver = _Solver(em)
    # the sizes come from the arrays, so the code does not depend on the morphology
    n = dynarray.emit_load_size(em.prologue, em.header(shape.bi))
    sections = dynarray.emit_load_size(em.prologue, em.header(shape.starts))
    _linearise(em, solver, shape, n, values["dt"])
    with em.for_range(const(0), sections, name="section", scalar=True) as s:
        _solve_section(em, solver, shape, s)
    _branch_points(em, solver, shape, sections)
    with em.for_range(const(0), sections, name="combine", scalar=True) as s:
        _combine(em, solver, shape, s, values["dt"])


def _linearise(em, solver, shape, n, dt):
    """Step 1: ``bi``, the right-hand side (in ``v_star``) and ``v_previous``."""
    variables = em.kernel.variables
    membrane = [K.Assign("_gtot", shape.gtot), K.Assign("_I0", shape.I0)]

    # independent: every compartment reads and writes only its own elements (Python functions,
    # whose results are read through a counter carried from one iteration to the next, are
    # refused in this kernel: callbacks.lower_python_call)
    with loops.for_range(em.builder, const(0), n, name="linearise", independent=True) as j:
        current = em.run_statements(membrane, j, n,
                                    declared={"_gtot": "float", "_I0": "float"})
        v, cm = em.load(variables["v"], j), em.load(variables["Cm"], j)
        solver.store(shape.v_previous, j, v)
        solver.store(shape.bi, j, solver.sub(solver.load(shape.diagonal, j), current["_gtot"]))
        solver.store(shape.v_star, j, solver.sub(solver.neg(solver.mul(solver.div(cm, dt), v)),
                                                 current["_I0"]))


def _solve_section(em, solver, shape, s):
    """Step 2 for section ``s``: forward elimination, then back substitution, of the three
    systems at once."""
    b = em.builder
    first, end = solver.index(shape.starts, s), solver.index(shape.ends, s)
    c_prev, v_prev, minus_prev = solver.register(), solver.register(), solver.register()
    # u_minus's right-hand side: only its first compartment's is not zero
    minus_rhs = solver.register(solver.load(shape.start_rhs, s))
    m_last = solver.register()

    with em.for_range(first, end, name="forward", scalar=True) as j:
        lower = solver.load(shape.lower, j)   # 0 at the section's first compartment
        pivot = solver.sub(solver.load(shape.bi, j), solver.mul(lower, solver.read(c_prev)))
        m = solver.div(_number(1.0), pivot)
        # c's recurrence is the sweep's critical path: one division on it, not two operations
        c = solver.div(solver.load(shape.upper, j), pivot)
        v_star = solver.mul(solver.sub(solver.load(shape.v_star, j),
                                       solver.mul(lower, solver.read(v_prev))), m)
        minus = solver.mul(solver.sub(solver.read(minus_rhs),
                                      solver.mul(lower, solver.read(minus_prev))), m)
        solver.store(shape.c, j, c)
        solver.store(shape.v_star, j, v_star)
        solver.store(shape.u_minus, j, minus)
        for register, value in ((c_prev, c), (v_prev, v_star), (minus_prev, minus),
                                (minus_rhs, _number(0.0)), (m_last, m)):
            solver.write(register, value)

    last = b.sub(end, const(1))
    plus = solver.mul(solver.load(shape.end_rhs, s), solver.read(m_last))
    solver.store(shape.u_plus, last, plus)
    v_next, plus_next = solver.register(solver.load(shape.v_star, last)), solver.register(plus)
    minus_next = solver.register(solver.load(shape.u_minus, last))

    with em.for_range(const(0), b.sub(last, first), name="backward", scalar=True) as k:
        j = b.sub(b.sub(last, const(1)), k)
        c = solver.load(shape.c, j)
        v_star = solver.sub(solver.load(shape.v_star, j), solver.mul(c, solver.read(v_next)))
        plus = solver.neg(solver.mul(c, solver.read(plus_next)))
        minus = solver.sub(solver.load(shape.u_minus, j), solver.mul(c, solver.read(minus_next)))
        solver.store(shape.v_star, j, v_star)
        solver.store(shape.u_plus, j, plus)
        solver.store(shape.u_minus, j, minus)
        for register, value in ((v_next, v_star), (plus_next, plus), (minus_next, minus)):
            solver.write(register, value)


def _branch_points(em, solver, shape, sections):
    """Step 3: assemble the branch-point system section by section (in order, as Brian2), then
    eliminate from the last node to the first and substitute back; the node voltages end up in
    ``b``."""
    b = em.builder
    one = _number(1.0)

    def ends(s):
        return solver.index(shape.starts, s), b.sub(solver.index(shape.ends, s), const(1))

    def towards_children(s, last):
        """The row of node ``s + 1``, the end of section ``s`` (its children add to it later)."""
        invrn = solver.load(shape.invrn, s)
        node = b.add(s, const(1))
        solver.store(shape.p_diag, node,
                     solver.mul(solver.sub(one, solver.load(shape.u_plus, last)), invrn))
        solver.store(shape.p_parent, s, solver.mul(solver.neg(solver.load(shape.u_minus, last)),
                                                   invrn))
        solver.store(shape.b, node, solver.mul(solver.load(shape.v_star, last), invrn))

    # the root section: a sealed end at its start (node 0 has the voltage of its first compartment)
    root = const(0)
    first, last = ends(root)
    solver.store(shape.p_diag, root, solver.sub(solver.load(shape.u_minus, first), one))
    solver.store(shape.p_child, root, solver.load(shape.u_plus, first))
    solver.store(shape.b, root, solver.neg(solver.load(shape.v_star, first)))
    towards_children(root, last)

    with em.for_range(const(1), sections, name="assemble", scalar=True) as s:
        first, last = ends(s)
        invr0 = solver.load(shape.invr0, s)
        parent = solver.index(shape.parent_node, s)
        solver.store(shape.p_diag, parent, solver.add(
            solver.load(shape.p_diag, parent),
            solver.mul(solver.sub(one, solver.load(shape.u_minus, first)), invr0)))
        solver.store(shape.p_child, s, solver.mul(solver.neg(solver.load(shape.u_plus, first)),
                                                  invr0))
        solver.store(shape.b, parent, solver.add(solver.load(shape.b, parent),
                                                 solver.mul(solver.load(shape.v_star, first),
                                                            invr0)))
        towards_children(s, last)

    with em.for_range(const(0), b.add(sections, const(1)), name="eliminate", scalar=True) as k:
        node = b.sub(sections, k)
        with em.for_range(solver.index(shape.node_offsets, node),
                          solver.index(shape.node_offsets, b.add(node, const(1))), name="child",
                          scalar=True) as q:
            section_ = solver.index(shape.node_children, q)
            below = b.add(section_, const(1))
            factor = solver.div(solver.load(shape.p_child, section_),
                                solver.load(shape.p_diag, below))
            solver.store(shape.p_diag, node, solver.sub(
                solver.load(shape.p_diag, node),
                solver.mul(factor, solver.load(shape.p_parent, section_))))
            solver.store(shape.b, node, solver.sub(solver.load(shape.b, node),
                                                   solver.mul(factor, solver.load(shape.b, below))))

    solver.store(shape.b, root, solver.div(solver.load(shape.b, root),
                                           solver.load(shape.p_diag, root)))

    with em.for_range(const(0), sections, name="substitute", scalar=True) as s:
        node = b.add(s, const(1))
        parent = solver.index(shape.parent_node, s)
        value = solver.sub(solver.load(shape.b, node),
                           solver.mul(solver.load(shape.p_parent, s), solver.load(shape.b, parent)))
        solver.store(shape.b, node, solver.div(value, solver.load(shape.p_diag, node)))


def _combine(em, solver, shape, s, dt):
    """Step 4 for section ``s``: the new ``v`` and ``Ic``."""
    b = em.builder
    variables = em.kernel.variables
    start_voltage = solver.load(shape.b, solver.index(shape.parent_node, s))
    end_voltage = solver.load(shape.b, b.add(s, const(1)))

    with loops.for_range(b, solver.index(shape.starts, s), solver.index(shape.ends, s),
                         name="compartment", independent=True) as j:
        v = solver.add(solver.add(solver.load(shape.v_star, j),
                                  solver.mul(start_voltage, solver.load(shape.u_minus, j))),
                       solver.mul(end_voltage, solver.load(shape.u_plus, j)))
        em.store(variables["v"], v, j)
        capacitive = solver.mul(em.load(variables["Cm"], j),
                                solver.sub(v, solver.load(shape.v_previous, j)))
        em.store(variables["Ic"], solver.div(capacitive, dt), j)
