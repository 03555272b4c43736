"""A snapshot file is untrusted input: every edited array that would break an invariant native
code relies on (an index range, a spike list, a ring's rows, a recording's columns, a dtype) is
refused with an error naming the object and the array, nothing is written before the refusal,
and the network runs on. Edits that describe a consistent network are accepted and run.

The restores run in a subprocess: before these checks, several of them crashed the interpreter
(heap overflows and out-of-range reads in the next run)."""
import json

import pytest

from snapshot_network import NETWORK
from subprocess_script import run_script

#: (name, edit of the stored dict ``d``, expected outcome, text the message must contain)
EDITS = [
    ("j_far_away", "d['s/j'][0] = 10**9", "IndexError", "'s/j'"),
    ("j_just_past_the_target", "d['s/j'][0] = 8", "IndexError", "'s/j'"),
    ("i_negative", "d['s/i'][0] = -1", "IndexError", "'s/i'"),
    ("spike_in_flight_far_away", "d['s/_pre_spikes'] = np.array([10**8], np.int32); "
                                 "d['s/_pre_steps'] = np.array([[0, 1]], np.int64)",
     "ValueError", "'_pre_spikes'"),
    ("spike_lists_miscounted", "d['s/_pre_spikes'] = np.zeros(2, np.int32); "
                               "d['s/_pre_steps'] = np.array([[0, 5]], np.int64)",
     "ValueError", "'_pre_spikes'"),
    ("spike_lists_unordered", "d['s/_pre_spikes'] = np.zeros(2, np.int32); "
                              "d['s/_pre_steps'] = np.array([[5, 1], [2, 1]], np.int64)",
     "ValueError", "'_pre_spikes'"),
    ("pending_synapse_far_away", "d['s/_pre_pending'] = np.array([[3, 10**6]], np.int64)",
     "ValueError", "'_pre_pending'"),
    ("queue_dt_nan", "d['s/_pre_queue_dt'][0] = np.nan", "ValueError", "'s/_pre_queue_dt'"),
    ("old_index_arrays", "d['s/_pre_offsets'] = np.array([0, 10**9], np.int32)", "KeyError",
     "_pre_offsets"),
    ("j_as_int64", "d['s/j'] = d['s/j'].astype(np.int64)", "TypeError", "'s/j'"),
    ("i_as_float_nan", "d['s/i'] = d['s/i'].astype(float); d['s/i'][0] = np.nan", "TypeError",
     "'s/i'"),
    ("v_zero_dimensional", "d['g/v'] = np.array(1.0)", "ValueError", "'g/v'"),
    ("v_too_long", "d['g/v'] = np.zeros(9)", "ValueError", "'g/v'"),
    ("w_too_short", "d['s/w'] = d['s/w'][:-1]", "ValueError", "'s/w'"),
    ("w_missing", "del d['s/w']", "KeyError", "'s'"),
    ("extra_array", "d['g/extra'] = np.zeros(8)", "KeyError", "extra"),
    ("extra_network_entry", "d['_network/extra'] = np.zeros(1)", "KeyError", "_network/extra"),
    ("spike_count_too_high", "d['g/_spikespace'][-1] = 9", "ValueError", "'g/_spikespace'"),
    ("spike_out_of_range", "d['g/_spikespace'][:] = 0; d['g/_spikespace'][0] = 10**8; "
                           "d['g/_spikespace'][-1] = 1", "IndexError", "'g/_spikespace'"),
    ("spike_repeated", "d['pg/_spikespace'][:] = 0; d['pg/_spikespace'][-1] = 2", "ValueError",
     "twice"),
    ("delay_negative", "d['s/delay'][0] = -1e-3", "ValueError", "'s/delay'"),
    ("delay_nan", "d['s/delay'][0] = np.nan", "ValueError", "'s/delay'"),
    ("delay_huge", "d['s/delay'][0] = 1e300", "ValueError", "2**60"),
    ("time_nan", "d['_network/t'] = np.array(np.nan)", "ValueError", "time"),
    ("time_as_array", "d['_network/t'] = np.zeros(2)", "TypeError", "_network/t"),
    ("dt_zero", "d['g/_clock_dt'] = np.array(0.0)", "ValueError", "'g'"),
    ("dt_disagrees_on_one_clock", "d['s/_clock_dt'] = np.array(2e-4)", "ValueError",
     "two values of dt"),
    ("generator_pointer", "d['sg/_lastindex'][0] = 10**6", "IndexError", "'sg/_lastindex'"),
    ("generator_unsorted", "d['sg/spike_time'][:] = d['sg/spike_time'][::-1].copy()",
     "ValueError", "'sg/spike_time'"),
    ("generator_neuron", "d['sg/neuron_index'][0] = 4", "IndexError", "'sg/neuron_index'"),
    ("spike_monitor_index", "d['sm/i'][0] = 8", "IndexError", "'sm/i'"),
    ("spike_monitor_counts", "d['sm/count'] = d['sm/count'][:-1]", "ValueError", "'sm/count'"),
    ("state_monitor_rows", "d['m/t'] = d['m/t'][:-1]", "ValueError", "'m/v'"),
    ("rate_monitor_rows", "d['r/rate'] = d['r/rate'][:-1]", "ValueError", "'r/rate'"),
    ("random_state", "d['_random/np_key'] = d['_random/np_key'][:10]", "ValueError", "random"),
    # consistent edits: accepted, and the network runs
    ("nothing_in_flight", "d['s/_pre_spikes'] = np.zeros(0, np.int32); "
                          "d['s/_pre_steps'] = np.zeros((0, 2), np.int64); "
                          "d['s/_pre_pending'] = np.zeros((0, 2), np.int64)", "ACCEPTED", ""),
    ("fewer_synapses", "n = 3\nfor k in ('i', 'j', 'w', 'delay'): d['s/' + k] = d['s/' + k][:n]",
     "ACCEPTED", ""),
    ("longer_delays", "d['s/delay'][:] = 5e-3", "ACCEPTED", ""),
    ("no_spikes_yet", "d['sg/_lastindex'][0] = -1", "ACCEPTED", ""),
]

_SCRIPT = NETWORK + """
edits = json.loads(sys.argv[2])
for name, edit in edits:
    d = {k: v.copy() for k, v in stored().items()}
    exec(edit)
    write(d, PATH + ".edited.npz")
    before = fingerprint()
    try:
        net.restore(filename=PATH + ".edited.npz")
        outcome, message = "ACCEPTED", ""
    except (KeyError, TypeError, ValueError, IndexError) as err:
        outcome, message = type(err).__name__, str(err)
        assert same(before, fingerprint()), name + ": a refused restore changed the state"
    net.run(1*ms)
    net.restore(filename=PATH)
    print(json.dumps({"name": name, "outcome": outcome, "message": message}), flush=True)
"""


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    path = tmp_path_factory.mktemp("snap") / "snapshot.npz"
    out = run_script(_SCRIPT, str(path), json.dumps([(name, edit) for name, edit, _, _ in EDITS]),
                     timeout=300)
    return {line["name"]: line for line in map(json.loads, out.splitlines())}


@pytest.mark.parametrize("name, edit, expected, text", EDITS, ids=[e[0] for e in EDITS])
def test_edited_snapshot(outcomes, name, edit, expected, text):
    outcome = outcomes[name]
    assert outcome["outcome"] == expected, outcome["message"]
    assert text in outcome["message"]


def test_recording_of_other_neurons_is_refused(tmp_path):
    """A snapshot of StateMonitor(record=[0]) restored into a script recording 8 neurons: the
    record kernel would write 8 columns into a 1-column array."""
    out = run_script("""
        import gc, sys
        from brianjit import *
        def build(record):
            G = NeuronGroup(8, "dv/dt = (1.2 - v)/(10*ms) : 1", method="exact", name="g")
            return Network(G, StateMonitor(G, "v", record=record, name="m"))
        net = build([0])
        net.run(2*ms)
        net.store(filename=sys.argv[1])
        del net
        gc.collect()
        net = build(range(8))
        try:
            net.restore(filename=sys.argv[1])
        except ValueError as err:
            print(err)
        net.run(2*ms)
        print(net["m"].v.shape)
    """, str(tmp_path / "one.npz"))
    refusal, shape = out.splitlines()
    assert "'m/v'" in refusal and "(20, 1)" in refusal and "columns" in refusal
    assert shape == "(8, 20)"
