"""PoissonGroup rate statistics, PoissonInput's binomial input (mean/variance) and the binomial
sampler in IR against its numpy reference."""
import numpy as np
import pytest
from llvmlite import ir

from brianjit import (DimensionMismatchError, Hz, Network, NeuronGroup, PoissonGroup,
                      PoissonInput, PopulationRateMonitor, SpikeGeneratorGroup, SpikeMonitor,
                      Synapses, TimedArray, mV, ms, second, seed)
from brianjit.codegen import rng
from brianjit.jit import compile_ir


def _within_binomial(count, n, p, sigmas=5):
    assert abs(count - n * p) < sigmas * np.sqrt(n * p * (1 - p)) + 1


def test_poissongroup_constant_and_per_neuron_rates():
    seed(3)
    P = PoissonGroup(200, np.where(np.arange(200) < 100, 20, 80) * Hz)
    M = SpikeMonitor(P)
    R = PopulationRateMonitor(P)
    Network(P, M, R).run(200 * ms)
    counts = np.asarray(M.count)
    _within_binomial(counts[:100].sum(), 100 * 2000, 20 * 1e-4)
    _within_binomial(counts[100:].sum(), 100 * 2000, 80 * 1e-4)
    assert np.mean(R.rate / Hz) == pytest.approx(50, rel=0.1)
    np.testing.assert_allclose(P.rates[:2] / Hz, [20, 20])
    P.rates = 5 * Hz
    with pytest.raises(DimensionMismatchError):
        P.rates = 5 * mV


def test_poissongroup_time_varying_rate_and_subgroup():
    seed(4)
    ta = TimedArray([0, 200] * Hz, dt=50 * ms)
    P = PoissonGroup(500, "ta(t) + 0*Hz*sin(2*pi*t/(100*ms))")
    M = SpikeMonitor(P[100:300])
    Network(P, M).run(100 * ms)
    t = np.asarray(M.t)
    assert not np.any(t < 0.05 - 1e-12)
    _within_binomial(len(t), 200 * 500, 200 * 1e-4)
    assert M.i.max() < 200


def test_poissongroup_bad_input():
    with pytest.raises(DimensionMismatchError):
        PoissonGroup(3, 5 * mV)
    P = PoissonGroup(3, "5*mV")
    with pytest.raises(DimensionMismatchError):
        Network(P).run(0.1 * ms)


@pytest.mark.parametrize("n, rate", [(100, 20 * Hz), (10000, 50 * Hz), (1000, 9500 * Hz)])
def test_poissoninput_mean_and_variance(n, rate):
    seed(5)
    G = NeuronGroup(4000, "v : volt")
    w = 0.5 * mV
    inp = PoissonInput(G, "v", n, rate, "w_in")
    Network(G, inp).run(0.5 * ms, namespace={"w_in": w})
    k = np.asarray(G.v_) / 0.5e-3
    p = float(rate / Hz) * 1e-4
    steps = 5
    assert k.mean() == pytest.approx(n * p * steps, rel=0.05, abs=0.1)
    assert k.var() == pytest.approx(n * p * (1 - p) * steps, rel=0.15, abs=0.1)


def test_poissoninput_bad_input():
    G = NeuronGroup(2, "v : volt")
    with pytest.raises(DimensionMismatchError):
        PoissonInput(G, "v", 10, 5 * Hz, 1 * ms)
    with pytest.raises(DimensionMismatchError):
        PoissonInput(G, "v", 10, 5 * mV, 1 * mV)
    with pytest.raises(KeyError):
        PoissonInput(G, "x", 10, 5 * Hz, 1 * mV)
    inp = PoissonInput(G, "v", 10, 5 * Hz, "2*ms")
    with pytest.raises(DimensionMismatchError):
        Network(G, inp).run(0.1 * ms)


@pytest.mark.parametrize("n, p", [(100, 0.002), (20, 0.9), (10000, 0.005)])
def test_binomial_ir_equals_numpy_reference(n, p):
    module = ir.Module(name="binomial_test")
    fn = ir.Function(module, ir.FunctionType(ir.DoubleType(), [ir.IntType(64)] * 2), name="draw")
    b = ir.IRBuilder(fn.append_basic_block("entry"))
    b.ret(rng.emit_binomial(b, 7, 11, fn.args[0], fn.args[1], n, p))
    import ctypes
    draw = compile_ir(str(module)).cfunc("draw", ctypes.c_double, ctypes.c_int64, ctypes.c_int64)
    native = np.array([draw(i, 3) for i in range(300)])
    reference = rng.binomial(7, 11, np.arange(300), 3, n, p)
    np.testing.assert_allclose(native, reference, rtol=1e-12, atol=1e-12)


def test_spike_generator_subgroups_as_monitor_and_synapse_sources():
    gen = SpikeGeneratorGroup(4, [0, 1, 2, 3, 2], [1, 1, 2, 3, 4] * ms)
    part = gen[2:4]
    monitor = SpikeMonitor(part)
    target = NeuronGroup(2, "v : 1")
    S = Synapses(part, target, on_pre="v_post += 1")
    S.connect(j="i")
    Network(gen, monitor, target, S).run(6 * ms)
    assert list(monitor.i) == [0, 1, 0] and list(monitor.t / ms) == [2, 3, 4]
    assert list(target.v[:]) == [2, 1]


def test_poissongroup_bernoulli_draws_extreme_and_mixed_rates():
    """Rates at 0 and at or above 1/dt, and a mix, through the candidate-skipping draw: each
    neuron's count stays within binomial bounds of its own rate."""
    seed(4)
    rates = np.array([0.0, 20000.0, 15000.0, 5.0, 50.0, 500.0, 2000.0, 0.0]) * Hz
    P = PoissonGroup(len(rates), rates)
    M = SpikeMonitor(P)
    Network(P, M).run(2 * second)
    steps = 20000
    p = np.minimum(np.asarray(rates) * 1e-4, 1.0)
    counts = M.count
    assert counts[0] == counts[-1] == 0 and counts[1] == steps
    expected, spread = steps * p, np.sqrt(steps * p * (1 - p))
    assert np.all(np.abs(counts - expected) <= 5 * spread + 1e-9)
