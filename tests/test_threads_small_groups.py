"""A kernel too small for two threads (fewer than 2 x MIN_ELEMENTS_PER_THREAD elements) is not
partitioned in a threaded build: it runs whole on thread 0 among the serial kernels, with no
barrier of its own. Measured on a loaded 2-core machine (one group of 8,000 and six of 300, 1 s,
2 threads): 1.02 s with the small groups partitioned, 0.71 s without. Results stay the same bits
on 1 to 4 threads (``threaded_runs.py``, in a subprocess)."""
import re

import pytest

import brianjit as bj
from brianjit import kernel as K
from brianjit import prefs
from brianjit.codegen.partition import MIN_ELEMENTS_PER_THREAD, partitioned_on_threads
from brianjit.model.symbols import symbol

from threaded_runs import distinct_results, run_with_threads


@pytest.mark.parametrize("size, partitioned", [(5, False), (2 * MIN_ELEMENTS_PER_THREAD - 1, False),
                                               (2 * MIN_ELEMENTS_PER_THREAD, True)])
def test_only_kernels_two_threads_share_are_partitioned(size, partitioned):
    kern = K.Kernel("k", K.ForEach(size), {"v": K.ArrayVar("v", 0, "float")},
                    [K.Assign("v", symbol("v") + 1)])
    assert partitioned_on_threads(kern) == partitioned


def test_a_threaded_build_has_parts_only_for_the_large_group():
    old = prefs.brianjit.threads
    prefs.brianjit.threads = 2
    try:
        bj.start_scope()
        large = bj.NeuronGroup(4100, "dv/dt = -v/(10*ms) : 1", threshold="v > 1", reset="v = 0")
        small = [bj.NeuronGroup(300, "dv/dt = -v/(10*ms) : 1", threshold="v > 1", reset="v = 0")
                 for _ in range(3)]
        net = bj.Network(large, *small)
        net.run(0.1 * bj.ms)
        ir_text = net._program.compiled.ir
    finally:
        prefs.brianjit.threads = old
    # the large group's state update and threshold test; nothing of the small groups
    assert len(re.findall(r'^define .*@"k\d+\.part"', ir_text, re.M)) == 2


def test_one_to_four_threads_give_identical_bits_with_small_groups():
    results = run_with_threads(["small-groups"])
    assert all(set(by_count) == {"1", "2", "3", "4"} for by_count in results.values())
    assert distinct_results(results) == {"small-groups": 1}
