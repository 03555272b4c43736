"""Kernel-level tests of the synaptic loop shapes (codegen/shapes_synapses.py), against numpy.

A ``Propagate`` kernel is compiled on its own, fed spike spaces step by step, and must reach the
synapses Brian2's order says, in that order: at each step the classes from the largest delay
down, within a class the spikes in emission order, a spike's synapses by increasing id. The body
is order-sensitive (``sig_post = sig_post * 0.5 + w``, not commutative), so numpy repeating the
same operations in the expected order must give the same bits. Variations: synapses stored
shuffled (the walk through ``order``, with prefetching) or by source, the dense (neuron, class)
table or the binary search in the groups, the per-synapse variables as separate arrays or as
columns of one record; enough steps that delivered lists are dropped (``_drop_function``).
"""
import ctypes

import numpy as np
import pytest
from llvmlite import ir
from sympy import Float, Symbol

from brianjit import kernel as K
from brianjit.codegen.kernels import lower_kernel
from brianjit.jit import compile_ir
from brianjit.memory import DynamicArray
from brianjit.objects.assembly import SlotTable
from brianjit.objects.spikes_in_flight import build_index, dense_offsets
from brianjit.objects.synapse_records import RecordField

N_SOURCE, N_TARGET, N_SYNAPSES, STEPS = 7, 5, 60, 40
DELAYS = np.array([0, 1, 3, 4])


def _table(rows, dtype, shape=None):
    array = DynamicArray(shape if shape is not None else len(rows), dtype=dtype)
    if len(rows):
        array.data[...] = rows
    return array


def _walk(shuffled, dense, interleaved, seed=5):
    rng = np.random.default_rng(seed)
    i = rng.integers(0, N_SOURCE, N_SYNAPSES).astype(np.int32)
    delay = rng.choice(DELAYS, N_SYNAPSES)
    if not shuffled:  # by source neuron and delay: the walk in place
        by_source = np.lexsort((delay, i))
        i, delay = i[by_source], delay[by_source]
    j = rng.integers(0, N_TARGET, N_SYNAPSES).astype(np.int32)
    w = rng.random(N_SYNAPSES)
    fired = [np.flatnonzero(rng.random(N_SOURCE) < 0.4) for _ in range(STEPS)]

    slots = SlotTable()
    arrays = {"i": _table(i, np.int32), "j": _table(j, np.int32),
              "sig": _table(np.zeros(N_TARGET), np.float64)}
    if interleaved:
        record = _table(np.stack([w, np.zeros(N_SYNAPSES)], axis=1), np.float64,
                        (N_SYNAPSES, 2))
        arrays["w"], arrays["hits"] = RecordField(record, 0), RecordField(record, 1)
    else:
        arrays["w"], arrays["hits"] = _table(w, np.float64), _table(np.zeros(N_SYNAPSES),
                                                                      np.float64)
    index = build_index(i, delay, N_SOURCE)
    assert len(index.order) == (N_SYNAPSES if shuffled else 0)
    offsets = dense_offsets(index, N_SOURCE) if dense else np.zeros(0, np.int32)
    space = _table(np.zeros(N_SOURCE + 1), np.int32)
    pathway = dict(
        spikes=_table([], np.int32), steps=_table([], np.int64, (0, 2)),
        classes=_table(np.stack([index.delays, np.zeros(len(index.delays)),
                                 np.zeros(len(index.delays))], axis=1), np.int64,
                       (len(index.delays), 3)),
        offsets=_table(offsets, np.int32), neuron_groups=_table(index.neuron_groups, np.int32),
        groups=_table(np.stack([np.r_[index.group_class, -1], index.group_first], axis=1),
                      np.int32, (len(index.group_first), 2)),
        order=_table(index.order, np.int32), pending=_table([], np.int64, (0, 2)),
        pending_next=_table([0], np.int64))
    shape = K.Propagate(slots.slot(space), N_SOURCE, 0, N_SOURCE, slots.slot(arrays["i"]),
                        **{name: slots.slot(array) for name, array in pathway.items()})
    variables = {name: slots.array_var(name, arrays[name], "float") for name in ("w", "hits")}
    variables["j"] = slots.array_var("j", arrays["j"], "integer")
    variables["sig"] = K.ArrayVar("sig", slots.slot(arrays["sig"]), "float", index="j")
    statements = [K.Assign("hits", Symbol("hits") + 1),
                  K.Assign("sig", Symbol("sig") * Float(0.5) + Symbol("w"))]
    module = ir.Module()
    lower_kernel(module, K.Kernel("propagate", shape, variables, statements), "propagate")
    run = compile_ir(str(module)).cfunc("propagate", ctypes.c_int32, ctypes.c_void_p,
                                        ctypes.c_int64)
    table = ctypes.cast(slots.addresses(), ctypes.c_void_p)
    for step, neurons in enumerate(fired):
        space.data[:len(neurons)] = neurons
        space.data[N_SOURCE] = len(neurons)
        assert run(table, step) == 0
    slots.sync()

    sig, hits = np.zeros(N_TARGET), np.zeros(N_SYNAPSES)  # numpy, in Brian2's order
    for step in range(STEPS):
        for d in DELAYS[::-1]:
            if step - d < 0:
                continue
            for neuron in fired[step - d]:
                for s in np.flatnonzero((i == neuron) & (delay == d)):
                    hits[s] += 1
                    sig[j[s]] = sig[j[s]] * 0.5 + w[s]
    assert len(pathway["steps"]) < STEPS - 4  # lists delivered everywhere were dropped
    return sig, hits, np.asarray(arrays["sig"].data), np.asarray(arrays["hits"].data)


@pytest.mark.parametrize("shuffled", [True, False], ids=["through-order", "in-place"])
@pytest.mark.parametrize("dense", [True, False], ids=["dense-table", "binary-search"])
@pytest.mark.parametrize("interleaved", [True, False], ids=["record", "arrays"])
def test_propagate_reaches_synapses_in_brian2s_order(shuffled, dense, interleaved):
    expected_sig, expected_hits, sig, hits = _walk(shuffled, dense, interleaved)
    assert expected_hits.sum() > 100
    np.testing.assert_array_equal(hits, expected_hits)
    assert sig.tobytes() == expected_sig.tobytes()
