"""Groups built in several threads at once: CPython 3.11's AST constructor is not thread-safe
("SystemError: AST constructor recursion depth mismatch" when a garbage collection that runs
finalizers switches threads in the middle of ``ast.parse``), so brianjit serialises every
``ast.parse`` of model text (model/parse.py: parse_source)."""
import gc
import sys
import threading

import pytest

from brianjit import NeuronGroup
from brianjit.model.parse import parse_expression
from brianjit.model.statements import parse_statements

MODEL = """dv/dt = (-(v - El) + sqrt(abs(w))*exp(-(v - vt)/(2*ms*Hz*mV))*mV)/tau : volt
           dw/dt = (a*(v - El) - w)/(100*ms) : volt
           El : volt
           vt = -50*mV + 2*mV*sin(2*pi*t/(10*ms)) : volt
           tau : second (constant)
           a : 1"""
LONG = " + ".join(["((((v + 1)*(w - 2))/(x + 3))**2 - exp(-((y))))"] * 30)


class _Garbage:
    """Cyclic garbage with a finalizer: collecting it runs Python code, which lets the
    interpreter switch threads (as freeing objects with ``__del__`` does in real programs)."""

    def __init__(self):
        self.me = self

    def __del__(self):
        sum(range(50))


def _in_threads(work, n=8):
    errors = []

    def guarded():
        try:
            work()
        except Exception as err:  # noqa: BLE001  (collected and reported below)
            errors.append(repr(err))

    threads = [threading.Thread(target=guarded) for _ in range(n)]
    interval, thresholds = sys.getswitchinterval(), gc.get_threshold()
    sys.setswitchinterval(1e-6)
    gc.set_threshold(50, 5, 5)
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
    finally:
        sys.setswitchinterval(interval)
        gc.set_threshold(*thresholds)
    assert not any(t.is_alive() for t in threads)
    return errors


def test_concurrent_parsing():
    def work():
        for _ in range(20):
            parse_expression(LONG)
            parse_statements("x = 1\ny += x*2\nz = int(x > 0.5)")
            [_Garbage() for _ in range(100)]
    assert _in_threads(work) == []


# an exception in a finalizer (a name released twice: the count of a name was updated by two
# threads at once) fails the test instead of being a warning
@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
def test_concurrent_group_construction():
    def work():
        for n in range(2):
            G = NeuronGroup(3, MODEL, threshold="v > vt and (w < 10*mV or i % 2 == 0)",
                            reset=f"v = El; w += {n} * mV")
            assert tuple(G.equations.diff_eq_names) == ("v", "w")
            [_Garbage() for _ in range(100)]
    assert _in_threads(work, 4) == []


def test_every_parse_of_model_text_holds_the_lock(monkeypatch):
    """Deterministically: every ``ast.parse`` brianjit makes (model text, unit declarations,
    preference values) runs under the parse lock. A path that did not (unit declarations read
    without sympy) failed the threaded test above now and then."""
    import ast

    from brianjit import ms
    from brianjit.model import parse as parse_module
    original, unlocked = ast.parse, []

    def checked(source, *args, **kwargs):
        if not parse_module._AST_LOCK.locked():
            unlocked.append(source)
        return original(source, *args, **kwargs)
    monkeypatch.setattr(ast, "parse", checked)
    G = NeuronGroup(3, MODEL + "\ng : siemens/meter**2", threshold="v > vt",
                    reset="v = El", refractory=2 * ms)
    G.v = "El + i*mV"
    from brianjit.preferences import _literal   # the parser of preference files' values
    assert _literal("3 * 2", "codegen.max") == 6
    assert unlocked == []
