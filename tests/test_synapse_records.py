"""Per-synapse variables stored interleaved (objects/synapse_records.py) change no result.

A Synapses with pathways on both sides keeps the variables its pathways walk over as the columns
of one 2D array, a row per synapse. Synapse order, what users read and write, snapshots and
``connect`` between runs are as before, and so is every result bit:

- golden values recorded on main before the change (``tests/stdp_networks.py``: STDP with
  delays, per-synapse delays, several pathways, a summed and a clock-driven variable, connect
  between runs, store/restore), in the default math mode and in ``ir``. One network has a
  pathway without a scatter (``c += 0.5``), whose short walks LLVM vectorised with separate
  arrays but not with strided columns: in the default ``libmvec`` mode a vectorised ``exp``
  (libmvec) and a scalar one (libm) may differ in the last bit, so that network is pinned in
  ``ir`` mode, where both are the same function;
- a hypothesis test: random small STDP networks give bit-identical state, spikes and monitors
  stored interleaved and stored as separate arrays (``ir`` mode, for the same reason);
- a kernel-level test of the strided addressing, against numpy.
"""
import contextlib
import ctypes
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from llvmlite import ir
from sympy import Symbol

from brianjit import kernel as K
from brianjit.codegen.kernels import lower_kernel
from brianjit.jit import compile_ir
from brianjit.memory import DynamicArray
from brianjit.objects import synapses as synapses_module
from brianjit.objects.assembly import SlotTable
from brianjit.objects.synapse_records import RecordField
from brianjit.only import *  # noqa: F401,F403

from stdp_networks import NETWORKS, ON_POST, ON_PRE, STDP_MODEL, digest

#: sha256 prefixes of the final state (``python tests/stdp_networks.py [mode]``) on main 6294181,
#: before the variables were interleaved; "auto" is the default math mode (libmvec here), "ir"
#: pins the network whose libmvec bits depend on LLVM's vectorisation (see the module docstring)
GOLDEN = {
    "auto": {
        'all_to_all': {
            'S.w': '08c6f47f892f5180', 'S.Apre': '234e0b7f8df0020c',
            'S.Apost': 'e0fb93c2e06eb6d9', 'S.lastupdate': '884b5e6d5498d02d',
            'S.i': 'a35d4974ec925dd2', 'S.j': '2f4e10c8bf135db6', 'v': 'bd82a6793d41c9f3',
            'ge': 'b47b6703233977fc', 'spikes.i': 'bc661c5a7b349546',
            'spikes.t': 'bd80929d94b3b3d6', 'mon.w': 'da6f9d1cde3f8721',
        },
        'delays': {
            'S.w': '27b19d262b5bfdef', 'S.Apre': 'c5ddde0e7991a5cb',
            'S.Apost': '189eed2a4decf7f6', 'S.lastupdate': '4e855505efb561a8',
            'S.i': '622121b172f3c35f', 'S.j': '249041581cb50edf', 'v': 'f7a204dbaba8400e',
            'ge': '5526bbc3412acf69', 'spikes.i': 'e211514b6d248f39',
            'spikes.t': '2ee68d8d0ac51ef6', 'S.delay': '9a2c9abcdc6a908f',
        },
        'connect_between_runs': {
            'S.w': '6fd1c70aa67ed8ec', 'S.Apre': 'b6c2244881cbbaa4',
            'S.Apost': '860223965675ddd6', 'S.lastupdate': '64e07d1fcaf5fe4d',
            'S.i': '19801bfa6ee8af52', 'S.j': '866088baee0390fc', 'v': '67665cf088ee8597',
            'ge': '6027bd3f8f0c3ce3', 'spikes.i': 'b20cb71c5d695cd9',
            'spikes.t': 'df3165c996504c6b', 'stored.w': '66691b36a722e4f8',
        },
    },
    "ir": {
        'pathways_and_sums': {
            'S.w': 'c981bda5e5962af9', 'S.Apre': '1b7614d7d5d45a4f',
            'S.Apost': '3acb892d3aa34438', 'S.lastupdate': '1dc22c3971644f73',
            'S.i': '9827d9d214e82f1b', 'S.j': '643e9813ef04455b', 'v': '5d5fc2a860e14c5b',
            'ge': 'b505da68c8e8d397', 'spikes.i': 'dd200c2c8baa110c',
            'spikes.t': 'f01f67dabab3558c', 'S.c': 'd6e29456f8933d08',
        },
    },
}


@contextlib.contextmanager
def math_mode(mode):
    """``prefs.codegen.brianjit.math = mode`` inside the block."""
    before = prefs.codegen.brianjit.math
    prefs.codegen.brianjit.math = mode
    try:
        yield
    finally:
        prefs.codegen.brianjit.math = before


@pytest.mark.parametrize("mode, network", [(m, n) for m in GOLDEN for n in GOLDEN[m]])
def test_stdp_networks_match_main_bit_for_bit(mode, network):
    start_scope()
    with math_mode(mode):
        state = NETWORKS[network]()
    assert {name: digest(values) for name, values in state.items()} == GOLDEN[mode][network]


def test_stdp_synapses_store_walked_variables_interleaved():
    start_scope()
    source, target = (NeuronGroup(n, "v : 1", threshold="v > 1", reset="") for n in (3, 2))
    S = Synapses(source, target,
                 STDP_MODEL + "c : 1\nd : 1", on_pre="v_post += w\nApre += 1\nc += 1",
                 on_post="Apost += 1\nw += Apre", namespace={"taupre": 5 * ms, "taupost": 7 * ms})
    assert sorted(S.interleaved) == ["Apost", "Apre", "c", "lastupdate", "w"]
    assert not isinstance(S.variables["d"].array, RecordField)  # no pathway walks over it
    one_sided = Synapses(source, target, STDP_MODEL,
                         on_pre="v_post += w\nApre += 1",
                         namespace={"taupre": 5 * ms, "taupost": 7 * ms})
    assert one_sided.interleaved == []


def test_interleaved_variables_behave_as_arrays():
    """Order, reads, writes (by index, condition, string), growth by connect after a run,
    store/restore and a monitor: as with one array per variable."""
    start_scope()
    source = SpikeGeneratorGroup(3, [0, 1, 2, 0], [1, 2, 3, 6] * ms)
    target = NeuronGroup(2, "v : 1", threshold="v > 0.5", reset="v = 0")
    S = Synapses(source, target, "w : 1\nx : 1", on_pre="v_post += w\nx += 1",
                 on_post="w -= 0.125")
    assert S.interleaved == ["w", "x"]
    S.connect(i=[2, 0, 1, 0], j=[0, 1, 1, 0])
    S.w = [0.25, 0.5, 0.75, 1.0]
    S.x[1] = 3
    S.x["i == 1"] = "7 + j"
    assert_equal = np.testing.assert_array_equal
    assert_equal(S.w[:], [0.25, 0.5, 0.75, 1.0])
    assert_equal(S.x[:], [0, 3, 8, 0])
    assert_equal(S.w[S.i[:] == 0], [0.5, 1.0])
    monitor = StateMonitor(S, ["w", "x"], record=[3, 1])
    net = Network(source, target, S, monitor)
    net.run(4.5 * ms)
    assert_equal(S.x[:], [1, 4, 9, 1])
    net.store()
    S.connect(i=1, j=0)
    S.w[4] = 2.0
    # on_post of neuron 1 (spiked at 2 ms) and neuron 0 (1 ms)
    assert_equal(S.w[:], [0.125, 0.375, 0.625, 0.875, 2.0])
    assert_equal(S.x[:], [1, 4, 9, 1, 0])
    net.run(3 * ms)  # neuron 0 of the source at 6 ms: synapses 1 and 3; target 0 spikes
    assert_equal(S.x[:], [1, 5, 9, 2, 0])
    assert_equal(S.w[:], [0.0, 0.375, 0.625, 0.75, 1.875])
    assert_equal(monitor.x[:, -1], [2, 5])
    net.restore()
    assert len(S) == 4
    assert_equal(S.x[:], [1, 4, 9, 1])
    assert_equal(S.w[:], [0.125, 0.375, 0.625, 0.875])


def test_strided_array_var_addresses_its_column():
    """A ForEachRow kernel on two columns of a 3-column record, through the slot table: element
    k of column c is data[k * 3 + c]; the other column stays untouched."""
    record = DynamicArray((5, 3))
    record.data[...] = np.arange(15.0).reshape(5, 3)
    slots = SlotTable()
    variables = {name: slots.array_var(name, RecordField(record, field), "float")
                 for name, field in (("a", 1), ("b", 2))}
    assert (variables["b"].stride, variables["b"].field, variables["b"].slot) == (3, 2, 0)
    kern = K.Kernel("columns", K.ForEachRow(slots.slot(record)), variables,
                    [K.Assign("b", Symbol("a") * 10 + Symbol("b"))])
    module = ir.Module()
    lower_kernel(module, kern, "columns")
    run = compile_ir(str(module)).cfunc("columns", ctypes.c_int32, ctypes.c_void_p,
                                        ctypes.c_int64)
    assert run(ctypes.cast(slots.addresses(), ctypes.c_void_p), 0) == 0
    expected = np.arange(15.0).reshape(5, 3)
    expected[:, 2] += 10 * expected[:, 1]
    np.testing.assert_array_equal(record.data, expected)


def _network(structure, params, interleaved):
    """A small STDP network: ``structure`` (per-synapse delays, a second presynaptic pathway, a
    summed variable), ``params`` (connection probability, connect between runs, seed); its
    final state."""
    delays, late, summed = structure
    p, extra, seed_value = params
    n_in, n_out = 12, 5
    start_scope()
    seed(seed_value)
    inputs = PoissonGroup(n_in, rates=150 * Hz)
    neurons = NeuronGroup(n_out, """dv/dt = (ge * (0*mV - v) - 74*mV - v) / (10*ms) : volt
                                    dge/dt = -ge / (5*ms) : 1
                                    total : 1""", threshold="v > -54*mV",
                          reset="v = -60*mV", method="euler")
    neurons.v = -60 * mV
    model = STDP_MODEL + ("total_post = w : 1 (summed)\n" if summed else "")
    on_pre = {"pre": ON_PRE, "late": "Apre += dApre / 2\nge_post += 0.01"} if late else ON_PRE
    namespace = dict(taupre=20 * ms, taupost=20 * ms, gmax=0.05, dApre=0.0005,
                     dApost=-0.000525)
    S = Synapses(inputs, neurons, model, on_pre=on_pre, on_post=ON_POST, namespace=namespace,
                 delay={"post": 1 * ms} if delays else None)
    assert bool(S.interleaved) == interleaved
    rng = np.random.default_rng(seed_value)  # numpy, not kernels: one compile per structure

    def connect():
        pairs = np.flatnonzero(rng.random(n_in * n_out) < p)
        before = len(S)
        S.connect(i=pairs // n_out, j=pairs % n_out)
        S.w[before:] = rng.random(len(pairs)) * 0.05
        if delays:
            S.pre.delay[before:] = rng.random(len(pairs)) * 3 * ms
    connect()
    spikes = SpikeMonitor(neurons)
    monitor = StateMonitor(S, "w", record=[0, 1])
    net = Network(inputs, neurons, S, spikes, monitor)
    net.run(40 * ms)
    if extra:
        connect()
    net.run(40 * ms)
    state = {name: np.asarray(getattr(S, name)[:]) for name in
             ("w", "Apre", "Apost", "lastupdate", "i", "j")}
    state.update(v=np.asarray(neurons.v[:]), total=np.asarray(neurons.total[:]),
                 spike_i=np.asarray(spikes.i[:]), spike_t=np.asarray(spikes.t[:]),
                 monitor=np.asarray(monitor.w[:]))
    return state


@pytest.mark.parametrize("structure", [(False, False, False), (True, True, True)])
@settings(max_examples=8)  # the structures compile once; each example runs two networks
@given(params=st.tuples(st.sampled_from([0.3, 0.7, 1.0]), st.booleans(),
                        st.integers(0, 2 ** 16)))
def test_interleaved_and_separate_storage_give_the_same_bits(structure, params):
    with math_mode("ir"):
        interleaved = _network(structure, params, True)
        with mock.patch.object(synapses_module, "interleave_pathway_variables",
                               lambda synapses: []):
            separate = _network(structure, params, False)
    for name in interleaved:
        assert interleaved[name].tobytes() == separate[name].tobytes(), name
