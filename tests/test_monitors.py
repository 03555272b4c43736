"""StateMonitor, SpikeMonitor and PopulationRateMonitor: shapes, units, and values that equal a
numpy re-computation, over several runs. One network is shared by most tests (one compile)."""
import numpy as np
import pytest

from brianjit import (Hz, Network, NeuronGroup, PopulationRateMonitor, SpikeMonitor, StateMonitor,
                      amp, mV, ms, nS, run, second, start_scope)

N, DT = 20, 0.1e-3


@pytest.fixture(scope="module")
def sim():
    """20 LIF neurons with graded drive, every monitor kind, run 10 ms then 5 ms more."""
    G = NeuronGroup(N, """dv/dt = (I - v)/(10*ms) : volt
                          I : volt""", threshold="v > 10*mV", reset="v = 0*mV", method="exact")
    G.I = "5*mV + 20*mV*i/N"
    mons = dict(
        all=StateMonitor(G, "v", record=True),
        two=StateMonitor(G, ["v", "I"], record=[1, 5]),
        sliced=StateMonitor(G, "v", record=slice(2, 8, 2)),
        single=StateMonitor(G, "v", record=7),
        spikes=SpikeMonitor(G, variables="v"),
        rate=PopulationRateMonitor(G),
        rate_sub=PopulationRateMonitor(G[10:20]),
    )
    net = Network(G, *mons.values())
    net.run(10 * ms)
    first = {"spikes": mons["spikes"].num_spikes, "v_": G.v_[:], "M_t": mons["all"].t_[:]}
    net.run(5 * ms)
    return G, mons, first


def test_statemonitor_shapes_and_units(sim):
    G, m, _ = sim
    steps = 150
    assert m["all"].v.shape == (N, steps)
    assert m["all"].t.shape == (steps,) and np.allclose(m["all"].t_, np.arange(steps) * DT)
    assert m["all"].t[1] == 0.1 * ms
    assert m["two"].v.shape == m["two"].I.shape == (2, steps)
    assert np.allclose(m["two"][5].I / mV, 10) and m["two"][5].v.shape == (steps,)
    assert list(m["sliced"].record) == [2, 4, 6] and m["sliced"].v.shape == (3, steps)
    assert m["single"].v.shape == (1, steps) and m["single"][7].v.shape == (steps,)
    assert np.allclose(m["all"].v_, m["all"].v / mV * 1e-3)
    assert np.array_equal(m["sliced"][4].v, m["all"][4].v)
    assert np.array_equal(m["single"][7].v, m["all"].v[7])
    with pytest.raises(IndexError):
        m["two"][3]


def test_statemonitor_values_follow_the_dynamics(sim):
    """v relaxes exactly towards I, v(t+dt) = I + (v - I) exp(-dt/tau), and is 0 at the next
    record where that crossed the threshold (recorded at the start of the step, as in Brian2)."""
    G, m, _ = sim
    v = m["all"].v_
    I = G.I_[:]
    predicted = I[:, None] + (v[:, :-1] - I[:, None]) * np.exp(-0.01)
    no_reset = predicted < 10e-3 - 1e-12
    crossed = predicted > 10e-3 + 1e-12
    assert np.allclose(v[:, 1:][no_reset], predicted[no_reset], rtol=1e-9, atol=1e-15)
    assert crossed.sum() > 0 and np.all(v[:, 1:][crossed] == 0)


def test_spikemonitor(sim):
    G, m, first = sim
    S = m["spikes"]
    assert S.num_spikes == len(S.i) == len(S.t) == S.count.sum() > first["spikes"] > 0
    assert np.array_equal(S.count, np.bincount(S.i, minlength=N))
    assert np.all(np.diff(S.t_) >= 0) and S.t.dim == second.dim
    i, t = S.it
    assert np.array_equal(i, S.i) and np.array_equal(t, S.t)
    trains = S.spike_trains()
    assert set(trains) == set(range(N))
    for n in range(N):
        assert np.array_equal(trains[n], S.t[S.i == n])
    assert np.all(S.v > 10 * mV)            # recorded at the threshold crossing, before reset
    assert S.v.shape == S.i.shape
    spiked = {int(n) for n in S.i}
    assert spiked == {n for n in range(N) if S.count[n]}


def test_population_rate_equals_spikes_per_step(sim):
    G, m, _ = sim
    R, S = m["rate"], m["spikes"]
    steps = np.round(S.t_ / DT).astype(int)
    expected = np.bincount(steps, minlength=150) / N / DT
    assert R.rate.shape == (150,) and R.rate.dim == Hz.dim
    assert np.allclose(R.rate_, expected) and np.allclose(R.t_, np.arange(150) * DT)
    sub = S.i >= 10
    expected_sub = np.bincount(steps[sub], minlength=150) / 10 / DT
    assert np.allclose(m["rate_sub"].rate_, expected_sub)


def test_smooth_rate(sim):
    _, m, _ = sim
    R = m["rate"]
    flat = R.smooth_rate("flat", 1 * ms)           # 11 bins of dt
    assert np.allclose(flat / Hz, np.convolve(R.rate_, np.ones(11) / 11, mode="same"))
    gauss = R.smooth_rate("gaussian", 0.5 * ms)    # sigma 5 bins, +-2 sigma
    x = np.arange(-10, 11)
    w = np.exp(-x ** 2 / 50.0)
    assert np.allclose(gauss / Hz, np.convolve(R.rate_, w / w.sum(), mode="same"))
    assert np.mean(flat) == pytest.approx(np.mean(R.rate), rel=0.1)
    with pytest.raises(TypeError):
        R.smooth_rate("gaussian")


def test_values_taken_before_a_run_stay_valid(sim):
    G, m, first = sim
    assert np.array_equal(m["all"].t_[:100], first["M_t"])
    assert first["v_"].shape == (N,) and np.all(np.isfinite(first["v_"]))


def test_monitors_grow_over_many_runs():
    G = NeuronGroup(3, "dv/dt = (2 - v)/(5*ms) : 1", threshold="v > 1", reset="v = 0",
                    method="exact")
    M = StateMonitor(G, "v", record=True)
    S = SpikeMonitor(G)
    R = PopulationRateMonitor(G)
    net = Network(G, M, S, R)
    early_v = G.v_[:]   # copies (G.v_ and M.t_ are live views, as in Brian2)
    early_t = M.t_[:]
    for k in range(1, 6):
        net.run(7 * ms)
        assert M.v.shape == (3, 70 * k) and len(R.t) == 70 * k
        assert np.allclose(M.t_, np.arange(70 * k) * DT)
    assert early_v.shape == (3,) and early_t.shape == (0,)
    assert S.num_spikes == pytest.approx(R.rate_.sum() * DT * 3)


def test_state_monitor_records_subexpressions_with_units():
    """Brian2 users record currents and other subexpressions; they equal the expression of the
    recorded state variables at every step."""
    G = NeuronGroup(3, """dv/dt = (E - v)/(10*ms) : volt
                          E = 20*mV*(i + 1) : volt
                          current = g*(E - v) : amp
                          above = v > 10*mV : boolean
                          g : siemens""", method="exact")
    G.g = [1, 2, 3] * nS
    M = StateMonitor(G, ["v", "current", "above"], record=True)
    Network(G, M).run(3 * ms)
    g = np.array([1, 2, 3])[:, None] * 1e-9
    E = 0.02 * (np.arange(3) + 1)[:, None]
    assert np.allclose(np.asarray(M.current), g * (E - np.asarray(M.v)), rtol=1e-12, atol=0)
    assert M.current.dim == amp.dim
    assert np.array_equal(M.above, np.asarray(M.v) > 0.01)


def test_start_scope_hides_earlier_objects_from_run():
    G = NeuronGroup(1, "dv/dt = 1/second : 1", method="euler")
    run(1 * ms)
    start_scope()
    H = NeuronGroup(1, "dv/dt = 2/second : 1", method="euler")
    run(1 * ms)
    assert G.v[0] == pytest.approx(0.001)
    assert H.v[0] == pytest.approx(0.002)


def test_spike_monitor_that_only_counts():
    G = NeuronGroup(3, "dv/dt = rate : 1\nrate : Hz", threshold="v > 1", reset="v = 0",
                    method="euler")
    G.rate = [0, 100, 250] * Hz
    counting = SpikeMonitor(G, record=False)
    recording = SpikeMonitor(G)
    Network(G, counting, recording).run(100 * ms)
    assert list(counting.count) == list(recording.count) and recording.count[2] > 0
    assert counting.num_spikes == recording.num_spikes == len(recording.i)
    assert "i" not in counting.variables and "t" not in counting.variables   # as Brian2
    with pytest.raises(AttributeError):
        counting.it
