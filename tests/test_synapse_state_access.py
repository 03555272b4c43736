"""What a Synapses shows of its neurons, as in Brian2: ``S.v_pre``/``S.v_post``/``S.v`` (the
source's and target's variables per synapse), ``S.scalar_post`` (a shared target variable),
synapses onto synapses (``S.w_post``, ``S.i_post``), ``S.variables`` with Brian2's names, and
no writes before ``connect()``."""
import numpy as np
import pytest

from brianjit import Hz, NeuronGroup, Synapses, linked_var, ms, run


@pytest.fixture
def pair():
    G1, G2 = NeuronGroup(4, "v : 1"), NeuronGroup(3, "v : 1\nw : 1\nscalar : Hz (shared)")
    G1.v = "i"
    G2.v = "10 + i"
    S = Synapses(G1, G2, "x : 1")
    S.connect(i=[0, 1, 3, 3], j=[2, 0, 0, 1])
    return G1, G2, S


def test_reading_neuron_variables_per_synapse(pair):
    G1, G2, S = pair
    assert S.v_pre[:].tolist() == [0, 1, 3, 3]
    assert S.v_post[:].tolist() == [12, 10, 10, 11] == S.v[:].tolist()
    assert S.v_post[1:3].tolist() == [10, 10] and S.v_post[3, :].tolist() == [10, 11]
    assert S.v_pre["j == 0"].tolist() == [1, 3]
    S.x = "v_pre + v_post"
    assert S.x[:].tolist() == [12, 11, 13, 14]
    assert S.get_states(["v_pre", "N_incoming"])["N_incoming"].tolist() == [1, 2, 2, 1]
    assert S.N_outgoing[3, :].tolist() == [2, 2]


def test_writing_neuron_variables_through_synapses(pair):
    G1, G2, S = pair
    S.v_post[2] = 100                       # synapse 2 ends on neuron 0
    assert G2.v[:].tolist() == [100, 11, 12]
    S.w_post = "j * 2"                      # a string: evaluated per synapse, written natively
    assert G2.w[:].tolist() == [0, 2, 4]
    S.scalar_post = 100 * Hz
    assert G2.scalar[:] == 100 * Hz
    S.scalar_post[:] = 50 * Hz
    assert G2.scalar[:] == 50 * Hz and S.scalar_post[:] == 50 * Hz


def test_variables_with_brian2s_names(pair):
    G1, G2, S = pair
    for name in ["v_pre", "v", "v_post", "w", "w_post", "x", "N_pre", "N_post", "N_incoming",
                 "N_outgoing", "i", "j", "t", "dt", "N"]:
        assert name in S.variables, name
    assert S.variables["v"] is S.variables["v_post"] is G2.variables["v"]
    assert "v_pre_post" not in S.variables and "_spikespace" not in S.variables
    assert list(S.variables) == ["i", "j", "x"]          # what is stored: the synapses' own
    assert all(name in G1.variables for name in ["v", "t", "dt", "t_in_timesteps", "N", "i"])
    assert "tau" not in NeuronGroup(1, "dv/dt = -v/tau + xi*tau**-0.5: 1").variables
    assert "xi" in NeuronGroup(1, "dv/dt = -v/tau + xi*tau**-0.5: 1").variables
    refractory = NeuronGroup(1, "v : 1", refractory=5 * ms, threshold="v > 1")
    assert "lastspike" in refractory.variables and "lastspike" not in G1.variables


def test_variables_linked_through_an_index_are_not_visible_from_synapses():
    G = NeuronGroup(2, "v : 1")
    G2 = NeuronGroup(10, "I = clip(x, 0, 1) : 1\nx : 1 (linked)")
    G2.x = linked_var(G.v, index=np.array([0, 1]).repeat(5))
    S = Synapses(G2, G2, "")
    S.connect("i == j")
    for name in ["x", "x_pre", "x_post"]:
        assert name not in S.variables


def test_synapses_onto_synapses():
    source, target, modulator = NeuronGroup(10, "v : 1"), NeuronGroup(10, "v : 1"), \
        NeuronGroup(40, "")
    conn = Synapses(source, target, "w : 1", multisynaptic_index="k")
    conn.connect(j="i", n=2)
    conn.w = "i + j + k"
    to_conn = Synapses(modulator, conn)
    to_conn.connect(j="int(i/2)")
    run(0 * ms)
    assert to_conn.i_post[:].tolist() == np.repeat(np.arange(10), 4).tolist()
    assert to_conn.j_post[:].tolist() == np.repeat(np.arange(10), 4).tolist()
    assert to_conn.w_post[:].tolist() == [2 * (n // 4) + (n // 2) % 2 for n in range(40)]


def test_no_synaptic_writes_before_connect():
    G = NeuronGroup(2, "v : 1", threshold="True")
    S = Synapses(G, G, "w : 1\ns : 1 (shared)", on_pre="v += w")
    for name, value in (("w", 1), ("delay", 1 * ms), ("s", 2)):
        with pytest.raises(TypeError, match="connect"):
            setattr(S, name, value)
    S.connect(p=0)                          # connect() called, even without synapses
    S.s = 2
    assert S.s[:] == 2
    S.connect(i=0, j=1)
    S.pre.delay = 2 * ms
    assert S.pre.delay[:] == [2 * ms] and S.delay[0] == 2 * ms
