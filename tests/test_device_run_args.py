"""``device.run(run_args=...)``: a standalone-mode script simulated again from its initial state
with other initial values (Brian2's "multiple full simulation runs"), replayed natively without
compiling anything, giving bit for bit what a fresh simulation with those values gives."""
import numpy as np
import pytest

from brianjit import (DimensionMismatchError, Network, NeuronGroup, SpikeMonitor, StateMonitor,
                      TimedArray, all_devices, device, mV, ms, reset_device, run, seed,
                      set_device)
from brianjit.devices.device import previous_devices
from brianjit.jit import compile_counts

LIF = """dv/dt = (v0 - v) / tau : volt (unless refractory)
         v0 : volt
         tau : second"""


@pytest.fixture
def standalone():
    depth = len(previous_devices)
    set_device("cpp_standalone", build_on_run=False)
    yield device
    all_devices["cpp_standalone"].reinit()   # forget the recorded simulation
    while len(previous_devices) > depth:
        reset_device()


def lif(tau=10 * ms, v0=20 * mV, n=3):
    group = NeuronGroup(n, LIF, threshold="v > 10*mV", reset="v = 0*mV", refractory=2 * ms,
                        method="exact", name="G")
    group.tau = tau
    group.v0 = v0
    return group, SpikeMonitor(group), StateMonitor(group, "v", record=True)


def fresh(tau=10 * ms, v0=20 * mV, duration=50 * ms):
    """The same simulation, with the values set directly, on the runtime device."""
    group, spikes, trace = lif(tau, v0)
    Network(group, spikes, trace).run(duration)
    return spikes.t_[:].copy(), spikes.i[:].copy(), trace.v_[:].copy()


def results(spikes, trace):
    return spikes.t_[:].copy(), spikes.i[:].copy(), trace.v_[:].copy()


def assert_as_fresh(replayed, tau, devices_set=1):
    """``replayed`` is bit for bit what a fresh run with ``tau`` gives on the runtime device."""
    for _ in range(devices_set):
        reset_device()
    assert_same(replayed, fresh(tau=tau))


def assert_same(got, expected):
    for a, b in zip(got, expected):
        assert a.shape == b.shape and a.tobytes() == b.tobytes()


def test_run_args_change_the_rate_as_a_fresh_run_does_without_compiling(standalone):
    group, spikes, trace = lif()
    run(50 * ms)
    before_count = spikes.num_spikes
    device.build(directory=None)
    compiled = compile_counts()["compiled"]
    device.run(run_args={group.tau: 5 * ms})
    assert compile_counts()["compiled"] == compiled
    assert spikes.num_spikes > before_count            # a shorter time constant fires faster
    assert_as_fresh(results(spikes, trace), tau=5 * ms)


def test_several_runs_in_a_row_each_start_from_the_initial_state(standalone):
    group, spikes, trace = lif()
    run(50 * ms)
    first = results(spikes, trace)
    device.run(run_args={group.tau: 4 * ms})
    device.run(run_args={group.tau: 20 * ms})
    slow = results(spikes, trace)
    device.run(run_args={group.tau: 10 * ms})
    assert_same(results(spikes, trace), first)
    device.run()                                       # the script's own values again
    assert_same(results(spikes, trace), first)
    assert float(group.t_[:]) == pytest.approx(0.05)
    reset_device()
    assert_same(slow, fresh(tau=20 * ms))


def test_arrays_as_values(standalone):
    group, spikes, trace = lif()
    run(50 * ms)
    v0 = np.array([12.0, 20.0, 30.0]) * mV
    device.run(run_args={group.v0: v0, group.tau: 8 * ms})
    replayed = results(spikes, trace)
    counts = np.bincount(spikes.i[:], minlength=3)
    assert counts[0] < counts[1] < counts[2]
    reset_device()
    group2, spikes2, trace2 = lif(8 * ms, v0)
    Network(group2, spikes2, trace2).run(50 * ms)
    assert_same(replayed, results(spikes2, trace2))


def test_string_run_args_in_si_units(standalone):
    group, spikes, trace = lif()
    run(50 * ms)
    device.run(run_args=["G.tau=0.005"])
    assert_as_fresh(results(spikes, trace), tau=5 * ms)


def test_several_runs_are_replayed(standalone):
    group, spikes, trace = lif()
    run(20 * ms)
    run(30 * ms)
    device.run(run_args={group.tau: 5 * ms})
    assert_as_fresh(results(spikes, trace), tau=5 * ms)


def test_apply_run_args_before_the_first_run(standalone):
    group, spikes, trace = lif()
    device.apply_run_args()
    run(50 * ms)
    with pytest.raises(RuntimeError, match="only be called once"):
        device.apply_run_args()
    device.run(run_args={group.tau: 5 * ms})
    assert_as_fresh(results(spikes, trace), tau=5 * ms)


def test_values_set_after_apply_run_args_are_refused_not_lost(standalone):
    group, spikes, trace = lif()
    device.apply_run_args()
    group.v0 = 15 * mV      # in Brian2 this would override a run_args value for v0
    run(5 * ms)
    with pytest.raises(NotImplementedError, match="after apply_run_args"):
        device.run(run_args={group.tau: 5 * ms})


def test_build_on_run_scripts_can_run_again(standalone):
    set_device("cpp_standalone")                # build_on_run=True: the first run builds
    group, spikes, trace = lif()
    run(50 * ms)
    device.run(run_args={group.tau: 5 * ms})
    assert_as_fresh(results(spikes, trace), tau=5 * ms, devices_set=2)


def test_build_with_run_args(standalone):
    group, spikes, trace = lif()
    run(50 * ms)
    device.build(run_args={group.tau: 5 * ms})
    assert_as_fresh(results(spikes, trace), tau=5 * ms)


def test_seeded_noise_repeats_on_a_replay(standalone):
    seed(4)
    group = NeuronGroup(5, "dv/dt = -v/(10*ms) + sigma*xi/sqrt(ms) : 1\nsigma : 1", name="N")
    group.sigma = 0.5
    trace = StateMonitor(group, "v", record=True)
    run(10 * ms)
    first = trace.v[:].copy()
    device.run(run_args={group.sigma: 0.5})
    assert first.tobytes() == trace.v[:].tobytes()


def test_errors_name_the_variable(standalone):
    group, spikes, trace = lif()
    run(5 * ms)
    with pytest.raises(DimensionMismatchError, match="G.tau"):
        device.run(run_args={group.tau: 5 * mV})
    with pytest.raises(TypeError, match="Incorrect size for variable 'G.v0'"):
        device.run(run_args={group.v0: np.ones(2) * mV})
    with pytest.raises(TypeError, match="VariableView"):
        device.run(run_args={"tau": 5 * ms})
    with pytest.raises(KeyError, match="no object named 'H'"):
        device.run(run_args=["H.tau=0.005"])
    with pytest.raises(KeyError, match="no variable 'w'"):
        device.run(run_args=["G.w=1"])
    with pytest.raises(ValueError, match="must be a number"):
        device.run(run_args=["G.tau=file.dat"])
    with pytest.raises(RuntimeError, match="only be called once"):
        device.apply_run_args()


def test_a_state_change_between_runs_is_refused_not_replayed_wrongly(standalone):
    group, spikes, trace = lif()
    run(5 * ms)
    group.v = 5 * mV
    run(5 * ms)
    script_results = results(spikes, trace)
    with pytest.raises(NotImplementedError, match="changed the state of"):
        device.run(run_args={group.tau: 5 * ms})
    device.run()                      # the script's own results are there: nothing to replay
    assert_same(results(spikes, trace), script_results)


def test_nothing_to_run_again(standalone):
    group, spikes, trace = lif()
    device.run()
    with pytest.raises(RuntimeError, match="no simulation to run again"):
        device.run(run_args={group.tau: 5 * ms})


def test_unseeded_noise_is_fresh_on_a_replay_as_a_new_standalone_binary(standalone):
    group = NeuronGroup(5, "dv/dt = -v/(10*ms) + sigma*xi/sqrt(ms) : 1\nsigma : 1", name="N")
    group.sigma = 0.5
    trace = StateMonitor(group, "v", record=True)
    seed()                                  # a seed from the OS, as if seed(k) was never called
    run(10 * ms)
    first = trace.v[:].copy()
    device.run()
    assert first.shape == trace.v[:].shape
    assert not np.array_equal(first, trace.v[:])


def test_run_args_among_the_build_options_of_a_build_on_run_script(standalone):
    set_device("cpp_standalone", run_args=["G.tau=0.005"])   # the first run builds with them
    group, spikes, trace = lif()
    run(50 * ms)
    assert_as_fresh(results(spikes, trace), tau=5 * ms, devices_set=2)


def test_timed_array_values_as_run_args(standalone):
    drive = TimedArray(np.array([20.0, 12.0, 30.0]) * mV, dt=15 * ms, name="drive")
    group = NeuronGroup(1, "dv/dt = (drive(t) - v) / (5*ms) : volt", threshold="v > 10*mV",
                        reset="v = 0*mV", method="exact", name="G")
    spikes = SpikeMonitor(group)
    trace = StateMonitor(group, "v", record=True)
    run(45 * ms)
    first = results(spikes, trace)
    new = np.array([30.0, 5.0, 15.0]) * mV
    with pytest.raises(TypeError, match="Incorrect size for variable 'drive.values'"):
        device.run(run_args={drive: new[:2]})
    compiled = compile_counts()["compiled"]
    device.run(run_args={drive: new})
    assert compile_counts()["compiled"] == compiled
    replayed = results(spikes, trace)
    device.run()                                  # the script's values again
    assert_same(results(spikes, trace), first)
    reset_device()
    drive.values = new
    group2 = NeuronGroup(1, "dv/dt = (drive(t) - v) / (5*ms) : volt", threshold="v > 10*mV",
                         reset="v = 0*mV", method="exact")
    spikes2, trace2 = SpikeMonitor(group2), StateMonitor(group2, "v", record=True)
    Network(group2, spikes2, trace2).run(45 * ms)
    assert_same(replayed, results(spikes2, trace2))


def test_a_failed_run_is_refused_not_replayed_wrongly(standalone):
    group = NeuronGroup(1, "dv/dt = -v / tau_missing : 1", name="G")
    with pytest.raises(Exception, match="tau_missing"):
        run(1 * ms)
    tau_missing = 5 * ms  # noqa: F841  (found by the next run's namespace)
    run(1 * ms)
    with pytest.raises(NotImplementedError, match="a run of 'magicnetwork' failed"):
        device.run(run_args={group.v: 1})
