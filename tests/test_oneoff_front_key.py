"""One-off kernels (``G.v = '...'``, ``G.v['cond'] = ...``, ``G.v[a:b] = '...'``, shared
variables, ``G.indices[...]``, subexpression values) and ``connect()`` answered from the disk
cache by their front-end key (objects/front_key.py, objects/oneoff_cache.py): a second process
runs them without importing sympy and ends with the same state, bit for bit (``rand()``
included); whatever changes the kernels misses; damaged entries are misses; failing texts are
never stored and fail the same way."""
import json
import os
import subprocess
import sys

import pytest

_SCRIPT = r"""
import json, sys
from brianjit import *
from brianjit import jit
from brianjit.objects import oneoff_cache
spec = json.loads(sys.argv[1])
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


def _run(cache, **spec):
    spec.setdefault("statements", STATEMENTS)
    env = dict(os.environ, BRIANJIT_CACHE_DIR=str(cache))
    out = subprocess.run([sys.executable, "-c", _SCRIPT, json.dumps(spec)], env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def _state(result):
    return {k: v for k, v in result.items() if k not in ("sympy", "hits", "counts")}


#: one-off kernels of the script: the statements, the subexpression's values, indices_where
_ONE_OFFS = len(STATEMENTS) + 2


def test_a_second_process_runs_the_one_offs_without_sympy_bit_for_bit(tmp_path):
    first, second = _run(tmp_path), _run(tmp_path)
    assert first["sympy"] and first["hits"] == 0
    assert not second["sympy"], "a cached one-off statement imported sympy"
    assert second["hits"] == _ONE_OFFS
    assert second["counts"]["compiled"] == 0
    assert _state(first) == _state(second)


def test_connect_from_the_cache_without_sympy_bit_for_bit(tmp_path):
    first = _run(tmp_path, connect=CONNECT)
    second = _run(tmp_path, connect=CONNECT)
    assert first["hits"] == 0 and second["hits"] == _ONE_OFFS + 2 + 3
    assert not second["sympy"]
    assert _state(first) == _state(second)
    assert len(first["synapses"][0]) > 40


@pytest.mark.parametrize("change", [
    {"flag": ""},                     # a flag (the write condition of v goes)
    {"scale": 1.0},                   # a constant's type
    {"dtype": "float32"},             # a dtype
    {"N": 41},                        # the group's size
])
def test_what_changes_the_kernels_misses(tmp_path, change):
    _run(tmp_path, connect=CONNECT)
    changed = _run(tmp_path, connect=CONNECT, **change)
    cold = _run(tmp_path / "cold", connect=CONNECT, **change)
    # every statement reads the equations, the dtype or the size: none may be answered
    if "scale" in change:   # only one statement reads scale
        assert changed["hits"] == _ONE_OFFS + 2 + 3 - 1
    else:
        assert changed["hits"] == 0
    assert _state(changed) == _state(cold)


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
