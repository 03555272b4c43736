"""The cable kernel's sequential loops (the Thomas sweeps, the branch-point system, the loops over
sections) carry LLVM loop hints that keep them scalar and not unrolled: vectorising them only
adds runtime checks and copies that cost compile time (issue 8: the SWC neuron's build), while
the per-compartment loops (linearisation, the final combination) are vectorised without runtime
checks of whether their arrays overlap (``for_range(..., independent=True)``)."""
import re

import llvmlite.binding as llvm
from llvmlite import ir

from brianjit import Cylinder, Network, Soma, SpatialNeuron, ms, ohm, cm, siemens, uF, um, volt
from brianjit.codegen import loops

_SCALAR = ("section", "forward", "backward", "assemble", "eliminate", "child", "substitute",
           "combine")


def _latch_hints(ir_text):
    """{loop name: has an !llvm.loop on its back edge} for the loops of ``ir_text``."""
    hinted = {}
    for match in re.finditer(r'br label %"(\w+)\.head"(, !llvm\.loop !\d+)?\n', ir_text):
        name = match.group(1)
        hinted[name] = hinted.get(name, False) or match.group(2) is not None
    return hinted


def test_cable_solver_sweeps_are_hinted_scalar_and_compartment_loops_independent():
    soma = Soma(diameter=20 * um)
    soma.dend = Cylinder(diameter=2 * um, length=50 * um, n=5)
    soma.dend.L = Cylinder(diameter=1 * um, length=30 * um, n=3)
    soma.dend.R = Cylinder(diameter=1 * um, length=30 * um, n=4)
    neuron = SpatialNeuron(soma, "Im = g*(-0.07*volt - v) : amp/meter**2\ng : siemens/meter**2",
                           Cm=1 * uF / cm ** 2, Ri=100 * ohm * cm)
    neuron.g = 1e-4 * siemens / cm ** 2
    Network(neuron).run(0.1 * ms)
    # the cable step is the kernel of the neuron's contained state updater (Brian2's name)
    cable_ir = neuron.diffusion_state_updater.code.ir
    hints = _latch_hints(cable_ir)
    for name in _SCALAR:
        assert hints.get(name) is True, (name, hints)
    # the per-compartment loops: hinted independent, so vectorised without runtime overlap checks
    assert hints.get("linearise") is True and hints.get("compartment") is True, hints
    assert "!llvm.access.group" in cable_ir
    optimized = neuron.diffusion_state_updater.code.optimized_ir
    assert "vector.body" in optimized and "vector.memcheck" not in optimized
    assert "!llvm.loop" in cable_ir


def test_scalar_for_range_emits_a_distinct_self_referencing_loop_id_llvm_accepts():
    module = ir.Module(name="hints")
    i64 = ir.IntType(64)
    function = ir.Function(module, ir.FunctionType(i64, [i64]), name="count")
    b = ir.IRBuilder(function.append_basic_block("entry"))
    total = b.alloca(i64)
    b.store(ir.Constant(i64, 0), total)
    with loops.for_range(b, ir.Constant(i64, 0), function.args[0], "a", scalar=True) as k:
        b.store(b.add(b.load(total), k), total)
    with loops.for_range(b, ir.Constant(i64, 0), function.args[0], "b", scalar=True) as k:
        b.store(b.add(b.load(total), k), total)
    b.ret(b.load(total))
    text = str(module)
    ids = re.findall(r"^(!\d+) = distinct !\{ (!\d+), ", text, re.M)
    assert len(ids) == 2 and all(own == first for own, first in ids)
    assert ids[0][0] != ids[1][0]          # one loop ID per loop
    parsed = llvm.parse_assembly(text)
    parsed.verify()
    assert "llvm.loop.unroll.disable" in str(parsed)


def test_an_independent_loop_is_vectorised_without_overlap_checks_and_computes_the_same():
    """Two arrays the optimiser cannot tell apart: without the hint LLVM checks at run time
    whether they overlap (their addresses' difference: ``ptrtoint``); with it, it does not."""
    import ctypes

    import numpy as np

    from brianjit.jit import compile_ir

    def build(independent):
        module = ir.Module(name="independent")
        module.triple = ""
        f64, i64, ptr = ir.DoubleType(), ir.IntType(64), ir.PointerType()
        function = ir.Function(module, ir.FunctionType(ir.VoidType(), [ptr, ptr, i64]), name="f")
        out, values, n = function.args
        b = ir.IRBuilder(function.append_basic_block("entry"))
        with loops.for_range(b, ir.Constant(i64, 0), n, "each", independent=independent) as k:
            x = b.load(b.gep(values, [k], source_etype=f64), typ=f64)
            b.store(b.fadd(b.fmul(x, x), ir.Constant(f64, 1.0)),
                    b.gep(out, [k], source_etype=f64))
        b.ret_void()
        return compile_ir(str(module))
    values = np.linspace(-3, 3, 1001)
    results = []
    for independent in (False, True):
        compiled = build(independent)
        assert ("ptrtoint" in compiled.optimized_ir) is not independent
        assert "<4 x double>" in compiled.optimized_ir or "<8 x double>" in compiled.optimized_ir \
            or "<2 x double>" in compiled.optimized_ir
        out = np.zeros_like(values)
        compiled.cfunc("f", None, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64)(
            out.ctypes.data, values.ctypes.data, len(values))
        results.append(out)
    assert results[0].tobytes() == results[1].tobytes() == (values * values + 1.0).tobytes()


def test_a_loop_cannot_be_both_scalar_and_independent():
    import pytest
    b = ir.IRBuilder(ir.Function(ir.Module(), ir.FunctionType(ir.VoidType(), []), "f")
                     .append_basic_block())
    i64 = ir.IntType(64)
    with pytest.raises(ValueError, match="scalar"):
        with loops.for_range(b, ir.Constant(i64, 0), ir.Constant(i64, 4), scalar=True,
                             independent=True):
            pass
