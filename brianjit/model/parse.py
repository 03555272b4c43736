"""Model expression strings to sympy, through Python's ``ast`` and a whitelist (never eval/exec).

The text is parsed by ``ast.parse(mode='eval')``; a visitor then translates the few node kinds the
model language has into the sympy vocabulary of :mod:`brianjit.model.symbols`, and refuses every
other node with a :class:`ParseError` that quotes the text and names the construct.

Accepted: numbers (``int`` -> ``Integer``, ``float`` -> ``Float``), names (``symbol(name)``),
``True``/``False``, ``+ - * / ** // %`` and unary ``+ -`` (``a // b`` is ``floordiv(a, b)``, ``a % b``
is ``sympy.Mod``), comparisons (``a < b < c`` is ``(a < b) & (b < c)``), ``and``/``or``/``not``, and
calls ``name(arg, ...)`` with positional arguments. Calls of the functions in
:data:`brianjit.model.functions.DEFAULT_FUNCTIONS` are built by their table row (``int(x)`` is
``int_(x)``, ``rand()`` is a fresh ``rand(k)``, ``clip`` is ``clip(x, low, high)``); any other name is kept
as an undefined sympy function ``Function(name)(args)`` so that user functions (TimedArray, ...) can
be resolved later from the namespace.

Booleans: a boolean value is a sympy ``Boolean`` -- a comparison, ``true``/``false``, ``And``/``Or``/
``Not`` -- or a plain symbol (sympy symbols are ``Boolean`` too; whether a variable really is boolean
is its declared type, checked by later stages). So ``b and v > 1`` is ``And(b, v > 1)``. Numbers,
arithmetic and function calls are refused as operands of ``and``/``or``/``not``, and booleans
(comparisons, ``True``, ``and``...) are refused as operands of arithmetic: ``int(v > 1)`` turns a
boolean into the number 0 or 1, as in Brian2.

Names starting with two underscores are refused (``__import__`` and friends have no place here).

Bounded time: every model string is answered (a result or a ParseError) quickly, whatever it is.
:func:`parse_source` refuses trees deeper than :data:`MAX_DEPTH` or larger than :data:`MAX_NODES`
(sympy recurses along the tree: a thousand nested calls would end in a RecursionError deep inside
sympy or the integrators), and the translation refuses integer powers whose exact value would have
more than :data:`MAX_POWER_BITS` bits (``2**10**10**10``: sympy would compute it exactly, for
ever). ``ast.parse`` runs under a lock: CPython 3.11's AST constructor is not thread-safe
("SystemError: AST constructor recursion depth mismatch" when two threads parse at once).
"""
from __future__ import annotations

import ast
import functools
import operator
import threading
from types import SimpleNamespace

from brianjit.model.names import symbol
from ..lazy import lazy_module

sympy = lazy_module("sympy", rebind=globals())   # imported when first needed

__all__ = ["ParseError", "parse_expression", "expression_from_ast", "get_identifiers",
           "is_boolean_expr", "locked_ast_parse", "parse_source", "substitute", "MAX_DEPTH",
           "MAX_NODES",
           "MAX_POWER_BITS"]

#: deepest nesting of operations and calls in one expression or code block (realistic models
#: stay below 20; measured: 100 nested calls still integrate in about 3 s, 150 overflow the stack)
MAX_DEPTH = 64
#: most syntax nodes in one expression or code block (names, numbers, operators, calls)
MAX_NODES = 5000
#: most bits of an integer power computed exactly (``2**10000``: 10,000 bits, instant)
MAX_POWER_BITS = 10_000
_AST_LOCK = threading.Lock()


def locked_ast_parse(source: str, mode: str = "eval") -> ast.AST:
    """``ast.parse`` under the one lock every parse of brianjit takes (see the module
    docstring: two threads in CPython 3.11's AST constructor at once fail with SystemError)."""
    with _AST_LOCK:
        return ast.parse(source, mode=mode)


def shorten(text: str, limit: int = 200) -> str:
    """``text``, cut after ``limit`` characters (error messages quote user text this way)."""
    return text if len(text) <= limit else text[:limit] + "..."


class ParseError(SyntaxError):
    """A model string that is not valid model language. The message quotes the text."""

    def __init__(self, message: str, text: str, node: ast.AST | None = None,
                 lineno: int | None = None):
        where = ""
        if node is not None and getattr(node, "col_offset", None) is not None:
            segment = ast.get_source_segment(text, node)
            if segment is not None and segment != text.strip():
                where = f" (at {segment!r})"
        super().__init__(f"{message}{where} in {shorten(text)!r}")
        self.source = text
        self.reason = message
        self.lineno = lineno


@functools.cache
def _sympy_vocabulary():
    """The operators' sympy functions and the double range's bounds, made with the first parse
    (not at import: objects are made without sympy when their kernels are in the disk cache)."""
    from brianjit.model.symbols import floordiv
    arithmetic = {
        ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
        ast.Div: operator.truediv, ast.Pow: operator.pow, ast.FloorDiv: floordiv,
        ast.Mod: sympy.Mod,
    }
    comparisons = {
        ast.Lt: sympy.Lt, ast.LtE: sympy.Le, ast.Gt: sympy.Gt, ast.GtE: sympy.Ge,
        ast.Eq: sympy.Eq, ast.NotEq: sympy.Ne,
    }
    return SimpleNamespace(ARITHMETIC=arithmetic, COMPARISONS=comparisons,
                           DOUBLE_MAX=sympy.Float(1.7976931348623157e308),
                           DOUBLE_TINY=sympy.Float(4.9406564584124654e-324))


_OPERATOR_TEXT = {
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**", ast.FloorDiv: "//",
    ast.Mod: "%", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==",
    ast.NotEq: "!=", ast.USub: "unary -", ast.UAdd: "unary +", ast.Not: "not", ast.And: "and",
    ast.Or: "or",
}

# Node kinds people plausibly try, with the words used to refuse them.
_REFUSED = {
    ast.Attribute: "attribute access", ast.Subscript: "subscripts", ast.Lambda: "lambda",
    ast.IfExp: "conditional expressions (x if c else y)", ast.NamedExpr: "assignment expressions",
    ast.Starred: "starred arguments", ast.ListComp: "comprehensions",
    ast.SetComp: "comprehensions", ast.DictComp: "comprehensions",
    ast.GeneratorExp: "comprehensions", ast.List: "lists", ast.Tuple: "tuples", ast.Set: "sets",
    ast.Dict: "dictionaries", ast.JoinedStr: "strings", ast.Await: "await", ast.Yield: "yield",
    ast.YieldFrom: "yield", ast.Slice: "slices",
}


def is_boolean_expr(expr: sympy.Basic, boolean_names=None) -> bool:
    """True for values usable as operands of and/or/not: Booleans, comparisons and symbols.
    With ``boolean_names`` (the names known to be booleans), a lone name must be one of them:
    ``threshold='v'`` with a float ``v`` is not a condition."""
    if isinstance(expr, sympy.Symbol) and boolean_names is not None:
        return expr.name in boolean_names
    return isinstance(expr, sympy.logic.boolalg.Boolean)


def _is_number_like(expr: sympy.Basic) -> bool:
    """True for values usable in arithmetic (symbols are both numbers and booleans)."""
    return isinstance(expr, sympy.Expr)


def _exact_power_bits(base: sympy.Expr, exponent: sympy.Expr) -> int:
    """About how many bits sympy's exact value of ``base**exponent`` has (0 unless the base or
    its numeric factor is rational and the exponent an integer: other powers are floats or stay
    symbolic)."""
    if isinstance(base, sympy.Mul):
        base = base.as_coeff_Mul()[0]   # sympy distributes the power: (59*metre)**n = 59**n*...
    if not (isinstance(base, sympy.Rational) and isinstance(exponent, sympy.Integer)):
        return 0
    size = max(abs(base.p).bit_length(), abs(base.q).bit_length())
    return 0 if size <= 1 else abs(int(exponent)) * size


def _tree_size(tree: ast.AST) -> tuple[int, int]:
    """(number of nodes, depth) of an ast tree, without recursion."""
    count, deepest, stack = 0, 0, [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        count += 1
        deepest = max(deepest, depth)
        if count > MAX_NODES or deepest > MAX_DEPTH:
            break
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return count, deepest


def parse_source(source: str, mode: str = "eval", text: str | None = None) -> ast.AST:
    """``ast.parse(source, mode)`` under the parse lock, refusing trees beyond the size limits;
    errors are :class:`ParseError` quoting ``text`` (default: ``source``). Every model string
    (expressions, code blocks, generator expressions) goes through here."""
    text = source if text is None else text
    try:
        tree = locked_ast_parse(source, mode)
    except SyntaxError as err:
        raise ParseError(f"invalid syntax ({err.msg})", text, lineno=err.lineno) from None
    except (RecursionError, MemoryError, ValueError):
        # too many nested brackets or operators for the parser; ValueError: null bytes, or
        # an integer literal of more than 4300 digits
        raise ParseError("invalid or too deeply nested expression", text) from None
    count, depth = _tree_size(tree)
    if depth > MAX_DEPTH:
        raise ParseError(f"expression too deeply nested (more than {MAX_DEPTH} levels)", text)
    if count > MAX_NODES:
        raise ParseError(f"expression too long (more than {MAX_NODES} terms and operators)", text)
    return tree


class _Translator:
    """One translation of one expression text; ``text`` is kept for error messages."""

    def __init__(self, text: str):
        self.text = text

    def fail(self, message: str, node: ast.AST | None = None):
        raise ParseError(message, self.text, node)

    def visit(self, node: ast.AST) -> sympy.Basic:
        method = getattr(self, "visit_" + type(node).__name__, None)
        if method is None:
            what = _REFUSED.get(type(node), f"'{type(node).__name__}' syntax")
            self.fail(f"{what} not allowed in model expressions", node)
        try:
            return self.as_double(method(node), node)
        except (TypeError, ValueError, ArithmeticError) as err:
            # sympy evaluating constants it cannot (clip(sqrt(-1), 0, 1): a complex number)
            self.fail(f"cannot evaluate this ({err})", node)

    def as_double(self, value: sympy.Basic, node: ast.AST) -> sympy.Basic:
        """Constants folded by sympy keep the range of a double, as at run time: beyond it they
        are infinite (sympy's Floats have no overflow: ``exp(exp(exp(exp(50))))`` would be
        computed to ever more digits, for ever); values without a number (``sin(inf)``) are
        refused."""
        from brianjit.model.functions import SYMPY_HEADS
        spec = SYMPY_HEADS.get(getattr(value, "func", None))
        numeric = value
        if (spec is not None and spec.result_type == "float" and not spec.stateful
                and value.args and all(a.is_number for a in value.args)):
            numeric = value.evalf()   # exp(1000) stays exact unless it is beyond a double
        if isinstance(numeric, sympy.Float):
            magnitude = abs(numeric)
            if magnitude > _sympy_vocabulary().DOUBLE_MAX:
                return sympy.oo if numeric > 0 else -sympy.oo
            if 0 < magnitude < _sympy_vocabulary().DOUBLE_TINY:
                return sympy.Float(0.0)
        elif isinstance(numeric, (sympy.AccumBounds, sympy.core.numbers.NaN,
                                  sympy.core.numbers.ComplexInfinity)):
            self.fail("this constant is not a number", node)
        return value

    def number(self, node: ast.AST, context: str) -> sympy.Expr:
        value = self.visit(node)
        if not _is_number_like(value):
            self.fail(f"a boolean cannot be an operand of {context} (use int(...) to turn it into "
                      "0 or 1)", node)
        return value

    def boolean(self, node: ast.AST, context: str) -> sympy.Basic:
        value = self.visit(node)
        if not is_boolean_expr(value):
            self.fail(f"operand of '{context}' must be a boolean (a comparison, True/False, a "
                      "boolean variable or another and/or/not)", node)
        return value

    def visit_Expression(self, node):
        return self.visit(node.body)

    def visit_Constant(self, node):
        value = node.value
        if value is True or value is False:
            return sympy.true if value else sympy.false
        if isinstance(value, int):
            return sympy.Integer(value)
        if isinstance(value, float):
            return sympy.Float(value)
        self.fail(f"constant {value!r} of type {type(value).__name__} not allowed in model "
                  "expressions", node)

    def visit_Name(self, node):
        if node.id.startswith("__"):
            self.fail(f"name {node.id!r} not allowed in model expressions (names starting with "
                      "'__' are reserved)", node)
        return symbol(node.id)

    def visit_BinOp(self, node):
        op = type(node.op)
        if op not in _sympy_vocabulary().ARITHMETIC:
            self.fail(f"operator {type(node.op).__name__} not allowed in model expressions", node)
        context = f"'{_OPERATOR_TEXT[op]}'"
        left = self.number(node.left, context)
        right = self.number(node.right, context)
        if op is ast.Pow and _exact_power_bits(left, right) > MAX_POWER_BITS:
            self.fail(f"integer power too large to compute exactly (about "
                      f"{_exact_power_bits(left, right)} bits; write a float base such as "
                      f"2.0**n for a floating point power)", node)
        try:
            result = _sympy_vocabulary().ARITHMETIC[op](left, right)
        except ZeroDivisionError:
            result = sympy.zoo
        if result.has(sympy.zoo, sympy.nan) and not (left.has(sympy.zoo, sympy.nan)
                                                      or right.has(sympy.zoo, sympy.nan)):
            self.fail("division by zero", node)
        return result

    def visit_UnaryOp(self, node):
        op = type(node.op)
        if op is ast.Not:
            return sympy.Not(self.boolean(node.operand, "not"))
        if op is ast.USub:
            return -self.number(node.operand, "unary '-'")
        if op is ast.UAdd:
            return self.number(node.operand, "unary '+'")
        self.fail("operator '~' not allowed in model expressions (use 'not')", node)

    def visit_BoolOp(self, node):
        word = "and" if isinstance(node.op, ast.And) else "or"
        values = [self.boolean(v, word) for v in node.values]
        return sympy.And(*values) if word == "and" else sympy.Or(*values)

    def visit_Compare(self, node):
        operands = [node.left, *node.comparators]
        values = [self.visit(operand) for operand in operands]
        parts = []
        for k, op in enumerate(node.ops):
            left, right = values[k], values[k + 1]
            if type(op) not in _sympy_vocabulary().COMPARISONS:
                self.fail(f"comparison '{type(op).__name__}' not allowed in model expressions "
                          "(only < <= > >= == !=)", node)
            ordered = type(op) not in (ast.Eq, ast.NotEq)
            for value, where in ((left, operands[k]), (right, operands[k + 1])):
                if ordered and not _is_number_like(value):
                    self.fail(f"a boolean cannot be compared with '{_OPERATOR_TEXT[type(op)]}'",
                              where)
            try:
                parts.append(_sympy_vocabulary().COMPARISONS[type(op)](left, right))
            except TypeError as err:
                self.fail(f"cannot compare these operands ({err})", node)
        return sympy.And(*parts) if len(parts) > 1 else parts[0]

    def visit_Call(self, node):
        from brianjit.model.functions import DEFAULT_FUNCTIONS
        if not isinstance(node.func, ast.Name):
            self.fail("only calls of a function by its name are allowed (no attribute access or "
                      "calls of call results)", node)
        name = node.func.id
        if node.keywords:
            self.fail(f"keyword arguments not allowed in the call of {name!r}", node)
        if name.startswith("__"):
            self.fail(f"function {name!r} not allowed in model expressions (names starting with "
                      "'__' are reserved)", node)
        spec = DEFAULT_FUNCTIONS.get(name)
        if spec is None or spec.accepts_boolean:
            args = [self.visit(a) for a in node.args]
        else:
            args = [self.number(a, f"function {name!r}") for a in node.args]
        if spec is None:
            return sympy.Function(name)(*args)
        if len(args) != spec.nargs:
            self.fail(f"function {name!r} takes {spec.nargs} argument(s) but was called with "
                      f"{len(args)}", node)
        return spec.build(*args)


def expression_from_ast(node: ast.AST, text: str, evaluate: bool = True) -> sympy.Basic:
    """Translate an already parsed ``ast`` expression node; ``text`` is the source it came from
    (quoted in error messages). ``evaluate=False`` keeps the tree as written (see
    :func:`parse_expression`)."""
    with sympy.evaluate(evaluate):
        expr = _Translator(text).visit(node)
    if expr.has(sympy.I):
        # sympy folded a constant into a complex number (log(-1), (-8)**0.5)
        raise ParseError("the expression has a complex value", text)
    return expr


def parse_expression(text: str, evaluate: bool = True) -> sympy.Basic:
    """Parse one model expression (``'-(v - El)/tau + I'``, ``'v > vt and not b'``) into sympy.

    With ``evaluate=False`` sympy does not simplify while building (``0*mV`` stays a product, ``v - v``
    stays a difference): the unit checker needs the expression as the user wrote it.
    Raises :class:`ParseError` (a ``SyntaxError``) for invalid syntax or refused constructs.

    The result is a pure function of the text (sympy expressions are immutable), so the most
    recent :data:`REMEMBERED_EXPRESSIONS` are remembered: a loop that builds the same model again
    pays sympy once (parsing is most of the cost of a NeuronGroup, ~1 ms per expression), and
    meets the same expression objects, whose exact text ``kernel_key`` remembers too."""
    if not isinstance(text, str):
        raise TypeError(f"a model expression must be a string, not {type(text).__name__}")
    return _parse_expression(text, bool(evaluate))


#: how many parsed expressions ``parse_expression`` remembers
REMEMBERED_EXPRESSIONS = 1024


@functools.lru_cache(maxsize=REMEMBERED_EXPRESSIONS)
def _parse_expression(text: str, evaluate: bool) -> sympy.Basic:
    source = text.strip()
    if not source:
        raise ParseError("empty expression", text)
    tree = parse_source(source)
    try:
        return expression_from_ast(tree.body, source, evaluate)
    except (RecursionError, MemoryError):
        raise ParseError("expression too deeply nested", source) from None


def _has_non_number(expr: sympy.Basic) -> bool:
    return expr.has(sympy.zoo, sympy.nan, sympy.I, sympy.AccumBounds)


def substitute(expr: sympy.Basic, mapping: dict, text: str, what: str) -> sympy.Basic:
    """``expr.xreplace(mapping)`` under the parser's rule for constants: sympy folds what the
    substitution makes constant, and a constant without a real value (``tan(ge)`` with
    ``ge = arccos(0.0)`` is ``tan(pi/2)``, complex infinity; ``log(a)`` with ``a = 0``;
    ``sqrt(a)`` with ``a = -1``) or a comparison sympy refuses is a ParseError quoting ``text``
    and naming ``what`` was substituted (``'the subexpressions of G'``: the names follow), as
    the same constant written out is."""
    if not mapping:
        return expr
    names = ", ".join(sorted(str(s) for s in mapping if expr.has(s)))
    try:
        result = expr.xreplace(mapping)
    except (TypeError, ValueError, ArithmeticError) as err:
        raise ParseError(f"cannot evaluate this with {what} ({names}) substituted ({err})",
                         text) from None
    if _has_non_number(result) and not _has_non_number(expr):
        raise ParseError(f"with {what} ({names}) substituted, a constant in this is not a number",
                         text)
    return result


def get_identifiers(expr: sympy.Basic) -> set[str]:
    """Names a parsed expression refers to: its symbols and the names of undefined (user)
    functions it calls. Default functions are not included."""
    from brianjit.model.functions import DEFAULT_FUNCTIONS
    names = {s.name for s in expr.free_symbols}
    for call in expr.atoms(sympy.core.function.AppliedUndef):
        name = call.func.__name__
        if name not in DEFAULT_FUNCTIONS:
            names.add(name)
    return names
