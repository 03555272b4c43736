"""brianjit's own explicit methods (euler, rk2, rk4, heun, milstein) parse their notation into
sympy templates when first used, not when imported (every star import imports them: the parse
was 40-130 ms of processor time); a user's method is still checked when it is made, as Brian2's."""
import json

import pytest

from brianjit import ExplicitStateUpdater, Equations
from brianjit.model.methods import EXPLICIT_METHODS
from brianjit.model.parse import ParseError
from subprocess_script import run_script

_NOTATION = {
    "euler": ("x_new = x + dt*f(x, t) + dW*g(x, t)", "additive", False),
    "rk2": ("k = dt*f(x, t)\nx_new = x + dt*f(x + k/2, t + dt/2)", None, False),
    "rk4": ("k1 = dt*f(x, t)\nk2 = dt*f(x + k1/2, t + dt/2)\nk3 = dt*f(x + k2/2, t + dt/2)\n"
            "k4 = dt*f(x + k3, t + dt)\nx_new = x + (k1 + 2*k2 + 2*k3 + k4)/6", None, False),
    "heun": ("x_support = x + dW*g(x, t)\nx_new = x + dt*f(x, t) + "
             "dW/2*(g(x, t) + g(x_support, t + dt))", "multiplicative", False),
    "milstein": ("x_support = x + dt*f(x, t) + sqrt(dt)*g(x, t)\nx_new = x + dt*f(x, t) + "
                 "dW*g(x, t) + dW**2/(2*sqrt(dt))*(g(x_support, t) - g(x, t))",
                 "multiplicative", True),
}


def test_star_import_parses_no_method_and_first_use_parses_one():
    out = json.loads(run_script("""
        import json
        from brianjit import *
        from brianjit.model.methods import EXPLICIT_METHODS
        parsed = lambda: sorted(n for n, m in EXPLICIT_METHODS.items() if "_parsed" in vars(m))
        before = parsed()
        rk4(Equations("dv/dt = -v/(10*ms) : 1"))
        print(json.dumps([before, parsed()]))
        """).splitlines()[-1])
    assert out == [[], ["rk4"]]


@pytest.mark.parametrize("name", sorted(_NOTATION))
def test_builtin_method_equals_the_same_notation_made_by_a_user(name):
    notation, stochastic, diagonal = _NOTATION[name]
    eager = ExplicitStateUpdater(notation, stochastic, diagonal_noise=diagonal, name=name)
    builtin = EXPLICIT_METHODS[name]
    assert builtin.description == eager.description
    assert (builtin.stochastic, builtin.diagonal_noise) == (stochastic, diagonal)
    eqs = Equations("dv/dt = -v/(10*ms) + w/(5*ms) + 0.1*xi/sqrt(ms) : 1\n"
                    "dw/dt = -w/(20*ms) : 1") if stochastic else \
        Equations("dv/dt = -v/(10*ms) + w/(5*ms) : 1\ndw/dt = -w/(20*ms) : 1")
    assert builtin(eqs) == eager(eqs)


def test_a_users_invalid_notation_still_fails_when_made():
    with pytest.raises(ParseError, match="last line must assign x_new"):
        ExplicitStateUpdater("k = dt*f(x, t)")
