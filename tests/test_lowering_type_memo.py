"""ExprLowerer infers each sub-expression's type once: lowering asks a node's type at every
level above it, which re-inferred whole subtrees (quadratic in the depth: 2254 inferences for
swc-neuron's 531 questions). The memo is filled at every depth of one inference too
(``types.infer_type(..., known)``): asking the type of a node above no longer re-infers the
subtrees below it that an earlier question had not asked about directly."""
import sympy
from llvmlite import ir

import brianjit.codegen.types as types
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
    original = types._infer_type
    monkeypatch.setattr(types, "_infer_type", counting)
    lowerer, module = _lowerer()
    lowerer.builder.ret(lowerer.lower_as(expr, "float"))
    nodes = set(sympy.preorder_traversal(expr))
    assert len(asked) == len(set(asked)) <= len(nodes)
    assert lowerer.type_of(expr) == "float" and lowerer.type_of(k + 1) == "integer"
    ir_text = str(module)
    assert "fmul" in ir_text and "sitofp" in ir_text


def test_one_inference_remembers_every_sub_expression():
    x, y, k = sympy.symbols("x y k", real=True)
    expr = (x * y + k) ** 2 - k * (k + 1)
    known = {}
    assert types.infer_type(expr, {"x": "float", "y": "float", "k": "integer"}, None,
                            known) == "float"
    assert known[-k * (k + 1)] == "integer" and known[k + 1] == "integer"
    assert known[x * y] == "float" and known[(x * y + k) ** 2] == "float"
    # every node but the power's integer exponent (whose type the power's does not need)
    assert set(known) == set(sympy.preorder_traversal(expr)) - {sympy.Integer(2)}
    # answers come from the memo: the names' types are not needed again
    assert types.infer_type(-k * (k + 1), {}, None, known) == "integer"
