"""Golden simulations: deterministic networks whose results are known exactly.

The LIF spike times follow from v(t) = I (1 - exp(-t/tau)) with exact integration: the first spike
is recorded at the step before v crosses the threshold (the threshold runs after the state update
of the same step), later ones every ceil(tau ln(I/(I - theta)) / dt) steps. Brian2 2.9 gives the
same numbers (checked with its numpy target: 13.8, 27.7, 41.6 ms for I = 20 mV; 6.9, 13.9, 20.9 ms
for I = 30 mV; 13.8, 32.6, 51.4 ms with a 5 ms refractory period).
"""
import math

import numpy as np
import pytest

from brianjit import (Network, NeuronGroup, PopulationRateMonitor, SpikeMonitor, StateMonitor,
                      defaultclock, ms, mV, second, seed)

LIF = """dv/dt = (I - v)/tau : volt (unless refractory)
         I : volt"""


def lif_steps(I_mV, theta_mV=15.0, tau_ms=10.0, dt_ms=0.1):
    """Steps from reset to the first update that crosses the threshold, computed like the
    simulator does (t = n*dt in double precision)."""
    n = 1
    while I_mV * (1 - math.exp(-(n * dt_ms) / tau_ms)) <= theta_mV:
        n += 1
    return n


def test_lif_spike_times_match_analytic_solution():
    tau = 10 * ms
    G = NeuronGroup(3, LIF, threshold="v > 15*mV", reset="v = 0*mV", method="exact",
                    namespace={"tau": tau})
    G.I = [20, 30, 14] * mV
    S = SpikeMonitor(G)
    net = Network(G, S)
    net.run(50 * ms)
    trains = S.spike_trains()
    for index, I in ((0, 20.0), (1, 30.0)):
        k = lif_steps(I)
        expected = [(k - 1) + n * k for n in range(10) if (k - 1) + n * k < 500]
        assert np.allclose(trains[index] / ms, np.array(expected) * 0.1)
    assert len(trains[2]) == 0  # I below threshold: never fires
    assert list(trains[0] / ms) == pytest.approx([13.8, 27.7, 41.6])
    assert list(trains[1] / ms) == pytest.approx([6.9, 13.9, 20.9, 27.9, 34.9, 41.9, 48.9])


def test_state_monitor_records_exact_solution_at_start_of_step():
    G = NeuronGroup(1, LIF, method="exact", namespace={"tau": 10 * ms})
    G.I = 20 * mV
    M = StateMonitor(G, "v", record=0)
    net = Network(G, M)
    net.run(5 * ms)
    t = M.t / second
    assert len(t) == 50
    assert np.allclose(t, np.arange(50) * 1e-4)
    expected = 0.02 * (1 - np.exp(-t / 0.01))
    assert np.allclose(M.v[0] / mV * 1e-3, expected, rtol=1e-12, atol=1e-15)


def test_refractoriness_delays_the_next_spike():
    G = NeuronGroup(1, LIF, threshold="v > 15*mV", reset="v = 0*mV", refractory=5 * ms,
                    method="exact", namespace={"tau": 10 * ms})
    G.I = 20 * mV
    S = SpikeMonitor(G)
    Network(G, S).run(100 * ms)
    assert list(S.t / ms) == pytest.approx([13.8, 32.6, 51.4, 70.2, 89.0])


def test_f_I_curve_matches_discrete_analytic_rates():
    currents = np.linspace(16, 60, 12)
    G = NeuronGroup(len(currents), LIF, threshold="v > 15*mV", reset="v = 0*mV",
                    method="exact", namespace={"tau": 10 * ms})
    G.I = currents * mV
    S = SpikeMonitor(G)
    R = PopulationRateMonitor(G)
    Network(G, S, R).run(1 * second)
    for n, I in enumerate(currents):
        k = lif_steps(I)
        expected = 10000 // k  # spikes at steps m*k - 1 for m >= 1, within 10000 steps
        assert S.count[n] == expected
    assert R.rate.mean() * (1 * second) == pytest.approx(S.num_spikes / len(currents), rel=1e-9)


def _noisy_run(durations, seed_value=11):
    seed(seed_value)
    G = NeuronGroup(50, """dv/dt = (I - v)/tau + sigma*sqrt(2/tau)*xi : volt (unless refractory)
                           I : volt
                           sigma : volt""",
                    threshold="v > 15*mV", reset="v = 0*mV", refractory=2 * ms, method="euler",
                    namespace={"tau": 10 * ms})
    G.I = "20*mV * i / N"
    G.sigma = 3 * mV
    G.v = "rand() * 15*mV"
    S = SpikeMonitor(G)
    net = Network(G, S)
    for d in durations:
        net.run(d * ms)
    return S.i, S.t_, G.v_[:]


def test_seed_gives_identical_results_across_runs_and_chunkings():
    i1, t1, v1 = _noisy_run([60])
    i2, t2, v2 = _noisy_run([60])
    i3, t3, v3 = _noisy_run([7, 13.3, 0.2, 39.5])
    assert len(i1) > 20
    for other_i, other_t, other_v in ((i2, t2, v2), (i3, t3, v3)):
        assert np.array_equal(i1, other_i)
        assert np.array_equal(t1, other_t)
        assert np.array_equal(v1, other_v)
    i4, _, v4 = _noisy_run([60], seed_value=12)
    assert not np.array_equal(v1, v4)


def test_changing_a_parameter_between_runs_does_not_recompile():
    G = NeuronGroup(2, LIF, threshold="v > 15*mV", reset="v = 0*mV", method="exact",
                    namespace={"tau": 10 * ms})
    G.I = 20 * mV
    S = SpikeMonitor(G)
    net = Network(G, S)
    net.run(20 * ms)
    first_program = net._program
    G.I = 0 * mV
    G.namespace["tau"] = 20 * ms
    net.run(20 * ms)
    assert net._program is first_program
    assert net.timings["build"] == 0.0
    assert S.num_spikes == 2  # one spike each at 13.8 ms, none after I = 0
    assert float(net.t / ms) == pytest.approx(40.0)


def test_defaultclock_dt_change_is_respected():
    old = defaultclock.dt
    try:
        defaultclock.dt = 0.05 * ms
        G = NeuronGroup(1, LIF, method="exact", namespace={"tau": 10 * ms})
        M = StateMonitor(G, "v", record=True)
        net = Network(G, M)
        net.run(1 * ms)
        assert len(M.t) == 20
    finally:
        defaultclock.dt = old


def test_separate_simulations_get_independent_noise_reproducibly():
    """Trials in a loop (new objects each time, magic run) or separate Networks draw different
    random numbers, as Brian2's generator goes on; seed() makes the whole script reproducible."""
    from brianjit import run, start_scope

    def trials():
        seed(8)
        results = []
        for _ in range(3):
            start_scope()
            G = NeuronGroup(5, "dv/dt = -v/(10*ms) + xi/sqrt(ms) : 1", method="euler")
            run(2 * ms)
            results.append(G.v_[:].tolist())
        H = [NeuronGroup(5, "dv/dt = -v/(10*ms) + xi/sqrt(ms) : 1", method="euler")
             for _ in range(2)]
        for h in H:
            Network(h).run(2 * ms)
        results += [h.v_[:].tolist() for h in H]
        return results
    first = trials()
    assert all(first[a] != first[b] for a in range(5) for b in range(a))
    assert trials() == first
