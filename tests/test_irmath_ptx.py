"""The math written in IR lowers for an NVIDIA GPU (NVPTX, sm_90) with no external symbol: what
the GPU target needs (no libdevice without the CUDA toolkit). Checked here on the CPU by emitting
PTX with llvmlite's own LLVM; running it needs a GPU (benchmarks/gpu_check.py, issue 11)."""
import llvmlite.binding as llvm
import pytest
from llvmlite import ir

from brianjit.codegen.irmath import IR_MATH, ir_function

D = ir.DoubleType()


@pytest.fixture(scope="module")
def ptx():
    llvm.initialize_all_targets()
    llvm.initialize_all_asmprinters()
    module = ir.Module()
    module.triple = "nvptx64-nvidia-cuda"
    for name, (nargs, _) in sorted(IR_MATH.items()):
        fn = ir.Function(module, ir.FunctionType(ir.VoidType(), [ir.PointerType()] * (nargs + 1)),
                         "kernel_" + name)
        fn.calling_convention = "ptx_kernel"
        b = ir.IRBuilder(fn.append_basic_block())
        args = [b.load(p, typ=D) for p in fn.args[:nargs]]
        b.store(b.call(ir_function(module, name, 1), args), fn.args[nargs])
        b.ret_void()
    parsed = llvm.parse_assembly(str(module))
    parsed.verify()
    machine = llvm.Target.from_triple(module.triple).create_target_machine(cpu="sm_90", opt=3)
    return machine.emit_assembly(parsed)


def test_every_function_is_a_kernel_without_external_calls(ptx):
    for name in IR_MATH:
        assert f".entry kernel_{name}(" in ptx
    assert ".extern" not in ptx


def test_divisions_and_square_roots_are_correctly_rounded(ptx):
    """IEEE division and square root (not the approximate forms), so results can match the
    CPU's bit for bit."""
    assert "div.rn.f64" in ptx
    assert "div.approx" not in ptx and "sqrt.approx" not in ptx
