"""Brian2's automatic method choice: 'exact' only for linear systems with a unique fixed point and
no explicit t, else 'euler'. The choice decides the numbers (e.g. a 1 ms trace decays by 0.9 per
0.1 ms step under euler, by exp(-0.1) under exact), so it must be Brian2's. Golden values measured
with Brian2 2.9.0 (numpy target)."""
import numpy as np
import pytest

from brianjit.only import *  # noqa: F401,F403


def one_step(model, **values):
    start_scope()
    G = NeuronGroup(1, model)
    for name, value in values.items():
        setattr(G, name, value)
    run(defaultclock.dt)
    return G


@pytest.mark.parametrize("model, values, expected", [
    # singular M: Brian2's exact gives up, euler integrates the whole group
    ("dA/dt = -A/(1*ms) : 1\ndv/dt = rate : 1\nrate : Hz", dict(A=1.0, rate=1000 * Hz),
     dict(A=0.9, v=0.1)),
    ("dx/dt = -x/(1*ms) : 1\ndy/dt = 0/ms : 1", dict(x=1.0), dict(x=0.9)),
    ("dv/dt = ge/(1*ms) : 1\ndge/dt = -ge/(1*ms) : 1", dict(ge=1.0), dict(ge=0.9, v=0.1)),
    # t in the equations: euler
    ("dx/dt = -x/(1*ms) + t/ms**2 : 1", dict(x=1.0), dict(x=0.9)),
    # regular linear systems: exact
    ("dA/dt = -A/(1*ms) : 1", dict(A=1.0), dict(A=np.exp(-0.1))),
    ("dv/dt = (ge - v)/(1*ms) : 1\ndge/dt = -ge/(1*ms) : 1", dict(ge=1.0),
     dict(ge=np.exp(-0.1), v=0.1 * np.exp(-0.1))),
])
def test_automatic_choice_follows_brian2(model, values, expected):
    G = one_step(model, **values)
    for name, value in expected.items():
        assert getattr(G, name)[0] == pytest.approx(value, rel=1e-12)


def test_exact_by_name_still_integrates_a_singular_system():
    start_scope()
    G = NeuronGroup(1, "dA/dt = -A/(1*ms) : 1\ndv/dt = rate : 1\nrate : Hz", method="exact")
    G.A, G.rate = 1.0, 1000 * Hz
    run(defaultclock.dt)
    assert G.A[0] == pytest.approx(np.exp(-0.1), rel=1e-12)
    assert G.v[0] == pytest.approx(0.1, rel=1e-12)


def test_stdp_like_traces_in_the_neurons_match_brian2():
    """Brian2's test_vectorisation_STDP_like: traces decay by its automatic choice (euler)."""
    start_scope()
    neurons = NeuronGroup(6, """dv/dt = rate : 1
                                ge : 1
                                rate : Hz
                                dA/dt = -A/(1*ms) : 1""", threshold="v>1", reset="v=0")
    w_max = 10  # noqa: F841 (used by the synapses' code)
    syn = Synapses(neurons[:3], neurons[3:], "w_dep : 1\nw_fac : 1",
                   on_pre="""ge_post += w_dep - w_fac
                             A_pre += 1
                             w_dep = clip(w_dep + A_post, 0, w_max)""",
                   on_post="""A_post += 1
                              w_fac = clip(w_fac + A_pre, 0, w_max)""")
    syn.connect()
    neurons.rate = 1000 * Hz
    neurons.v = "abs(3-i)*0.1 + 0.7"
    run(2 * ms)
    order = np.lexsort((syn.j[:], syn.i[:]))
    assert syn.w_dep[:][order] == pytest.approx(
        [1.29140162, 1.16226149, 1.04603529, 1.16226149, 1.04603529, 0.94143176, 1.04603529,
         0.94143176, 6.2472887], abs=1e-6)
    assert syn.w_fac[:][order] == pytest.approx(
        [5.06030369, 5.62256002, 6.2472887, 5.62256002, 6.2472887, 6.941432, 6.2472887,
         6.941432, 1.04603529], abs=1e-6)
