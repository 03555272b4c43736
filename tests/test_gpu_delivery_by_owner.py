"""The GPU form delivers a synaptic pathway that writes only through one per-synapse index by
owner (``gpu/delivery.py``): a one-thread launch marks the (delay class, source) pairs of the
lists due, one thread per owner (target neuron) applies the marked synapses in the CPU's order
(largest delay first, then source, then synapse id), a one-thread launch clears the marks. The
results are the CPU back-end's bits (CUBA's and COBAHH's pathways go this way in
``test_gpu_emulation_identical.py``, as do its heterogeneous delays); STDP, pathways that read
what they write elsewhere and random numbers stay on one thread, as do steps after a change of
``dt``; PTX is emitted for the new launches; the CPU back-end builds no owner index."""
import sys

import numpy as np
import pytest

import brianjit as b2
from brianjit import kernel as K
from brianjit.devices.device import reset_device, set_device
from brianjit.gpu import lowering, ptx
from brianjit.gpu.delivery import delivers_by_owner
from brianjit.gpu.owner_index import build_owner_index

import threaded_runs
from gpu_runs import NETWORKS, RecordingDevice, run_on_targets


def test_owners_deliver_the_cpu_bits():
    results = run_on_targets(["owners"], ("cpu", "emulate", "host"))["owners"]
    assert results["cpu"][1] > 5
    assert results["emulate"] == results["cpu"]
    assert results["host"] == results["cpu"]


def _built(make, duration=0.2 * b2.ms):
    """(network, the schedule the emulated GPU target built for it)."""
    b2.start_scope()
    b2.seed(1)
    np.random.seed(1)
    device = RecordingDevice()
    set_device(device)
    try:
        net = make()
        net.run(duration)
    finally:
        reset_device()
    (scheduled,) = device.target.scheduled
    return net, scheduled


def _plan(scheduled):
    """{pathway kernel name: [(launch suffix, threads)]} of the Propagate kernels."""
    plan = {}
    for n, item in enumerate(scheduled):
        if isinstance(item.kernel.shape, K.Propagate):
            plan[item.kernel.name] = [(launch.name.rsplit("_", 1)[1], launch.threads)
                                      for launch in lowering.plan_launches([item])]
    return plan


def test_the_launch_plan_has_a_thread_per_owner_where_the_rule_allows():
    net, scheduled = _built(lambda: NETWORKS["owners"](b2)[0])
    plan = _plan(scheduled)
    by_owner = [("mark", 1), ("owners", 500), ("unmark", 1)]
    assert plan["mixed_pre"] == by_owner
    assert plan["sub_pre"] == [("mark", 1), ("owners", 400), ("unmark", 1)]  # G[50:450]
    assert plan["back_post"] == [("mark", 1), ("owners", 600), ("unmark", 1)]  # z_pre: by i
    assert plan["spread_pre"] == by_owner  # heterogeneous delays: marks per (class, source)
    assert plan["alias_pre"] == [("serial", 1)]  # reads v_pre, which another owner writes
    form = lowering.build_gpu_module(scheduled, "nvptx")
    text = ptx.compile_ptx(str(form.module))
    names = {launch.name for launch in form.launches}
    assert {name.rsplit("_", 1)[1] for name in names} >= {"mark", "owners", "unmark"}
    assert ptx.entries(text) == names | set(lowering.SERVICE_ENTRIES)
    assert ptx.externals(text) <= ptx.PTX_SYSTEM_CALLS


def test_marks_are_clear_between_steps():
    net, _ = _built(lambda: NETWORKS["owners"](b2)[0], duration=2 * b2.ms)
    for name in ("mixed", "sub", "back", "spread"):
        (pathway,) = net[name].pathways
        classes = len(pathway.classes)
        assert not pathway.marks.data.any() and len(pathway.marks) == K.marks_bytes(
            len(pathway.group), classes)
        assert len(pathway.owner_rows) == len(net[name])


def _stdp():
    """The threaded runs' STDP network and pathways that draw random numbers."""
    net, _ = threaded_runs.NETWORKS["stdp"](b2)
    inputs, neurons = net["inputs"], net["neurons"]
    for name, code in (("noisy", "v_post += 0.01*rand()"), ("counted", "v_post += poisson(2)")):
        pathway = b2.Synapses(inputs, neurons, on_pre=code, name=name)
        pathway.connect(p=0.001)
        net.add(pathway)
    return net


def test_stdp_and_random_effects_stay_serial():
    _, scheduled = _built(_stdp)
    plan = _plan(scheduled)
    assert plan == {"stdp_pre": [("serial", 1)], "stdp_post": [("serial", 1)],
                    "noisy_pre": [("serial", 1)], "counted_pre": [("serial", 1)]}


def _chain(gpu):
    """Spikes in flight through a homogeneous delay when dt changes: two lists of one class
    are due at once, which the mark launch delivers serially."""
    b2.start_scope()
    b2.seed(3)
    if gpu:
        set_device(RecordingDevice())
    try:
        clock = b2.Clock(0.1 * b2.ms)
        source = b2.NeuronGroup(30, "dv/dt = (1 + 0.01*i - v)/(2*ms) : 1", threshold="v > 0.9",
                                reset="v = 0", method="exact", name="source", clock=clock)
        target = b2.NeuronGroup(10, "x : 1", name="target", clock=clock)
        S = b2.Synapses(source, target, "w : 1", on_pre="x_post += w", delay=0.45 * b2.ms,
                        name="s", clock=clock)
        S.connect(p=0.5)
        S.w = "1.0/(1 + i + 7*j)"
        net = b2.Network(source, target, S)
        net.run(3 * b2.ms)
        clock.dt = 0.25 * b2.ms
        net.run(2 * b2.ms)
        clock.dt = 0.05 * b2.ms
        net.run(2 * b2.ms)
        return target.x[:].copy()
    finally:
        reset_device()


def test_a_change_of_dt_with_spikes_in_flight_gives_the_cpu_bits():
    cpu, gpu = _chain(False), _chain(True)
    assert cpu.any()
    assert cpu.tobytes() == gpu.tobytes()


def test_the_cpu_back_end_builds_no_owner_index():
    b2.start_scope()
    net = NETWORKS["owners"](b2)[0]
    net.run(0.2 * b2.ms)
    for name in ("mixed", "sub", "back"):
        (pathway,) = net[name].pathways
        assert len(pathway.owner_rows) == len(pathway.owner_offsets) == len(pathway.marks) == 0
    kernels = [k for k in net._program.kernels if isinstance(k.shape, K.Propagate)]
    assert kernels and all(k.shape.by_owner is None and not delivers_by_owner(k)
                           for k in kernels)


@pytest.mark.parametrize("seed", range(3))
def test_the_owner_index_is_in_the_cpu_order(seed):
    rng = np.random.default_rng(seed)
    sources, classes, owners = (rng.integers(0, 7, 200), rng.integers(0, 3, 200),
                                rng.integers(0, 5, 200))
    offsets, rows = build_owner_index(sources, classes, owners, 7, 6)
    expected = sorted(range(200), key=lambda s: (owners[s], -classes[s], sources[s], s))
    assert rows[:, 1].tolist() == expected
    assert rows[:, 0].tolist() == [classes[s] * 7 + sources[s] for s in expected]
    assert offsets.tolist() == [sum(owners < o) for o in range(7)]
    assert offsets.dtype == rows.dtype == np.int32


def test_keys_beyond_int32_leave_the_pathway_serial():
    assert build_owner_index(np.array([0]), np.array([2**20]), np.array([0]), 2**11, 1) is None


@pytest.mark.parametrize("builder", ["build_cuba", "build_cobahh"])
def test_the_benchmark_pathways_deliver_by_owner(builder):
    """(Their results equal the CPU back-end's in test_gpu_emulation_identical.py.)"""
    if threaded_runs.BENCHMARKS not in sys.path:
        sys.path.insert(0, threaded_runs.BENCHMARKS)
    import models

    def make():
        built = getattr(models, builder)(b2, 400)
        if built.connect:
            built.connect()
        return b2.Network(*built.objects)
    _, scheduled = _built(make, duration=0.1 * b2.ms)
    plan = _plan(scheduled)
    assert len(plan) == 2  # excitatory and inhibitory
    assert all(launches == [("mark", 1), ("owners", 400), ("unmark", 1)]
               for launches in plan.values())
