"""The GPU form compacts spikes in blocks on many threads (``gpu/compaction.py``): a
threshold is four launches (the condition per element, a count per block of 1,024 elements, a
one-thread scan of the counts, each block's spikes written at its offset), and the spike space
and everything downstream are the serial compaction's, bit for bit: groups ending inside, at
and past a block and a mask word, blocks full of spikes beside silent ones, refractoriness
(statements run per spike by the block's thread), a subgroup as a synapse source."""
import brianjit as b2
from brianjit import kernel as K
from brianjit.devices.device import reset_device, set_device
from brianjit.gpu import compaction, lowering, ptx

from gpu_runs import RecordingDevice, run_on_targets


def test_blocks_compact_to_the_cpu_spike_lists():
    results = run_on_targets(["blocks"], ("cpu", "emulate", "host"))["blocks"]
    assert results["cpu"][1] > 10
    assert results["emulate"] == results["cpu"]
    assert results["host"] == results["cpu"]


def _threshold_schedule(size, refractory):
    b2.start_scope()
    G = b2.NeuronGroup(size, "dv/dt = -v/(10*ms) : 1 (unless refractory)", threshold="v > 1",
                       reset="v = 0", refractory=refractory, method="exact")
    device = RecordingDevice()
    set_device(device)
    try:
        b2.Network(G).run(0.1 * b2.ms)
    finally:
        reset_device()
    (scheduled,) = device.target.scheduled
    return scheduled


def test_a_threshold_is_four_launches_with_a_thread_per_block():
    size = 3 * K.COMPACTION_BLOCK + 5
    scheduled = _threshold_schedule(size, 2 * b2.ms)
    threshold = [s for s in scheduled if isinstance(s.kernel.shape, K.Threshold)]
    assert len(threshold) == 1 and threshold[0].kernel.statements  # refractory: statements
    assert compaction.compacts_in_parallel(threshold[0].kernel)
    launches = {launch.name.rsplit("_", 1)[1]: launch.threads
                for launch in lowering.plan_launches(threshold)}
    assert launches == {"elements": size, "count": 4, "scan": 1, "scatter": 4}
    form = lowering.build_gpu_module(threshold, "nvptx")
    assert [launch.name for launch in form.launches] == [
        launch.name for launch in lowering.plan_launches(threshold)]
    text = ptx.compile_ptx(str(form.module))
    assert ptx.entries(text) >= {launch.name for launch in form.launches}
    assert "popc.b64" in text  # the count reads eight mask bytes at a time


def test_the_mask_has_room_for_the_block_counts():
    assert K.threshold_mask_bytes(1) == 8 + 4
    assert K.threshold_mask_bytes(1024) == 1024 + 4
    assert K.threshold_mask_bytes(1025) == 1032 + 8
