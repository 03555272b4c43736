"""The front-end key (objects/front_key.py): the same inputs give the same key, anything that
changes the kernels (a flag, a unit, a dtype, a constant's type, a size, a text, the lowering)
gives another one, and what it cannot describe exactly (a replaced default function, an array)
gives none; a function is described only as a callable (kernels calling one are never stored)."""
import numpy as np
import pytest

import brianjit as bj
from brianjit import ms, mV, nS, volt
from brianjit.model.function_spec import USER_DEFAULTS
from brianjit.objects.front_key import front_key, group_structure, name_descriptor

EQS = """dv/dt = (ge - v)/tau : volt (unless refractory)
dge/dt = -ge/tau : volt
"""


def _group(eqs=EQS, n=10, **kwargs):
    return bj.NeuronGroup(n, eqs, threshold="v > 1*volt", refractory=1 * ms, **kwargs)


def _key(group, texts=("v0 + rand()*mV", None), namespace=None, **lowering):
    lowering = lowering or {"math_mode": "libm"}
    return front_key("one-off:set", group, texts, {"v0": -60 * mV, "tau": 10 * ms}
                     if namespace is None else namespace, **lowering)


def test_same_inputs_same_key_new_objects_too():
    assert _key(_group()) == _key(_group())
    assert _key(_group()) is not None


@pytest.mark.parametrize("change", [
    lambda: _key(_group(EQS.replace(" (unless refractory)", "")), ),      # a flag
    lambda: _key(_group(EQS.replace("dge/dt = -ge/tau : volt",
                                    "dge/dt = -ge/tau : 1"))),              # a unit
    lambda: _key(_group(dtype=np.float32)),                                  # a dtype
    lambda: _key(_group(n=11)),                                              # the size
    lambda: _key(_group(), ("v0 + rand()*mV", "i > 3")),                     # a text
    lambda: _key(_group(), namespace={"v0": -60 * mV, "tau": 10 * ms, "ge": 1}),  # shadowing
    lambda: _key(_group(), namespace={"v0": -60, "tau": 10 * ms}),           # a constant's unit
    lambda: _key(_group(), namespace={"v0": 1.5 * volt, "tau": 10}),         # tau's unit
    lambda: _key(_group(), math_mode="ir"),                                  # the lowering
])
def test_what_changes_the_kernels_changes_the_key(change):
    assert change() != _key(_group())


def test_a_constants_type_enters_but_not_its_value():
    g = _group()
    base = {"tau": 10 * ms}
    assert _key(g, ("v0*mV", None), {**base, "v0": 2}) == _key(g, ("v0*mV", None), {**base, "v0": 3})
    assert _key(g, ("v0*mV", None), {**base, "v0": 2}) != _key(g, ("v0*mV", None),
                                                               {**base, "v0": 2.0})
    assert _key(g, ("v0*mV", None), {**base, "v0": 2}) != _key(g, ("v0*mV", None),
                                                               {**base, "v0": True})


def test_a_synapses_key_covers_both_ends():
    pre, post = _group(), _group(EQS + "x : 1\n")
    s1 = bj.Synapses(pre, pre, "w : siemens")
    s2 = bj.Synapses(pre, post, "w : siemens")
    assert _key(s1, ("i < 3", None)) != _key(s2, ("i < 3", None))
    assert len(group_structure(s1)) == 2 and len(group_structure(s2)) == 3
    assert _key(s1, ("i < 3", None)) == _key(bj.Synapses(pre, pre, "w : siemens"), ("i < 3", None))


def test_what_cannot_be_described_gives_no_key():
    g = _group()
    ta = bj.TimedArray([1, 2] * mV, dt=1 * ms)
    f = bj.Function(lambda x: x, arg_units=[1], return_unit=1)
    # a function is only "a callable" (kernels that call one are never stored under the key)
    assert _key(g, ("ta(t)", None), {"ta": ta, "tau": 10 * ms}) == \
        _key(g, ("ta(t)", None), {"ta": f, "tau": 10 * ms})
    assert _key(g, ("a*mV", None), {"a": np.arange(3), "tau": 10 * ms}) is None
    # a string cannot stand for a name: 'a' is as missing as without it (the miss path raises)
    assert _key(g, ("a*mV", None), {"a": "text", "tau": 10 * ms}) == \
        _key(g, ("a*mV", None), {"tau": 10 * ms})
    assert _key(g, (3, None)) is None
    USER_DEFAULTS["exp"] = f
    try:
        assert _key(g) is None
    finally:
        del USER_DEFAULTS["exp"]
    assert _key(g) is not None


def test_name_descriptors():
    assert name_descriptor("nothing_here", None, {}) == ("missing",)
    assert name_descriptor("exp", None, {"exp": np.exp}) == ("callable",)
    assert name_descriptor("myfunc", None, {"myfunc": np.exp}) == ("callable",)
    assert name_descriptor("many", None, {"many": np.ones(2)}) is None
    assert name_descriptor("x", {"x": 1}, {"x": 2.0})[1] == "integer"   # the group's first
    assert name_descriptor("g", None, {"g": 2 * nS})[1] == "float"
    assert name_descriptor("mV", None, {}) == name_descriptor("mV", None, {"mV": 5})  # units first


def test_connect_keys_cover_every_argument():
    from brianjit.objects.connect import _Connection
    g = _group()
    S = bj.Synapses(g, g, "w : siemens")

    def key(condition="i != j", generator=None, outer_is_pre=True, p=0.1, n=1, skip=False,
            namespace=None):
        return _Connection(S, condition, generator, outer_is_pre, p, n, skip,
                           namespace).front_key()

    keys = [key(), key(p=0.2), key(p="0.1"), key(n=2), key(n="2"), key(skip=True),
            key(condition="i > j"), key(condition=None, generator="i + 1"),
            key(condition=None, generator="i + 1", outer_is_pre=False),
            key(namespace={"tau": 10})]
    assert None not in keys and len(set(keys)) == len(keys)
    assert key() == key(p=np.float64(0.1))   # the same number, the same literal
    assert key(p=True) is None and key(p=[0.1]) is None and key(n=float("nan")) is None
