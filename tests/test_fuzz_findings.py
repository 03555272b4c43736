"""Each input the model-language fuzzer (tests/model_fuzz.py) once found to hang, crash or fail
with an internal exception now runs or is refused with a user-facing error, quickly."""
import pytest

from model_fuzz import findings, run_batch


def _case(model="dv/dt = -v/tau : 1", **fields):
    case = {"model": model, "threshold": None, "reset": None, "refractory": None, "method": None,
            "assign": [], "read": None, "synapses": None, "run": True}
    case.update(fields)
    return case


FOUND = [
    _case(refractory="exp(exp(exp(exp(exp(exp(exp(exp(exp(2.8e-18)))))))))", threshold="v > 1"),
    _case(refractory="(" * 34 + "59*metre)" + "**2)" * 33 + "**2", threshold="v > 1"),
    _case("dv/dt = int(randn() == t/ms)/tau : 1", method="exact"),
    _case("dv/dt = int(randn() == t/ms)/tau : 1"),
    _case(threshold="-(-(v))"),
    _case("dv/dt = clip(exprel(6), 0, 1)/tau : 1"),
    _case(assign=[{"var": "v", "value": "log1p(-3)", "cond": None}]),
    _case(assign=[{"var": "v", "value": "sin(exp(1000))", "cond": None}]),
    _case(synapses={"model": "w : 1", "on_pre": "v_post += w", "on_post": None,
                    "connect": {"j": "int(v) % N_post for k in range(2)"}, "assign": []}),
    _case(threshold="2**10**10**10 > v"),
    # the definition is quoted with its whitespace collapsed: 't = :'
    _case("t =  : \ndw/dt = 2**9 : volt*\ndxi/dt = exp(exp(0)) : second", read="(v) < (0)"),
    _case(read=" "),   # quoted as ' '
    _case(threshold="v > 1", synapses={"model": "w : 1", "on_pre": "v_post += w", "on_post": None,
                                       "connect": {"j": " "}, "assign": []}),   # not '()'
    # ge = arccos(0.0) substituted: tan(pi/2) is complex infinity, sympy refused to compare it
    _case("dv/dt = (exprel((ge / xinput)))/tau : 1\n"
          "dw/dt = ((arccos(46) - int(tan(ge) < (n + k0))))/tau : 1\n"
          "ge = arccos(0.0) : 1\nn : integer\nb : boolean", refractory="2*ms", method="rk4",
          run=False),
]


def test_fuzz_findings_stay_fixed():
    results = run_batch(FOUND, timeout=240)
    assert findings(FOUND, results) == []
