"""``(constant over dt)`` subexpressions as Brian2: stored, evaluated once at the start of every
step (before monitors, in the ``before_start`` slot) and held fixed through every stage of the
integration method; a random subexpression without the flag is an error. Golden values measured
with Brian2 2.9.0 (numpy target)."""
import numpy as np
import pytest

from brianjit.only import *  # noqa: F401,F403


def test_held_through_the_stages_of_rk4_and_stored():
    start_scope()
    G = NeuronGroup(3, """dv/dt = (I + s - v)/(10*ms) : 1
                          I = sin(2*pi*100*Hz*t)*(i+1) : 1 (constant over dt)
                          s = 2*I + 0.5*sin(2*pi*50*Hz*t) : 1 (constant over dt)""",
                    method="rk4", threshold="I > 2.5", reset="v = 0")
    assert list(G.I[:]) == [0, 0, 0]   # a stored value, before any step
    M = StateMonitor(G, ["v", "I", "s"], record=[0, 2])
    spikes = SpikeMonitor(G)
    run(2 * ms)
    np.testing.assert_allclose(M.v[1][:6], [0, 0, 0.00577926, 0.01725792, 0.03433467, 0.05688713],
                               rtol=1e-6)
    np.testing.assert_allclose(M.I[1][:6], [0, 0.18837156, 0.3759997, 0.56214394, 0.74606966,
                                            0.92705098], rtol=1e-7)
    np.testing.assert_allclose(M.s[0][:6], [0, 0.14128642, 0.28206173, 0.42181679, 0.56004639,
                                            0.69625122], rtol=1e-7)
    # the values of the last step (t = 1.9 ms), not of the clock's t after the run
    np.testing.assert_allclose(G.I[:], [0.92977649, 1.85955297, 2.78932946], rtol=1e-7)
    assert list(spikes.count[:]) == [0, 0, 4]
    rows = [line.split("|")[0].strip() for line in str(scheduling_summary()).splitlines()]
    assert rows.index(f"{G.name}_subexpression_update (SubexpressionUpdater)") < \
        rows.index(f"{M.name} (StateMonitor)")


def test_random_subexpression_is_drawn_once_per_step():
    start_scope()
    G = NeuronGroup(1000, """dv/dt = (n - v)/(1*ms) : 1
                             n = rand() : 1 (constant over dt)""", method="rk4")
    M = StateMonitor(G, ["v", "n"], record=0)
    run(defaultclock.dt * 2)
    assert 0 <= G.n[:].min() and G.n[:].max() < 1 and len(set(G.n[:])) > 990
    # one value through the step: rk4 of dv/dt = (n - v)/tau with n fixed
    h = 0.1
    growth = h - h**2 / 2 + h**3 / 6 - h**4 / 24
    assert M.v[0][1] == pytest.approx(M.n[0][0] * growth, rel=1e-12)


def test_synapses_constant_over_dt():
    start_scope()
    G = NeuronGroup(3, "v : 1")
    S = Synapses(G, G, """dw/dt = (c - w)/(5*ms) : 1 (clock-driven)
                          c = cos(2*pi*100*Hz*t) : 1 (constant over dt)""", method="euler")
    S.connect(j="i")
    M = StateMonitor(S, ["w", "c"], record=[0])
    run(0.5 * ms)
    np.testing.assert_allclose(M.w[0], [0, 0.02, 0.03956053, 0.05861162, 0.07708513], rtol=1e-6)
    np.testing.assert_allclose(M.c[0], [1, 0.99802673, 0.9921147, 0.98228725, 0.96858316],
                               rtol=1e-7)


def test_random_subexpression_without_the_flag_is_an_error():
    start_scope()
    G = NeuronGroup(1, "dv/dt = s/ms : 1\ns = rand() : 1")  # noqa: F841
    with pytest.raises(SyntaxError, match="add the 'constant over dt' flag"):
        run(0 * ms)


def test_shared_constant_over_dt_is_refused_clearly():
    start_scope()
    G = NeuronGroup(2, "dv/dt = s/ms : 1\ns = sin(2*pi*t/ms) : 1 (constant over dt, shared)")  # noqa: F841,E501
    with pytest.raises(NotImplementedError, match="both shared and constant over dt"):
        run(0 * ms)
