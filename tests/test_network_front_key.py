"""A network's build answered from a stored front entry, without sympy (issue 9, target 2;
``objects/front_network.py``): the same state, bit for bit, as a build that makes its kernels,
and a miss whenever something that determines the kernels changed.

Each case runs fresh processes against one temporary cache folder: the first fills it (texts
parsed, kernels made, machine code compiled, the front entry stored), the next ones build the
same script, or a variant of it, again."""
import json
import os
import pathlib
import subprocess
import sys

import pytest

_SCRIPT = r"""
import hashlib, json, logging, sys
import numpy as np
from brianjit import *
from brianjit.utils.logger import catch_logs
spec = json.loads(sys.argv[1])
sys.path.insert(0, spec["benchmarks"])
from models import (COBAHH_EQUATIONS, STDP_NEURON_EQUATIONS, STDP_ON_POST, STDP_ON_PRE,
                    STDP_SYNAPSE_EQUATIONS)
variant = spec.get("variant", {})
if "fingerprint" in variant:
    from brianjit import diskcache
    diskcache._fingerprint[:] = [variant["fingerprint"]]
prefs["brianjit.threads"] = variant.get("threads", 1)
N = variant.get("N", 40)
if "dt" in variant:
    defaultclock.dt = variant["dt"] * ms
seed(7)
rng = np.random.default_rng(variant.get("synapse_seed", 11))
objects = []


def connect(S, first, stop, p):
    # random synapses from numpy (the texts of connect() are another part of issue 9)
    pre, post = np.nonzero(rng.random((stop - first, N)) < p)
    S.connect(i=pre + (0 if variant.get("subgroups") else first), j=post)
model = spec["model"]
if model == "cuba":
    taum, taue, taui = 20*ms, 5*ms, 10*ms
    Vt, Vr, El = -50*mV, -60*mV, -49*mV
    flag = variant.get("flag", " (unless refractory)")
    eqs = f'''
    dv/dt  = (ge+gi-(v-El))/taum : volt{flag}
    dge/dt = -ge/taue : volt
    dgi/dt = -gi/taui : volt
    extra : {variant.get("unit", "1")}
    '''
    we = (60*0.27/10)*mV
    wi = (-20*4.5/10)*mV
    n_reset = variant.get("constant", 0.0)
    P = NeuronGroup(N, eqs, threshold='v>Vt', reset='v = Vr + n_reset*mV', refractory=5*ms,
                    method=variant.get("method", "exact"),
                    dtype=variant.get("dtype") and {"extra": np.dtype(variant["dtype"])})
    P.v = Vr + rng.random(N) * (Vt - Vr)
    if variant.get("subgroups"):   # Brian2's example: from the subgroups P[:3200], P[3200:]
        Ce = Synapses(P[:N*4//5], P, on_pre='ge += we')
        Ci = Synapses(P[N*4//5:], P, on_pre='gi += wi')
    else:
        Ce = Synapses(P, P, on_pre='ge += we')
        Ci = Synapses(P, P, on_pre='gi += wi')
    connect(Ce, 0, N*4//5, 0.3)
    connect(Ci, N*4//5, N, 0.3)
    M = SpikeMonitor(P, when=variant.get("when", "thresholds"), order=variant.get("order", 1))
    objects = [P, Ce, Ci, M]
    if "monitor_dt" in variant:
        objects.append(StateMonitor(P, 'v', record=[0, 1], dt=variant["monitor_dt"]*ms))
elif model == "cobahh":
    Cm, gl, g_na, g_kd = 200*pF, 10*nS, 20*uS, 6*uS
    El, EK, ENa, VT = -60*mV, -90*mV, 50*mV, -63*mV
    taue, taui, Ee, Ei, we, wi = 5*ms, 10*ms, 0*mV, -80*mV, 6*nS, 67*nS
    eqs = COBAHH_EQUATIONS   # the benchmarks' models (benchmarks/models.py)
    P = NeuronGroup(N, eqs, threshold='v > -20*mV', refractory=3*ms,
                    method='exponential_euler')
    P.v = El + (np.arange(N) % 7 - 3) * 5 * mV
    P.ge = (np.arange(N) % 5 + 4) * 10 * nS
    P.gi = (np.arange(N) % 3 + 20) * 10 * nS
    Ce = Synapses(P, P, on_pre='ge += we')
    Ci = Synapses(P, P, on_pre='gi += wi')
    connect(Ce, 0, N*4//5, 0.2)
    connect(Ci, N*4//5, N, 0.2)
    objects = [P, Ce, Ci, SpikeMonitor(P)]
elif model == "stdp":
    taum, taupre, taupost, Ee, vt, vr, El, taue = 10*ms, 20*ms, 20*ms, 0*mV, -54*mV, -60*mV, -74*mV, 5*ms
    gmax, dApre = 0.05, 0.01*0.05
    dApost = -dApre * 1.05
    inp = PoissonGroup(N, rates=variant.get("rates", 40)*Hz)
    post = NeuronGroup(3, STDP_NEURON_EQUATIONS, threshold='v > vt', reset='v = vr',
                       method='euler')
    post.v = vr
    S = Synapses(inp, post, STDP_SYNAPSE_EQUATIONS, on_pre=STDP_ON_PRE, on_post=STDP_ON_POST)
    S.connect(i=np.repeat(np.arange(N), 3), j=np.tile(np.arange(3), N))
    S.w = rng.random(len(S)) * gmax
    objects = [inp, post, S, SpikeMonitor(post), StateMonitor(S, 'w', record=[0, 5])]
elif model == "decay":
    G = NeuronGroup(N, 'dv/dt = -v/(10*ms) : 1', method=variant.get("method", "exact"))
    G.v = np.linspace(0, 1, N)
    objects = [G]
elif model == "mixed":   # an input without a front key: the network is built from kernels
    inp = SpikeGeneratorGroup(3, [0, 1, 2, 1], [1, 2, 3, 4]*ms)
    P = NeuronGroup(N, 'dv/dt = -v/(10*ms) : 1', threshold='v > 1', reset='v = 0',
                    method='exact')
    S = Synapses(inp, P, on_pre='v += 0.6')
    S.connect(i=[0, 1, 2, 1], j=[0, 0, 1, 2])
    objects = [inp, P, S, SpikeMonitor(P)]
elif model == "poisson":
    inp = PoissonGroup(N, rates='(1 + i) * 20*Hz')
    fixed = PoissonGroup(N, rates=np.arange(1, N + 1) * 30*Hz)
    objects = [inp, fixed, SpikeMonitor(inp), PopulationRateMonitor(inp),
               PopulationRateMonitor(fixed[5:20]), StateMonitor(fixed, 'rates', record=[0, 3])]
net = Network(*objects)
with catch_logs(log_level=logging.INFO) as logs:
    net.run(spec.get("duration", 20) * ms, profile=variant.get("profile", False))
from brianjit import jit
from brianjit.objects.front_network import front_counts
states = net.get_states(units=False)
digest = hashlib.sha256()
for name in sorted(states):
    for var in sorted(states[name]):
        digest.update(f"{name}.{var}".encode() + np.ascontiguousarray(states[name][var]).tobytes())
print(json.dumps({"sympy": "sympy" in sys.modules, "front": front_counts(),
                  "counts": jit.compile_counts(), "state": digest.hexdigest(),
                  "logs": sorted({(entry[1], entry[2]) for entry in logs}),
                  "code": [str(obj.code) for obj in net],
                  "profiled": sorted(name for name, _ in net.profiling_info)
                  if variant.get("profile") else None}))
"""


_BENCHMARKS = pathlib.Path(__file__).resolve().parent.parent / "benchmarks"


def _run(cache, model, **variant):
    env = dict(os.environ, BRIANJIT_CACHE_DIR=str(cache))
    out = subprocess.run([sys.executable, "-c", _SCRIPT,
                          json.dumps({"model": model, "variant": variant,
                                      "benchmarks": str(_BENCHMARKS)})],
                         env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("model", ["cuba", "cobahh", "stdp", "poisson"])
def test_a_cached_network_is_built_without_sympy_bit_for_bit(tmp_path, model):
    cold, warm = _run(tmp_path, model), _run(tmp_path, model)
    assert cold["front"]["miss"] == 1 and cold["front"]["stored"] == 1 and cold["sympy"]
    assert warm["front"] == {"hit": 1, "miss": 0, "no_key": 0, "stored": 0}
    assert warm["counts"]["compiled"] == 0
    assert warm["state"] == cold["state"]
    assert warm["logs"] == cold["logs"]
    assert warm["code"] == cold["code"]   # print(G.code) after a hit: the kernels' texts
    assert not warm["sympy"]


@pytest.mark.parametrize("variant", [
    {"flag": ""}, {"unit": "volt"}, {"dtype": "float32"}, {"method": "euler"},
    {"constant": 1}, {"monitor_dt": 0.2}, {"when": "end"}, {"order": 3}, {"N": 41},
    {"threads": 3}, {"fingerprint": "0" * 64}])
def test_what_determines_the_kernels_misses_when_changed(tmp_path, variant):
    base = _run(tmp_path, "cuba", monitor_dt=0.1) if "monitor_dt" in variant else \
        _run(tmp_path, "cuba")
    changed = _run(tmp_path, "cuba", **variant)
    assert changed["front"]["hit"] == 0 and changed["front"]["miss"] == 1, variant
    # and the miss stored the variant: a third process hits it, with the same state
    again = _run(tmp_path, "cuba", **variant)
    assert again["front"]["hit"] == 1 and again["state"] == changed["state"]
    assert base["front"]["stored"] == 1


@pytest.mark.parametrize("variant", [{"subgroups": True}, {"profile": True}])
def test_subgroups_and_profiling_are_answered_too(tmp_path, variant):
    cold, warm = _run(tmp_path, "cuba", **variant), _run(tmp_path, "cuba", **variant)
    assert warm["front"]["hit"] == 1 and warm["counts"]["compiled"] == 0
    assert warm["state"] == cold["state"] and warm["profiled"] == cold["profiled"]
    assert not warm["sympy"]


def test_an_object_without_a_key_builds_from_kernels(tmp_path):
    cold, warm = _run(tmp_path, "mixed"), _run(tmp_path, "mixed")
    assert cold["front"]["no_key"] == warm["front"]["no_key"] == 1
    assert warm["front"]["hit"] == 0 and warm["state"] == cold["state"]


def test_a_method_chosen_among_several_is_logged_on_a_hit_too(tmp_path):
    cold, warm = _run(tmp_path, "cuba", method=None), _run(tmp_path, "cuba", method=None)
    assert warm["front"]["hit"] == 1 and warm["state"] == cold["state"]
    assert ["brian2.stateupdaters.base.method_choice", cold["logs"][0][1]] in warm["logs"]
    assert "using method 'exact'" in cold["logs"][0][1]


def test_a_method_that_warns_at_each_use_is_never_stored(tmp_path):
    cold = _run(tmp_path, "decay", method="independent")
    warm = _run(tmp_path, "decay", method="independent")
    assert cold["front"]["stored"] == 0 and warm["front"]["hit"] == 0
    assert warm["logs"] == cold["logs"] and any("deprecated" in m for _, m in warm["logs"])


def test_other_synapses_are_not_another_structure(tmp_path):
    """The number of synapses is not part of the key (kernels loop over the rows there are):
    other random connections hit, and compute what a cold build computes."""
    _run(tmp_path / "a", "cuba")
    cold = _run(tmp_path / "b", "cuba", synapse_seed=12)
    other = _run(tmp_path / "a", "cuba", synapse_seed=12)
    assert other["front"]["hit"] == 1 and other["state"] == cold["state"]


def test_a_new_dt_is_not_a_new_structure(tmp_path):
    """dt lives in a buffer: the same network on another dt hits, and computes what a build
    that makes its kernels computes on that dt."""
    _run(tmp_path / "a", "cuba")
    cold = _run(tmp_path / "b", "cuba", dt=0.05)
    other = _run(tmp_path / "a", "cuba", dt=0.05)
    assert other["front"]["hit"] == 1 and other["state"] == cold["state"]
