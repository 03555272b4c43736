"""A pathway's delivery (``shapes_synapses.deliver_class``) is one loop nest: whether the
synapses are in source order is read per spike, so LLVM does not unswitch the class loop on it
into two copies of the nest (one per answer), which cost a sixth of a pathway's compile time.
The branch per spike is always predicted. Results: the golden tests and test_walk_results."""
import re

from test_permuted_walk_not_unrolled import _pathway_ir


def test_the_delivery_nest_is_not_unswitched():
    functions = _pathway_ir().optimized_ir.split("\ndefine ")
    pathway = next(f for f in functions if "class.body" in f)
    labels = re.findall(r"(?m)^([\w.]+):", pathway)
    assert "class.body" in labels
    assert not [label for label in labels if ".us" in label], labels
