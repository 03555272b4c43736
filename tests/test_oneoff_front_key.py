"""One-off kernels (``G.v = '...'``, ``G.v['cond'] = ...``, ``G.v[a:b] = '...'``, shared
variables, ``G.indices[...]``, subexpression values) and ``connect()`` answered from the disk
cache by their front-end key (objects/front_key.py, objects/oneoff_cache.py): a second process
runs them without importing sympy and ends with the same state, bit for bit (``rand()``
included); whatever changes the kernels misses; damaged entries are misses; failing texts are
never stored and fail the same way. Each run is a fresh process: a test's runs are forked, one
after the other, from one subprocess that has imported brianjit (not sympy, unless no run of
the test checks what it imports) and run nothing, so that each starts as a fresh ``python -c``
would, without paying the import again. A cache the first (cold) run of the connect spec
filled is made once per module and copied where a case starts from it."""
import json
import os
import shutil
import subprocess
import sys

import pytest

from fresh_runs import MISS_MODULES, run_many

_SCRIPT = r"""
import json, sys
from brianjit import *
from brianjit import jit
from brianjit.objects import oneoff_cache
spec = json.loads(SPEC)
taum, taue, El = 20*ms, 5*ms, -49*mV
Vt, Vr = -50*mV, -60*mV
scale = spec.get("scale", 1)
eqs = '''
dv/dt  = (ge-(v-El))/taum : volt (unless refractory)
dge/dt = -ge/taue : volt
n : integer
flag : boolean
x : 1 (shared)
drive = ge*2 + v : volt
'''.replace("(unless refractory)", spec.get("flag", "(unless refractory)"))
seed(7)
P = NeuronGroup(spec.get("N", 40), eqs, threshold='v>Vt', reset='v = Vr', refractory=5*ms,
                method='exact', dtype=spec.get("dtype"))
out = {}
def record(name):
    out[name] = [float(x).hex() for x in np.asarray(getattr(P, name + "_"), dtype=float).ravel()]
for statement in spec["statements"]:
    exec(statement)
for name in ("v", "ge", "n", "flag", "x"):
    record(name)
out["drive"] = [float(x).hex() for x in np.asarray(P.drive_)]
out["where"] = [int(k) for k in P.indices['v > -55*mV']]
if spec.get("connect"):
    S = Synapses(P, P, 'w : volt', on_pre='ge += w')
    for call in spec["connect"]:
        exec(call)
    out["synapses"] = [[int(k) for k in S.i[:]], [int(k) for k in S.j[:]]]
    S.w = 'rand()*mV + 0.1*v_post'
    S.w['i > j'] = 'w + 0.5*mV'
    out["w"] = [float(x).hex() for x in S.w_]
    out["w_where"] = [int(k) for k in S.indices['w > -5*mV']]
out["sympy"] = "sympy" in sys.modules
out["hits"] = oneoff_cache.hits()
out["counts"] = jit.compile_counts()
print(json.dumps(out))
"""

STATEMENTS = [
    "P.v = 'Vr + rand()*(Vt - Vr)'",
    "P.ge['i > 5'] = 3*mV",
    "P.ge[3:7] = 'rand()*mV*scale'",
    "P.n = 'i % 3'",
    "P.n['v > -55*mV'] = 7",
    "P.flag = 'v > -55*mV'",
    "P.x = 'rand()'",
    "P.v_['i < 2'] = '-0.07'",
]
CONNECT = [
    "S.connect('i != j', p=0.2)",
    "S.connect(j='k for k in range(i-2, i+3) if k != i', skip_if_invalid=True)",
    "S.connect(i=[1, 2], j=[3, 4])",
]


def _script(**spec):
    spec.setdefault("statements", STATEMENTS)
    return "SPEC = " + repr(json.dumps(spec)) + "\n" + _SCRIPT


def _runs(*runs, preimport=()):
    """``(name, cache, spec)`` runs, in order, each a fresh process: their results."""
    return [result for result, _ in run_many([(name, cache, _script(**spec))
                                               for name, cache, spec in runs], preimport)]


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    """A cache the connect spec filled, cold, and that run's result."""
    cache = tmp_path_factory.mktemp("filled")
    # no test checks what this run imports (nor its compile counts)
    [first] = _runs(("first", cache, {"connect": CONNECT}), preimport=MISS_MODULES)
    return cache, first


def _copy(filled, to):
    shutil.copytree(filled[0], to)
    return to


def _state(result):
    return {k: v for k, v in result.items() if k not in ("sympy", "hits", "counts")}


#: one-off kernels of the script: the statements, the subexpression's values, indices_where
_ONE_OFFS = len(STATEMENTS) + 2


def test_a_second_process_runs_the_one_offs_without_sympy_bit_for_bit(tmp_path):
    first, second = _runs(("first", tmp_path, {}), ("second", tmp_path, {}))
    assert first["sympy"] and first["hits"] == 0
    assert not second["sympy"], "a cached one-off statement imported sympy"
    assert second["hits"] == _ONE_OFFS
    assert second["counts"]["compiled"] == 0
    assert _state(first) == _state(second)


def test_connect_from_the_cache_without_sympy_bit_for_bit(tmp_path, filled):
    first = filled[1]
    [second] = _runs(("second", _copy(filled, tmp_path / "cache"), {"connect": CONNECT}))
    assert first["hits"] == 0 and second["hits"] == _ONE_OFFS + 2 + 3
    assert not second["sympy"]
    assert _state(first) == _state(second)
    assert len(first["synapses"][0]) > 40


#: what changes the kernels
CHANGES = [
    {"flag": ""},                     # a flag (the write condition of v goes)
    {"scale": 1.0},                   # a constant's type
    {"dtype": "float32"},             # a dtype
    {"N": 41},                        # the group's size
]


def test_what_changes_the_kernels_misses(tmp_path, filled):
    # each change: a run on (a copy of) the filled cache, and a cold one on an empty cache
    runs = []
    for k, change in enumerate(CHANGES):
        runs += [(f"{change} changed", _copy(filled, tmp_path / f"changed{k}"),
                  {"connect": CONNECT, **change}),
                 (f"{change} cold", tmp_path / f"cold{k}", {"connect": CONNECT, **change})]
    # no run here checks what it imports: the misses may find sympy imported
    results = _runs(*runs, preimport=MISS_MODULES)
    for k, change in enumerate(CHANGES):
        changed, cold = results[2 * k], results[2 * k + 1]
        # every statement reads the equations, the dtype or the size: none may be answered
        if "scale" in change:   # only one statement reads scale
            assert changed["hits"] == _ONE_OFFS + 2 + 3 - 1, change
        else:
            assert changed["hits"] == 0, change
        assert _state(changed) == _state(cold), change


def test_the_miss_after_a_change_is_the_miss_paths_answer_in_the_same_process(tmp_path):
    # the in-process memory: the same statement with a constant of another type misses
    script = (
        "from brianjit import *\nfrom brianjit.objects import oneoff_cache\nimport sys\n"
        "G = NeuronGroup(3, 'v : volt\\nk : integer')\n"
        "a = 2*mV\nG.v = 'a'\nG.v = 'a'\nh = oneoff_cache.hits()\n"
        "a = 2\nG.k = 'a'\n"                                   # other variable: new key anyway
        "G.v = '3*mV'\nb = 1\nG.k = 'b'\nb = 2.5\n"
        "try:\n    G.k = 'b'\nexcept TypeError as err:\n    print('TypeError', err)\n"
        "print(h, oneoff_cache.hits(), G.v[:], G.k[:])\n")
    env = dict(os.environ, BRIANJIT_CACHE_DIR=str(tmp_path))
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    lines = out.stdout.strip().splitlines()
    assert lines[-1].startswith("1 1 ")   # the second G.v = 'a' was a hit, nothing else
