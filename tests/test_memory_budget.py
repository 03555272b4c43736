"""The memory budget: allocations that do not fit are refused cleanly, in Python and natively.

Linux overcommits, so without a budget ``connect(p=1)`` on 10**6 x 10**6 neurons or a SpikeMonitor
that records without end is killed by the OOM killer instead of raising MemoryError. Crash-prone
scenarios run in subprocesses under a small ``BRIANJIT_MEMORY_LIMIT`` (a stand-in for a small
machine), so a failure kills the subprocess, not the test run.
"""
import math
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brianjit import memory_budget
from brianjit.memory import DynamicArray, growth_failure
from test_memory import Native


@pytest.fixture
def limit():
    """Set a fixed limit of brianjit's C memory; back to automatic afterwards."""
    yield lambda nbytes: memory_budget.set_memory_limit(nbytes)
    memory_budget.set_memory_limit(None)


@pytest.fixture(scope="module")
def native():
    return Native()


def _room_of(extra):
    """A limit that leaves exactly ``extra`` bytes of room now."""
    return memory_budget._State.live_bytes + extra


@pytest.mark.parametrize("text, value", [
    ("8G", 8 << 30), ("512 MiB", 512 << 20), ("1000000", 1000000), ("1.5k", 1536),
    ("unlimited", math.inf), ("auto", None), ("64mb", 64 << 20),
])
def test_sizes_are_parsed(text, value):
    assert memory_budget.parse_size(text) == value


@pytest.mark.parametrize("bad", ["8X", "lots", "-5"])
def test_bad_sizes_are_refused(bad):
    with pytest.raises(ValueError, match="not a size"):
        memory_budget.parse_size(bad)


@pytest.mark.parametrize("bad", [-1, 2.5, True, [1]])
def test_bad_limits_are_refused(bad, limit):
    with pytest.raises(ValueError, match="memory limit"):
        memory_budget.set_memory_limit(bad)


def test_python_allocations_are_refused_past_the_limit(limit):
    limit(_room_of(1 << 20))
    with pytest.raises(MemoryError, match=r"big\.v: 16000000 bytes do not fit.*set_memory_limit"):
        DynamicArray(2_000_000, label="big.v")
    small = DynamicArray(1000, label="small")
    small.data[:] = 7
    view = small.data
    with pytest.raises(MemoryError, match="small"):
        small.resize(1_000_000)
    with pytest.raises(MemoryError, match="small"):
        small.reserve(1_000_000)
    assert len(small) == 1000 and np.all(small.data == 7) and view is not None
    small.resize(100_000)  # fits: 800 kB
    assert len(small) == 100_000


def test_room_follows_allocations_and_frees(limit):
    limit(_room_of(10 << 20))
    room = memory_budget.room()
    array = DynamicArray(1000)
    assert memory_budget.room() == room - 8000 - 80  # buffer and header
    view = array.data
    array.resize(5000)  # a new buffer; the old one lives on in the view
    assert memory_budget.room() == room - 8000 - 80 - 8 * array.capacity
    del view
    assert memory_budget.room() == room - 80 - 8 * array.capacity
    del array
    assert memory_budget.room() == room


def test_growth_near_the_limit_takes_half_of_what_still_fits(limit):
    array = DynamicArray(1000, factor=2.0)
    limit(_room_of(12_000))
    fitting = memory_budget.room() // 8
    array.resize(1001)  # doubling would take 16 kB: half of the rows that fit beyond 1001
    assert 1001 < fitting < 2000 and array.capacity == 1001 + (fitting - 1001) // 2


def test_appends_near_the_limit_copy_the_array_a_few_times_only(limit):
    array = DynamicArray(1000, factor=2.0)
    limit(_room_of(100_000))
    capacities = set()
    try:
        for n in range(1001, 20_000):
            array.resize(n)
            capacities.add(array.capacity)
    except MemoryError:
        pass
    assert len(capacities) < 20  # growing by what is needed alone reallocated on every append


def test_native_growth_respects_the_budget(native, limit):
    array = DynamicArray(0, label="spikes.t")
    limit(_room_of(80_000))
    appended = native.append_f64(array.header_address, 1_000_000)
    assert 0 < appended < 10_000  # it stopped where the budget ended, not at the OOM killer
    array.sync()
    assert len(array) == appended and np.array_equal(array.data, np.arange(appended))
    error = growth_failure([array])
    assert isinstance(error, MemoryError)
    assert f"spikes.t: could not grow to {appended + 1} rows" in str(error)
    assert growth_failure([array]).args[0].startswith("native code ran out")  # cleared


def test_native_room_accounting(native, limit):
    limit(_room_of(10 << 20))
    room = memory_budget.room()
    array = DynamicArray(0)
    assert native.append_f64(array.header_address, 100_000) == 100_000
    array.sync()
    # intermediate buffers were given back when freed: only the adopted one (and the first,
    # which Python still holds as the retired buffer until the array drops it) count
    assert memory_budget.room() == room - 80 - 8 * array.capacity
    del array
    assert memory_budget.room() == room


def test_row_limits(native):
    array = DynamicArray(0, dtype=np.int32, max_rows=100, label="syn.i",
                         limit_reason="synapses are numbered with 32-bit integers")
    with pytest.raises(ValueError, match=r"syn\.i: 101 rows exceed the limit of 100 rows "
                                         r"\(synapses are numbered with 32-bit integers\)"):
        array.resize(101)
    with pytest.raises(ValueError, match="limit of 100"):
        DynamicArray(101, max_rows=100)
    array.extend(np.arange(60))
    assert not native.append_raw(array.header_address, 41)
    assert len(array) == 60
    error = growth_failure([array])
    assert isinstance(error, ValueError) and "101 rows exceed the limit of 100" in str(error)
    assert native.append_raw(array.header_address, 40)
    assert len(array) == 100 and array.capacity == 100  # growth by the factor stops at the limit


@given(st.lists(st.integers(0, 60), max_size=10), st.sampled_from([1.5, 2.0, 3.7]),
       st.integers(0, 200), st.integers(0, 4000))
@settings(max_examples=40)
def test_native_and_python_growth_agree_under_limits(native, counts, factor, max_rows, room):
    """Python's resize and native append make the same choices: capacity by the factor, exactly
    what is needed near a limit, or refusal (array unchanged) past one."""
    try:
        py = DynamicArray(1, factor=factor, max_rows=max(1, max_rows))
        nat = DynamicArray(1, factor=factor, max_rows=max(1, max_rows))
        for k in counts:
            memory_budget.set_memory_limit(_room_of(room))
            try:
                py.resize(len(py) + k)
                python_ok = True
            except (MemoryError, ValueError):
                python_ok = False
            memory_budget.set_memory_limit(_room_of(room))
            native_ok = bool(native.append_raw(nat.header_address, k))
            nat.sync()
            assert python_ok == native_ok or k == 0
            assert (len(nat), nat.capacity) == (len(py), py.capacity)
            growth_failure([nat])
    finally:
        memory_budget.set_memory_limit(None)


def test_automatic_room_counts_reserved_but_untouched_memory():
    """Reserved pages are not resident until written, so the system's free memory does not show
    them: the budget must, or a second reservation would promise the same memory again."""
    memory_budget.refresh()
    room = memory_budget.room()
    if room > 1 << 40:
        pytest.skip("no memory information on this system")
    first = DynamicArray(0)
    first.reserve(room // 2 // 8)  # half the room, untouched
    memory_budget.refresh()
    # optimistic by at most what the interpreter has resident (``live - RSS`` is a lower bound
    # of the untouched bytes) and the smaller headroom (a share of what is available)
    slack = memory_budget._resident_bytes() + room // 32
    assert memory_budget.room() < room - room // 2 + slack
    with pytest.raises(MemoryError):
        DynamicArray(0).reserve(room // 8 * 3 // 4)
    del first


def _run(script, limit_text):
    env = {**os.environ, "BRIANJIT_MEMORY_LIMIT": limit_text}
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(script)], capture_output=True,
                            text=True, timeout=300, env=env,
                            cwd=os.path.dirname(__file__))
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


@pytest.mark.parametrize("how", ["p=1", "'i != j'", "p=0.001"])
def test_connect_beyond_memory_is_a_memory_error_not_an_oom_kill(how):
    """connect() of 10**6 x 10**6 neurons (10**12 candidate synapses) on a "machine" with 200 MB:
    native growth stops at the budget (or the reservation for a constant p is refused); i and j
    stay equally long (appended together or not at all)."""
    out = _run(f"""
        from brianjit import *
        G = NeuronGroup(10**6, 'v : 1', threshold='False')
        S = Synapses(G, G, 'w : 1', on_pre='v += w')
        try:
            S.connect({how})
        except MemoryError as e:
            i, j = S.variables['i'].array, S.variables['j'].array
            print('REFUSED', len(i) == len(j), 'synapses' in str(e), e)
    """, "200M")
    assert "REFUSED True True" in out, out


_SPIKING = """
    from brianjit import *
    import numpy as np
    G = NeuronGroup(1000, 'dv/dt = 1/ms : 1', threshold='True', reset='v = 0', method='euler')
    M = SpikeMonitor(G, variables='v')
    R = PopulationRateMonitor(G)
    run(1*ms)
    {setup}
    try:
        run(100*second)
    except MemoryError as e:
        print('STOPPED', 'spikemonitor' in str(e), round(defaultclock.t_ / defaultclock.dt_))
    {after}
    n = len(M.i)
    assert n == len(M.t) == len(M.v) == M.count.sum() == M.num_spikes, (n, len(M.t), len(M.v))
    assert n % 1000 == 0  # whole steps recorded
    assert np.all(M.t_[:-1] <= M.t_[1:])
    print('CONSISTENT', n)
"""


def test_unbounded_spike_monitor_stops_cleanly_at_the_budget():
    """Item 23: every array of the monitor has the same length after the failure."""
    out = _run(_SPIKING.format(setup="", after=""), "64M")
    assert "STOPPED True" in out and "CONSISTENT" in out, out


def test_spike_monitor_consistent_when_malloc_itself_fails():
    """The same with the address space exhausted (malloc returns null) and no budget."""
    setup = ("import resource; size = int(open('/proc/self/statm').read().split()[0]) * 4096\n"
             "    resource.setrlimit(resource.RLIMIT_AS, (size + (96 << 20), resource.RLIM_INFINITY))")
    # the checks that follow allocate too (a comparison of n spike times): give the address
    # space back first, or numpy's own allocation fails there
    after = "resource.setrlimit(resource.RLIMIT_AS, (resource.RLIM_INFINITY,) * 2)"
    out = _run(_SPIKING.format(setup=setup, after=after), "unlimited")
    assert "STOPPED True" in out and "CONSISTENT" in out, out
