"""store()/restore(): every state variable, spike space and recording round-trips (in memory
and through a file), a restored run continues bit-identically, nothing recompiles, bad input is
clear."""
import numpy as np
import pytest

from brianjit import (Network, NetworkOperation, NeuronGroup, PopulationRateMonitor,
                      SpikeMonitor, StateMonitor, Synapses, defaultclock, ms, restore, run, seed,
                      start_scope, store)


def _network(name):
    """A noisy, refractory LIF population with every kind of monitor and a run_regularly."""
    G = NeuronGroup(30, """dv/dt = (1.1 - v)/(10*ms) + 0.4*xi/sqrt(ms) : 1 (unless refractory)
                           count : integer
                           flag : boolean""",
                    threshold="v > 1", reset="v = 0; count += 1; flag = not flag",
                    refractory=1.5 * ms, method="euler", name=name)
    G.run_regularly("v += 0.05*rand()", dt=0.5 * ms, name=f"{name}_kick")
    monitors = [StateMonitor(G, ["v", "count"], record=[0, 3, 29], name=f"{name}_state"),
                SpikeMonitor(G, variables="v", name=f"{name}_spikes"),
                PopulationRateMonitor(G, name=f"{name}_rate")]
    return G, monitors, Network(G, *monitors)


def _everything(net):
    """Copies of every array store() must cover, by object and array name."""
    return {(obj.name, key): np.array(array.data, copy=True)
            for obj in net._all_objects() if hasattr(obj, "state_arrays")
            for key, array in obj.state_arrays().items()}


def _assert_same(a, b):
    assert a.keys() == b.keys()
    for key in a:
        assert a[key].shape == b[key].shape and np.array_equal(a[key], b[key]), key


def test_round_trip_in_memory_of_all_state_and_recordings():
    seed(11)
    G, (M, S, R), net = _network("rt")
    net.run(5 * ms)
    before = _everything(net)
    assert S.num_spikes > 0 and ("rt", "lastspike") in before and ("rt", "_spikespace") in before
    net.store("five")
    net.run(3 * ms)
    assert len(M.t) == 80
    program = net._program
    net.restore("five")
    _assert_same(before, _everything(net))
    assert net.t == 5 * ms and defaultclock.t == 5 * ms
    assert len(M.t) == 50 and M.v.shape == (3, 50) and len(R.t) == 50
    assert S.num_spikes == len(before[("rt_spikes", "i")])
    net.run(1 * ms)
    assert net._program is program  # restoring never recompiles


def test_restored_run_continues_bit_identically():
    seed(12)
    G, (M, S, R), net = _network("cont")
    net.store("start")
    net.run(10 * ms)
    uninterrupted = _everything(net)
    net.restore("start", restore_random_state=True)
    net.run(4 * ms)
    net.store("mid")
    net.run(6 * ms)
    _assert_same(uninterrupted, _everything(net))  # store in the middle changes nothing
    net.restore("mid", restore_random_state=True)
    net.run(2.5 * ms)
    net.run(3.5 * ms)
    _assert_same(uninterrupted, _everything(net))  # neither do the restore and new chunking


def test_round_trip_through_a_file_with_several_snapshots(tmp_path):
    seed(13)
    G, (M, S, R), net = _network("file")
    path = tmp_path / "snapshots.npz"
    net.store("zero", filename=path)
    net.run(2 * ms)
    at_two = _everything(net)
    net.store("two", filename=str(path))
    net.run(3 * ms)
    net.restore("two", filename=path)
    _assert_same(at_two, _everything(net))
    assert net.t == 2 * ms
    net.restore("zero", filename=path)
    assert net.t == 0 * ms and len(M.t) == 0 and S.num_spikes == 0
    with np.load(path, allow_pickle=False) as archive:  # plain arrays only, no code
        assert "two/file/v" in archive.files and "zero/_network/t" in archive.files
    net.store("two", filename=path)  # replaces that snapshot, keeps the others
    with np.load(path, allow_pickle=False) as archive:
        assert float(archive["two/_network/t"]) == 0.0 and "zero/file/v" in archive.files


def test_restore_random_state():
    seed(14)
    G = NeuronGroup(5, "x : 1", name="rnd")
    net = Network(G)
    net.store()
    G.x = "rand()"
    first = G.x[:]
    np_first = np.random.rand()
    net.restore(restore_random_state=True)
    G.x = "rand()"
    assert np.array_equal(G.x[:], first) and np.random.rand() == np_first
    net.restore()
    G.x = "rand()"
    assert not np.array_equal(G.x[:], first)


def test_clock_dt_is_restored():
    G = NeuronGroup(1, "dv/dt = 1/ms : 1", method="euler", name="dtg")
    net = Network(G)
    net.run(1 * ms)
    net.store()
    defaultclock.dt = 0.5 * ms
    try:
        net.run(1 * ms)
        net.restore()
        assert defaultclock.dt == 0.1 * ms and defaultclock.t == 1 * ms
        net.run(1 * ms)
        assert G.v[0] == pytest.approx(2.0)
    finally:
        defaultclock.dt = 0.1 * ms


def test_module_level_store_and_restore():
    start_scope()
    G = NeuronGroup(2, "dv/dt = 1/ms : 1", method="euler", name="magicstore")
    M = StateMonitor(G, "v", record=0)
    run(1 * ms)
    store("here")
    run(1 * ms)
    restore("here")
    assert len(M.t) == 10 and G.v[0] == pytest.approx(1.0)
    run(1 * ms)
    assert np.allclose(M.v[0], np.arange(20) * 0.1)


def test_bad_input(tmp_path):
    G, monitors, net = _network("bad")
    net.run(1 * ms)
    with pytest.raises(KeyError, match="'nothing'"):
        net.restore("nothing")
    with pytest.raises(ValueError, match="snapshot name"):
        net.store("a/b")
    net.store()
    extra = StateMonitor(G, "v", record=1, name="bad_extra")
    net.add(extra)
    with pytest.raises(KeyError, match="bad_extra"):
        net.restore()
    net.remove(extra)
    net.restore()  # still fine without it
    net.remove(monitors[0])
    with pytest.raises(KeyError, match="bad_state"):
        net.restore()
    net.add(monitors[0])
    net.add(NetworkOperation(lambda: None))  # stateless objects do not matter
    net.restore()
    with pytest.raises(ValueError, match="not a file written by store"):
        (tmp_path / "junk.npz").write_text("not an archive")
        net.restore(filename=tmp_path / "junk.npz")
    net.store("x", filename=tmp_path / "one.npz")
    with pytest.raises(KeyError, match="no snapshot called 'y'"):
        net.restore("y", filename=tmp_path / "one.npz")


def _delayed_network():
    """Noisy neurons driving each other through heterogeneous delays: spikes are in flight in the
    pathway's ring at any moment."""
    seed(21)
    G = NeuronGroup(40, "dv/dt = (1.1 - v)/(10*ms) + 0.3*xi/sqrt(ms) : 1", threshold="v > 1",
                    reset="v = 0", method="euler")
    S = Synapses(G, G, "w : 1", on_pre="v_post += w")
    S.connect(p=0.2)
    S.w = "0.05*rand()"
    S.delay = "(1 + 4*rand())*ms"
    M = SpikeMonitor(G)
    return G, S, M, Network(G, S, M)


def test_synapses_and_spikes_in_flight_round_trip_bit_identically():
    G, S, M, net = _delayed_network()
    net.run(20 * ms)
    net.store("mid")
    net.run(30 * ms)
    uninterrupted = (G.v_[:].copy(), M.i.copy(), M.t_.copy(), S.w[:].copy())
    net.restore("mid", restore_random_state=True)
    assert len(M.i) < len(uninterrupted[1])
    net.run(30 * ms)
    for after, before in zip((G.v_[:], M.i, M.t_, S.w[:]), uninterrupted):
        assert np.array_equal(after, before)


def test_restore_without_its_random_state_gives_fresh_noise_like_brian2():
    """Repeated trials after restore() differ (Brian2's generator goes on), reproducibly."""
    def trials():
        seed(5)
        G, S, M, net = _delayed_network()
        net.store()
        counts = []
        for _ in range(3):
            net.restore()
            net.run(20 * ms)
            counts.append(M.i.tolist())
        return counts
    first = trials()
    assert first[0] != first[1] != first[2]
    assert trials() == first
