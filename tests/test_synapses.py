"""Synapses: propagation with delays, summed variables, STDP, connect() statistics, bad input."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from brianjit.only import *  # noqa: F401,F403


def spiking(n, times_ms):
    """Neuron k spikes once at times_ms[k] (a threshold on t)."""
    G = NeuronGroup(n, "ts : second", threshold="abs(t - ts) < dt/2")
    G.ts = np.asarray(times_ms) * ms
    return G


def test_heterogeneous_delays_exact_arrival():
    start_scope()
    G = spiking(3, [1.0, 2.0, 3.0])
    H = NeuronGroup(2, "v : 1")
    S = Synapses(G, H, "w : 1", on_pre="v_post += w")
    S.connect()
    S.w = "i*10 + j + 1"
    S.delay = "(i + 2*j) * 0.5*ms"
    M = StateMonitor(H, "v", record=True)
    run(6 * ms)
    v = M.v_
    for k in range(len(S)):
        i, j = S.i[k], S.j[k]
        arrival = (i + 1) + (i + 2 * j) * 0.5  # ms, applied at the synapses slot of that step
        step = int(round(arrival / 0.1))
        before, after = v[j, step], v[j, step + 1]  # monitor records at 'start'
        assert after - before == pytest.approx(sum(
            S.w[m] for m in range(len(S)) if S.j[m] == j and
            int(round(((S.i[m] + 1) + (S.i[m] + 2 * S.j[m]) * 0.5) / 0.1)) == step))
    assert H.v[:] == pytest.approx([1 + 11 + 21, 2 + 12 + 22])


def test_several_synapses_to_one_target_add_up():
    start_scope()
    G = spiking(4, [0.5] * 4)
    H = NeuronGroup(1, "v : 1")
    S = Synapses(G, H, "w : 1", on_pre="v += w", delay=1 * ms)
    S.connect(n=2)
    S.w = "i + 1"
    run(2 * ms)
    assert len(S) == 8
    assert H.v[0] == pytest.approx(2 * (1 + 2 + 3 + 4))


def test_on_pre_runs_before_on_post():
    # Brian2: pre pathway (order -1) before post (order +1): the value ends at 2
    start_scope()
    G = NeuronGroup(1, "v : 1", threshold="abs(t - 0.3*ms) < dt/2")
    H = NeuronGroup(1, "v : 1", threshold="abs(t - 0.3*ms) < dt/2")
    S = Synapses(G, H, on_pre="v_post = 1", on_post="v_post = 2")
    S.connect()
    run(1 * ms)
    assert H.v[0] == 2


def test_summed_variable_matches_numpy():
    start_scope()
    seed(3)
    G = NeuronGroup(6, "x : 1")
    H = NeuronGroup(5, "y : 1\nz : 1")
    G.x = "i * 0.5"
    S = Synapses(G, H, "w : 1\ny_post = w * x_pre : 1 (summed)")
    S.connect(p=0.6)
    S.w = "rand()"
    run(0.2 * ms)
    expected = np.zeros(5)
    np.add.at(expected, S.j[:], S.w[:] * G.x[:][S.i[:]])
    assert H.y[:] == pytest.approx(expected)


def test_stdp_final_weight_matches_hand_computation():
    start_scope()
    taupre, taupost, Apre, Apost = 20 * ms, 20 * ms, 0.01, -0.0105
    pre_times, post_times = [2.0, 12.0, 30.0], [5.0, 10.0, 40.0]
    P = NeuronGroup(1, "", threshold="abs(t-2*ms)<dt/2 or abs(t-12*ms)<dt/2 or abs(t-30*ms)<dt/2")
    Q = NeuronGroup(1, "", threshold="abs(t-5*ms)<dt/2 or abs(t-10*ms)<dt/2 or abs(t-40*ms)<dt/2")
    S = Synapses(P, Q, """w : 1
                          dapre/dt = -apre/taupre : 1 (event-driven)
                          dapost/dt = -apost/taupost : 1 (event-driven)""",
                 on_pre="apre += Apre\nw = clip(w + apost, 0, 1)",
                 on_post="apost += Apost\nw = clip(w + apre, 0, 1)")
    S.connect()
    S.w = 0.5
    run(50 * ms)
    # hand computation: traces decay exponentially between events
    events = sorted([(t, "pre") for t in pre_times] + [(t, "post") for t in post_times])
    apre = apost = 0.0
    last = 0.0
    w = 0.5
    for t, kind in events:
        apre *= np.exp(-(t - last) / 20.0)
        apost *= np.exp(-(t - last) / 20.0)
        last = t
        if kind == "pre":
            apre += 0.01
            w = min(max(w + apost, 0), 1)
        else:
            apost += -0.0105
            w = min(max(w + apre, 0), 1)
    assert S.w[0] == pytest.approx(w, rel=1e-9)


@settings(max_examples=8, deadline=None)
@given(n_pre=st.integers(1, 40), n_post=st.integers(1, 40), p=st.floats(0.05, 0.95))
def test_connect_p_count_is_binomial(n_pre, n_post, p):
    G = NeuronGroup(n_pre, "v : 1")
    H = NeuronGroup(n_post, "v : 1")
    S = Synapses(G, H)
    S.connect(p=p)
    total = n_pre * n_post
    sd = np.sqrt(total * p * (1 - p))
    assert abs(len(S) - total * p) <= 6 * sd + 1
    pairs = set(zip(S.i[:], S.j[:]))
    assert len(pairs) == len(S)  # each pair at most once
    assert np.all(np.diff(S.i[:]) >= 0)  # created by source neuron


@settings(max_examples=8, deadline=None)
@given(n_pre=st.integers(1, 20), n_post=st.integers(1, 20), a=st.integers(-3, 3),
       m=st.integers(1, 4), n=st.integers(1, 3))
def test_connect_condition_matches_numpy(n_pre, n_post, a, m, n):
    G = NeuronGroup(n_pre, "x : 1")
    H = NeuronGroup(n_post, "x : 1")
    G.x = "i"
    S = Synapses(G, H)
    S.connect(f"(x_pre + {a}) % {m} == j % {m}", n=n)
    ii, jj = np.meshgrid(np.arange(n_pre), np.arange(n_post), indexing="ij")
    mask = (ii + a) % m == jj % m
    expected = sorted(list(zip(ii[mask], jj[mask])) * n)
    assert sorted(zip(S.i[:], S.j[:])) == expected


def test_generators_give_the_described_targets():
    G = NeuronGroup(10, "v : 1")
    S = Synapses(G, G)
    S.connect(j="k for k in range(i-3, i+4) if k >= 0 and k < N_post and k != i")
    expected = [(i, k) for i in range(10) for k in range(i - 3, i + 4) if 0 <= k < 10 and k != i]
    assert list(zip(S.i[:], S.j[:])) == expected
    S2 = Synapses(G, G)
    S2.connect(j="k for k in range(i-2, i+3)", skip_if_invalid=True)
    assert list(zip(S2.i[:], S2.j[:])) == [(i, k) for i in range(10) for k in range(i - 2, i + 3)
                                           if 0 <= k < 10]
    S3 = Synapses(G, G)
    with pytest.raises(IndexError, match="outside allowed range"):
        S3.connect(j="k for k in range(i-2, i+3)")
    S4 = Synapses(NeuronGroup(200, "v:1"), NeuronGroup(1000, "v:1"))
    S4.connect(j="k for k in sample(N_post, p=0.1)")
    assert abs(len(S4) - 20000) < 6 * np.sqrt(20000 * 0.9)
    S5 = Synapses(G, G)
    S5.connect(i=[0, 1, 2], j=[3, 3, 9])
    S5.connect(i=5, j=5)
    assert list(zip(S5.i[:], S5.j[:])) == [(0, 3), (1, 3), (2, 9), (5, 5)]
    with pytest.raises(IndexError, match="i=0, j=10"):
        S5.connect(i=[0], j=[10])
    assert len(S5) == 4


def test_state_access_and_counts():
    G = NeuronGroup(3, "v : volt")
    S = Synapses(G, G, "w : volt")
    S.connect("i != j")
    S.w = "(i - j) * mV"
    assert S.w[1, 0] / mV == pytest.approx([1])
    assert list(S.w[0, :] / mV) == pytest.approx([-1, -2])
    S.w["i > j"] = 5 * mV
    assert sorted(S.w_[:].tolist()) == pytest.approx([-2e-3, -1e-3, -1e-3, 5e-3, 5e-3, 5e-3])
    assert list(S.N_incoming) == [2] * 6 and list(S.N_outgoing) == [2] * 6
    with pytest.raises(Exception):
        S.w = 3 * second


def test_per_neuron_counts_and_clip_of_int_of_a_condition():
    # Brian2: N_incoming_post / N_outgoing_pre count per neuron (subgroups: relative indices)
    G = NeuronGroup(6, "v : 1", threshold="v > 1", reset="v = 0", refractory=1 * ms)
    H = NeuronGroup(5, "v : 1")
    S = Synapses(G, H[1:], "w : 1", on_pre="w = clip(w + 0.01*int(lastspike_pre >= 0*ms), 0, 1)")
    S.connect(i=[0, 1, 2, 3, 4, 5, 5], j=[0, 1, 2, 3, 0, 1, 3])
    assert S.N_incoming_post.tolist() == [2, 2, 1, 2]
    assert S.N_outgoing_pre.tolist() == [1, 1, 1, 1, 1, 2]
    G.v = 2
    Network(G, H, S).run(0.2 * ms)
    np.testing.assert_allclose(S.w[:], 0.01)


def test_bad_input_is_a_clear_error():
    start_scope()
    G = NeuronGroup(3, "v : 1", threshold="v > 1")
    with pytest.raises(Exception, match="second|time"):
        Synapses(G, G, "w : 1", on_pre="v += w", delay=1 * mV)
    with pytest.raises(ValueError, match="non-negative"):
        Synapses(G, G, "w : 1", on_pre="v += w", delay=-1 * ms)
    with pytest.raises(ValueError, match="threshold"):
        Synapses(NeuronGroup(2, "v:1"), G, "w : 1", on_pre="v += w")
    S = Synapses(G, G, "w : 1", on_pre="v += w")
    S.connect()
    with pytest.raises(ValueError, match="non-negative"):
        S.delay = -1 * ms
    with pytest.raises(Exception):
        S.delay = 1 * mV
    S3 = Synapses(G, G, "w : 1", on_pre="zz_post += w")   # checked at run, as in Brian2
    with pytest.raises(SyntaxError, match="zz_post"):
        Network(G, S3).run(0 * ms)
    S3.active = False
    S2 = Synapses(G, G, "w : 1", on_pre="v_post += w*undefined_thing")
    S2.connect()
    with pytest.raises(KeyError, match="undefined_thing"):
        run(0.1 * ms)
    S2.active = False
    start_scope()
    H = NeuronGroup(3, "y : 1")
    A = Synapses(H, H, "y_post = 1 : 1 (summed)")
    A.connect()
    B = Synapses(H, H, "y_post = 2 : 1 (summed)")
    B.connect()
    with pytest.raises(NotImplementedError, match="summed"):
        run(0.1 * ms)
    with pytest.raises(ValueError, match="summed"):
        Synapses(H, H, "q_post = 2 : 1 (summed)")
    with pytest.raises(SyntaxError, match="generator"):
        Synapses(H, H).connect(j="k for k in foo(3)")
    assert len(A) == 9  # still usable


def test_N_in_synaptic_code_is_the_number_of_synapses():
    src = SpikeGeneratorGroup(2, [0, 1], [1, 2] * ms)
    tgt = NeuronGroup(2, "v : volt")
    S = Synapses(src, tgt, on_pre="v_post += N*mV")
    S.connect(i=[0, 0, 1], j=[0, 1, 1])
    Network(src, tgt, S).run(5 * ms)
    assert list(tgt.v / mV) == [3.0, 6.0]


def test_timed_array_in_on_pre_and_in_one_off_expressions():
    ta = TimedArray([1, 2, 3] * mV, dt=1 * ms)
    src = SpikeGeneratorGroup(1, [0, 0, 0], [0.5, 1.5, 2.5] * ms)
    tgt = NeuronGroup(2, "v : volt")
    S = Synapses(src, tgt, on_pre="v_post += ta(t)")
    S.connect(i=0, j=0)
    tgt.v[1:] = "ta(0*ms) + 1*mV"  # a one-off kernel calling the TimedArray
    Network(src, tgt, S).run(4 * ms)
    assert list(tgt.v / mV) == [6.0, 2.0]


@pytest.mark.parametrize("pre", [[0, 0, 1, 1, 2], [2, 0, 1, 0, 1]])
def test_propagation_with_synapses_in_and_out_of_source_order(pre):
    """Synapses created in source order need no permutation; others go through one: both give
    each spike's synapses."""
    post = [0, 1, 1, 2, 0]
    weights = [1.0, 2.0, 4.0, 8.0, 16.0]
    src = SpikeGeneratorGroup(3, [0, 1, 2, 1], [1, 1, 2, 3] * ms)
    tgt = NeuronGroup(3, "v : 1")
    S = Synapses(src, tgt, "w : 1", on_pre="v_post += w")
    S.connect(i=pre, j=post)
    S.w = weights
    Network(src, tgt, S).run(5 * ms)
    expected = np.zeros(3)
    for spiker in [0, 1, 2, 1]:
        for p, q, w in zip(pre, post, weights):
            if p == spiker:
                expected[q] += w
    assert np.array_equal(tgt.v[:], expected)


def test_subgroup_to_subgroup_synapses_and_state_monitor_of_weights():
    G = NeuronGroup(6, "v : 1")
    src = NeuronGroup(4, "spike_at : second", threshold="abs(t - spike_at) < dt/2")
    src.spike_at = [9, 1, 9, 2] * ms  # neurons 1 and 3 fire once
    S = Synapses(src[1:4], G[2:5], "w : 1", on_pre="v_post += w")
    S.connect(i=[0, 2, 2], j=[0, 1, 2])  # relative to the subgroups
    S.w = "1 + i + 10*j"
    M = StateMonitor(S, "w", record=[0, 2])
    Network(src, G, S, M).run(4 * ms)
    assert list(S.i) == [0, 2, 2] and list(S.j) == [0, 1, 2]
    # neuron 1 of src is i=0 of the subgroup: hits G[2]; neuron 3 is i=2: hits G[3] and G[4]
    assert list(G.v[:]) == [0, 0, 1, 13, 23, 0]
    assert M.w.shape == (2, 40)
    assert np.all(M.w[0] == 1) and np.all(M.w[1] == 23)


def test_one_to_one_connect_and_a_failed_connect_leaves_no_synapses():
    G = NeuronGroup(3, "v : 1", threshold="v > 1")
    H = NeuronGroup(3, "v : 1")
    S = Synapses(G, H, on_pre="v += 1")
    with pytest.raises(IndexError, match="i=2, j=3"):
        S.connect(j="i + 1")
    assert len(S) == 0
    S.connect(j="i + 1", skip_if_invalid=True)
    assert list(S.i) == [0, 1] and list(S.j) == [1, 2]
    S.connect(j="i")
    assert list(S.i) == [0, 1, 0, 1, 2] and list(S.j) == [1, 2, 0, 1, 2]


def test_neuron_subexpressions_read_through_pre_and_post_suffixes():
    G = NeuronGroup(2, """v : 1
                          x = 2*v + i : 1""", threshold="v > 1")
    G.v = [0.25, 0.5]
    S = Synapses(G, G, """w : 1
                          y = x_pre : 1""", on_pre="w += x_post")
    S.connect()
    S.w = "x_post + y"
    assert list(S.w[:]) == [1.0, 2.5, 2.5, 4.0] and list(S.y[:]) == [0.5, 0.5, 2.0, 2.0]
    G.v = [2, 0.5]  # neuron 0 spikes at both steps
    Network(G, S).run(0.2 * ms)
    assert list(S.w[:]) == [9.0, 6.5, 2.5, 4.0]


def test_connect_arrays_with_n_and_p_like_brian2():
    G = NeuronGroup(4, "v : 1")
    S = Synapses(G, G, "w : 1")
    S.connect(i=0, j=[1, 2], n=2)                    # each pair n times, in order (Brian2)
    S.connect(i=[3, 3], j=[0, 1], n=[0, 3])
    assert S.i[:].tolist() == [0, 0, 0, 0, 3, 3, 3]
    assert S.j[:].tolist() == [1, 1, 2, 2, 1, 1, 1]
    seed(3)
    T = Synapses(G, G)
    T.connect(i=np.repeat(np.arange(4), 1000) % 4, j=0, p=0.25)   # numpy's generator thins
    assert 800 < len(T) < 1200
    T.connect(i=[0], j=[0], p=0)
    assert len(T) < 1200
    with pytest.raises(TypeError, match="string"):
        S.connect(i=[0], j=[1], n="2")
    with pytest.raises(ValueError, match="n must be"):
        S.connect(i=[0], j=[1], n=-1)


def test_multisynaptic_index_numbers_synapses_between_the_same_pair():
    G = NeuronGroup(3, "v : 1", threshold="True", reset="")
    H = NeuronGroup(3, "v : 1")
    S = Synapses(G, H, "w : 1", on_pre="v_post += 10**syn_k", multisynaptic_index="syn_k")
    S.connect(i=[0, 1], j=[2, 0], n=2)
    S.connect(i=0, j=2)                                # numbered after the earlier two
    assert S.syn_k[:].tolist() == [0, 1, 0, 1, 2]
    S.w = "syn_k"
    assert S.w[:].tolist() == [0, 1, 0, 1, 2]
    with pytest.raises(TypeError):
        S.syn_k = 3
    with pytest.raises(ValueError, match="already"):
        Synapses(G, H, "w : 1", multisynaptic_index="w")
    Network(G, H, S).run(0.1 * ms)
    assert H.v[:].tolist() == [11, 0, 111]
