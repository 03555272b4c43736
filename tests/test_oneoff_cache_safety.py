"""What the cache of one-off kernels (objects/oneoff_cache.py) must never do: answer a statement
whose kernels would differ (a user's function or TimedArray named in the text, brianjit's
source changed), run from a damaged or edited entry, store a text that failed, or lose a
warning the miss path gives. Each case runs in fresh processes against a temporary cache
folder (a crash fails the test, not the run)."""
import json
import os
import subprocess
import sys

_PRELUDE = r"""
import json, sys
from brianjit import *
from brianjit.objects import oneoff_cache
G = NeuronGroup(6, 'v : volt\nk : integer')
seed(1)
"""


def _run(cache, body):
    env = dict(os.environ, BRIANJIT_CACHE_DIR=str(cache))
    out = subprocess.run([sys.executable, "-c", _PRELUDE + body], env=env, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1]), out.stderr


_REPORT = ("print(json.dumps({'v': [float(x).hex() for x in G.v_], 'hits': oneoff_cache.hits(), "
           "'sympy': 'sympy' in sys.modules}))\n")


def test_a_function_named_in_the_text_is_never_answered_from_the_cache(tmp_path):
    body = ("ta = TimedArray([1, 2, 3]*mV, dt=0.1*ms)\n"
            "f = Function(lambda x: x, arg_units=[1], return_unit=1)\n"
            "G.v = 'ta(t) + rand()*mV'\nG.v = 'v + f(1)*mV'\n" + _REPORT)
    first, _ = _run(tmp_path, body)
    second, _ = _run(tmp_path, body)
    assert second["hits"] == 0 and second["sympy"]
    assert first["v"] == second["v"]


def test_changed_brianjit_source_misses(tmp_path):
    body = "G.v = 'rand()*mV'\n" + _REPORT
    first, _ = _run(tmp_path, body)
    changed, _ = _run(tmp_path, "from brianjit import diskcache\n"
                                "diskcache._fingerprint[:] = ['another brianjit']\n" + body)
    again, _ = _run(tmp_path, body)
    assert changed["hits"] == 0 and again["hits"] == 1
    assert first["v"] == changed["v"] == again["v"]


def test_failing_texts_are_never_stored_and_fail_the_same_way(tmp_path):
    body = r"""
errors = []
for statement in ["G.v = '3'", "G.v = 'unknown_name*mV'", "G.v = 'v +* 2'",
                  "G.k = 'v'", "G.v['k > '] = 2*mV", "G.k['v > 3'] = 1",
                  "S = Synapses(G, G, 'w : 1'); S.connect('v > 3')"]:
    try:
        exec(statement)
        errors.append(None)
    except Exception as err:
        errors.append(f"{type(err).__name__}: {err}")
print(json.dumps({'errors': errors, 'hits': oneoff_cache.hits(), 'v': list(G.v_),
                  'entries': len(oneoff_cache._memory)}))
"""
    first, _ = _run(tmp_path, body)
    second, _ = _run(tmp_path, body)
    assert first == second
    assert second["hits"] == 0 and second["entries"] == 0
    assert first["errors"][0].startswith("DimensionMismatchError")
    assert "unknown_name" in first["errors"][1]


def test_the_shadowing_warning_is_given_by_a_hit_too(tmp_path):
    body = "k = 5\nG.v = 'k*mV'\n" + _REPORT
    first, first_err = _run(tmp_path, body)
    second, second_err = _run(tmp_path, body)
    assert second["hits"] == 1 and not second["sympy"]
    warning = "'k' is an internal variable of group"
    assert warning in first_err and warning in second_err
    assert first["v"] == second["v"]


def _tamper(cache, how):
    """Run once, then rewrite every one-off entry of the cache ``how`` says (a function of the
    entry's JSON text), authenticated with the user's key: an entry the cache trusts."""
    script = r"""
import json, os, sys
from brianjit import diskcache
for name in os.listdir(diskcache.cache_dir()):
    key = name[:-4]
    entry = diskcache.load(key) if name.endswith('.bjo') else None
    if entry is not None and len(entry) == 3 and entry[1] == 'one-off-v1':
        HOW
        diskcache.store(key, b'', 'one-off-v1', text)
""".replace("HOW", how)
    env = dict(os.environ, BRIANJIT_CACHE_DIR=str(cache))
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]


def test_damaged_or_edited_entries_are_misses_never_crashes(tmp_path):
    body = ("G.k = 'i'\nG.v = 'rand()*mV + k*mV'\nG.v['k > 2'] = 'v + 1*mV'\n"
            "S = Synapses(G, G, 'w : 1')\nS.connect('i != j', p=0.5)\n"
            "print(json.dumps({'v': [float(x).hex() for x in G.v_], 'i': list(map(int, S.i)), "
            "'hits': oneoff_cache.hits()}))\n")
    reference, _ = _run(tmp_path / "reference", body)
    edits = {
        # another slot layout than the kernel was compiled for
        "binding": "f = json.loads(entry[2]); f['binding'] = f['binding'].replace('slot=int:1',"
                   " 'slot=int:0'); text = json.dumps(f)",
        # names the binder cannot resolve, or that bind other arrays
        "names": "f = json.loads(entry[2]); f['names'] = ['nothing_here', 'v']; "
                 "text = json.dumps(f)",
        "fewer names": "f = json.loads(entry[2]); f['names'] = []; text = json.dumps(f)",
        # machine code that does not exist
        "structure": "f = json.loads(entry[2]); f['structure_key'] = '0' * 64; "
                     "text = json.dumps(f)",
        "types": "f = json.loads(entry[2]); f['names'] = 5; f['data'] = [1]; "
                 "text = json.dumps(f)",
        "not json": "text = entry[2][:len(entry[2]) // 2]",
        "reserve": "f = json.loads(entry[2]); f['data'] = {'reserve_p': 'x'}; "
                   "text = json.dumps(f)",
    }
    for name, how in edits.items():
        cache = tmp_path / name.replace(" ", "_")
        _run(cache, body)
        _tamper(cache, how)
        result, _ = _run(cache, body)
        assert result["v"] == reference["v"] and result["i"] == reference["i"], name
        # the reserve is only a hint: that entry still answers; without names, the statements
        # that bind none ('i', connect's i != j) still do, rightly
        if name not in ("reserve", "fewer names"):
            assert result["hits"] == 0, name
    # bytes damaged on disk (no longer authentic): misses too
    cache = tmp_path / "bytes"
    _run(cache, body)
    for path in cache.glob("*.bjo"):
        data = bytearray(path.read_bytes())
        data[-1] ^= 0xFF
        path.write_bytes(bytes(data))
    result, _ = _run(cache, body)
    assert result["v"] == reference["v"] and result["i"] == reference["i"]
