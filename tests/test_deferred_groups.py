"""Groups whose model, threshold, reset, refractoriness and pathway texts passed before are made
without sympy (issue 9, target 2), and look exactly as when they were parsed at once.

Fresh processes against a temporary cache folder: the first parses and records, the second
must make the same objects without importing sympy and then see the same attributes, state and
errors."""
import json
import os
import subprocess
import sys

_SCRIPT = r"""
import json, sys
from brianjit import *
spec = json.loads(sys.argv[1])
eqs = '''
dv/dt  = (ge+gi-(v-El))/taum : volt (unless refractory)
dge/dt = -ge/taue : volt
dgi/dt = -gi/taui : volt
'''
taum, taue, taui, El = 20*ms, 5*ms, 10*ms, -49*mV
Vt, Vr = -50*mV, -60*mV
out = {}
if "failing" in spec:   # texts that fail: the errors, one group each
    errors = []
    for bad in spec["failing"]:
        try:
            on_pre = bad.pop("on_pre", None)
            G = NeuronGroup(5, eqs, method='exact', **bad)
            if on_pre:
                Synapses(G, G, on_pre=on_pre)
        except Exception as err:
            errors.append(f"{type(err).__name__}: {err}")
    print(json.dumps({"errors": errors}))
    raise SystemExit(0)
G = NeuronGroup(spec["N"], eqs, threshold=spec["threshold"], reset=spec["reset"],
                refractory=spec["refractory"], method='exact')
S = Synapses(G, G, 'w : volt', on_pre=spec["on_pre"])
out["sympy_when_made"] = "sympy" in sys.modules
G.v = -55*mV
out["repr"] = repr(G).split(" at ")[0]
out["equations"] = str(G.equations)
out["variables"] = sorted(G.variables)
out["v"] = repr(G.v[:3])
out["threshold"], out["reset"], out["refractory"] = G.threshold, G.reset, str(G.refractory)
out["events"] = sorted(G.events)
out["sympy_before_run"] = "sympy" in sys.modules
G.v = 'Vr + i*(Vt - Vr)/N'
S.connect(j='(i + 1) % N')
S.w = 2*mV
run(3*ms)
import sympy
out["threshold_expr"] = sympy.srepr(G.thresholder['spike'].expr)
out["reset_statements"] = [str(s) for s in G.resetter['spike'].statements]
out["state"] = {name: [float(x) for x in getattr(G, name + '_')] for name in ('v', 'ge', 'gi')}
out["lastspike"] = [float(x) for x in G.lastspike_]
out["pathway"] = [str(s) for s in S.pre.statements] if hasattr(S.pre, "statements") else None
print(json.dumps(out))
"""


def _run(cache, **spec):
    spec = {"N": 5, "threshold": "v > Vt", "reset": "v = Vr", "refractory": "2*ms",
            "on_pre": "ge += w", **spec}
    env = dict(os.environ, BRIANJIT_CACHE_DIR=str(cache))
    out = subprocess.run([sys.executable, "-c", _SCRIPT, json.dumps(spec)], env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_a_neurongroup_made_again_needs_no_sympy_and_is_the_same(tmp_path):
    first, second = _run(tmp_path), _run(tmp_path)
    assert first.pop("sympy_when_made") and not second.pop("sympy_when_made")
    assert not second.pop("sympy_before_run")
    first.pop("sympy_before_run")
    assert first == second


def test_a_changed_text_is_parsed_when_made(tmp_path):
    _run(tmp_path)
    for change in ({"threshold": "v > Vt + 1*mV"}, {"reset": "v = Vr; ge = 0*mV"},
                   {"on_pre": "gi += w"}):
        assert _run(tmp_path, **change)["sympy_when_made"], change


def test_a_failing_text_fails_the_same_way_each_time(tmp_path):
    failing = [{"threshold": "v >"}, {"threshold": "v > Vt", "reset": "v = = Vr"},
               {"refractory": "2*ms +"}, {"on_pre": "ge += "}]
    first, second = _run(tmp_path, failing=failing), _run(tmp_path, failing=failing)
    assert len(first["errors"]) == 4 and first == second


_STDP = r"""
import json, sys
from brianjit import *
seed(7)
taupre = taupost = 20*ms; wmax = 0.01; Apre = 0.01; Apost = -Apre*taupre/taupost*1.05
inp = PoissonGroup(20, rates=40*Hz)
G = NeuronGroup(3, 'dv/dt = -v/(10*ms) : 1', threshold='v > 0.02', reset='v = 0',
                method='exact')
S = Synapses(inp, G, '''w : 1
                dapre/dt = -apre/taupre : 1 (event-driven)
                dapost/dt = -apost/taupost : 1 (event-driven)''',
             on_pre='''v_post += w
                    apre += Apre
                    w = clip(w + apost, 0, wmax)''',
             on_post='''apost += Apost
                     w = clip(w + apre, 0, wmax)''')
sympy_when_made = "sympy" in sys.modules
S.connect()
S.w = 'rand() * wmax'
run(100*ms)
print(json.dumps({"sympy_when_made": sympy_when_made, "interleaved": S.interleaved,
                  "state": {name: [float(x) for x in values] for name, values in
                            [("w", S.w[:]), ("apre", S.apre[:]), ("apost", S.apost[:]),
                             ("v", G.v[:]), ("lastupdate", S.lastupdate[:] / ms)]}}))
"""


def _made_twice(script, cache):
    """The JSON the ``script`` prints, from a first process (which parses and records) and a
    second one (which finds the records), both with the disk cache in ``cache``."""
    env = dict(os.environ, BRIANJIT_CACHE_DIR=str(cache))
    results = []
    for _ in range(2):
        out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                             text=True, timeout=300)
        assert out.returncode == 0, out.stderr[-3000:]
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return results


def test_stdp_made_again_needs_no_sympy_and_computes_the_same_bits(tmp_path):
    """A Poisson input, a NeuronGroup and STDP Synapses made in a later process without sympy
    (the interleaved layout read from the code's names) give the same state, bit for bit."""
    first, second = _made_twice(_STDP, tmp_path)
    assert first.pop("sympy_when_made") and not second.pop("sympy_when_made")
    assert sorted(first["interleaved"]) == ["apost", "apre", "lastupdate", "w"]
    assert any(first["state"]["w"]) and first == second


_COBAHH = r"""
import json, sys
from brianjit import *
seed(11)
Cm, gl, g_na, g_kd = 200*pF, 10*nS, 20*usiemens, 6*usiemens
El, EK, ENa, VT = -60*mV, -90*mV, 50*mV, -63*mV
taue, taui, Ee, Ei, we, wi = 5*ms, 10*ms, 0*mV, -80*mV, 6*nS, 67*nS
eqs = '''
dv/dt = (gl*(El-v) + ge*(Ee-v) + gi*(Ei-v) - g_na*(m*m*m)*h*(v-ENa) - g_kd*(n*n*n*n)*(v-EK))/Cm : volt
dm/dt = alpha_m*(1-m)-beta_m*m : 1
dn/dt = alpha_n*(1-n)-beta_n*n : 1
dh/dt = alpha_h*(1-h)-beta_h*h : 1
dge/dt = -ge*(1./taue) : siemens
dgi/dt = -gi*(1./taui) : siemens
alpha_m = 0.32*(mV**-1)*4*mV/exprel((13*mV-v+VT)/(4*mV))/ms : Hz
beta_m = 0.28*(mV**-1)*5*mV/exprel((v-VT-40*mV)/(5*mV))/ms : Hz
alpha_h = 0.128*exp((17*mV-v+VT)/(18*mV))/ms : Hz
beta_h = 4./(1+exp((40*mV-v+VT)/(5*mV)))/ms : Hz
alpha_n = 0.032*(mV**-1)*5*mV/exprel((15*mV-v+VT)/(5*mV))/ms : Hz
beta_n = .5*exp((10*mV-v+VT)/(40*mV))/ms : Hz
'''
P = NeuronGroup(200, eqs, threshold='v>-20*mV', refractory=3*ms, method='exponential_euler')
Ce = Synapses(P, P, on_pre='ge+=we')
Ci = Synapses(P, P, on_pre='gi+=wi')
sympy_when_made = "sympy" in sys.modules
Ce.connect('i<160', p=0.05)
Ci.connect('i>=160', p=0.05)
P.v = 'El + (randn() * 5 - 5)*mV'
P.ge = '(randn() * 1.5 + 4) * 10.*nS'
P.gi = '(randn() * 12 + 20) * 10.*nS'
run(20*ms)
print(json.dumps({"sympy_when_made": sympy_when_made,
                  "state": {name: [float(x) for x in getattr(P, name + '_')]
                            for name in ('v', 'm', 'n', 'h', 'ge', 'gi', 'lastspike')}}))
"""


def test_cobahh_made_again_needs_no_sympy_and_computes_the_same_bits(tmp_path):
    first, second = _made_twice(_COBAHH, tmp_path)
    assert first.pop("sympy_when_made") and not second.pop("sympy_when_made")
    assert max(first["state"]["lastspike"]) > 0 and first == second


def test_shared_subexpressions_are_still_checked_when_made():
    """Only shared subexpressions are parsed for their check (their flag says which): one that
    reads a per-neuron value is Brian2's SyntaxError, made once or again."""
    import pytest
    from brianjit import NeuronGroup
    for _ in range(2):
        with pytest.raises(SyntaxError, match="non-shared variable 'v'"):
            NeuronGroup(2, "v : 1\ns = 2*v : 1 (shared)")
    G = NeuronGroup(2, "v : 1\nc : 1 (shared)\ns = 2*c : 1 (shared)\nu = 2*v : 1")
    G.c = 1.5
    assert float(G.s[:]) == 3.0 and list(G.u[:]) == [0.0, 0.0]
