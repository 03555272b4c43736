"""TimedArray (values checked against Brian2 2.9's output) and SpikeGeneratorGroup (exact spikes,
checked against Brian2 2.9 with the numpy target)."""
import numpy as np
import pytest

from brianjit import (DimensionMismatchError, Hz, Network, NeuronGroup, PopulationRateMonitor,
                      SpikeGeneratorGroup, SpikeMonitor, StateMonitor, TimedArray, mV, ms, second)


def test_timedarray_python_call():
    ta = TimedArray([1, 2, 3, 4] * mV, dt=0.1 * ms)
    assert float(ta(0.3 * ms) / mV) == pytest.approx(4)
    np.testing.assert_allclose(ta([0.0, 0.05, 0.15, 1.0] * ms) / mV, [1, 1, 2, 4])
    ta2 = TimedArray([[1, 2], [3, 4]] * mV, dt=1 * ms)
    assert float(ta2(1 * ms, 1) / mV) == pytest.approx(4)
    with pytest.raises(DimensionMismatchError):
        ta(3)
    with pytest.raises(TypeError):
        ta2(1 * ms)


def test_timedarray_in_equations_1d_2d():
    ta = TimedArray([1, 2, 3, 4] * mV, dt=0.1 * ms)
    G = NeuronGroup(1, "v = ta(t) : volt")
    mon = StateMonitor(G, "v", record=True)
    Network(G, mon).run(1 * ms)
    np.testing.assert_allclose(mon[0].v / mV, [1, 2, 3, 4, 4, 4, 4, 4, 4, 4])   # Brian2
    ta2d = TimedArray([[1, 2], [3, 4], [5, 6]] * mV, dt=0.1 * ms)
    G = NeuronGroup(4, "v = ta2d(t, i%2) : volt")
    mon = StateMonitor(G, "v", record=True)
    Network(G, mon).run(0.2 * ms)
    np.testing.assert_allclose(mon.v / mV, [[1, 3], [2, 4], [1, 3], [2, 4]])    # Brian2


def test_timedarray_coarser_dt_equals_numpy_indexing_and_new_values_no_recompile():
    values = np.arange(7.0)
    ta = TimedArray(values * Hz, dt=0.3 * ms)
    G = NeuronGroup(1, "dx/dt = ta(t) : 1")
    mon = StateMonitor(G, "x", record=True, when="end")
    net = Network(G, mon)
    net.run(2.5 * ms)
    t = np.arange(25) * 0.1e-3
    # Brian2: int((t/epsilon + 0.5)/K), epsilon = dt/K, K = 32 here: t/dt rounded down
    expected = values[np.clip(np.floor(t / 0.3e-3 + 1 / 64).astype(int), 0, 6)]
    np.testing.assert_allclose(np.diff(mon[0].x, prepend=0) / 1e-4, expected, atol=1e-9)
    build = net.timings["build"]
    ta.values = values[::-1] * Hz
    net.run(0.1 * ms)
    assert net.timings["build"] < build / 2 or net.timings.get("machine_code", 0) == 0
    assert mon[0].x[-1] - mon[0].x[-2] == pytest.approx(values[0] * 1e-4)  # clipped last value


def test_timedarray_unit_errors():
    ta = TimedArray([1, 2] * mV, dt=1 * ms)
    G = NeuronGroup(1, "v = ta(t) : amp")
    with pytest.raises(DimensionMismatchError):
        Network(G).run(1 * ms)
    G = NeuronGroup(1, "v = ta(5) : volt")
    with pytest.raises(DimensionMismatchError):
        Network(G).run(1 * ms)
    with pytest.raises(DimensionMismatchError):
        TimedArray([1, 2], dt=3)
    with pytest.raises(NotImplementedError):
        TimedArray(np.zeros((2, 2, 2)), dt=1 * ms)


def test_spikegenerator_exact_spikes_with_period_and_monitors():
    G = SpikeGeneratorGroup(5, [0, 4, 2, 1, 2], [0.05, 0.3, 0.3, 1.04, 1.26] * ms, period=2 * ms)
    M = SpikeMonitor(G)
    R = PopulationRateMonitor(G)
    net = Network(G, M, R)
    net.run(5 * ms)
    # Brian2 2.9 gives exactly these
    np.testing.assert_array_equal(M.i, [0, 2, 4, 1, 2, 0, 2, 4, 1, 2, 0, 2, 4])
    np.testing.assert_allclose(M.t / ms, [0, 0.3, 0.3, 1.0, 1.2, 2, 2.3, 2.3, 3, 3.2, 4, 4.3, 4.3])
    assert R.rate[3] / Hz == pytest.approx(2 / 5 / 1e-4)
    np.testing.assert_array_equal(M.count, [3, 2, 5, 0, 3])


def test_spikegenerator_set_spikes_between_runs():
    G = SpikeGeneratorGroup(3, [0], [0.5] * ms)
    M = SpikeMonitor(G)
    net = Network(G, M)
    net.run(1 * ms)
    build = net.timings["build"]
    G.set_spikes([1, 2, 1], [1.5, 1.5, 1.7] * ms)
    net.run(1 * ms)
    assert net.timings["build"] < build / 2 or net.timings.get("machine_code", 0) == 0
    np.testing.assert_array_equal(M.i, [0, 1, 2, 1])
    np.testing.assert_allclose(M.t / ms, [0.5, 1.5, 1.5, 1.7])
    G.set_spikes([1, 1], [2.5, 2.55] * ms)
    with pytest.raises(ValueError, match="more than once"):
        net.run(1 * ms)


def test_spikegenerator_bad_input():
    with pytest.raises(ValueError, match="interval"):
        SpikeGeneratorGroup(3, [3], [1] * ms)
    with pytest.raises(ValueError, match="negative"):
        SpikeGeneratorGroup(3, [0], [-1] * ms)
    with pytest.raises(DimensionMismatchError):
        SpikeGeneratorGroup(3, [0], [1])
    with pytest.raises(ValueError, match="match"):
        SpikeGeneratorGroup(3, [0, 1], [1] * ms)
    with pytest.raises(ValueError, match="period"):
        SpikeGeneratorGroup(3, [0], [5] * ms, period=2 * ms)
    with pytest.raises(TypeError):
        SpikeGeneratorGroup(0, [], [] * second)


def test_timedarray_counts_as_constant_for_exact_like_brian2():
    # Brian2 treats a TimedArray whose dt is a multiple of the step as constant during a step, so
    # its automatic choice is 'exact' (neurons and clock-driven synapses); values from Brian2 2.9
    from brianjit import Synapses, nA
    from brianjit.model.methods import UnsupportedEquationsException
    stim = TimedArray(np.array([0, 1, 2, 0, 3.0]) * nA, dt=1 * ms)
    G = NeuronGroup(2, """dv/dt = (-v + 50*Mohm*I)/(10*ms) : volt (unless refractory)
                          I = stim(t)*(i+1) : amp""",
                    threshold="v > 60*mV", reset="v = 0*mV", refractory=0.5 * ms)
    S = Synapses(G, G, "dx/dt = (stim(t)/nA - x)/(2*ms) : 1 (clock-driven)")
    S.connect(j="i")
    M = StateMonitor(G, "v", record=True)
    MS = StateMonitor(S, "x", record=True)
    Network(G, S, M, MS).run(6 * ms)
    v1 = [0.0, 2.438528774964303, 9.403129953711412, 13.147504475248256, 19.21194032789281,
          31.658069776357628]
    np.testing.assert_allclose(M.v[:, 5::10] / mV, [v1, [2 * v for v in v1[:5]] + [0.0]],
                               rtol=1e-12)
    x = [0.0, 0.22119921692859512, 0.7488326641875804, 0.7987302165416049, 1.1480520159571785,
         1.876736767485024]
    np.testing.assert_allclose(MS.x[:, 5::10], [x, x], rtol=1e-12)
    # a dt that is not a multiple of the step: not constant during a step, so no 'exact'
    odd = TimedArray([1.0, 2.0] * nA, dt=0.15 * ms)
    H = NeuronGroup(1, "dv/dt = (-v + 50*Mohm*odd(t))/(10*ms) : volt", method="exact")
    with pytest.raises(UnsupportedEquationsException, match="depends on time"):
        Network(H).run(0.1 * ms)
