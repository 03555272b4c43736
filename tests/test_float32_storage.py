"""``prefs.core.default_float_dtype = float32``: float variables made afterwards are stored as
float32, computed in double and rounded once when stored (codegen/types.py); time stays float64.

References: numpy float32 arrays updated in double and rounded at each step (the exact rounding
points), float64 runs of the same networks (float32 tolerance), Brian2's rules for what is
float32 (objects/dtypes.py)."""
import numpy as np
import pytest
from threaded_runs import distinct_results, run_with_threads

from brianjit import (EventMonitor, Network, NeuronGroup, PoissonInput, PreferenceError,
                      SpikeMonitor, StateMonitor, Synapses, TimedArray, defaultclock, ms, mV,
                      prefs, restore, run, second, seed, start_scope, store)
from brianjit.kernel import storage_kind
from brianjit.utils.logger import catch_logs

F32, F64 = np.dtype(np.float32), np.dtype(np.float64)


@pytest.fixture
def float32():
    start_scope()
    prefs.core.default_float_dtype = np.float32
    yield
    prefs.reset_to_defaults()


@pytest.fixture(autouse=True)
def _defaults_afterwards():
    yield
    prefs.reset_to_defaults()


# ---- the preference ----------------------------------------------------------------------------

@pytest.mark.parametrize("value", [np.float32, "float32", np.dtype(np.float32), np.float64])
def test_float32_and_float64_are_accepted_without_a_warning(value):
    with catch_logs(only_from=("brianjit",)) as logs:
        prefs.core.default_float_dtype = value
    assert prefs.core.default_float_dtype is value and logs == []


@pytest.mark.parametrize("value", [np.float16, np.int32, int, "int64", np.longdouble, "volt"])
def test_other_float_dtypes_are_refused_with_a_clear_error(value):
    with pytest.raises(PreferenceError, match="default_float_dtype.*float32 or float64"):
        prefs.core.default_float_dtype = value
    assert prefs.core.default_float_dtype is np.float64


def test_another_integer_dtype_is_still_remembered_with_a_warning():
    with catch_logs(only_from=("brianjit",)) as logs:
        prefs.core.default_integer_dtype = np.int64
    assert [entry[1] for entry in logs] == ["brianjit.preferences.unsupported_dtype"]


# ---- what is float32, what stays float64 -----------------------------------------------------

def _lif_network():
    G = NeuronGroup(5, """dv/dt = (I - v)/(10*ms) : volt (unless refractory)
                          I : volt
                          n : integer
                          flag : boolean
                          doubled = 2*v : volt""",
                    threshold="v > 10*mV", reset="v = 0*mV", refractory=1 * ms, method="exact")
    G.I = "20*mV*i/4"
    S = Synapses(G, G, "w : volt", on_pre="v_post += w")
    return G, S


def test_user_facing_arrays_of_float_variables_are_float32_and_time_float64(float32):
    G, S = _lif_network()
    G2 = NeuronGroup(5, "s : volt")
    S2 = Synapses(G, G2, "w2 : volt\ns_post = w2 : volt (summed)")
    S2.connect(j="i")
    S.connect(p=0.5)
    S.w = 0.5 * mV
    M = StateMonitor(G, ["v", "doubled", "n", "flag"], record=True)
    P = SpikeMonitor(G, variables="v")
    E = EventMonitor(G, "spike", variables=["v", "I"])
    run(20 * ms)
    for values in (G.v[:], G.v_[:], np.asarray(G.v), G.I[:], G.doubled[:], S.w[:], G2.s[:],
                   M.v, M.v_, M.doubled, P.v, E.I, G.get_states()["v"]):
        assert values.dtype == F32
    assert M.n.dtype == np.int32 and G.n[:].dtype == np.int32 and M.flag.dtype == np.bool_
    for values in (G.lastspike[:], G.t[:], M.t_, P.t_, E.t_, S.delay[:]):
        assert np.asarray(values).dtype == F64
    assert defaultclock.dt_ == 0.1e-3 and np.asarray(G.t).dtype == F64
    assert P.num_spikes > 0 and np.all(P.v_ > np.float32(0.01))   # recorded before the reset
    assert G.v[:].dtype == F32 and not np.isnan(G.v_[:]).any()


def test_the_dtype_is_taken_when_an_object_is_made_as_in_brian2(float32):
    G32 = NeuronGroup(3, "dv/dt = -v/(10*ms) : 1")
    prefs.core.default_float_dtype = np.float64
    G64 = NeuronGroup(3, "dv/dt = -v/(10*ms) : 1")
    M = StateMonitor(G32, "v", record=True)          # made under float64: records G32's float32
    G32.v, G64.v = 1, 1
    run(1 * ms)
    assert G32.v[:].dtype == F32 and G64.v[:].dtype == F64 and M.v.dtype == F32
    prefs.core.default_float_dtype = np.float32
    run(1 * ms)                                      # a changed preference changes nothing made
    assert G64.v[:].dtype == F64
    np.testing.assert_allclose(G32.v[:], G64.v[:], rtol=1e-6)


def test_a_groups_dtype_argument_sets_its_float_variables():
    G = NeuronGroup(2, "a : 1\nb : volt\nk : integer", dtype=np.float32)
    H = NeuronGroup(2, "a : 1\nb : volt\nk : integer", dtype={"b": np.float32, "k": np.int32})
    S = Synapses(G, G, "w : 1\nu : 1", dtype={"w": "float32"})
    assert (G.a[:].dtype, G.b[:].dtype, G.k[:].dtype) == (F32, F32, np.int32)
    assert (H.a[:].dtype, H.b[:].dtype) == (F64, F32)
    S.connect()
    assert S.w[:].dtype == F32 and S.u[:].dtype == F64


def test_an_integer_variable_asked_for_as_int64_holds_64_bit_values():
    G = NeuronGroup(3, "b : integer\nk : integer", dtype={"b": np.int64})
    assert G.b[:].dtype == np.int64 and G.k[:].dtype == np.int32
    G.b = 2**40 + np.arange(3)
    G.b[1:] = "2**41 + i"
    G.run_regularly("b = b // 3 + 2**33")
    run(defaultclock.dt)
    np.testing.assert_array_equal(G.b[:], [(2**40) // 3 + 2**33, (2**41 + 1) // 3 + 2**33,
                                           (2**41 + 2) // 3 + 2**33])
    with pytest.raises(OverflowError, match="64-bit"):
        G.b = 2**63
    with pytest.raises(OverflowError, match="32-bit"):
        G.k = 2**40


def test_another_integer_dtype_is_stored_as_int32_with_a_warning():
    with catch_logs(only_from=("brianjit",)) as logs:
        G = NeuronGroup(2, "k : integer", dtype={"k": np.int16})
    assert G.k[:].dtype == np.int32
    assert [entry[1] for entry in logs] == ["brianjit.preferences.unsupported_dtype"]


@pytest.mark.parametrize("dtype, error", [
    ({"k": np.float32}, TypeError), ({"a": np.int32}, TypeError), (np.int32, TypeError),
    ({"a": np.float16}, NotImplementedError), (np.float16, NotImplementedError),
    ("nonsense", TypeError)])
def test_a_dtype_argument_brianjit_cannot_store_is_refused_naming_it(dtype, error):
    with pytest.raises(error, match="float|int|dtype"):
        NeuronGroup(2, "a : 1\nk : integer", dtype=dtype)


def test_an_array_of_the_wrong_dtype_is_refused_before_native_code_reads_it():
    assert storage_kind("float", F32) == "float32" and storage_kind("float", F64) == "float"
    assert storage_kind("int64", np.int64) == "int64"
    for declared, dtype in [("float", np.int32), ("integer", F32), ("boolean", F64),
                            ("float", np.float16), ("integer", np.int16)]:
        with pytest.raises(ValueError, match="cannot be stored"):
            storage_kind(declared, dtype)


# ---- the values: rounded once per store -------------------------------------------------------

def _numpy_float32_euler(v0, I, tau, dt, steps):
    """The update ``v = v + dt*(I - v)/tau`` computed in double, stored as float32 each step."""
    v = v0.astype(np.float32)
    for _ in range(steps):
        v64 = v.astype(np.float64)
        v = (v64 + dt * (I - v64) / tau).astype(np.float32)
    return v


def test_an_update_is_computed_in_double_and_rounded_at_the_store(float32):
    n, steps = 200, 100
    G = NeuronGroup(n, "dv/dt = (I - v)/(10*ms) : 1\nI : 1", method="euler")
    v0 = np.linspace(-1, 1, n) * np.pi
    I = np.float32(np.linspace(0.3, 3.1, n))
    G.v, G.I = v0, I
    run(steps * defaultclock.dt)
    expected = _numpy_float32_euler(np.float32(v0), I.astype(np.float64), 10e-3, 1e-4, steps)
    np.testing.assert_array_equal(G.v[:], expected)
    # and it is not the float64 result rounded at the end (rounding happened at every step)
    start_scope()
    prefs.core.default_float_dtype = np.float64
    H = NeuronGroup(n, "dv/dt = (I - v)/(10*ms) : 1\nI : 1", method="euler")
    H.v, H.I = np.float32(v0), I
    run(steps * defaultclock.dt)
    assert np.any(H.v[:].astype(np.float32) != G.v[:])
    np.testing.assert_allclose(G.v[:], H.v[:], rtol=1e-5, atol=1e-6)


def test_string_assignments_round_once_into_float32(float32):
    G = NeuronGroup(4, "v : 1\nshared_x : 1 (shared)")
    G.v = "1/3 + i"
    G.shared_x = "2/3"
    np.testing.assert_array_equal(G.v[:], np.float32(1 / 3 + np.arange(4)))
    shared = np.asarray(G.shared_x_[:])
    assert shared.dtype == F32 and shared.ravel()[0] == np.float32(2 / 3)
    G.v[1:3] = "0.1*i"
    assert G.v[1] == np.float32(0.1) and G.v[2] == np.float32(0.2)


def test_store_and_restore_keep_float32_bit_for_bit(float32):
    G, S = _lif_network()
    S.connect(p=0.6)
    S.w = "0.3*mV*rand()"
    M = StateMonitor(G, "v", record=True)
    store()
    run(3 * ms)
    first = (G.v[:].copy(), S.w[:].copy(), M.v.copy())
    restore()
    assert G.v[:].dtype == F32 and len(M.t) == 0
    run(3 * ms)
    for before, after in zip(first, (G.v[:], S.w[:], M.v)):
        assert after.dtype == F32
        np.testing.assert_array_equal(before, after)


def _cuba_like(n=400, duration=30 * ms):
    """A small CUBA network (random initial state, excitatory and inhibitory synapses, a summed
    variable, a Poisson input and a TimedArray current): spikes and the final state."""
    seed(11)
    np.random.seed(11)
    stim = TimedArray(np.linspace(0, 2, 10) * mV, dt=3 * ms)
    G = NeuronGroup(n, """dv/dt = (ge + gi - (v + 49*mV) + stim(t))/(20*ms) : volt (unless refractory)
                          dge/dt = -ge/(5*ms) : volt
                          dgi/dt = -gi/(10*ms) : volt
                          total : volt""",
                    threshold="v > -50*mV", reset="v = -60*mV", refractory=5 * ms,
                    method="exact")
    G.v = "-60*mV + 10*mV*rand()"
    Ce = Synapses(G[:320], G, "we : volt\ntotal_post = we : volt (summed)", on_pre="ge += we")
    Ci = Synapses(G[320:], G, on_pre="gi -= 9*mV")
    Ce.connect(p=0.05)
    Ci.connect(p=0.05)
    Ce.we = "1.62*mV*(0.5 + rand())"
    inputs = PoissonInput(G, "ge", 20, 15 * second**-1, weight=0.5 * mV)
    P = SpikeMonitor(G)
    run(duration)
    return P, G, Ce, inputs


def test_a_cuba_like_network_in_float32_follows_the_float64_one(float32):
    P32, G32, S32, _ = _cuba_like()
    spikes32, v32, total32 = (P32.t_[:].copy(), P32.i[:].copy()), G32.v_[:].copy(), \
        G32.total_[:].copy()
    assert v32.dtype == F32 and S32.we[:].dtype == F32
    start_scope()
    prefs.core.default_float_dtype = np.float64
    P64, G64, _, _ = _cuba_like()
    assert P64.num_spikes > 50
    # the same spikes for the first 15 ms (rounding has not yet moved any neuron across the
    # threshold), then statistically the same
    early = lambda t, i: sorted(zip(np.round(t[t < 0.015] / 1e-4), i[t < 0.015]))  # noqa: E731
    assert early(*spikes32) == early(P64.t_[:], P64.i[:])
    assert abs(len(spikes32[0]) - P64.num_spikes) <= 0.05 * P64.num_spikes
    same = np.isin(np.arange(400), P64.i[:], invert=True) & np.isin(np.arange(400), spikes32[1],
                                                                    invert=True)
    np.testing.assert_allclose(v32[same], G64.v_[:][same], rtol=2e-5, atol=0)
    np.testing.assert_allclose(total32, G64.total_[:], rtol=1e-6)


def test_monitors_record_the_float32_values_exactly(float32):
    G = NeuronGroup(3, "dv/dt = (1 - v)/(3*ms) : 1\nw = v/3 : 1", method="euler")
    G.v = [0.1, 0.2, 0.3]
    M = StateMonitor(G, ["v", "w"], record=True, when="end")
    run(1 * ms)
    np.testing.assert_array_equal(M.v[:, -1], G.v[:])
    assert M.w.dtype == F32
    np.testing.assert_array_equal(M.w, np.float32(M.v.astype(np.float64) / 3))


def test_math_functions_and_temporaries_stay_double(float32):
    G = NeuronGroup(1, "dv/dt = -v/(10*ms) + exp(-v)/(1000*ms) : 1", method="rk4")
    G.v = 0.5
    run(2 * ms)
    start_scope()
    prefs.core.default_float_dtype = np.float64
    H = NeuronGroup(1, "dv/dt = -v/(10*ms) + exp(-v)/(1000*ms) : 1", method="rk4")
    H.v = 0.5
    run(2 * ms)
    assert G.v[:].dtype == F32
    assert abs(float(G.v[0]) - float(H.v[0])) <= 20 * np.finfo(np.float32).eps


def test_a_network_of_float32_objects_runs_again_after_the_preference_is_reset(float32):
    G = NeuronGroup(10, "dv/dt = (2 - v)/(10*ms) : 1", threshold="v > 1", reset="v = 0",
                    method="exact")
    net = Network(G, SpikeMonitor(G))
    net.run(20 * ms)
    prefs.core.default_float_dtype = np.float64
    net.run(20 * ms)
    assert G.v[:].dtype == F32 and np.all(G.v[:] < 1)


def test_quantities_of_float32_variables_stay_float32(float32):
    G = NeuronGroup(2, "v : volt")
    G.v = [1, 2] * mV
    assert G.v.dtype == F32 and G.v[:].dtype == F32 and G.v[:].dim == mV.dim


def test_one_to_four_threads_compute_the_same_float32_bits():
    names = ["cuba-float32", "summed-float32"]   # (STDP: test_float32_every_object.py)
    results = run_with_threads(names)
    assert distinct_results(results) == dict.fromkeys(names, 1)


def test_the_after_run_check_of_float32_values_warns_only_for_invalid_ones(float32):
    import warnings
    G = NeuronGroup(3, "dv/dt = -v/(10*ms) : 1", method="exact")
    G.v = [1, 2, np.float32(3e38)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")            # numpy's cast of 1e50 to float32 overflowed
        with catch_logs() as logs:
            run(defaultclock.dt)
    assert logs == []
    G.v = [1, np.nan, 2]
    with catch_logs() as logs:
        run(defaultclock.dt)
    assert [entry[1] for entry in logs] == ["brian2.groups.group.invalid_values"]
