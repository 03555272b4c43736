"""The three ways of lowering math calls (libmvec, libm + IR vector variants, pure IR): what each
calls, that 'auto' falls back to IR vectors where libmvec is missing, and that whole simulations
agree between them (HH with exprel, COBAHH-like conductances)."""
import ctypes
import re

import numpy as np
import pytest
from llvmlite import ir

import brianjit
from brianjit import jit
from brianjit.codegen.mathfuncs import call_math, resolve_math_mode, set_math_mode
from brianjit.jit import compile_ir
from brianjit.preferences import PreferenceError, prefs
from irmath_harness import add_map_loop

D = ir.DoubleType()


def _loop_ir(mode, names=("exp", "sin")):
    """Optimised IR of out[i] = sin(exp(in[i])) lowered in ``mode``."""
    return _loop(mode, names).optimized_ir


def _loop(mode, names):
    """f(in, out, n): out[i] = names[-1](...names[0](in[i])) lowered in ``mode``."""
    module = ir.Module()
    set_math_mode(module, mode)

    def compute(b, args):
        value = args[0]
        for name in names:
            value = call_math(b, name, [value])
        return value

    add_map_loop(module, "f", 1, 1, compute)
    return compile_ir(str(module))


@pytest.mark.parametrize("mode", ["libm+ir", "ir"])
def test_huge_trig_arguments_in_vectorised_loops(mode):
    """Vectorised loops in the IR modes reduce huge arguments exactly too (Payne–Hanek)."""
    x = np.concatenate([np.linspace(-10, 10, 37), [3e6, -1e7, 1e22, 1e300, np.inf, np.nan],
                        np.linspace(1e6, 1e9, 29)])
    for name, reference in (("sin", np.sin), ("cos", np.cos), ("tan", np.tan)):
        out = np.empty_like(x)
        fn = _loop(mode, (name,)).cfunc("f", None, ctypes.c_void_p, ctypes.c_void_p,
                                        ctypes.c_int64)
        fn(x.ctypes.data, out.ctypes.data, len(x))
        with np.errstate(invalid="ignore"):
            expected = reference(x)
        np.testing.assert_allclose(out, expected, rtol=5e-16, atol=0)


def _declared(optimized_ir):
    return set(re.findall(r'declare [^@]*@"?([\w.]+)', optimized_ir))


def test_libm_with_ir_vectors_calls_the_ir_variants():
    text = _loop_ir("libm+ir")
    assert not any(name.startswith("_ZGV") for name in _declared(text))
    assert re.search(r"call [^@]*<\d x double> @\"?brianjit\.math\.(exp|sin)\.\d", text)


def test_pure_ir_declares_no_external_function():
    text = _loop_ir("ir", names=("exp", "sin", "log", "tanh", "atan"))
    assert {name for name in _declared(text) if not name.startswith("llvm.")} == set()
    assert "<4 x double>" in text or "<2 x double>" in text  # the loop is still vectorised


def test_pure_ir_refuses_a_function_without_ir():
    module = ir.Module()
    set_math_mode(module, "ir")
    fn = ir.Function(module, ir.FunctionType(D, [D]), "g")
    b = ir.IRBuilder(fn.append_basic_block())
    with pytest.raises(NotImplementedError, match="'erf'.*pure-IR"):
        call_math(b, "erf", [fn.args[0]])


def test_preference_is_checked():
    with pytest.raises(PreferenceError):
        prefs["codegen.brianjit.math"] = "fast"
    assert prefs["codegen.brianjit.math"] == "auto"


HH = '''
dv/dt = (gl*(El-v) - g_na*(m*m*m)*h*(v-ENa) - g_kd*(n*n*n*n)*(v-EK) + ge*(Ee-v) + gi*(Ei-v) + I)/Cm : volt
dm/dt = 0.32*(mV**-1)*4*mV/exprel((13.*mV-v+VT)/(4*mV))/ms*(1-m)-0.28*(mV**-1)*5*mV/exprel((v-VT-40.*mV)/(5*mV))/ms*m : 1
dn/dt = 0.032*(mV**-1)*5*mV/exprel((15.*mV-v+VT)/(5*mV))/ms*(1.-n)-.5*exp((10.*mV-v+VT)/(40.*mV))/ms*n : 1
dh/dt = 0.128*exp((17.*mV-v+VT)/(18.*mV))/ms*(1.-h)-4./(1+exp((40.*mV-v+VT)/(5.*mV)))/ms*h : 1
dge/dt = -ge/(5*ms) : siemens
dgi/dt = -gi/(10*ms) : siemens
I : amp
'''


def _simulate(mode, duration):
    """A COBAHH-like network (HH neurons with exprel, conductance synapses) in ``mode``."""
    from brianjit import (NeuronGroup, Network, SpikeMonitor, StateMonitor, Synapses, cm, mV,
                          ms, msiemens, nA, nS, siemens, ufarad, umetre)
    prefs["codegen.brianjit.math"] = mode
    try:
        brianjit.seed(11)
        area = 20000 * umetre ** 2
        namespace = dict(Cm=1 * ufarad * cm ** -2 * area, gl=5e-5 * siemens * cm ** -2 * area,
                         El=-60 * mV, EK=-90 * mV, ENa=50 * mV, Ee=0 * mV, Ei=-80 * mV,
                         g_na=100 * msiemens * cm ** -2 * area, VT=-63 * mV,
                         g_kd=30 * msiemens * cm ** -2 * area)
        group = NeuronGroup(200, HH, threshold="v > -20*mV", refractory=3 * ms,
                            method="exponential_euler", namespace=namespace)
        group.v = "El + (randn() * 5 - 5)*mV"
        group.I = "(0.2 + 0.8*rand())*nA"
        exc = Synapses(group, group, on_pre="ge += 6*nS")
        exc.connect(p=0.05)
        inh = Synapses(group[150:], group, on_pre="gi += 67*nS")
        inh.connect(p=0.05)
        spikes = SpikeMonitor(group)
        trace = StateMonitor(group, "v", record=[0, 99, 199])
        net = Network(group, exc, inh, spikes, trace)
        net.run(duration)
        return spikes.i[:].copy(), spikes.t[:].copy(), trace.v[:].copy()
    finally:
        prefs["codegen.brianjit.math"] = "auto"


@pytest.mark.parametrize("mode", ["libm+ir", "ir"])
def test_whole_simulations_agree_with_libmvec(mode):
    """Spike times equal and membrane potentials within a few ulps per step on a short run."""
    from brianjit import ms
    reference = _simulate("libmvec", 30 * ms)
    other = _simulate(mode, 30 * ms)
    assert len(reference[0]) > 20
    np.testing.assert_array_equal(other[0], reference[0])
    np.testing.assert_array_equal(other[1], reference[1])
    np.testing.assert_allclose(other[2], reference[2], rtol=1e-9, atol=0)


def test_changing_the_mode_rebuilds_the_network():
    from brianjit import Network, NeuronGroup, ms
    group = NeuronGroup(10, "dv/dt = -sin(v + 0.1)/ms : 1", method="euler")
    net = Network(group)
    net.run(1 * ms)
    prefs["codegen.brianjit.math"] = "ir"
    try:
        net.run(1 * ms)
    finally:
        prefs["codegen.brianjit.math"] = "auto"
    assert "brianjit.math.sin" in net._program.compiled.ir
    net.run(1 * ms)  # back to 'auto': rebuilt again (the cached program of the first run)
    assert "brianjit.math.sin" not in net._program.compiled.ir


def test_a_missing_vector_library_is_reported_not_raised():
    """Where libmvec does not exist, loading it answers False (and 'auto' picks IR vectors)."""
    assert jit._load_library("brianjit-no-such-library", "libbrianjit-no-such.so.0") is False


_NUMPY_OF = {"exp": np.exp, "log": np.log, "log10": np.log10, "expm1": np.expm1,
             "log1p": np.log1p, "sin": np.sin, "cos": np.cos, "tan": np.tan, "sinh": np.sinh,
             "cosh": np.cosh, "tanh": np.tanh, "arcsin": np.arcsin, "arccos": np.arccos,
             "arctan": np.arctan, "sqrt": np.sqrt}


def _evaluate(mode, values):
    """Every function of _NUMPY_OF, exprel and poisson() of ``values`` in one network step."""
    from brianjit import Network, NeuronGroup, defaultclock
    names = sorted(_NUMPY_OF)
    model = "x : 1\ny_exprel : 1\nk : integer\n" + "\n".join(f"y_{n} : 1" for n in names)
    code = "\n".join([f"y_{n} = {n}(x)" for n in names]
                     + ["y_exprel = exprel(x * 30)", "k = poisson(40 + 30*x)"])
    prefs["codegen.brianjit.math"] = mode
    try:
        brianjit.seed(5)
        group = NeuronGroup(len(values), model)
        group.x = values
        group.run_regularly(code)
        Network(group).run(defaultclock.dt)
        return {name: np.asarray(getattr(group, name)[:])
                for name in ["k", "y_exprel"] + [f"y_{n}" for n in names]}
    finally:
        prefs["codegen.brianjit.math"] = "auto"


@pytest.mark.parametrize("mode", ["libm+ir", "ir"])
def test_every_math_function_a_model_can_call(mode):
    """A model's code in the IR modes: every named math function within 2 ulp of numpy,
    exprel as in the libmvec mode, poisson() drawing the same numbers."""
    from irmath_harness import ulp_errors
    x = np.concatenate([np.linspace(-0.999, 0.999, 41), [1e-300, -1e-12, 1e-8]])
    got, reference = _evaluate(mode, x), _evaluate("libmvec", x)
    for name, function in _NUMPY_OF.items():
        with np.errstate(invalid="ignore", divide="ignore"):
            expected = function(x)
        assert np.max(ulp_errors(got[f"y_{name}"], expected)) <= 2, name
    np.testing.assert_allclose(got["y_exprel"], reference["y_exprel"], rtol=5e-16)
    np.testing.assert_array_equal(got["k"], reference["k"])
