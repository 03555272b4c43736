"""``S.connect(...)``: Brian2's connection arguments turned into one native ``Connect`` kernel.

Every form is "for each outer index, for each value of an inner range, a candidate partner":
``condition``/``p`` range over all targets of each source; ``j='EXPR for k in range(...) if C'``
ranges over ``k`` with ``j = EXPR``; ``sample(N, p=...)`` is a range thinned by ``p``; ``sample(N, size=...)`` picks
that many distinct values of the range (selection sampling: each value in order, kept with
probability needed/remaining, so the result is sorted and exactly ``size`` long); ``i='...'``
swaps the roles. Generator text is parsed with ``ast`` and only that shape is accepted (one
``for``, over ``range`` or ``sample``, at most one ``if``); expressions inside go through the
model parser. Explicit ``i``/``j`` arrays are checked and appended with numpy (``p`` thins them
with numpy's generator and ``n`` repeats each pair, as in Brian2).
"""
from __future__ import annotations

import ast
import numbers

import numpy as np

from .. import kernel as K
from ..memory import DynamicArray
from ..model.dimensions import get_expr_dimensions
from ..model.parse import (expression_from_ast, is_boolean_expr, parse_expression, parse_source,
                           substitute)
from ..model.names import symbol
from . import seed as seed_state
from .exceptions import brian_object_exception
from .oneoff_kernels import run_one_off
from .variables import own_indices
from ..lazy import lazy_module

sympy = lazy_module("sympy", rebind=globals())   # imported when first needed

__all__ = ["connect_synapses", "parse_generator"]


def parse_generator(text, outer):
    """``'EXPR for VAR in range(a, b, c) if COND'`` (or ``sample(a, b, c, p=P)``, or a plain
    ``'EXPR'``: one target, or ``'EXPR if COND'``: one target where COND holds) as a dict of
    sympy expressions; refuses anything else, quoting ``text``."""
    def fail(why):
        raise SyntaxError(f"Cannot parse the generator expression '{text}': {why}")
    # a generator expression is only valid Python in brackets; errors in its parts quote it so
    source = f"({text.strip()})"
    try:
        tree = parse_source(source, text=text).body
    except SyntaxError as err:
        guarded = _guarded_target(text)
        if guarded is None:
            fail(getattr(err, "reason", "invalid syntax"))
        tree, condition = guarded
    else:
        condition = None
    if not isinstance(tree, ast.GeneratorExp):
        # a plain expression (Brian2's one-to-one j='i'), parsed as the user wrote it (in
        # brackets, ' ' would be the empty tuple '()'); or 'EXPR if COND': one candidate per
        # outer index where COND holds
        if condition is None:
            return {"var": "_only", "start": sympy.Integer(0), "stop": sympy.Integer(1),
                    "step": 1, "target": parse_expression(text), "condition": None, "p": None,
                    "size": None}
        return {"var": "_only", "start": sympy.Integer(0), "stop": sympy.Integer(1), "step": 1,
                "target": _unparsed(tree), "p": None, "size": None,
                "condition": _unparsed(condition)}

    def _expr(node):
        return expression_from_ast(node, source)

    if len(tree.generators) != 1:
        fail("expected 'EXPR for VAR in range(...)' or 'EXPR for VAR in sample(...)'")
    gen = tree.generators[0]
    if not isinstance(gen.target, ast.Name) or gen.is_async or len(gen.ifs) > 1:
        fail("expected one loop variable and at most one 'if'")
    var = gen.target.id
    if var == outer:
        fail(f"the loop variable cannot be '{outer}'")
    call = gen.iter
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
            and call.func.id in ("range", "sample") and 1 <= len(call.args) <= 3):
        fail("the loop must run over range(...) or sample(...)")
    kind = call.func.id
    keywords = {kw.arg: kw.value for kw in call.keywords}
    if kind == "range" and keywords or kind == "sample" and set(keywords) - {"p", "size"}:
        fail("unexpected keyword arguments")
    if kind == "sample" and len(keywords) != 1:
        fail("sample() needs either p=... (a probability) or size=... (a fixed number)")
    names = {1: ["high"], 2: ["low", "high"], 3: ["low", "high", "step"]}[len(call.args)]
    args = [_integer_argument(a, name, text) for a, name in zip(call.args, names)]
    start, stop = (sympy.Integer(0), args[0]) if len(args) == 1 else (args[0], args[1])
    step = 1
    if len(args) == 3:
        if not isinstance(args[2], sympy.Integer) or args[2] == 0:
            fail("the step of the range must be a non-zero integer constant")
        step = int(args[2])
    return {"var": var, "start": start, "stop": stop, "step": step,
            "target": _expr(tree.elt),
            "condition": _expr(gen.ifs[0]) if gen.ifs else None,
            "p": _expr(keywords["p"]) if "p" in keywords else None,
            "size": _expr(keywords["size"]) if "size" in keywords else None}


def _guarded_target(text):
    """Brian2's ``'EXPR if COND'`` (a target only where the condition holds: ``j='i if i <
    N_post'``) as (EXPR, COND) ast nodes, or None when ``text`` is not of that form."""
    if " for " in f" {text} ":
        return None
    parts = text.split(" if ")
    for cut in range(1, len(parts)):
        try:
            target = parse_source(f"({' if '.join(parts[:cut]).strip()})", text=text).body
            condition = parse_source(f"({' if '.join(parts[cut:]).strip()})", text=text).body
        except SyntaxError:
            continue
        return target, condition
    return None


def _is_generator(text):
    try:
        return isinstance(parse_source(f"({text.strip()})", text=text).body, ast.GeneratorExp)
    except SyntaxError:
        return False


def _unparsed(node):
    return parse_expression(ast.unparse(node))


def _integer_argument(node, name, text):
    """A range()/sample() bound as a sympy expression; a literal float or boolean is Brian2's
    TypeError."""
    if isinstance(node, ast.Constant) and not type(node.value) is int:
        raise TypeError(f"The '{name}' argument of the range function was {node.value!r}, but "
                        f"it needs to be an integer. (in '{text}')")
    return _unparsed(node)


def _number_or_expr(value, what):
    if isinstance(value, str):
        return parse_expression(value)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Real, np.number)):
        raise TypeError(f"{what} must be a number or a string expression, not {value!r}")
    return sympy.Float(float(value)) if what == "p" else sympy.Integer(int(value))


def _append_explicit(S, i, j, n, p, skip_if_invalid):
    """The pairs (i, j), as Brian2 makes them: each kept with probability ``p`` (numpy's generator,
    which ``seed()`` seeds), then repeated ``n`` times (a number or one per pair)."""
    if isinstance(n, str) or isinstance(p, str):
        raise TypeError("connect(): i/j arrays combine with numbers for n and p, not with "
                        "string expressions")
    if isinstance(p, (bool, np.bool_)) or not isinstance(p, (numbers.Real, np.number)):
        raise TypeError(f"p must be a number or a string expression, not {p!r}")
    i, j = own_indices(i, S.source), own_indices(j, S.target)
    i, j, n = np.broadcast_arrays(np.atleast_1d(np.asarray(i)), np.atleast_1d(np.asarray(j)),
                                  np.atleast_1d(np.asarray(n)))
    for values, name in ((i, "i"), (j, "j"), (n, "n")):
        if values.dtype.kind not in "iu":
            raise TypeError(f"connect(): {name} must be integers, not {values.dtype}")
    if i.ndim > 1:
        raise ValueError("connect(): i and j must be one-dimensional")
    if (n < 0).any():
        raise ValueError(f"connect(): n must be >= 0, not {n.min()}")
    if p != 1:
        keep = np.random.rand(i.size) < p
        i, j, n = i[keep], j[keep], n[keep]
    i, j = i.repeat(n), j.repeat(n)
    valid = (i >= 0) & (i < len(S.source)) & (j >= 0) & (j < len(S.target))
    if not valid.all():
        if not skip_if_invalid:
            k = np.flatnonzero(~valid)[0]
            raise IndexError(f"connect(): the synapse i={i.flat[k]}, j={j.flat[k]} is out of "
                             f"range (source size {len(S.source)}, target size {len(S.target)})")
        i, j = i[valid], j[valid]
    for name, values in (("i", i), ("j", j)):
        array = S.variables[name].array
        old = len(array)
        array.resize(old + values.size)
        array.data[old:] = values.ravel()


def connect_synapses(S, condition, i, j, p, n, skip_if_invalid, namespace):
    """Add synapses to ``S``; see the module docstring."""
    if condition is not None and (i is not None or j is not None):
        raise ValueError("connect(): give either a condition or i/j, not both")
    if isinstance(condition, (bool, np.bool_)):
        if not condition:
            return
        condition = None
    elif condition is not None and not isinstance(condition, str):
        raise TypeError(f"connect(): the condition must be a string or a boolean, not "
                        f"{condition!r}")
    if not isinstance(i, str) and not isinstance(j, str) and (i is not None or j is not None):
        if i is None or j is None:
            raise TypeError("connect(): explicit connections need both i and j")
        _append_explicit(S, i, j, n, p, skip_if_invalid)
        return
    if isinstance(i, str) and j is not None or isinstance(j, str) and i is not None:
        raise TypeError("connect(): a generator for i (or j) cannot be combined with a value for "
                        "j (or i); give the other as None")
    generator_text = i if isinstance(i, str) else j if isinstance(j, str) else None
    outer_is_pre = not isinstance(i, str)
    _Connection(S, condition, generator_text, outer_is_pre, p, n, skip_if_invalid,
                namespace).run()


class _Connection:
    """One ``connect()`` with a condition or a generator: a ``Connect`` kernel run through
    ``oneoff_kernels.run_one_off``, so a call that ran before in this or an earlier process
    (the same texts, numbers' types and values, groups' structures and names' types: its
    front-end key) runs its stored code without parsing anything."""

    def __init__(self, S, condition, generator_text, outer_is_pre, p, n, skip_if_invalid,
                 namespace):
        self.S, self.condition, self.generator_text = S, condition, generator_text
        self.outer_is_pre, self.p, self.n = outer_is_pre, p, n
        self.skip_if_invalid, self.namespace = skip_if_invalid, namespace
        self.outer, self.other = ("i", "j") if outer_is_pre else ("j", "i")
        self.sizes = {"i": len(S.source), "j": len(S.target)}
        self.text = condition or generator_text or ""
        self.where = f"connect() of {S.name}"
        self.pre, self.post = S.variables["i"].array, S.variables["j"].array
        self.error = DynamicArray(2, dtype=np.int64)

    def front_key(self):
        """The front-end key of this call (None: none; a bad ``p`` or ``n`` is the miss
        path's error)."""
        texts = [self.condition, self.generator_text]
        numbers_ = []
        for value, convert in ((self.p, float), (self.n, int)):
            if isinstance(value, str):
                texts.append(value)
                numbers_.append(None)
            elif isinstance(value, (bool, np.bool_)) or \
                    not isinstance(value, (numbers.Real, np.number)):
                return None
            else:
                texts.append(None)
                try:
                    numbers_.append(convert(value))
                except (ValueError, OverflowError):
                    return None
        return self.S._one_off_key("connect", texts, (
            self.outer_is_pre, bool(self.skip_if_invalid), *numbers_),
            self._namespace())

    def _namespace(self):
        """The synapses' namespace with the one given to ``connect()`` (None: the former)."""
        if self.namespace is None:
            return None
        return {**(self.S.namespace or {}), **self.namespace}

    def run(self):
        S = self.S
        context, status = run_one_off(self.front_key(), f"{S.name}_connect", self._rebind,
                                      self._build, self._shape_slots)
        if context is None:
            return   # p = 0: nothing to connect
        outer, text = self.outer, self.text
        if status == K.INVALID_SAMPLE_SIZE:
            index, size = self.error.data
            _fail_in_code(S, IndexError(
                f"connect(): the sample size {size} for {outer}={index} in '{text}' is "
                + ("negative" if size < 0 else "bigger than the population")
                + "; use skip_if_invalid=True to clip it to the population"))
        if status == 2:
            # Synapses.connect removes the pairs appended before the bad one
            bad_i, bad_j = self.error.data
            _fail_in_code(S, IndexError(
                f"connect(): the synapse i={bad_i}, j={bad_j} from '{text}' is outside allowed "
                f"range (source size {self.sizes['i']}, target size {self.sizes['j']}); use "
                f"skip_if_invalid=True to skip such synapses"))

    def _shape_slots(self, context):
        slots = context.slots
        return slots.slot(self.pre), slots.slot(self.post), slots.slot(self.error)

    def _bind(self, bind):
        """``bind()`` (the synapses' binder) with the namespace given to connect() added; the
        loop provides i and j: pre/post variables are read at those, not through arrays."""
        if self.namespace is not None:
            S_namespace = self.S.namespace
            self.S.namespace = self._namespace()
        try:
            context = bind()
        finally:
            if self.namespace is not None:
                self.S.namespace = S_namespace
        for index in ("i", "j"):
            context.variables.pop(index, None)
        return context

    def _reserve(self, p):
        """Room for the synapses a constant probability ``p`` is expected to make (only a
        hint: growth is native)."""
        if isinstance(p, float) and 0 <= p <= 1:
            expected = self.sizes[self.outer] * self.sizes[self.other] * p
            for array in (self.pre, self.post):
                array.reserve(len(array) + int(expected * 1.01 + 6 * np.sqrt(expected) + 16))

    def _rebind(self, names, data):
        context = self._bind(lambda: self.S._bind_names(names, self.where))
        self._reserve(data.get("reserve_p"))
        return context

    def _build(self):
        """The miss path: parse, check, bind; (context, kernel, data), or None for p = 0."""
        S, condition, p, n = self.S, self.condition, self.p, self.n
        p_expr, n_expr = _number_or_expr(p, "p"), _number_or_expr(n, "n")
        if condition is not None and _is_generator(condition):
            raise ValueError(f"connect(): the condition '{condition}' is a generator "
                             f"expression; give it as j='...' (or i='...')")
        cond_expr = parse_expression(condition) if condition is not None else None
        if cond_expr is not None and not is_boolean_expr(cond_expr):
            raise TypeError(f"connect(): the condition '{condition}' is not a boolean "
                            f"expression")
        outer, sizes = self.outer, self.sizes
        if self.generator_text is None:
            shape_args = dict(inner_name="j", inner_start=sympy.Integer(0),
                              inner_stop=sympy.Integer(sizes["j"]), inner_step=1,
                              target=symbol("j"), prefilter=None, sample_size=None)
            p_total = p_expr
        else:
            gen = parse_generator(self.generator_text, outer)
            shape_args = dict(inner_name=gen["var"], inner_start=gen["start"],
                              inner_stop=gen["stop"], inner_step=gen["step"],
                              target=gen["target"], prefilter=gen["condition"],
                              sample_size=gen["size"])
            p_total = p_expr if gen["p"] is None else (gen["p"] if p_expr == 1 else
                                                       gen["p"] * p_expr)
        p_constant = p_total.is_number
        if p_constant:
            p_value = float(p_total)
            if not 0 <= p_value or np.isnan(p_value):
                raise ValueError(f"connect(): p must be a probability, not {p!r}")
            if p_value == 0:
                return None
            if p_value >= 1:
                p_total, p_constant = None, False
        if n_expr.is_number and int(n_expr) < 0:
            raise ValueError(f"connect(): n must be >= 0, not {n!r}")
        return self._kernel(shape_args, cond_expr, p_total, p_constant, n_expr)

    def _kernel(self, shape_args, condition, p, p_constant, n):
        S, text, sizes, other = self.S, self.text, self.sizes, self.other
        exprs = [e for e in (shape_args["inner_start"], shape_args["inner_stop"],
                             shape_args["target"], condition, p, n, shape_args["prefilter"],
                             shape_args["sample_size"])
                 if e is not None]
        substitutions = {symbol("N_pre"): sympy.Integer(sizes["i"]),
                         symbol("N_post"): sympy.Integer(sizes["j"])}
        # the synapses' subexpressions (``sub = v_pre : 1``) stand for what they compute
        exprs = [substitute(S._substitute_subexpressions(e), substitutions, text,
                            "the group sizes")
                 for e in exprs]
        counts = sorted({s.name for e in exprs for s in e.free_symbols
                         if s.name.startswith(("N_incoming", "N_outgoing"))})
        if counts:
            raise ValueError(f"connect(): '{text}' uses {', '.join(counts)}, the numbers of "
                             f"synapses per neuron, which connect() is still changing")
        local = {shape_args["inner_name"], "i", "j"}
        # the loop's names are no variables; unevaluated, so that what they leave is not folded
        # away (``x_pre == x_post and i != j`` must not become False)
        with sympy.evaluate(False):
            without_locals = [e.xreplace({symbol(v): sympy.Integer(0) for v in local})
                              for e in exprs]
        dims = {}

        def bind():
            context = S._expression_context(without_locals, self.where)
            dims.update(context.dims)
            for name in local:
                dims[name] = dims.get("i")
            for expr in exprs:   # with the connect() namespace, as the binding
                get_expr_dimensions(expr, dims, text=text)
            return context

        context = self._bind(bind)
        variables = context.variables
        lone = exprs[3] if condition is not None else None   # the condition, substituted
        if isinstance(lone, sympy.Symbol) and (variables.get(lone.name) is None
                                               or variables[lone.name].dtype != "boolean"):
            raise TypeError(f"connect(): the condition '{text}' is not a boolean expression")
        sample_size = exprs.pop() if shape_args["sample_size"] is not None else None
        computed = ({s.name for e in exprs[:3] for s in e.free_symbols}
                    | ({s.name for s in sample_size.free_symbols} if sample_size is not None
                       else set())) - {shape_args["inner_name"]}
        unknown = sorted(name for name in computed
                         if name == other or (name in variables
                                              and variables[name].index == other))
        if unknown:
            raise ValueError(f"connect(): the generator '{text}' computes {other}, so its range "
                             f"and target cannot use {', '.join(unknown)} (which need {other})")
        prefilter = exprs.pop() if shape_args["prefilter"] is not None else None
        # a generator's condition that reads the other end's variables needs the range check
        prefilter_reads_other = prefilter is not None and any(
            s.name == other or (s.name in variables and variables[s.name].index == other)
            for s in prefilter.free_symbols)
        start, stop, target, condition, p, n = _unpack(exprs, condition, p)
        data = {"reserve_p": float(p) if p_constant else None}
        self._reserve(data["reserve_p"])
        pre_slot, post_slot, error_slot = self._shape_slots(context)
        shape = K.Connect(sizes[self.outer], sizes[other], self.outer, shape_args["inner_name"],
                          start, stop, shape_args["inner_step"], target, condition, p,
                          p_constant, n, self.outer_is_pre, bool(self.skip_if_invalid),
                          pre_slot, post_slot, error_slot, prefilter, sample_size,
                          prefilter_reads_other)
        return context, K.Kernel(f"{S.name}_connect", shape, variables,
                                 first_stream=seed_state.ONEOFF_FIRST_STREAM,
                                 functions=context.functions), data


def _fail_in_code(S, error):
    """An error found while the connect() code ran: as Brian2 (whose code objects raise it), a
    BrianObjectException naming the synapses, also an instance of the error's class."""
    raise brian_object_exception("An error occurred when creating synapses.", S, error) from error


def _unpack(exprs, condition, p):
    start, stop, target = exprs[:3]
    rest = exprs[3:]
    condition_ = rest.pop(0) if condition is not None else None
    p_ = rest.pop(0) if p is not None else None
    return start, stop, target, condition_, p_, rest[0]
