"""The cable kernel's sequential loops (the Thomas sweeps, the branch-point system, the loops over
sections) carry LLVM loop hints that keep them scalar and not unrolled: vectorising them only
adds runtime checks and copies that cost compile time (issue 8: the SWC neuron's build), while
the per-compartment loops (linearisation, the final combination) stay vectorisable."""
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


def test_cable_solver_sweeps_are_hinted_scalar_and_compartment_loops_are_not():
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
    assert hints.get("linearise") is False and hints.get("compartment") is False, hints
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
