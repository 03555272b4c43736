"""A pathway's walk through its synapse order (``shapes_synapses.deliver_class``) stays one
loop, neither unrolled nor vectorised: its time goes into cache misses, and its unrolled copies
were a quarter of a pathway's compile time. The walk in place (CUBA's hot loop) keeps O3's
unrolling. Same results either way (the golden tests); here: the shape of the optimised code."""
import numpy as np

import brianjit as bj


def _pathway_ir():
    bj.start_scope()
    group = bj.NeuronGroup(4, "v : 1", threshold="False")
    synapses = bj.Synapses(group, group, "w : 1", on_pre="v_post += w")
    synapses.connect(i=[0, 1, 2, 3], j=[1, 2, 3, 0])
    net = bj.Network(group, synapses)
    net.run(bj.defaultclock.dt)
    return net._program.compiled


def test_walk_through_the_order_is_one_loop_without_copies():
    compiled = _pathway_ir()
    prefetches = compiled.ir.count("call void @\"llvm.prefetch.p0\"")
    assert prefetches > 0
    # every prefetch of the IR appears once in the optimised code: no unrolled copies
    assert compiled.optimized_ir.count("call void @llvm.prefetch.p0") == prefetches


def test_walk_results():
    bj.start_scope()
    group = bj.NeuronGroup(4, "v : 1", threshold="True")
    synapses = bj.Synapses(group, group, "w : 1", on_post="v_pre += w")
    synapses.connect(i=[0, 0, 1, 2, 3, 3], j=[3, 1, 2, 0, 1, 2])
    synapses.w = [1, 2, 4, 8, 16, 32]
    bj.Network(group, synapses).run(3 * bj.defaultclock.dt)
    expected = np.zeros(4)
    np.add.at(expected, [0, 0, 1, 2, 3, 3], 3 * np.array([1, 2, 4, 8, 16, 32.0]))
    np.testing.assert_array_equal(np.asarray(group.v[:]), expected)
