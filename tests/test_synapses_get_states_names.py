"""``Synapses.get_states()`` returns Brian2's names and values.

Brian2 offers every variable of the source and target with a suffix, the implicit ones too
(``i_pre``, ``t_pre``, ``dt_post``, ``t_in_timesteps_post``); a pathway's ``delay`` belongs to
the pathway, not to the synapses, so it is not among them; ``i``/``j`` of a source/target
subgroup that does not start at element 0 are subexpressions (relative indices), left out
unless ``subexpressions=True``. Expected key lists measured with Brian2 2.9.0 (numpy target)
on the same scripts."""
import numpy as np

from brianjit import NeuronGroup, Synapses, ms, second

_FULL = ['N', 'N_incoming', 'N_outgoing', 'N_post', 'N_pre', 'dt', 'dt_post', 'dt_pre', 'i',
         'i_post', 'i_pre', 'j', 'lastspike_pre', 'not_refractory_pre', 't', 't_in_timesteps',
         't_in_timesteps_post', 't_in_timesteps_pre', 't_post', 't_pre', 'v_pre', 'w', 'x',
         'x_post']


def _groups():
    # clocks of their own: t is 0 whatever earlier tests did to defaultclock
    A = NeuronGroup(4, "v : 1", threshold="v > 1", reset="v = 0", refractory=1 * ms,
                    dt=0.1 * ms)
    B = NeuronGroup(3, "x : 1", dt=0.1 * ms)
    return A, B


def test_names_and_values_of_whole_groups():
    A, B = _groups()
    S = Synapses(A, B, "w : 1", on_pre="x += w")
    S.connect(j="i % 3")
    S.delay = "i*ms"
    states = S.get_states()
    assert sorted(states) == _FULL
    assert sorted(S.get_states(subexpressions=True)) == _FULL
    assert sorted(S.get_states(read_only_variables=False)) == [
        'lastspike_pre', 'not_refractory_pre', 'v_pre', 'w', 'x', 'x_post']
    np.testing.assert_array_equal(states["i_pre"], [0, 1, 2, 3])
    np.testing.assert_array_equal(states["i_post"], [0, 1, 2, 0])
    assert states["t_pre"] == 0 * second and states["t_post"] == 0 * second
    assert states["dt_pre"] == 0.1 * ms and states["dt_post"] == 0.1 * ms
    assert states["t_in_timesteps_pre"] == 0
    # the delays are still there, as in Brian2, through the attribute
    np.testing.assert_array_equal(np.asarray(S.delay / ms), [0, 1, 2, 3])


def test_a_scalar_delay_is_not_a_synaptic_variable():
    A, B = _groups()
    S = Synapses(A, B, "w : 1", on_pre="x += w", delay=2 * ms)
    S.connect()
    assert "delay" not in S.get_states()
    assert sorted(S.get_states()) == _FULL


def test_subgroups_not_starting_at_zero_have_no_absolute_index():
    A, B = _groups()
    C = Synapses(A[1:], B[:2], "w : 1")
    C.connect()
    states = C.get_states()
    assert sorted(states) == [n for n in _FULL if n not in ("i", "i_pre")]
    assert sorted(C.get_states(subexpressions=True)) == [n for n in _FULL if n != "i_pre"]
    np.testing.assert_array_equal(states["i_post"], [0, 1, 0, 1, 0, 1])
    np.testing.assert_array_equal(C.get_states(["i"])["i"], [0, 0, 1, 1, 2, 2])


def test_set_states_round_trip_of_the_writable_names():
    A, B = _groups()
    S = Synapses(A, B, "w : 1", on_pre="x += w")
    S.connect(j="i % 3")
    S.w = "i + 0.5*j"
    states = S.get_states(read_only_variables=False)
    S.w = 0
    S.set_states(states)
    np.testing.assert_array_equal(np.asarray(S.w), [0, 1.5, 3, 3])
