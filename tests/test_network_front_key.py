"""A network's build answered from a stored front entry, without sympy (issue 9, target 2;
``objects/front_network.py``): the same state, bit for bit, as a build that makes its kernels,
and a miss whenever something that determines the kernels changed.

Each build runs in a process of its own against a temporary cache folder: the first fills it
(texts parsed, kernels made, machine code compiled, the front entry stored), the next ones build
the same script, or a variant of it, again. The filled cuba cache is made once, and its warm
build run, in real fresh interpreters; the other builds are forked, two at a time, from a driver
process that imported what the script imports first and built nothing (no kernels, empty
in-memory caches: what a fresh process has after its imports). Without sympy for the builds
whose sympy is checked; with it, imported once, for the cases that check nothing about it.
The filled cuba cache is copied for each case that starts from it.
A build that crashes fails its case with the child's traceback; it never takes the run down."""
import json
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

from fresh_runs import fork_stages

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



def _spec(model, variant):
    return json.dumps({"model": model, "variant": variant, "benchmarks": str(_BENCHMARKS)})


def _run(cache, model, **variant):
    """One build in a fresh interpreter."""
    env = dict(os.environ, BRIANJIT_CACHE_DIR=str(cache))
    out = subprocess.run([sys.executable, "-c", _SCRIPT, _spec(model, variant)],
                         env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def _run_fresh(jobs):
    """Builds ``(cache, model, variant)`` in fresh interpreters, side by side."""
    procs = [subprocess.Popen([sys.executable, "-c", _SCRIPT, _spec(model, variant)],
                              env=dict(os.environ, BRIANJIT_CACHE_DIR=str(cache)),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for cache, model, variant in jobs]
    results = []
    for proc, job in zip(procs, jobs):
        stdout, stderr = proc.communicate(timeout=300)
        assert proc.returncode == 0, (job, stderr[-3000:])
        results.append(json.loads(stdout.strip().splitlines()[-1]))
    return results


def _run_forked(work, stages, sympy_loaded):
    """Builds the stages (lists of ``(label, cache, model, variant)``) one after the other,
    each build in a process forked from one driver. ``sympy_loaded``: the driver imports sympy
    once for all its builds (for cases that check nothing about sympy). Returns, per label,
    how the build ended: a build that failed or crashed fails the cases that read it (``_got``),
    named, and no other."""
    done = fork_stages(work, _SCRIPT, [[{"env": {"BRIANJIT_CACHE_DIR": str(cache)},
                                         "arg": _spec(model, variant)}
                                        for _, cache, model, variant in stage]
                                       for stage in stages], sympy_loaded)
    return {job[0]: dict(result, job=repr(job)) for stage, results in zip(stages, done)
            for job, result in zip(stage, results)}


def _got(builds, label):
    build = builds[label]
    assert build["ok"], (build["job"], build["status"], build["stderr"])
    return build["result"]


@pytest.fixture(scope="module")
def cuba_cache(tmp_path_factory):
    """A cache filled by the cuba script in a fresh interpreter, and what that cold build
    reported; cases copy the folder."""
    cache = tmp_path_factory.mktemp("cuba-filled")
    return cache, _run(cache, "cuba")


def _copy(cuba_cache, target):
    shutil.copytree(cuba_cache[0], target)
    return target


_VARIANTS = [
    {"flag": ""}, {"unit": "volt"}, {"dtype": "float32"}, {"method": "euler"},
    {"constant": 1}, {"monitor_dt": 0.2}, {"when": "end"}, {"order": 3}, {"N": 41},
    {"threads": 3}, {"fingerprint": "0" * 64}]


@pytest.fixture(scope="module")
def unloaded(tmp_path_factory):
    """Cold then warm builds, forked from a driver without sympy, each in a cache folder of its
    own: the three other models, and cuba with subgroups or profiling."""
    tmp = tmp_path_factory.mktemp("unloaded")
    jobs = [(model, model, {}) for model in ("cobahh", "stdp", "poisson")]
    jobs += [("subgroups", "cuba", {"subgroups": True}), ("profile", "cuba", {"profile": True})]
    return _run_forked(tmp / "forker", [
        [(f"cold {label}", tmp / label, model, variant) for label, model, variant in jobs],
        [(f"warm {label}", tmp / label, model, variant) for label, model, variant in jobs]],
        sympy_loaded=False)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory, cuba_cache):
    """The builds of the cases that check nothing about sympy, forked from a driver that
    imported it; each case has cache folders of its own (copies of the filled cuba cache where
    it needs one)."""
    tmp = tmp_path_factory.mktemp("loaded")
    pairs = [("mixed", "mixed", {}), ("method choice", "cuba", {"method": None}),
             ("independent", "decay", {"method": "independent"})]
    first = [(f"cold {label}", tmp / label, model, variant) for label, model, variant in pairs]
    second = [(f"warm {label}", tmp / label, model, variant) for label, model, variant in pairs]
    for label, variant in (("synapses", {"synapse_seed": 12}), ("dt", {"dt": 0.05})):
        first.append((f"{label} cold", tmp / f"{label}-b", "cuba", variant))
        first.append((f"{label} other", _copy(cuba_cache, tmp / f"{label}-a"), "cuba", variant))
    third = []
    for number, variant in enumerate(_VARIANTS):
        # every variant in its own copy of a filled cache (the monitor_dt one in a cache
        # filled with a monitor on another dt): a miss, stored, that a next process hits
        cache = tmp / f"variant{number}"
        if "monitor_dt" in variant:
            first.append((f"base {number}", cache, "cuba", {"monitor_dt": 0.1}))
            second.append((f"changed {number}", cache, "cuba", variant))
            third.append((f"again {number}", cache, "cuba", variant))
        else:
            _copy(cuba_cache, cache)
            first.append((f"changed {number}", cache, "cuba", variant))
            second.append((f"again {number}", cache, "cuba", variant))
    return _run_forked(tmp / "forker", [first, second, third], sympy_loaded=True)


def test_a_cached_network_is_built_without_sympy_bit_for_bit(tmp_path, cuba_cache, unloaded):
    """cuba in fresh interpreters; the other models forked from a driver without sympy."""
    (warm_cuba,) = _run_fresh([(_copy(cuba_cache, tmp_path / "cuba"), "cuba", {})])
    runs = [("cuba", cuba_cache[1], warm_cuba)] + [
        (model, _got(unloaded, f"cold {model}"), _got(unloaded, f"warm {model}"))
        for model in ("cobahh", "stdp", "poisson")]
    for model, cold, warm in runs:
        assert cold["front"]["miss"] == 1 and cold["front"]["stored"] == 1 and cold["sympy"], \
            model
        assert warm["front"] == {"hit": 1, "miss": 0, "no_key": 0, "stored": 0}, model
        assert warm["counts"]["compiled"] == 0, model
        assert warm["state"] == cold["state"], model
        assert warm["logs"] == cold["logs"], model
        assert warm["code"] == cold["code"], model   # print(G.code) after a hit: kernels' texts
        assert not warm["sympy"], model


def test_what_determines_the_kernels_misses_when_changed(cuba_cache, loaded):
    for number, variant in enumerate(_VARIANTS):
        base = _got(loaded, f"base {number}") if "monitor_dt" in variant else cuba_cache[1]
        changed = _got(loaded, f"changed {number}")
        assert changed["front"]["hit"] == 0 and changed["front"]["miss"] == 1, variant
        # and the miss stored the variant: a third process hits it, with the same state
        again = _got(loaded, f"again {number}")
        assert again["front"]["hit"] == 1 and again["state"] == changed["state"], variant
        assert base["front"]["stored"] == 1, variant


def test_subgroups_and_profiling_are_answered_too(unloaded):
    for label in ("subgroups", "profile"):
        cold, warm = _got(unloaded, f"cold {label}"), _got(unloaded, f"warm {label}")
        assert warm["front"]["hit"] == 1 and warm["counts"]["compiled"] == 0, label
        assert warm["state"] == cold["state"] and warm["profiled"] == cold["profiled"], label
        assert not warm["sympy"], label


def test_an_object_without_a_key_builds_from_kernels(loaded):
    cold, warm = _got(loaded, "cold mixed"), _got(loaded, "warm mixed")
    assert cold["front"]["no_key"] == warm["front"]["no_key"] == 1
    assert warm["front"]["hit"] == 0 and warm["state"] == cold["state"]


def test_a_method_chosen_among_several_is_logged_on_a_hit_too(loaded):
    cold, warm = _got(loaded, "cold method choice"), _got(loaded, "warm method choice")
    assert warm["front"]["hit"] == 1 and warm["state"] == cold["state"]
    assert ["brian2.stateupdaters.base.method_choice", cold["logs"][0][1]] in warm["logs"]
    assert "using method 'exact'" in cold["logs"][0][1]


def test_a_method_that_warns_at_each_use_is_never_stored(loaded):
    cold, warm = _got(loaded, "cold independent"), _got(loaded, "warm independent")
    assert cold["front"]["stored"] == 0 and warm["front"]["hit"] == 0
    assert warm["logs"] == cold["logs"] and any("deprecated" in m for _, m in warm["logs"])


def test_other_synapses_are_not_another_structure(loaded):
    """The number of synapses is not part of the key (kernels loop over the rows there are):
    other random connections hit, and compute what a cold build computes."""
    cold, other = _got(loaded, "synapses cold"), _got(loaded, "synapses other")
    assert cold["front"]["miss"] == 1   # its folder was empty: the reference made its kernels
    assert other["front"]["hit"] == 1 and other["state"] == cold["state"]


def test_a_new_dt_is_not_a_new_structure(loaded):
    """dt lives in a buffer: the same network on another dt hits, and computes what a build
    that makes its kernels computes on that dt."""
    cold, other = _got(loaded, "dt cold"), _got(loaded, "dt other")
    assert cold["front"]["miss"] == 1   # its folder was empty: the reference made its kernels
    assert other["front"]["hit"] == 1 and other["state"] == cold["state"]
