"""What the cache of one-off kernels (objects/oneoff_cache.py) must never do: answer a statement
whose kernels would differ (a user's function or TimedArray named in the text, brianjit's
source changed), run from a damaged or edited entry, store a text that failed, or lose a
warning the miss path gives. Each run is a fresh process against a temporary cache folder (a
crash fails the test, not the run): a test's runs are forked, one after the other, from one
subprocess that has imported brianjit (not sympy, unless no run of the test checks what it
imports) and run nothing, so that each starts as a fresh ``python -c`` would, without paying
the import again."""
from fresh_runs import MISS_MODULES, run_many


_PRELUDE = r"""
import json, sys
from brianjit import *
from brianjit.objects import oneoff_cache
G = NeuronGroup(6, 'v : volt\nk : integer')
seed(1)
"""


def _runs(*runs, preimport=()):
    """``(name, cache, body)`` runs, each after the prelude (see ``_run_many``)."""
    return run_many([(name, cache, _PRELUDE + body) for name, cache, body in runs], preimport)


_REPORT = ("print(json.dumps({'v': [float(x).hex() for x in G.v_], 'hits': oneoff_cache.hits(), "
           "'sympy': 'sympy' in sys.modules}))\n")


def test_a_function_named_in_the_text_is_never_answered_from_the_cache(tmp_path):
    body = ("ta = TimedArray([1, 2, 3]*mV, dt=0.1*ms)\n"
            "f = Function(lambda x: x, arg_units=[1], return_unit=1)\n"
            "G.v = 'ta(t) + rand()*mV'\nG.v = 'v + f(1)*mV'\n" + _REPORT)
    (first, _), (second, _) = _runs(("first", tmp_path, body), ("second", tmp_path, body))
    assert second["hits"] == 0 and second["sympy"]
    assert first["v"] == second["v"]


def test_changed_brianjit_source_misses(tmp_path):
    body = "G.v = 'rand()*mV'\n" + _REPORT
    (first, _), (changed, _), (again, _) = _runs(
        ("first", tmp_path, body),
        ("changed", tmp_path, "from brianjit import diskcache\n"
                              "diskcache._fingerprint[:] = ['another brianjit']\n" + body),
        ("again", tmp_path, body),
        preimport=MISS_MODULES)   # no run here checks what it imports
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
    (first, _), (second, _) = _runs(("first", tmp_path, body), ("second", tmp_path, body),
                                    preimport=MISS_MODULES)   # neither checks its imports
    assert first == second
    assert second["hits"] == 0 and second["entries"] == 0
    assert first["errors"][0].startswith("DimensionMismatchError")
    assert "unknown_name" in first["errors"][1]


def test_the_shadowing_warning_is_given_by_a_hit_too(tmp_path):
    body = "k = 5\nG.v = 'k*mV'\n" + _REPORT
    (first, first_err), (second, second_err) = _runs(("first", tmp_path, body),
                                                     ("second", tmp_path, body))
    assert second["hits"] == 1 and not second["sympy"]
    warning = "'k' is an internal variable of group"
    assert warning in first_err and warning in second_err
    assert first["v"] == second["v"]


def _tamper(how):
    """Code that rewrites every one-off entry of the cache (the run's ``BRIANJIT_CACHE_DIR``) as
    ``how`` says (a function of the entry's JSON text), authenticated with the user's key: an
    entry the cache trusts."""
    return r"""
import json, os, sys
from brianjit import diskcache
for name in os.listdir(diskcache.cache_dir()):
    key = name[:-4]
    entry = diskcache.load(key) if name.endswith('.bjo') else None
    if entry is not None and len(entry) == 3 and entry[1] == 'one-off-v1':
        HOW
        diskcache.store(key, b'', 'one-off-v1', text)
""".replace("HOW", how)


def test_damaged_or_edited_entries_are_misses_never_crashes(tmp_path):
    body = ("G.k = 'i'\nG.v = 'rand()*mV + k*mV'\nG.v['k > 2'] = 'v + 1*mV'\n"
            "S = Synapses(G, G, 'w : 1')\nS.connect('i != j', p=0.5)\n"
            "print(json.dumps({'v': [float(x).hex() for x in G.v_], 'i': list(map(int, S.i)), "
            "'hits': oneoff_cache.hits()}))\n")
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
    caches = {name: tmp_path / name.replace(" ", "_") for name in [*edits, "bytes"]}
    # the reference run fills a cache; every case starts from a copy of it (the run that filled
    # it is the same run, so the copy is what filling it again would leave)
    filled = tmp_path / "reference"
    copy = ("import shutil\nfor cache in CACHES:\n    shutil.copytree(FILLED, cache)\n"
            "import pathlib\n"
            # bytes damaged on disk (no longer authentic)
            "for path in pathlib.Path(BYTES).glob('*.bjo'):\n"
            "    data = bytearray(path.read_bytes())\n    data[-1] ^= 0xFF\n"
            "    path.write_bytes(bytes(data))\n"
            ).replace("CACHES", repr([str(c) for c in caches.values()])) \
             .replace("FILLED", repr(str(filled))).replace("BYTES", repr(str(caches["bytes"])))
    results = run_many(
        [("reference", filled, _PRELUDE + body), ("copy", tmp_path, copy)]
        + [(f"tamper {name}", caches[name], _tamper(how)) for name, how in edits.items()]
        + [(name, caches[name], _PRELUDE + body) for name in caches],
        # no run here checks what it imports: the misses may find sympy imported
        preimport=MISS_MODULES)
    reference = results[0][0]
    assert reference["hits"] == 0
    for name, (result, _) in zip(caches, results[-len(caches):]):
        assert result["v"] == reference["v"] and result["i"] == reference["i"], name
        # the reserve is only a hint: that entry still answers; without names, the statements
        # that bind none ('i', connect's i != j) still do, rightly
        if name not in ("reserve", "fewer names", "bytes"):
            assert result["hits"] == 0, name
