"""``t_in_timesteps``, the step of the clock a group's code reads (Brian2's integer implicit
variable: its clock's ``timestep``, int64), in every kind of model code: equations,
subexpressions (also ``constant over dt``), thresholds, resets, ``run_regularly``, a
synaptic pathway's code (the Synapses' clock) and one-off code (``G.v = '...'``, string
conditions). brianjit refused the name with a KeyError.

Expected values measured with Brian2 2.9.0 (numpy and cython targets agree), printing lists
of the recorded values; the scripts are the tests' own, with ``brian2`` imported.
"""
import numpy as np
import pytest
from default_dt import at_default_dt_of_0_1_ms  # noqa: F401

from brianjit import Network, NeuronGroup, SpikeMonitor, StateMonitor, Synapses, ms


def test_equations_and_subexpressions():
    G = NeuronGroup(2, """dx/dt = t_in_timesteps/ms : 1
                          s = t_in_timesteps*2 + i : 1
                          y = t_in_timesteps : integer (constant over dt)""", dt=0.2 * ms)
    M = StateMonitor(G, ["x", "s", "y"], record=True)
    Network(G, M).run(1 * ms)
    # Brian2 2.9.0
    assert [repr(float(v)) for v in M.x[1]] == ["0.0", "0.0", "0.2", "0.6000000000000001",
                                                "1.2000000000000002"]
    assert list(M.s[1]) == [1.0, 3.0, 5.0, 7.0, 9.0]
    assert list(M.y[1]) == [0, 1, 2, 3, 4]
    assert list(G.s[:]) == [10, 11]


def test_threshold_and_reset():
    G = NeuronGroup(3, """k : integer
                          last : 1
                          z : 1""", threshold="t_in_timesteps % 3 == i",
                    reset="k = t_in_timesteps\nlast = lastspike/dt\nz = t/dt",
                    refractory=0 * ms, dt=0.2 * ms)
    M = StateMonitor(G, ["k", "last", "z"], record=True)
    S = SpikeMonitor(G)
    Network(G, M, S).run(2 * ms)
    # Brian2 2.9.0
    assert M.k[:].tolist() == [[0, 0, 0, 0, 3, 3, 3, 6, 6, 6], [0, 0, 1, 1, 1, 4, 4, 4, 7, 7],
                               [0, 0, 0, 2, 2, 2, 5, 5, 5, 8]]
    assert list(S.i) == [0, 1, 2, 0, 1, 2, 0, 1, 2, 0]
    # lastspike (per neuron) / dt is lastspike * (1/dt) in Brian2, t/dt (shared) a division
    assert M.last[0].tolist() == [0.0] * 4 + [3.0000000000000004] * 3 + [6.000000000000001] * 3
    assert M.z[0].tolist() == [0.0] * 4 + [3.0] * 3 + [6.0] * 3


def test_run_regularly_and_its_integer_value():
    G = NeuronGroup(2, "k : integer\nf : 1")
    G.run_regularly("k = t_in_timesteps + i\nf = t_in_timesteps/8")
    Network(G).run(0.7 * ms)
    assert G.k[:].tolist() == [6, 7]
    assert G.f[:].tolist() == [0.75, 0.75]   # an integer: true division as in Python


def test_synaptic_code_reads_the_synapses_clock():
    P = NeuronGroup(2, "dummy : 1", threshold="True", refractory=0 * ms, dt=0.3 * ms)
    Q = NeuronGroup(2, "a : 1\nb : second\nc : 1", dt=0.1 * ms)
    S = Synapses(P, Q, "w : 1",
                 on_pre="a_post += t_in_timesteps\nb_post = t\nc_post = lastspike_pre/dt",
                 dt=0.05 * ms)
    S.connect(j="i")
    Network(P, Q, S).run(1.2 * ms)
    # Brian2 2.9.0: the pathway runs at P's steps (0, 0.3, 0.6, 0.9 ms), its code reads the
    # Synapses' clock (steps 0, 6, 12, 18 of 0.05 ms)
    assert Q.a[:].tolist() == [36.0, 36.0]
    assert [repr(float(v)) for v in np.asarray(Q.b[:])] == ["0.0009000000000000001"] * 2
    assert Q.c[:].tolist() == [18.0, 18.0]


def test_one_off_code_and_python_reads():
    G = NeuronGroup(3, "v : 1\nk : integer\ns = t_in_timesteps + i : integer", dt=0.2 * ms)
    Network(G).run(1.1 * ms)
    G.v = "t_in_timesteps/2 + i"
    G.k = "t_in_timesteps"
    # Brian2 2.9.0: the clock is at step 6 after a run of 1.1 ms at dt = 0.2 ms
    assert G.v[:].tolist() == [3.0, 4.0, 5.0]
    assert G.k[:].tolist() == [6, 6, 6]
    assert G.s[:].tolist() == [6, 7, 8]
    assert G.v["t_in_timesteps > i + 4"].tolist() == [3.0, 4.0]
    value = G.t_in_timesteps[:]
    assert value == 6 and value.dtype == np.int64


@pytest.mark.parametrize("model", ["t_in_timesteps : 1", "dt_in_timesteps/dt = 1/ms : 1"])
def test_no_model_variable_may_be_called_t_in_timesteps(model):
    # Brian2 2.9.0: SyntaxError "'t_in_timesteps' has a special meaning in equations ..."
    with pytest.raises(SyntaxError, match="'t_in_timesteps'"):
        NeuronGroup(1, model)


def test_a_monitor_has_no_clock_step_of_its_own():
    G = NeuronGroup(2, "dv/dt = 1/ms : 1", threshold="v > 0.15", reset="v = 0")
    S = SpikeMonitor(G)
    Network(G, S).run(0.5 * ms)
    # Brian2 2.9.0: the name is not a monitor's variable, so the namespace's, or a KeyError
    with pytest.raises(KeyError, match="t_in_timesteps"):
        S.t["t_in_timesteps > 2"]
    t_in_timesteps = 2   # noqa: F841 (found by the condition in the caller's namespace)
    assert S.i["t_in_timesteps > 2"].tolist() == []
    assert list(S.t_["t_in_timesteps > 1"]) == [1 * 1e-4, 1 * 1e-4, 3 * 1e-4, 3 * 1e-4]
