"""Equations whose text passed before are parsed when first needed, not when made (issue 9,
target 2: a cached script reaches its first step without importing sympy).

The record "this text passed" lives in the disk cache (``model/known_texts.py``); these tests
run fresh processes against a temporary cache folder: the first parses and records, the second
must then build the same Equations without sympy, and see exactly what the first saw."""
import json
import os
import pathlib
import subprocess
import sys

import pytest

CUBA = """
dv/dt  = (ge+gi-(v-El))/taum : volt (unless refractory)
dge/dt = -ge/taue : volt
dgi/dt = -gi/taui : volt
"""
HH_LIKE = """
dv/dt = (gl*(El - v) - I_syn + I)/Cm : volt
I_syn = g*(v - Es) : amp
dg/dt = -g/tau + sigma*xi*tau**-0.5 : siemens
I : amp (constant)
b = v > -50*mV : boolean
n = int(v/mV) : integer
c = rand() : 1 (constant over dt)
"""

_DESCRIBE = r"""
import json, sys
from brianjit.model.equations import Equations
from brianjit.units import ms
texts = json.loads(sys.argv[1])
made, out = {}, {}
for label, (text, subs) in texts.items():
    subs = {k: 10*ms if v == "10*ms" else v for k, v in subs.items()}
    try:
        made[label] = Equations(text, **subs)
    except Exception as err:
        out[label] = {"error": f"{type(err).__name__}: {err}"}
sympy_when_made = "sympy" in sys.modules
# whether each one's parse was deferred (its right-hand sides not parsed yet)
deferred = {label: all(eq.expr._sympy is None for eq in eqs.values() if eq.expr is not None)
            for label, eqs in made.items()}
for label, eqs in made.items():
    out[label] = {"deferred": deferred[label],
        "str": str(eqs), "names": list(eqs.names), "diff": list(eqs.diff_eq_names),
        "dims": {n: str(d) for n, d in eqs.dimensions.items()},
        "identifiers": sorted(eqs.identifiers),
        "ordered": [eq.varname for eq in eqs.ordered],
        "types": {n: eqs[n].var_type for n in eqs},
        "stochastic": sorted(eqs.stochastic_variables),
        "stochastic_type": eqs.stochastic_type,
    }
import sympy
for label, eqs in made.items():
    out[label]["rhs"] = {n: sympy.srepr(e) for n, e in eqs.substituted_rhs().items()}
    out[label]["exprs"] = {n: sympy.srepr(eq.sympy_expr) for n, eq in eqs.items()
                           if eq.expr is not None}
    sub = eqs.get_substituted_expressions(include_subexpressions=True)
    out[label]["substituted"] = [(n, str(e)) for n, e in sub]
print(json.dumps({"sympy_when_made": sympy_when_made, "results": out}))
"""


def _describe(cache, texts):
    """``(whether sympy was imported once every text was made, {label: what was seen})``."""
    env = dict(os.environ, BRIANJIT_CACHE_DIR=str(cache))
    out = subprocess.run([sys.executable, "-c", _DESCRIBE, json.dumps(texts)], env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return result["sympy_when_made"], result["results"]


def test_second_process_makes_equations_without_sympy_and_sees_the_same(tmp_path):
    texts = {"cuba": [CUBA, {}], "hh": [HH_LIKE, {}],
             "renamed": ["dx/dt = -x/tau : 1", {"x": "v", "tau": "tau_e"}],
             "constant": ["dx/dt = -x/tau : 1", {"tau": "10*ms"}]}
    (sympy_first, first), (sympy_second, second) = (_describe(tmp_path, texts),
                                                    _describe(tmp_path, texts))
    assert sympy_first and not sympy_second
    assert not any(first[label].pop("deferred") for label in texts)
    assert all(second[label].pop("deferred") for label in texts)
    assert first == second


def test_a_text_that_never_passed_is_parsed_at_once(tmp_path):
    """A changed text, or changed substitutions, is a new record: parsed when made."""
    _describe(tmp_path, {"cuba": [CUBA, {}]})
    changed = {"name": [CUBA.replace("taue", "tau_e"), {}],
               "flag": [CUBA.replace("(unless refractory)", ""), {}],
               "unit": [CUBA.replace("volt\n", "amp\n"), {}],
               "substituted": [CUBA, {"taue": "tau_e"}],
               "same": [CUBA, {}]}
    seen = _describe(tmp_path, changed)[1]
    assert {label: seen[label]["deferred"] for label in changed} == {
        "name": False, "flag": False, "unit": False, "substituted": False, "same": True}


FAILING = {
    "syntax": "dv/dt = -v/tau + : volt",
    "noise not linear": "dv/dt = -v/tau*xi**2 : volt",
    "a constant without a number": "dv/dt = x/tau : volt\nx = log(0) : 1",
    "division by zero": "dv/dt = 1/(g - g) : volt\ng : 1",
    "the plain xi twice": "dv/dt = xi/ms : 1\ndw/dt = xi/ms : 1",
}


def test_failing_texts_fail_the_same_way_every_time(tmp_path):
    """A text that fails is never recorded: later processes fail with the same message, where
    the text is written."""
    texts = {label: [text, {}] for label, text in FAILING.items()}
    first, second = _describe(tmp_path, texts)[1], _describe(tmp_path, texts)[1]
    assert all("error" in first[label] for label in FAILING)
    assert first == second


def test_a_damaged_record_is_no_record(tmp_path):
    first = _describe(tmp_path, {"cuba": [CUBA, {}]})[1]
    entries = list(pathlib.Path(tmp_path).glob("*.bjo"))
    assert entries
    for entry in entries:
        data = bytearray(entry.read_bytes())
        data[-3] ^= 0x55
        entry.write_bytes(bytes(data))
    sympy_when_made, second = _describe(tmp_path, {"cuba": [CUBA, {}]})
    assert sympy_when_made and second == first and not second["cuba"]["deferred"]


def test_definitions_joined_in_code_are_checked_when_new():
    """``Equations([...])`` (groups join definitions this way) runs the sympy checks unless
    the same definitions passed before: joining two valid sets can still be invalid."""
    from brianjit.model.equations import EquationError, Equations
    a = Equations("dv/dt = xi/ms : 1")
    b = Equations("dw/dt = xi/ms : 1")
    a + Equations("dw/dt = -w/ms : 1")
    with pytest.raises(EquationError, match="plain noise 'xi' is used by several"):
        a + b
    with pytest.raises(EquationError, match="plain noise 'xi' is used by several"):
        a + b


def test_records_are_per_version_of_brianjit_and_sympy(tmp_path, monkeypatch):
    """A record speaks only for the code that parsed: another brianjit source (its
    fingerprint) or another sympy release finds none; a record is per kind of parse."""
    from brianjit import diskcache
    from brianjit.model import known_texts
    monkeypatch.setenv("BRIANJIT_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(known_texts, "_KNOWN", set())
    known_texts.remember_passed("expression", "v > 1")
    monkeypatch.setattr(known_texts, "_KNOWN", set())
    assert known_texts.passed_before("expression", "v > 1")
    assert not known_texts.passed_before("statements", "v > 1")
    assert not known_texts.passed_before("expression", "v > 2")
    monkeypatch.setattr(diskcache, "code_fingerprint", lambda: "another brianjit")
    assert not known_texts.passed_before("expression", "v > 1")
    monkeypatch.undo()
    monkeypatch.setenv("BRIANJIT_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(known_texts, "_KNOWN", set())
    monkeypatch.setattr(known_texts, "_SYMPY_RELEASE", ['__version__ = "0.0"\n'])
    assert not known_texts.passed_before("expression", "v > 1")


def test_without_the_disk_cache_nothing_is_deferred(tmp_path, monkeypatch):
    from brianjit.model import known_texts
    from brianjit.model.equations import Equations
    monkeypatch.setenv("BRIANJIT_CACHE", "0")
    monkeypatch.setattr(known_texts, "_KNOWN", set())
    for _ in range(2):
        eqs = Equations("dv/dt = -v/(7*ms) : 1")
        assert eqs["v"].expr._sympy is not None
