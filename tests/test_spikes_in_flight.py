"""Spikes in flight (objects/spikes_in_flight.py, kernel.Propagate): delivery times against a plain
Python model of Brian2's spike queue, across changes of dt, delays and synapses between runs;
memory that follows what is in flight; native growth that fails cleanly."""
import gc
import subprocess
import sys
import textwrap
from collections import defaultdict

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from brianjit.objects import synaptic_pathway
from brianjit.objects.spikes_in_flight import build_index, dense_offsets, pending_events
from brianjit.only import *  # noqa: F401,F403
from test_network_features_store import _delayed_network

N_SOURCE, N_TARGET = 4, 3
DTS = (0.1e-3, 0.2e-3, 0.5e-3)


def _half_up(x):
    return np.floor(np.asarray(x) + 0.5).astype(np.int64)


def reference_arrivals(segments, spikes, synapses):
    """{synapse: [arrival times]} as Brian2's SpikeQueue delivers them: each event gets its
    step when its spike is emitted (delay/dt rounded half up) and keeps it; when dt changes,
    the remaining steps are rescaled (rounded half up); synapses get only later spikes."""
    events, arrivals, t, previous = [], defaultdict(list), 0.0, None
    for k, (dt, n_steps, delays, n_synapses) in enumerate(segments):
        now = int(round(t / dt))
        if previous is not None and previous[0] != dt:
            old_dt, old_now = previous
            events = [(now + int(_half_up((T - old_now) * (old_dt / dt))), s) for T, s in events]
        steps = _half_up(np.asarray(delays) / dt)
        for step in range(now, now + n_steps):
            for neuron in spikes[k].get(step, ()):
                events += [(step + steps[s], s) for s in range(n_synapses)
                           if synapses[s][0] == neuron]
            arrivals_now = [(T, s) for T, s in events if T == step]
            events = [(T, s) for T, s in events if T != step]
            for _, s in arrivals_now:
                arrivals[s].append(step * dt)
        t = (now + n_steps) * dt
        previous = (dt, now + n_steps)
    return arrivals


segment = st.tuples(st.sampled_from(DTS), st.integers(1, 4),  # dt, duration in ms
                    st.booleans(), st.integers(0, 3))  # new delays?, synapses added


@pytest.mark.parametrize("dense", [True, False], ids=["dense table", "group search"])
@settings(max_examples=10)
@given(pairs=st.lists(st.tuples(st.integers(0, N_SOURCE - 1), st.integers(0, N_TARGET - 1)),
                      min_size=1, max_size=8),
       delays=st.lists(st.integers(0, 40), min_size=20, max_size=20),  # units of 0.05 ms
       rates=st.lists(st.floats(0, 0.5), min_size=N_SOURCE, max_size=N_SOURCE),
       segments=st.lists(segment, min_size=1, max_size=3),
       seed_value=st.integers(0, 1000))
def test_delivery_times_match_brian2s_queue(dense, pairs, delays, rates, segments, seed_value):
    gc.collect()  # the names below must be free: identical names give identical, cached code
    start_scope()
    seed(seed_value)
    with pytest.MonkeyPatch.context() as patch:
        if not dense:  # the kernel's other way to find a spike's synapses: search the groups
            patch.setattr(synaptic_pathway, "dense_offsets",
                          lambda index, n: np.zeros(0, dtype=np.int32))
        _check_delivery_times(pairs, delays, rates, segments)


def _check_delivery_times(pairs, delays, rates, segments):
    try:
        source = NeuronGroup(N_SOURCE, "p : 1", threshold="rand() < p", name="flight_source")
        source.p = rates
        target = NeuronGroup(N_TARGET, "", name="flight_target")
        S = Synapses(source, target, "n_in : 1\nt_in : second\nt2_in : second**2",
                     on_pre="n_in += 1\nt_in += t\nt2_in += t**2", name="flight_synapses")
        monitor = SpikeMonitor(source, name="flight_monitor")
        net = Network(source, target, S, monitor)
        delay_values, spikes, plan, all_pairs, used = list(delays), [], [], [], 0
        for k, (dt, duration, new_delays, added) in enumerate(segments):
            new_pairs = pairs if k == 0 else pairs[:added]
            if new_pairs:
                S.connect(i=[p[0] for p in new_pairs], j=[p[1] for p in new_pairs])
                all_pairs += new_pairs
            if new_delays or k == 0:
                delay_values = delay_values[used:] + delay_values[:used]
                used = (used + 3) % len(delay_values)
            current = [delay_values[s % len(delay_values)] * 0.05e-3 for s in range(len(S))]
            S.delay = current * second
            defaultclock.dt = dt * second
            n_steps = int(round(duration * 1e-3 / dt))
            seen = len(monitor.i)
            net.run(duration * ms)
            steps = defaultdict(list)
            for i, t_spike in zip(monitor.i[seen:], monitor.t_[seen:]):
                steps[int(round(t_spike / dt))].append(int(i))
            spikes.append(steps)
            plan.append((dt, n_steps, current, len(S)))
        expected = reference_arrivals(plan, spikes, all_pairs)
        for s in range(len(S)):
            times = np.asarray(expected.get(s, []))
            assert S.n_in[s] == len(times)
            assert S.t_in_[s] == pytest.approx(times.sum(), rel=1e-9, abs=1e-15)
            assert S.t2_in_[s] == pytest.approx((times ** 2).sum(), rel=1e-9, abs=1e-18)
    finally:
        defaultclock.dt = 0.1 * ms


def test_index_groups_synapses_by_neuron_and_delay_class():
    sources = np.array([2, 0, 2, 0, 2], dtype=np.int32)
    index = build_index(sources, np.array([3, 1, 1, 1, 3]), 3)
    assert index.delays.tolist() == [1, 3]
    assert index.neuron_groups.tolist() == [0, 1, 1, 3]  # neuron 1 has no synapses
    assert index.group_class.tolist() == [0, 0, 1]
    assert index.group_first.tolist() == [0, 2, 3, 5]
    assert index.order.tolist() == [1, 3, 2, 0, 4]
    # a spike of neuron 2 at step 10 reaches synapses 2 (delay 1) then 0 and 4 (delay 3)
    events = pending_events(index, np.array([10]), np.array([2]), now=11)
    assert events.tolist() == [[11, 2], [13, 0], [13, 4]]
    assert pending_events(index, np.array([10]), np.array([2]), now=12).tolist() == \
        [[13, 0], [13, 4]]


def test_dense_table_only_while_it_is_small():
    index = build_index(np.array([2, 0, 2, 0, 2], dtype=np.int32), np.array([3, 1, 1, 1, 3]), 3)
    # (neuron, class) -> positions in order: (0, delay 1) 0:2, (2, delay 1) 2:3, (2, delay 3) 3:5
    assert dense_offsets(index, 3).tolist() == [0, 2, 2, 2, 2, 3, 5]
    many = build_index(np.arange(50, dtype=np.int32), np.arange(50), 50)  # 50 classes
    assert dense_offsets(many, 50).size == 0


def test_many_delay_classes_search_the_groups():
    """Each of 30 synapses has its own delay: the (neuron, class) table would be 10 x 30, so the
    kernel searches the neurons' groups instead; arrivals are the same."""
    start_scope()
    G = SpikeGeneratorGroup(10, [0, 1, 2, 0, 9], [0, 0.3, 0.5, 2, 1] * ms)
    H = NeuronGroup(3, "v : 1")
    S = Synapses(G, H, "arrived : second", on_pre="arrived = t\nv_post += 1")
    S.connect(i=np.repeat(np.arange(10), 3), j=np.tile(np.arange(3), 10))
    S.delay = "(i*0.3 + j*0.1 + 0.1) * ms"
    run(8 * ms)
    assert S.pathways[0].offsets.data.size == 0
    last_spike = {0: 2, 1: 0.3, 2: 0.5, 9: 1}
    for k in range(len(S)):
        i, j = S.i[k], S.j[k]
        expected = last_spike[i] + i * 0.3 + j * 0.1 + 0.1 if i in last_spike else 0
        assert S.arrived_[k] * 1e3 == pytest.approx(expected)
    assert H.v[:].tolist() == [5] * 3


def test_synapses_in_source_order_need_no_permutation():
    index = build_index(np.array([0, 0, 1, 3], dtype=np.int32), np.array([5]), 4)
    assert index.order.size == 0 and index.delays.tolist() == [5]


def test_order_of_arrivals_in_one_step_is_brian2s():
    """Older spikes first, then source neuron, then synapse (golden value from Brian2 2.9.0:
    the code is order dependent)."""
    start_scope()
    G = SpikeGeneratorGroup(3, [2, 0, 1, 0], [0, 0, 0.5, 1] * ms)
    H = NeuronGroup(1, "v : 1")
    S = Synapses(G, H, "w : 1", on_pre="v_post = 2*v_post + w")
    S.connect(i=[0, 1, 2, 0], j=0)
    S.w = [1, 2, 3, 4]
    S.delay = [2, 1.5, 2, 1] * ms
    run(3 * ms)
    # at 1 ms: synapse 3 (v = 4); at 2 ms: synapse 0 (neuron 0's spike at 0 ms), 2 (neuron
    # 2's at 0 ms), 1 (neuron 1's at 0.5 ms), 3 (neuron 0's at 1 ms)
    v = 4.0
    for w in (1, 3, 2, 4):
        v = 2 * v + w
    assert H.v[0] == v == 92


def test_run_in_pieces_gives_the_same_deliveries():
    def simulate(pieces):
        start_scope()
        seed(3)
        G = NeuronGroup(20, "", threshold="rand() < 0.05")
        H = NeuronGroup(5, "v : 1")
        S = Synapses(G, H, "w : 1", on_pre="v_post = 0.5*v_post + w")
        S.connect(p=0.5)
        S.w = "i + 0.1*j"
        S.delay = "(i % 7) * 0.3*ms"
        for _ in range(pieces):
            run(12 * ms / pieces)
        return H.v[:].copy()
    assert np.array_equal(simulate(1), simulate(12))


def test_delays_that_grow_or_shrink_keep_the_spikes_in_flight():
    start_scope()
    G = SpikeGeneratorGroup(1, [0, 0], [0.2, 1.5] * ms)
    H = NeuronGroup(2, "v : 1")
    S = Synapses(G, H, on_pre="v_post += 1")
    S.connect(i=0, j=[0, 1])
    S.delay = 1 * ms
    M = StateMonitor(H, "v", record=True)
    run(1 * ms)  # the first spike is in flight
    S.delay = [5, 0.1] * ms
    run(8 * ms)
    # the first spike arrives 1 ms after it left (at 1.2 ms), the second with the new delays
    arrivals = [[float(M.t[k] / ms) for k in np.flatnonzero(np.diff(M.v[j]))] for j in range(2)]
    assert arrivals == [pytest.approx([1.2, 6.5]), pytest.approx([1.2, 1.6])]


def test_long_delays_cost_what_is_in_flight_not_delay_times_population():
    """S.delay = 1000 s for 100 neurons: a few spikes in flight, under a 1.5 GB address space
    limit (the former ring needed depth x (N+1) int32 = 4 GB)."""
    script = textwrap.dedent("""
        import resource
        from brianjit.only import *
        G = NeuronGroup(100, "", threshold="rand() < 50*Hz*dt")
        H = NeuronGroup(100, "v : 1")
        S = Synapses(G, H, "w : 1", on_pre="v_post += w")
        S.connect()
        S.w = 1
        run(defaultclock.dt)  # compiled while memory is plentiful
        resource.setrlimit(resource.RLIMIT_AS, (1500 * 2**20, resource.RLIM_INFINITY))
        S.delay = 1000 * second
        before = H.v[:].sum()
        run(100 * ms)
        pathway = S.pathways[0]
        spikes, steps = pathway.spikes, pathway.steps
        print(len(spikes), spikes.capacity * 4 + steps.capacity * 16 < 10**6,
              H.v[:].sum() == before)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    n, small, nothing_arrived = done.stdout.split()
    assert 250 < int(n) < 750 and small == "True" and nothing_arrived == "True"


def test_spikes_in_flight_outgrowing_memory_raise_memoryerror():
    script = textwrap.dedent("""
        import resource
        from brianjit.only import *
        G = NeuronGroup(100000, "", threshold="True")
        H = NeuronGroup(1, "v : 1")
        S = Synapses(G, H, on_pre="v_post += 1", delay=1000 * second)
        S.connect(j="0")
        net = Network(G, H, S)
        net.run(defaultclock.dt)
        resource.setrlimit(resource.RLIMIT_AS, (600 * 2**20, resource.RLIM_INFINITY))
        try:
            net.run(1 * second)  # 400 kB of spikes per step
        except MemoryError as err:
            print("MemoryError")
        pathway = S.pathways[0]
        spikes, steps = pathway.spikes.data, pathway.steps.data
        print(len(spikes) == steps[:, 1].sum() == 100000 * len(steps),
              bool((spikes < 100000).all()))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["MemoryError", "True", "True"]


def test_snapshots_hold_the_spikes_in_flight_not_the_index(tmp_path):
    start_scope()
    G, S, M, net = _delayed_network()
    assert {"_pre_spikes", "_pre_steps", "_pre_pending", "_pre_queue_dt"} <= set(S.state_arrays())
    assert not {"_pre_order", "_pre_classes", "_pre_offsets", "_pre_groups"} & set(S.state_arrays())
    net.run(20 * ms)
    net.store("mid", filename=tmp_path / "mid.npz")
    net.run(20 * ms)
    uninterrupted = (M.i.copy(), M.t_.copy(), G.v_[:].copy())
    S.delay = "10*ms"  # other delays; restoring brings the old ones back, and their index
    net.run(5 * ms)
    net.restore("mid", filename=tmp_path / "mid.npz", restore_random_state=True)
    net.run(20 * ms)
    for after, before in zip((M.i, M.t_, G.v_[:]), uninterrupted):
        assert np.array_equal(after, before)


def test_a_snapshot_with_impossible_spikes_in_flight_is_refused(tmp_path):
    start_scope()
    G, S, M, net = _delayed_network()
    net.run(10 * ms)
    assert len(S.pathways[0].spikes)
    net.store("x", filename=tmp_path / "x.npz")
    arrays = dict(np.load(tmp_path / "x.npz"))
    key = next(k for k in arrays if k.endswith("_pre_spikes"))
    arrays[key][0] = 40  # a neuron the group does not have
    np.savez(tmp_path / "bad.npz", **arrays)
    with pytest.raises(ValueError, match="spikes in flight"):
        net.restore("x", filename=tmp_path / "bad.npz")
