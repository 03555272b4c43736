"""exponential_euler on the conductance-based models Brian2 integrates with it.

Brian2 accepts an equation when, after expanding it, every term is ``c*x`` or has no bare ``x``
(``x`` inside a function, as in ``m_inf(v)*(v - E_Ca)``, is evaluated at the step's start). The
acceptance table below was measured with Brian2 2.9.0's ``get_conditionally_linear_system``; the
model runs are checked against a numpy implementation of the method and against values measured
with Brian2 2.9.0 (numpy target)."""
import numpy as np
import pytest
import sympy

from brianjit.model.exact import NotLinear
from brianjit.model.exponential_euler import conditionally_linear_parts
from brianjit.model.symbols import symbol
from brianjit.only import *  # noqa: F401,F403

V, TAU = symbol("v"), symbol("tau")


@pytest.mark.parametrize("rhs, A, B", [
    (-V / (V + 1) / TAU, -1 / (TAU * (V + 1)), 0),
    (-V / (1 + sympy.exp(V)) / TAU, -1 / (TAU * (sympy.exp(V) + 1)), 0),
    ((V * (1 + V) - V**2) / TAU, 1 / TAU, 0),
    (-(V - 1) * sympy.tanh((V - 2) / 3) / TAU, -sympy.tanh((V - 2) / 3) / TAU,
     sympy.tanh((V - 2) / 3) / TAU),
    (-V * sympy.Abs(V) / TAU, -sympy.Abs(V) / TAU, 0),
    (-V / (V + 1)**2 / TAU, -1 / (TAU * (V + 1)**2), 0),
])
def test_accepts_what_brian2_accepts(rhs, A, B):
    a, b = conditionally_linear_parts(rhs, V)
    assert sympy.simplify(a - A) == 0 and sympy.simplify(b - B) == 0


@pytest.mark.parametrize("rhs", [
    -sympy.sqrt(V) / TAU, -1 / V / TAU, sympy.exp(V) / TAU, -V**2 / TAU,
    -(1 + V)**sympy.Float(2.0) / TAU, (V + 1)**-2 / TAU,
])
def test_refuses_what_brian2_refuses(rhs):
    with pytest.raises(NotLinear):
        conditionally_linear_parts(rhs, V)


WANG_BUZSAKI = """
dv/dt = (-gNa*m**3*h*(v-ENa)-gK*n**4*(v-EK)-gL*(v-EL)+Iapp)/Cm : volt
m = alpha_m/(alpha_m+beta_m) : 1
alpha_m = 0.1/mV*10*mV/exprel(-(v+35*mV)/(10*mV))/ms : Hz
beta_m = 4*exp(-(v+60*mV)/(18*mV))/ms : Hz
dh/dt = 5*(alpha_h*(1-h)-beta_h*h) : 1
alpha_h = 0.07*exp(-(v+58*mV)/(20*mV))/ms : Hz
beta_h = 1./(exp(-0.1/mV*(v+28*mV))+1)/ms : Hz
dn/dt = 5*(alpha_n*(1-n)-beta_n*n) : 1
alpha_n = 0.01/mV*10*mV/exprel(-(v+34*mV)/(10*mV))/ms : Hz
beta_n = 0.125*exp(-(v+44*mV)/(80*mV))/ms : Hz
"""
WB_PARAMS = dict(Cm=1e-6, Iapp=2e-6, gL=1e-4, EL=-65e-3, ENa=55e-3, EK=-90e-3, gNa=35e-3, gK=9e-3)


def _wang_buzsaki_numpy(v, h, n, dt, steps):
    """Exponential Euler by hand: each variable's A and B at the step's start (SI units)."""
    p = WB_PARAMS
    exprel = lambda x: np.expm1(x) / x  # noqa: E731
    trace = []
    for _ in range(steps):
        trace.append(v)
        mv = v * 1e3
        alpha_m = 0.1 * 10 / exprel(-(mv + 35) / 10) * 1e3
        beta_m = 4 * np.exp(-(mv + 60) / 18) * 1e3
        m = alpha_m / (alpha_m + beta_m)
        alpha_h, beta_h = 0.07 * np.exp(-(mv + 58) / 20) * 1e3, 1 / (np.exp(-0.1 * (mv + 28)) + 1) * 1e3
        alpha_n = 0.01 * 10 / exprel(-(mv + 34) / 10) * 1e3
        beta_n = 0.125 * np.exp(-(mv + 44) / 80) * 1e3
        g = p["gNa"] * m**3 * h + p["gK"] * n**4 + p["gL"]
        A_v = -g / p["Cm"]
        B_v = (p["gNa"] * m**3 * h * p["ENa"] + p["gK"] * n**4 * p["EK"] + p["gL"] * p["EL"]
               + p["Iapp"]) / p["Cm"]
        new = []
        for x, A, B in [(v, A_v, B_v), (h, -5 * (alpha_h + beta_h), 5 * alpha_h),
                        (n, -5 * (alpha_n + beta_n), 5 * alpha_n)]:
            new.append((x + B / A) * np.exp(A * dt) - B / A)
        v, h, n = new
    return np.array(trace)


def test_wang_buzsaki_matches_a_numpy_exponential_euler():
    start_scope()
    G = NeuronGroup(1, WANG_BUZSAKI, method="exponential_euler",
                    namespace=dict(Cm=1 * uF, Iapp=2 * uA, gL=0.1 * msiemens, EL=-65 * mV,
                                   ENa=55 * mV, EK=-90 * mV, gNa=35 * msiemens, gK=9 * msiemens))
    G.v, G.h = -70 * mV, 1
    M = StateMonitor(G, "v", record=0)
    run(20 * ms)
    expected = _wang_buzsaki_numpy(-70e-3, 1.0, 0.0, 1e-4, 200)
    np.testing.assert_allclose(M.v[0] / volt, expected, rtol=1e-9, atol=1e-12)
    assert np.max(expected) > 0   # it spiked: the test covers the whole rate range


MORRIS_LECAR = """
dv/dt = (-gL*(v-VL) - gCa*m_inf*(v-VCa) - gK*w*(v-VK) + I)/C : volt
dw/dt = (w_inf - w)/tau_w : 1
m_inf = 0.5*(1 + tanh((v - V1)/V2)) : 1
w_inf = 0.5*(1 + tanh((v - V3)/V4)) : 1
tau_w = 1/(phi*cosh((v - V3)/(2*V4))) : second
"""


def test_morris_lecar_matches_brian2():
    start_scope()
    G = NeuronGroup(1, MORRIS_LECAR, method="exponential_euler", namespace=dict(
        C=20 * uF, gL=2 * msiemens, VL=-60 * mV, gCa=4 * msiemens, VCa=120 * mV,
        gK=8 * msiemens, VK=-84 * mV, V1=-1.2 * mV, V2=18 * mV, V3=2 * mV, V4=30 * mV,
        phi=0.04 / ms, I=90 * uA))
    G.v = -60 * mV
    M = StateMonitor(G, "v", record=0)
    run(50 * ms)
    # Brian2 2.9.0, numpy target: the last five recorded values (mV)
    brian2 = [-49.21281902, -49.32665131, -49.43568211, -49.54003581, -49.6398336]
    np.testing.assert_allclose(M.v[0][-5:] / mV, brian2, rtol=1e-9)
