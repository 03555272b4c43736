"""A grammar fuzzer for the model language: near-valid and hostile model text, threshold/reset,
refractoriness, Synapses code and connect() arguments, string assignments and conditions; every
case must run or be refused with a user-facing error (docs/CONTRACTS.md, "Errors"), quickly.

Three parts:

* hypothesis strategies (:data:`CASES`) that generate cases as plain dicts of strings;
* a worker (``python tests/model_fuzz.py --worker``) that reads a JSON list of cases on stdin and
  runs them one after the other, printing one JSON line per case: ``ok``, ``user`` (a user-facing
  error), ``bad`` (any other exception, or one raised outside brianjit, or one whose message quotes
  neither the object nor the text) or ``hang`` (no answer within :data:`CASE_SECONDS` of CPU
  time);
* :func:`run_batch`, which runs a batch in a fresh worker process, so that a crash (the worker
  dies) or a hang is a finding and not the end of the test run.

The long run (not in CI): ``python tests/model_fuzz.py --cases 20000 --workers 2`` prints the
number of cases, crashes, hangs and non-user-facing exceptions, and every finding.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import traceback

from hypothesis import strategies as st

#: a case that takes more CPU seconds than this has hung (an answer within 20 s is the bar); the
#: worker process as a whole also has a wall-clock limit (run_batch), for hangs that wait
CASE_SECONDS = 20

# --- the grammar -----------------------------------------------------------------------------------
VARIABLES = ["v", "w", "n", "b", "ge"]
CONSTANTS = ["tau", "vt", "xinput", "k0", "big"]
SPECIAL = ["t", "dt", "i", "N", "xi", "xi_1", "pi", "e", "inf", "lastspike", "not_refractory",
           "v_pre", "v_post", "i_pre", "j"]
HOSTILE_NAMES = ["__import__", "os", "xi2", "None", "nan", "undefined_name", "True", "False",
                 "dv", "_hidden", "print"]
UNITS = ["mV", "ms", "second", "volt", "Hz", "nS", "amp", "metre", "siemens", "kHz", "um"]
FUNCTIONS = ["exp", "log", "log10", "expm1", "log1p", "exprel", "sin", "cos", "tan", "sinh",
             "cosh", "tanh", "arcsin", "arccos", "arctan", "sqrt", "abs", "sign", "floor", "ceil",
             "clip", "int", "rand", "randn", "poisson", "timestep"]
HOSTILE_FUNCTIONS = ["foo", "eval", "max", "min", "len", "getattr", "ta", "exec"]
DECLARED_UNITS = ["volt", "1", "second", "siemens", "amp", "Hz", "boolean", "integer",
                  "volt/second", "metre**2", "mV", "furlong", "volt**0.5", "1/second",
                  "siemens/metre**2", "(volt)", "volt*", "", "2*volt", "second**-1"]
FLAGS = ["constant", "shared", "unless refractory", "event-driven", "clock-driven", "summed",
         "constant over dt", "linked", "bogus flag", ""]
TOKENS = ["(", ")", "**", "*", "/", "//", "%", "+", "-", ":", "=", "==", "<", ">=", "and", "or",
          "not", ",", ".", "[", "]", "'", '"', "\\", "\n", ";", "#", "if", "for", "in", "lambda",
          "\x00", "é", "1e309", "0x10", "1_000", "...", "@", "$", "{", "}", "**-", "d/dt", "v",
          "mV", "exp(", "2**"]

_leaf_numbers = st.one_of(
    st.integers(-5, 100).map(str),
    st.sampled_from(["0", "0.0", "1e-3", "2.5", "1e308", "1e-320", "-0.0", "2**63", "2**64",
                     "2**31", "-2**63", "10**20", "1e400", "123456789012345678901234567890"]),
    st.floats(allow_nan=False, allow_infinity=False, width=32).map(repr))
_leaf_quantities = st.builds(lambda n, u: f"{n}*{u}", _leaf_numbers, st.sampled_from(UNITS))
_leaf = st.one_of(st.sampled_from(VARIABLES), st.sampled_from(CONSTANTS), st.sampled_from(SPECIAL),
                  _leaf_numbers, _leaf_quantities, st.sampled_from(HOSTILE_NAMES),
                  st.sampled_from(["rand()", "randn()", "True", "False"]))
_BINARY = ["+", "-", "*", "/", "**", "//", "%", "<", "<=", ">", ">=", "==", "!=", "and", "or"]


def _extend(inner):
    return st.one_of(
        st.builds(lambda a, op, b: f"{a} {op} {b}", inner, st.sampled_from(_BINARY), inner),
        st.builds(lambda a: f"({a})", inner),
        st.builds(lambda op, a: f"{op}{a}", st.sampled_from(["-", "+", "not ", "~"]), inner),
        st.builds(lambda f, args: f"{f}({', '.join(args)})",
                  st.sampled_from(FUNCTIONS + HOSTILE_FUNCTIONS), st.lists(inner, max_size=3)),
        st.builds(lambda a, b, c: f"{a} if {b} else {c}", inner, inner, inner),
    )


_expr = st.recursive(_leaf, _extend, max_leaves=12)


def _nested(template):
    return st.builds(lambda k, core: _repeat(template, k, core), st.integers(1, 120), _leaf)


def _repeat(template, k, core):
    for _ in range(k):
        core = template.format(core)
    return core


#: pathological shapes: towers, deep nesting, long sums, raw token soup
_hostile_expr = st.one_of(
    st.builds(lambda ns: "**".join(ns), st.lists(st.sampled_from(["2", "10", "9", "v", "2.0",
                                                                  "0.5", "-1", "(1/3)"]),
                                                 min_size=2, max_size=5)),
    _nested("exp({})"), _nested("-({})"), _nested("({} + v)*2"), _nested("sqrt(abs({}))"),
    _nested("({})**2"), _nested("clip({}, 0, 1)"), _nested("({} > 0) == True"),
    _nested("int({} > 1)"), _nested("(1 + {})/(2 - {})".replace("{})/", "v)/")),
    st.builds(lambda k, term: " + ".join([term] * k), st.integers(1, 3000), _leaf),
    st.lists(st.sampled_from(TOKENS), max_size=12).map(" ".join),
    st.text(max_size=30),
)
# near-valid: dimensionless names, numbers and functions (most such cases build and run)
_plain_leaf = st.one_of(st.sampled_from(["v", "w", "ge", "n", "vt", "xinput", "k0", "i", "N",
                                         "rand()", "randn()", "t/ms", "dt/ms", "big", "pi"]),
                        _leaf_numbers)


def _plain_extend(inner):
    return st.one_of(
        st.builds(lambda a, op, b: f"({a} {op} {b})", inner,
                  st.sampled_from(["+", "-", "*", "/", "**", "//", "%"]), inner),
        st.builds(lambda f, a: f"{f}({a})", st.sampled_from(FUNCTIONS[:20]), inner),
        st.builds(lambda a, b, c: f"clip({a}, {b}, {c})", inner, inner, inner),
        st.builds(lambda a, op, b: f"int({a} {op} {b})", inner, st.sampled_from(["<", "=="]),
                  inner),
        st.builds(lambda a: f"poisson(abs({a}))", inner),
        st.builds(lambda a: f"timestep({a}*ms, dt)", inner),
    )


_plain = st.recursive(_plain_leaf, _plain_extend, max_leaves=8)
EXPRESSIONS = st.one_of(_plain, _plain, _expr, _expr, _hostile_expr)
CONDITIONS = st.one_of(
    st.builds(lambda a, op, b: f"{a} {op} {b}", _expr, st.sampled_from(["<", ">", "==", "!="]),
              _expr),
    EXPRESSIONS)


def _line(kind, var, expr, unit, flags):
    flag_text = f" ({', '.join(flags)})" if flags else ""
    if kind == "diff":
        return f"d{var}/dt = {expr} : {unit}{flag_text}"
    if kind == "sub":
        return f"{var} = {expr} : {unit}{flag_text}"
    return f"{var} : {unit}{flag_text}"


_model_line = st.builds(_line, st.sampled_from(["diff", "diff", "sub", "param"]),
                        st.sampled_from(VARIABLES + ["x", "xi", "t", "exp", "mV", "v2"]),
                        EXPRESSIONS, st.sampled_from(DECLARED_UNITS),
                        st.lists(st.sampled_from(FLAGS), max_size=2))
_plain_model = st.builds(
    lambda a, b, c, flags: (f"dv/dt = ({a})/tau : 1{flags}\ndw/dt = ({b})/tau : 1\n"
                            f"ge = {c} : 1\nn : integer\nb : boolean"),
    _plain, _plain, _plain, st.sampled_from(["", " (unless refractory)"]))
MODELS = st.one_of(
    _plain_model, _plain_model,
    st.lists(_model_line, min_size=1, max_size=4).map("\n".join),
    st.sampled_from(["dv/dt = -v/tau : volt", "dv/dt = (xinput - v)/tau : 1 (unless refractory)",
                     "dv/dt = -v/tau + xi*tau**-0.5 : 1\nn : integer\nb : boolean",
                     "dv/dt = (ge - v)/tau : 1\ndge/dt = -ge/tau : 1\nn : integer"]),
)
_operator = st.sampled_from(["=", "+=", "-=", "*=", "/=", "//=", "%=", "**=", "==", ":=", "=="])
STATEMENTS = st.one_of(
    st.lists(st.builds(lambda v, op, e: f"{v} {op} {e}",
                       st.sampled_from(VARIABLES + ["tmp", "t", "i", "N", "lastspike", "v_post",
                                                    "ge_post", "w"]), _operator, EXPRESSIONS),
             max_size=3).map("\n".join),
    st.lists(st.sampled_from(TOKENS), max_size=10).map(" ".join))
_generator = st.one_of(
    st.builds(lambda e, a, b, c: f"{e} for k in range({a}, {b}) if {c}", _expr, _leaf, _leaf,
              CONDITIONS),
    st.builds(lambda e, a, p: f"{e} for k in sample({a}, p={p})", _expr, _leaf, _leaf),
    st.builds(lambda e, a: f"{e} for k in sample({a}, size=2)", _expr, _leaf),
    EXPRESSIONS)
CONNECT = st.one_of(
    st.builds(lambda c: {"condition": c}, CONDITIONS),
    st.builds(lambda j: {"j": j}, _generator),
    st.builds(lambda p: {"condition": "i != j", "p": p}, EXPRESSIONS),
    st.just({}))
_assignment = st.builds(lambda var, value, cond: {"var": var, "value": value, "cond": cond},
                        st.sampled_from(VARIABLES + ["x", "t", "i", "lastspike"]), EXPRESSIONS,
                        st.one_of(st.none(), CONDITIONS))
_optional = lambda s: st.one_of(st.none(), s)  # noqa: E731
_plain_condition = st.builds(lambda a, op, b: f"{a} {op} {b}", _plain,
                             st.sampled_from([">", "<", "==", ">="]), _plain)
_plain_statements = st.lists(st.builds(lambda v, op, e: f"{v} {op} {e}",
                                       st.sampled_from(["v", "w", "n", "tmp"]),
                                       st.sampled_from(["=", "+=", "-=", "*="]), _plain),
                             min_size=1, max_size=3).map("\n".join)
_plain_assignment = st.builds(lambda var, value, cond: {"var": var, "value": value, "cond": cond},
                              st.sampled_from(["v", "w", "n", "b"]), _plain,
                              st.one_of(st.none(), _plain_condition))
PLAIN_CASES = st.fixed_dictionaries({
    "model": _plain_model,
    "threshold": _optional(_plain_condition),
    "reset": st.none(),
    "refractory": _optional(st.sampled_from(["2*ms", "v > 0.5", "(1 + rand())*ms"])),
    "method": st.sampled_from([None, "euler", "rk2", "rk4", "heun"]),
    "assign": st.lists(_plain_assignment, max_size=2),
    "read": _optional(_plain_condition),
    "synapses": _optional(st.fixed_dictionaries({
        "model": st.builds(lambda e: f"w : 1\ns = {e} : 1", _plain),
        "on_pre": _optional(st.builds(lambda e: f"v_post += w*({e})", _plain)),
        "on_post": _optional(st.builds(lambda e: f"w = clip(w + {e}, 0, 1)", _plain)),
        "connect": st.one_of(st.builds(lambda c: {"condition": c}, _plain_condition),
                             st.builds(lambda e: {"j": f"int(abs({e})) % N_post for k in "
                                                       f"range(2)"}, _plain),
                             st.builds(lambda e: {"p": f"abs(sin({e}))"}, _plain)),
        "assign": st.lists(st.builds(lambda e, c: {"var": "w", "value": e, "cond": c}, _plain,
                                     st.one_of(st.none(), _plain_condition)), max_size=1)})),
    "run": st.booleans(),
}).map(lambda case: {**case, "reset": None if case["threshold"] is None else case["reset"]})
HOSTILE_CASES = st.fixed_dictionaries({
    "model": MODELS,
    "threshold": _optional(CONDITIONS),
    "reset": _optional(STATEMENTS),
    "refractory": _optional(st.one_of(EXPRESSIONS, st.just("2*ms"))),
    "method": st.sampled_from([None, None, "euler", "exact", "rk4", "heun", "milstein",
                               "exponential_euler", "linear", "bogus"]),
    "assign": st.lists(_assignment, max_size=2),
    "read": _optional(CONDITIONS),
    "synapses": _optional(st.fixed_dictionaries({
        "model": st.one_of(st.just(""), MODELS, st.just("w : 1")),
        "on_pre": _optional(STATEMENTS),
        "on_post": _optional(STATEMENTS),
        "connect": CONNECT,
        "assign": st.lists(_assignment, max_size=1)})),
    "run": st.booleans(),
})
CASES = st.one_of(PLAIN_CASES, HOSTILE_CASES)


# --- the worker ------------------------------------------------------------------------------------
def _allowed_types():
    from brianjit import DimensionMismatchError, UnsupportedEquationsException
    # ValueError covers EquationError; SyntaxError ParseError and StatementError; KeyError
    # UnknownIdentifierError
    return (ValueError, TypeError, KeyError, IndexError, NotImplementedError, MemoryError,
            OverflowError, SyntaxError, AttributeError, DimensionMismatchError,
            UnsupportedEquationsException)


def _texts(case):
    texts = [case["model"], case["threshold"], case["reset"], case["refractory"], case["read"],
             case["method"]]
    texts += [text for a in case["assign"] for text in (a["value"], a["cond"], a["var"])]
    syn = case["synapses"]
    if syn:
        texts += [syn["model"], syn["on_pre"], syn["on_post"], *map(str, syn["connect"].values())]
        texts += [text for a in syn["assign"] for text in (a["value"], a["cond"], a["var"])]
    return [t for t in texts if isinstance(t, str)]


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|\d+")


def _quotes(message: str, texts, names) -> bool:
    """Whether an error message names an object or quotes some of the user's text."""
    flat = " ".join(message.split())
    if any(name in flat for name in names):
        return True
    for text in texts:
        normal = " ".join(text.split())
        if not normal:   # empty or only whitespace: quoted as '' or as its repr
            if "''" in flat or repr(text) in message:
                return True
            continue
        if normal[:40] in flat or repr(normal)[1:-1][:40] in flat:
            return True
        if any(len(word) >= 2 and word in flat for word in _WORD.findall(normal)):
            return True
        # the offending line of a code block, quoted as written or with its whitespace
        # collapsed (as EquationError quotes a definition)
        for line in re.split(r"[\n;]", text):
            if line.strip() and (repr(line.strip()) in message
                                 or repr(" ".join(line.split())) in flat):
                return True
        for candidate in (normal, repr(text)[1:-1]):   # as written, or as repr() escapes it
            if any(candidate[k:k + 8] in flat for k in range(0, max(1, len(candidate) - 7))):
                return True
    return False


class _Hang(BaseException):
    """Raised by the alarm: the case did not answer in time."""


def _on_alarm(signum, frame):
    raise _Hang


def _run_case(case):
    from brianjit import Network, NeuronGroup, Synapses, ms, mV
    namespace = {"tau": 10 * ms, "vt": 1.0, "xinput": 2.0, "k0": 3, "big": 2**70, "mV": mV}
    objects = []
    G = NeuronGroup(4, case["model"], threshold=case["threshold"], reset=case["reset"],
                    refractory=case["refractory"] if case["refractory"] is not None else False,
                    method=case["method"], namespace=namespace)
    objects.append(G)
    for a in case["assign"]:
        if a["cond"] is None:
            setattr(G, a["var"], a["value"])
        else:
            getattr(G, a["var"])[a["cond"]] = a["value"]
    if case["read"] is not None:
        G.v[case["read"]]
    syn = case["synapses"]
    if syn:
        S = Synapses(G, G, syn["model"], on_pre=syn["on_pre"], on_post=syn["on_post"],
                     namespace=namespace)
        S.connect(**syn["connect"])
        for a in syn["assign"]:
            if a["cond"] is None:
                setattr(S, a["var"], a["value"])
            else:
                getattr(S, a["var"])[a["cond"]] = a["value"]
        objects.append(S)
    if case["run"]:
        Network(*objects).run(0.3 * ms, namespace=namespace)


def classify(case) -> dict:
    """Run one case in this process: {'outcome': 'ok' | 'user' | 'bad' | 'hang', ...}."""
    # CPU time, not wall time: on a loaded machine a case must not count as hung for waiting
    signal.signal(signal.SIGPROF, _on_alarm)
    signal.setitimer(signal.ITIMER_PROF, CASE_SECONDS)
    start = time.perf_counter()
    try:
        _run_case(case)
        outcome = {"outcome": "ok"}
    except _Hang:
        outcome = {"outcome": "hang"}
    except Exception as err:  # noqa: BLE001  (classified below)
        outcome = _judge(err, case)
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
    outcome["seconds"] = round(time.perf_counter() - start, 3)
    return outcome


def _judge(err, case) -> dict:
    frames = traceback.extract_tb(err.__traceback__)
    where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "?"
    message = str(err)
    reasons = []
    if not isinstance(err, _allowed_types()):
        reasons.append("type")
    if "/brianjit/" not in where.replace(os.sep, "/"):
        reasons.append("raised outside brianjit")
    if not _quotes(message, _texts(case), ("neurongroup", "synapses", "Synapses", "NeuronGroup")):
        reasons.append("quotes nothing")
    result = {"outcome": "bad" if reasons else "user", "type": type(err).__name__,
              "message": message[:300], "where": where}
    if reasons:
        result["reasons"] = reasons
        result["traceback"] = "".join(traceback.format_exception(err))[-2000:]
    return result


def _worker():
    import numpy as np
    np.seterr(all="ignore")
    import warnings
    warnings.simplefilter("ignore")
    cases = json.load(sys.stdin)
    for k, case in enumerate(cases):
        print(json.dumps({"start": k}), flush=True)
        print(json.dumps({"case": k, **classify(case)}), flush=True)
    print(json.dumps({"done": len(cases)}), flush=True)


# --- batches in subprocesses ---------------------------------------------------------------------
def run_batch(cases, timeout=None) -> list[dict]:
    """Run ``cases`` in a fresh worker process; one result per case, in order. A case during
    which the worker died is a 'crash'; one that kept the worker beyond ``timeout`` a 'hang'.
    The cases after a crash or hang run again in a new worker."""
    results, rest, offset = [], list(cases), 0
    while rest:
        limit = timeout or CASE_SECONDS * len(rest) + 60
        env = dict(os.environ, PYTHONHASHSEED="0")
        try:
            proc = subprocess.run([sys.executable, __file__, "--worker"], input=json.dumps(rest),
                                  capture_output=True, text=True, timeout=limit, env=env)
            stdout, died = proc.stdout, proc.returncode != 0
            stderr = proc.stderr
        except subprocess.TimeoutExpired as err:
            stdout = err.stdout.decode() if isinstance(err.stdout, bytes) else (err.stdout or "")
            died, stderr = None, "timeout"
        lines = [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]
        finished = [line for line in lines if "outcome" in line]
        results += finished
        if len(finished) == len(rest):
            break
        started = len(finished)
        failure = "crash" if died else "hang"
        results.append({"outcome": failure, "case": started, "stderr": stderr[-2000:]})
        rest = rest[started + 1:]
        offset += started + 1
    for k, result in enumerate(results):
        result["case"] = k
    return results


def findings(cases, results) -> list[dict]:
    return [{**r, "input": cases[r["case"]]} for r in results if r["outcome"] != "ok"
            and r["outcome"] != "user"]


def _draw(n_cases, seed):
    """``n_cases`` cases from :data:`CASES`, reproducibly for ``seed``."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import seed as hypothesis_seed

    drawn = []

    @hypothesis_seed(seed)
    @settings(max_examples=n_cases, database=None, deadline=None, derandomize=False,
              suppress_health_check=list(HealthCheck))
    @given(CASES)
    def collect(case):
        drawn.append(case)

    collect()
    return drawn[:n_cases]


def _long_run(n_cases, workers, batch, seed):
    """Run ``n_cases`` cases in batches of ``batch`` (batch k drawn with seed ``seed``, k), the
    next batches drawn while ``workers`` processes run the earlier ones."""
    from concurrent.futures import ThreadPoolExecutor

    counts = {"ok": 0, "user": 0, "bad": 0, "hang": 0, "crash": 0}
    found, n_batches, total = [], -(-n_cases // batch), 0
    start = time.time()
    with ThreadPoolExecutor(workers) as pool:
        pending, done = [], 0
        for k in range(n_batches + workers + 1):
            if k < n_batches:   # keep a few batches ahead of the workers, report in order
                cases = _draw(min(batch, n_cases - k * batch), seed * 1_000_003 + k)
                pending.append((cases, pool.submit(run_batch, cases)))
            while done < len(pending) and (k >= n_batches or len(pending) - done > workers + 1
                                           or pending[done][1].done()):
                cases, future = pending[done]
                results = future.result()
                done += 1
                total += len(cases)
                for r in results:
                    counts[r["outcome"]] += 1
                new = findings(cases, results)
                for item in new:
                    print("FINDING", json.dumps(item)[:3000], flush=True)
                found += new
                print(f"batch {done}/{n_batches}: {total} cases {counts} "
                      f"{time.time() - start:.0f} s", flush=True)
    return total, counts, found


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--cases", type=int, default=20000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--report", default=None, help="write the findings as JSON here")
    args = parser.parse_args()
    if args.worker:
        _worker()
        return
    os.environ.setdefault("BRIANJIT_CACHE_DIR", tempfile.mkdtemp(prefix="brianjit-fuzz-"))
    n, counts, found = _long_run(args.cases, args.workers, args.batch, args.seed)
    print(f"cases: {n}; crashes: {counts['crash']}; hangs: {counts['hang']}; "
          f"non-user-facing exceptions: {counts['bad']}; accepted: {counts['ok']}; "
          f"refused with a user-facing error: {counts['user']}")
    if args.report:
        with open(args.report, "w") as f:
            json.dump(found, f, indent=1)
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
