"""32-bit limits: groups of more than 2**31 - 1 neurons and more than 2**31 - 1 synapses are
refused with a clear error, instead of indices that wrap around (a spike of neuron 2**31 + 60 was
stored as -2**31 + 60 and reset memory 2 GB before the group's arrays). Counters that can pass
2**31 in a long run (a SpikeMonitor's per-neuron count) are 64-bit."""
import numpy as np
import pytest

from brianjit import (NeuronGroup, PoissonGroup, SpikeGeneratorGroup, SpikeMonitor, Synapses,
                      Hz, ms, run)
from brianjit.objects import group as group_module
from brianjit.objects.group import MAX_GROUP_SIZE, check_group_size


@pytest.mark.parametrize("make", [
    lambda n: NeuronGroup(n, "v : 1"),
    lambda n: NeuronGroup(float(n), "v : 1", threshold="v > 1"),
    lambda n: PoissonGroup(n, 10 * Hz),
    lambda n: SpikeGeneratorGroup(n, [0], [1] * ms),
])
@pytest.mark.parametrize("n", [2**31, 2**31 + 60, 2**40])
def test_groups_beyond_32_bit_indices_are_refused(make, n):
    with pytest.raises(ValueError, match=r"2147483647 \(2\*\*31 - 1\).*32-bit"):
        make(n)


def test_the_largest_group_size_passes_the_check():
    assert MAX_GROUP_SIZE == 2**31 - 1
    check_group_size(2**31 - 1, "NeuronGroup 'x'")  # no error (allocating it is another matter)


def test_synapse_count_beyond_32_bit_is_refused_before_anything_is_made():
    G = NeuronGroup(10**6, "v : 1", threshold="False")
    S = Synapses(G, G, on_pre="v += 1")
    with pytest.raises(ValueError, match=r"synapses.*2147483647 rows.*32-bit"):
        S.connect(p=0.5)  # 5 * 10**11 synapses
    assert len(S) == 0


@pytest.fixture
def few_synapses(monkeypatch):
    """Synapses objects made now hold at most 50 synapses (the same mechanism as 2**31 - 1)."""
    monkeypatch.setattr(group_module, "MAX_SYNAPSES", 50)
    from brianjit.objects import synapses
    monkeypatch.setattr(synapses, "MAX_SYNAPSES", 50)


@pytest.mark.parametrize("how", [dict(condition="i != j"), dict(i=np.arange(60) % 10,
                                                                   j=np.arange(60) // 10)])
def test_native_and_python_creation_stop_at_the_synapse_limit(few_synapses, how):
    G = NeuronGroup(10, "v : 1", threshold="False")
    S = Synapses(G, G, "w : 1", on_pre="v += w")
    with pytest.raises(ValueError, match="32-bit"):
        S.connect(**how)
    i, j = S.variables["i"].array, S.variables["j"].array
    assert len(i) == len(j) <= 50


def test_spike_counts_pass_2_to_the_31():
    G = NeuronGroup(2, "v : 1", threshold="i == 0")
    M = SpikeMonitor(G, record=False)
    run(0 * ms)
    M._count.data[0] = 2**31 - 1
    run(0.3 * ms)
    assert M.count.tolist() == [2**31 + 2, 0] and M.num_spikes == 2**31 + 2
