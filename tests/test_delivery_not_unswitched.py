"""A pathway's delivery (``shapes_synapses.deliver_class``) is one loop nest: whether the
synapses are in source order is read per spike, so LLVM does not unswitch the class loop on it
into two copies of the nest (one per answer), which cost a sixth of a pathway's compile time.
The branch per spike is always predicted. Results: the golden tests and test_walk_results."""
import re

import brianjit as bj


def _optimised_pathway():
    bj.start_scope()
    group = bj.NeuronGroup(4, "v : 1", threshold="False")
    synapses = bj.Synapses(group, group, "w : 1", on_pre="v_post += w")
    synapses.connect(i=[0, 1, 2, 3], j=[1, 2, 3, 0])
    net = bj.Network(group, synapses)
    net.run(bj.defaultclock.dt)
    functions = net._program.compiled.optimized_ir.split("\ndefine ")
    return next(f for f in functions if "class.body" in f)


def test_the_delivery_nest_is_not_unswitched():
    pathway = _optimised_pathway()
    labels = re.findall(r"(?m)^([\w.]+):", pathway)
    assert "class.body" in labels
    assert not [label for label in labels if ".us" in label], labels
