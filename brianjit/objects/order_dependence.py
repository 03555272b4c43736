"""Whether a block of synaptic statements gives results that depend on the order in which the
synapses of a spike are processed (Brian2's permutation analysis, which warns about such code).

The synapses of one spike share presynaptic and postsynaptic neurons, so a statement that writes
a neuron's variable (``v_post``) runs several times on one element. ``v_post += w`` is fine in
any order; ``v_post = w`` keeps the last synapse's value, and ``a = v_post`` followed by
``v_post += w`` reads a value that earlier synapses changed. brianjit processes synapses in a
fixed order, so results are deterministic, but they would change with the order of creation.

Each name has an index class: ``"_idx"`` (one value per synapse), ``"0"`` (one shared value), or
the name of a neuron index (``"pre"``, ``"post"``) that repeats among synapses; None for
constants. The analysis follows Brian2's rules: a neuron variable may be updated in place with
values that do not depend on the order (``+=``, ``*=``...), set (``=``) only to a value that
involves no per-synapse value and no other neuron index, and per-synapse variables may only read
neuron variables that no statement updates in place. Random numbers (stateful functions) make
any such block order dependent.
"""
from __future__ import annotations

import dataclasses
from ..lazy import lazy_module


sympy = lazy_module("sympy", rebind=globals())   # imported when first needed

__all__ = ["is_order_dependent"]

_IN_PLACE = ("+=", "-=", "*=", "/=")


def is_order_dependent(statements, index_of) -> bool:
    """Whether ``statements`` (with subexpressions substituted) may give results that depend
    on the order of the synapses; ``index_of(name)`` gives a name's index class (see above)."""
    from ..model.functions import is_stateful_call
    statements = [_in_place(st) for st in statements]
    index = {}
    for st in statements:
        if not st.temporary:
            index[st.var] = index_of(st.var)
        for sym in st.expr.free_symbols:
            index.setdefault(sym.name, index_of(sym.name))
    written = [index[st.var] for st in statements if not st.temporary]
    if all(k in ("_idx", "0") for k in written):
        return False   # no neuron variable is written: every element is written once
    if any(is_stateful_call(node) for st in statements
           for node in sympy.preorder_traversal(st.expr)):
        return True
    variables = {name for name, k in index.items() if k is not None}
    per_synapse = {name for name in variables if index[name] == "_idx"}
    repeated = variables - per_synapse     # neuron (and shared) variables
    for st in statements:
        if st.temporary:
            variables.add(st.var)
            per_synapse.add(st.var)
    unchanged = set(repeated)           # neuron variables no statement has updated in place
    dependent_temporaries = set()
    changed = True
    while changed:
        changed = False
        for st in statements:
            used = {s.name for s in st.expr.free_symbols} & variables
            if used == {st.var}:
                continue
            depends = bool(used & repeated - unchanged) or bool(used & dependent_temporaries)
            if st.temporary:
                if depends and st.var not in dependent_temporaries:
                    dependent_temporaries.add(st.var)
                    changed = True
            elif st.var in per_synapse:
                if depends:
                    return True
            elif st.op in _IN_PLACE:
                if depends:
                    return True
                if st.var in unchanged:
                    unchanged.discard(st.var)
                    changed = True
            elif st.op == "=":
                own = index[st.var]
                if depends or used & per_synapse or any(
                        index.get(name) not in (own, "_idx", "0", None) for name in used):
                    return True
            else:
                return True   # //=, %=, **=: no order-free reading of them
    return False


def _in_place(st):
    """``x = x + a`` as ``x += a`` and ``x = x*a`` as ``x *= a`` (as Brian2 reads them)."""
    if st.temporary or st.op != "=":
        return st
    var = next((s for s in st.expr.free_symbols if s.name == st.var), None)
    if var is None:
        return st
    try:
        terms = sympy.collect(st.expr, var, exact=True, evaluate=False)
    except (AttributeError, TypeError, ValueError):
        return st
    if set(terms) == {1, var} and terms[var] == 1:
        return dataclasses.replace(st, op="+=", expr=terms[1])
    if set(terms) == {var}:
        return dataclasses.replace(st, op="*=", expr=terms[var])
    return st
