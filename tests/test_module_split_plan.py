"""``codegen.module_split``: which function of a network's module compiles in which part.

The plan must be a pure function of the functions' sizes (the same structure always compiles to
the same objects), keep the drivers and the small functions in part 0 (where LLVM may inline them
into the driver), number its parts without gaps and balance the big functions; a split module's
parts compile and link into one engine that runs like the whole module."""
import ctypes

import pytest
from hypothesis import given
from hypothesis import strategies as st
from llvmlite import ir

from brianjit import jit
from brianjit.codegen.module_split import HEAVY_INSTRUCTIONS, ModuleParts, plan_parts, split_module

sizes_lists = st.lists(st.integers(0, 3 * HEAVY_INSTRUCTIONS), max_size=12)


@given(sizes_lists, st.integers(1, 8), st.data())
def test_the_plan_is_a_pure_function_that_keeps_small_and_anchored_functions_in_part_0(
        sizes, parts, data):
    anchored = data.draw(st.sets(st.integers(0, max(len(sizes) - 1, 0))) if sizes else st.just(set()))
    plan = plan_parts(sizes, anchored, parts)
    assert plan == plan_parts(list(sizes), set(anchored), parts)  # same input, same plan
    assert len(plan) == len(sizes)
    used = set(plan)
    assert used <= set(range(parts)) and (not plan or used == set(range(max(plan) + 1)))
    heavy = [i for i, s in enumerate(sizes) if s >= HEAVY_INSTRUCTIONS and i not in anchored]
    assert len(used) <= len(heavy) + 1
    for i, size in enumerate(sizes):
        if i in anchored or size < HEAVY_INSTRUCTIONS:
            assert plan[i] == 0, (i, size)


@given(st.lists(st.integers(HEAVY_INSTRUCTIONS, 2000), min_size=2, max_size=10), st.integers(2, 6))
def test_the_plan_balances_big_functions_largest_first(sizes, parts):
    plan = plan_parts(sizes, (), parts)
    loads = [sum(s for s, p in zip(sizes, plan) if p == part) for part in range(max(plan) + 1)]
    # largest-first greedy: no part exceeds the mean by more than its largest function
    assert max(loads) <= sum(sizes) / len(loads) + max(sizes)
    assert len(loads) == min(parts, len(sizes))


def test_one_part_means_the_module_itself():
    assert plan_parts([500, 700, 10], (), 1) == (0, 0, 0)
    with pytest.raises(ValueError, match="at least 1"):
        plan_parts([1], (), 0)


def _module():
    """A driver calling three big kernels, all of which call one internal helper."""
    i64 = ir.IntType(64)
    module = ir.Module(name="split")
    helper = ir.Function(module, ir.FunctionType(i64, [i64]), name="helper")
    helper.linkage = "internal"
    b = ir.IRBuilder(helper.append_basic_block())
    b.ret(b.mul(helper.args[0], ir.Constant(i64, 3)))
    kernels = []
    for n in range(3):
        kernel = ir.Function(module, ir.FunctionType(i64, [i64]), name=f"k{n}")
        b = ir.IRBuilder(kernel.append_basic_block())
        value = kernel.args[0]
        for _ in range(HEAVY_INSTRUCTIONS + 50 * n):
            value = b.add(value, ir.Constant(i64, n + 1))
        b.ret(b.call(helper, [value]))
        kernels.append(kernel)
    driver = ir.Function(module, ir.FunctionType(i64, [i64]), name="drive")
    b = ir.IRBuilder(driver.append_basic_block())
    value = driver.args[0]
    for kernel in kernels:
        value = b.call(kernel, [value])
    b.ret(value)
    return module


def test_a_split_module_compiles_in_parts_and_computes_what_the_whole_module_computes():
    module = _module()
    parts = split_module(module, 3, anchored=("drive",))
    assert isinstance(parts, ModuleParts) and len(parts.texts) == 3
    assert parts.shared == {"k0", "k1", "k2", "drive"}
    assert 'define i64 @"drive"' in parts.texts[0]
    for text in parts.texts:  # every part that calls the helper has its own copy
        assert ("@\"helper\"(" in text) == ('define internal i64 @"helper"' in text)
    assert split_module(module, 3, anchored=("drive",)) == parts  # deterministic
    assert parts.whole == str(module)  # what the network shows and a keyless build is keyed by
    # (a comment makes the whole module a key of its own: the parts' key is the whole text)
    whole = jit.compile_structure(None, lambda: str(module) + "\n; whole").module
    split = jit.compile_structure(None, lambda: parts).module
    assert len(split.optimized_parts) == 3 and len(whole.optimized_parts) == 1
    assert "define i64 @k2" in split.optimized_ir and split.assembly.count("k1") >= 1
    results = []
    for compiled in (whole, split):
        drive = compiled.cfunc("drive", ctypes.c_int64, ctypes.c_int64)
        results.append(drive(7))
    expected = 7
    for n in range(3):
        expected = (expected + (HEAVY_INSTRUCTIONS + 50 * n) * (n + 1)) * 3
    assert results == [expected, expected]
