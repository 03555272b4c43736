"""The clocks of a Synapses object's parts, as Brian2's: the object itself (its clock-driven
equations, a monitor of it) on ``defaultclock`` unless given ``dt``/``clock``; a pathway on
the clock of the group whose events it delivers; a summed variable on its target's clock.

Values measured with Brian2 2.9.0 (numpy target) on the same scripts. Before, the Synapses
took their source's clock for everything: an ``on_post`` pathway read the target's spikes at
every step of the source's clock and delivered each spike five times (w = 10, Brian2: 2).
"""
import numpy as np
import pytest

from brianjit import (NeuronGroup, StateMonitor, Synapses, defaultclock, ms, run,
                      start_scope)


@pytest.fixture(autouse=True)
def _fresh_scope():
    start_scope()


def test_parts_run_on_brian2s_clocks():
    G = NeuronGroup(1, "v : 1", threshold="True", reset="", dt=0.1 * ms)
    H = NeuronGroup(1, "v : 1", threshold="True", reset="", dt=0.5 * ms)
    S = Synapses(G, H, "w : 1\ndg/dt = -g/(4*ms) : 1 (clock-driven)",
                 on_pre="v_post += 1", on_post="w += 1", method="euler")
    S.connect()
    S.g = 1
    M = StateMonitor(S, "g", record=[0])
    assert S.clock is defaultclock
    assert S.pre.clock is G.clock and S.post.clock is H.clock and M.clock is S.clock
    run(1 * ms)
    assert S.w[0] == 2.0       # H spiked twice; each spike delivered once
    assert H.v[0] == 10.0      # G spiked ten times
    assert S.g[0] == pytest.approx(0.975 ** 10, rel=1e-12)    # ten Euler steps of 0.1 ms
    assert len(M.t) == 10


def test_a_synapses_object_away_from_its_source_clock_integrates_on_defaultclock():
    G = NeuronGroup(1, "v : 1", dt=0.2 * ms)
    S = Synapses(G, G, "dg/dt = -g/(4*ms) : 1 (clock-driven)", method="euler")
    S.connect()
    S.g = 1
    run(1 * ms)
    assert S.g[0] == pytest.approx(0.975 ** 10, rel=1e-12)   # not five steps of 0.2 ms


def test_summed_variable_runs_on_its_targets_clock():
    P = NeuronGroup(2, "dv/dt = -v/(3*ms) : 1", method="euler", dt=0.1 * ms)
    P.v = 1
    Q = NeuronGroup(1, "tot : 1", dt=0.5 * ms)
    T = Synapses(P, Q, "tot_post = v_pre : 1 (summed)")
    T.connect()
    run(1 * ms)
    # last computed at Q's step 0.5 ms, before P's update of that step: v after 5 steps
    np.testing.assert_allclose(Q.tot[0], 2 * (1 - 0.1 / 3) ** 5, rtol=1e-12)
    np.testing.assert_allclose(Q.tot[0], 1.6881604115226336, rtol=1e-12)   # Brian2's
