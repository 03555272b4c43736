"""Synapse storage order never changes what a pathway computes (codegen/shapes_synapses.py).

A pathway walks a spike's synapses in place when they are stored by its neuron, else through a
permutation (``order``), prefetching ahead; which walk runs depends only on the order in which
``connect`` created the synapses. The metamorphic property: the same network connected in
source order, in target order or shuffled gives, synapse for synapse, bit-identical state and
spikes, with per-synapse delays, STDP (both pathways, event-driven variables), a pathway that
writes the other side's variable, a summed variable and ``connect`` between runs. (Without
multisynapses, the order in which a step adds into one neuron's variable is set by the spikes,
never by where synapses are stored; the summed values are dyadic, so their sums are exact.)
"""
import numpy as np
from hypothesis import given, settings, strategies as st
from llvmlite import ir
from sympy import Symbol

from brianjit import kernel as K
from brianjit.codegen import shapes_synapses
from brianjit.codegen.kernels import lower_kernel
from brianjit.only import *  # noqa: F401,F403

N_PRE, N_POST = 5, 4
MODEL = """
w : 1
c : 1
dApre/dt = -Apre / (5*ms) : 1 (event-driven)
dApost/dt = -Apost / (7*ms) : 1 (event-driven)
gsum_post = c : 1 (summed)
"""
ON_PRE = """
v_post += w
Apre += 0.1
w = clip(w + Apost, 0, 1)
"""
ON_POST = """
Apost -= 0.12
w = clip(w + Apre, 0, 1)
x_pre += w
"""


def _simulate(pairs, delays, weights, dyadic, split, inputs, drive):
    """Run the network with synapses created in the order of ``pairs`` (the first ``split`` of
    them before the first run, the rest between the runs); the final state keyed by (i, j)."""
    start_scope()
    defaultclock.dt = 0.1 * ms
    generator = SpikeGeneratorGroup(N_PRE, inputs[0], inputs[1] * ms)
    # the presynaptic neurons spike a step after the generator's, and have a variable
    # (x) that on_post writes
    pre = NeuronGroup(N_PRE, "x : 1\nfire : 1", threshold="fire > 0", reset="fire = 0")
    relay = Synapses(generator, pre, on_pre="fire_post = 1")
    relay.connect(j="i")
    post = NeuronGroup(N_POST, """dv/dt = (I - v) / (10*ms) : 1
                                  I : 1
                                  gsum : 1""", threshold="v > 1", reset="v = 0", method="euler")
    post.I = drive
    syn = Synapses(pre, post, MODEL, on_pre=ON_PRE, on_post=ON_POST)
    spikes = SpikeMonitor(post)
    net = Network(generator, pre, relay, post, syn, spikes)

    def add(rows):
        if not len(rows):
            return
        first = len(syn)
        syn.connect(i=pairs[rows, 0], j=pairs[rows, 1])
        syn.w[first:] = weights[rows]
        syn.c[first:] = dyadic[rows]
        syn.delay[first:] = delays[rows] * 0.1 * ms
    add(np.arange(split))
    net.run(8 * ms)
    add(np.arange(split, len(pairs)))
    net.run(12 * ms)
    key = {(int(i), int(j)): k for k, (i, j) in enumerate(zip(syn.i[:], syn.j[:]))}
    return {"synapses": {name: {ij: getattr(syn, name)[:][k] for ij, k in key.items()}
                         for name in ("w", "Apre", "Apost", "lastupdate")},
            "v": post.v[:].copy(), "gsum": post.gsum[:].copy(), "x": pre.x[:].copy(),
            "spikes": sorted(zip(spikes.t_[:].tolist(), spikes.i[:].tolist()))}


@st.composite
def networks(draw):
    all_pairs = [(i, j) for i in range(N_PRE) for j in range(N_POST)]
    chosen = draw(st.lists(st.sampled_from(all_pairs), min_size=1, max_size=len(all_pairs),
                           unique=True))
    n = len(chosen)
    pairs = np.array(sorted(chosen), dtype=np.int64)
    delays = np.array(draw(st.lists(st.integers(0, 4), min_size=n, max_size=n)))
    weights = np.array(draw(st.lists(st.floats(0, 1), min_size=n, max_size=n)))
    dyadic = np.array(draw(st.lists(st.integers(-8, 8), min_size=n, max_size=n))) / 8
    split = draw(st.integers(1, n))  # Brian2 refuses a run before any connect()
    n_spikes = draw(st.integers(0, 40))
    times = sorted(draw(st.lists(st.integers(0, 199), min_size=n_spikes, max_size=n_spikes)))
    neurons = draw(st.lists(st.integers(0, N_PRE - 1), min_size=n_spikes, max_size=n_spikes))
    # one spike per neuron and step (a SpikeGeneratorGroup refuses duplicates)
    spikes = sorted({(t, i) for t, i in zip(times, neurons)})
    inputs = (np.array([i for _, i in spikes], dtype=int),
              np.array([t * 0.1 for t, _ in spikes]))
    drive = np.array(draw(st.lists(st.floats(0.5, 3), min_size=N_POST, max_size=N_POST)))
    shuffle = np.array(draw(st.permutations(range(n))))
    return pairs, delays, weights, dyadic, split, inputs, drive, shuffle


def _assert_identical(a, b):
    for name in a["synapses"]:
        assert a["synapses"][name].keys() == b["synapses"][name].keys()
        for ij, value in a["synapses"][name].items():
            assert value == b["synapses"][name][ij] or (np.isnan(value) and np.isnan(
                b["synapses"][name][ij])), (name, ij)
    np.testing.assert_array_equal(a["v"], b["v"])
    np.testing.assert_array_equal(a["gsum"], b["gsum"])
    np.testing.assert_array_equal(a["x"], b["x"])
    assert a["spikes"] == b["spikes"]


@settings(max_examples=10)
@given(networks())
def test_storage_order_changes_no_result(network):
    pairs, delays, weights, dyadic, split, inputs, drive, shuffle = network
    by_source = _simulate(pairs, delays, weights, dyadic, split, inputs, drive)
    by_target = np.lexsort((pairs[:, 0], pairs[:, 1]))
    for order in (by_target, shuffle):
        # the same synapses, created (before and after the first run) in another order
        first = [k for k in order if k < split]
        later = [k for k in order if k >= split]
        rows = np.array(first + later, dtype=np.int64)
        _assert_identical(by_source, _simulate(pairs[rows], delays[rows], weights[rows],
                                               dyadic[rows], split, inputs, drive))


def _pathway_kernel(statements, variables):
    shape = K.Propagate(spikespace=0, source_size=3, start=0, stop=3, synapses=1, spikes=2,
                        steps=3, classes=4, offsets=5, neuron_groups=6, groups=7, order=8,
                        pending=9, pending_next=10)
    variables = {**variables, "dt": K.ArrayVar("dt", 17, "float", scalar=True)}
    return K.Kernel("pathway", shape, variables, statements)


def test_a_permuted_walk_prefetches_what_the_code_touches_ahead():
    """The arrays prefetched are the per-synapse ones the code reads or writes, plus the index
    array through which it reaches the other side: not the synapses' other variables."""
    variables = {
        "w": K.ArrayVar("w", 11, "float"), "unused": K.ArrayVar("unused", 12, "float"),
        "j": K.ArrayVar("j", 13, "integer"), "v_post": K.ArrayVar("v_post", 14, "float",
                                                                  index="j"),
        "lastupdate": K.ArrayVar("lastupdate", 15, "float"),
        "tau": K.ArrayVar("tau", 16, "float", scalar=True)}
    statements = [K.Assign("v_post", Symbol("w") / Symbol("tau"), "+="),
                  K.Assign("lastupdate", Symbol("t"))]
    kern = _pathway_kernel(statements, variables)
    assert [v.name for v in shapes_synapses._synapse_arrays(kern)] == ["w", "j", "lastupdate"]
    module = ir.Module()
    lower_kernel(module, kern)
    calls = [line for line in str(module).splitlines() if "call void" in line and "llvm.prefetch" in line]
    assert len(calls) == 3
    # (write, all cache levels, data)
    assert all(line.rstrip().endswith("i32 1, i32 3, i32 1)") for line in calls)


def test_code_that_touches_no_synapse_array_prefetches_nothing():
    kern = _pathway_kernel([K.Assign("v_post", Symbol("tau"), "+=")],
                           {"j": K.ArrayVar("j", 13, "integer"),
                            "v_post": K.ArrayVar("v_post", 14, "float", index="j"),
                            "tau": K.ArrayVar("tau", 16, "float", scalar=True)})
    assert [v.name for v in shapes_synapses._synapse_arrays(kern)] == ["j"]
    kern = _pathway_kernel([K.Assign("_x", Symbol("t"))], {})
    assert shapes_synapses._synapse_arrays(kern) == []
    module = ir.Module()
    lower_kernel(module, kern)
    assert "llvm.prefetch" not in str(module)
