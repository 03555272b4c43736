"""ExprLowerer infers each sub-expression's type once: lowering asks a node's type at every
level above it, which re-inferred whole subtrees (quadratic in the depth: 2254 inferences for
swc-neuron's 531 questions)."""
import sympy
from llvmlite import ir

import brianjit.codegen.expressions as expressions
from brianjit.codegen.expressions import ExprLowerer


def _lowerer():
    module = ir.Module()
    fn = ir.Function(module, ir.FunctionType(ir.DoubleType(), [ir.DoubleType()] * 2), "f")
    values = {"x": fn.args[0], "y": fn.args[1], "k": ir.Constant(ir.IntType(64), 3)}
    types = {"x": "float", "y": "float", "k": "integer"}
    return ExprLowerer(ir.IRBuilder(fn.append_basic_block()), values, types), module


def test_each_node_type_is_inferred_once(monkeypatch):
    x, y, k = sympy.symbols("x y k", real=True)
    expr = x
    for depth in range(12):
        expr = (expr * y + k) * (x - depth - 1) / (y + 2)
    asked = []

    def counting(node, *args):
        asked.append(node)
        return original(node, *args)
    original = expressions.infer_type
    monkeypatch.setattr(expressions, "infer_type", counting)
    lowerer, module = _lowerer()
    lowerer.builder.ret(lowerer.lower_as(expr, "float"))
    nodes = set(sympy.preorder_traversal(expr))
    assert len(asked) == len(set(asked)) <= len(nodes)
    assert lowerer.type_of(expr) == "float" and lowerer.type_of(k + 1) == "integer"
    ir_text = str(module)
    assert "fmul" in ir_text and "sitofp" in ir_text
