"""DynamicArray lifetimes do not depend on the garbage collector's timing or order.

Groups are reference cycles (``G.owner is G``), so their arrays are freed by the cyclic
collector, whose timing and finalization order differ between Python versions. Two things were
found to depend on them: the stateful test's baseline (it counted other tests' uncollected
garbage, and failed on Python 3.12 when a collection ran before its final count), and the
cleanup of a buffer native code installed but Python never adopted (a finalizer on the
DynamicArray read the header, which the collector may have freed first). Now one finalizer, the
header block's, frees both, reading only its own memory; views keep their buffer alive through
numpy's ``base`` chain (reference counting only).
"""
import gc
import subprocess
import sys
import textwrap

import numpy as np
from hypothesis import settings
from hypothesis.stateful import run_state_machine_as_test

from brianjit.memory import DynamicArray, live_buffers
from test_memory import DynamicArray2DMachine, DynamicArrayMachine


def _cyclic_garbage(n=5):
    """Unreachable cycles holding ``n`` DynamicArrays, as dropped groups leave behind."""
    for _ in range(n):
        holder = {"array": DynamicArray(4)}
        holder["self"] = holder


class _WithForeignGarbage:
    """A machine that starts among other tests' cyclic garbage and sees it collected."""

    def __init__(self):
        _cyclic_garbage()
        super().__init__()

    def teardown(self):
        gc.collect()  # a collection during the machine's life (an allocation can trigger one)
        super().teardown()


class _Machine1D(_WithForeignGarbage, DynamicArrayMachine):
    pass


class _Machine2D(_WithForeignGarbage, DynamicArray2DMachine):
    pass


def test_machine_counts_are_exact_among_foreign_garbage():
    enabled = gc.isenabled()
    try:
        for machine in (_Machine1D, _Machine2D):
            run_state_machine_as_test(machine, settings=settings(max_examples=5,
                                                                 stateful_step_count=10))
    finally:
        if enabled:
            gc.enable()


def test_arrays_in_cycles_free_their_native_buffers_once():
    """Natively grown, never adopted buffers of arrays that die as cyclic garbage are freed, once
    (glibc aborts on a double or invalid free; MALLOC_PERTURB_ scribbles over freed memory, so
    reading a freed header would find a wrong pointer). CPython up to 3.13 happens to finalize
    an array before its header block (creation order), so the old two-finalizer cleanup passed
    this too; the single finalizer makes the order irrelevant by construction."""
    script = textwrap.dedent("""
        import gc, sys
        sys.path.insert(0, %r)
        from brianjit.memory import DynamicArray, live_buffers
        from test_memory import Native, _malloc_in_use
        native = Native()
        gc.collect()
        before, in_use = live_buffers(), _malloc_in_use()
        gc.disable()
        cycle = [DynamicArray(0) for _ in range(100)]
        for a in cycle:
            assert native.append_f64(a.header_address, 100_000) == 100_000  # not adopted
        cycle.append(cycle)
        del a, cycle
        gc.collect()
        gc.enable()
        assert live_buffers() == before, (live_buffers(), before)
        assert _malloc_in_use() < in_use + 4_000_000  # 100 x 800 kB were grown natively
        print("FREED")
    """ % (str(__import__("pathlib").Path(__file__).parent),))
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=120, env={**__import__("os").environ,
                                              "MALLOC_PERTURB_": "165", "MALLOC_CHECK_": "3"})
    assert result.returncode == 0 and "FREED" in result.stdout, result.stderr[-2000:]


def test_views_keep_their_buffer_through_any_chain_of_views():
    before = live_buffers()
    arr = DynamicArray((6, 4), dtype=np.int32)
    arr.data[:] = np.arange(24).reshape(6, 4)
    chains = [arr.data[1:, ::2].T, arr.data.view(np.uint8)[::4], np.asarray(arr)[2],
              arr.data.reshape(-1)[5:][::3]]
    expected = [c.copy() for c in chains]
    arr.resize(1000)  # retires the buffer the views see
    del arr
    gc.collect()
    for chain, values in zip(chains, expected):
        assert np.array_equal(chain, values)
    assert live_buffers() == before + 1  # the retired buffer, and only it
    del chains, chain
    assert live_buffers() == before
