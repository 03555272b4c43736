"""Kernel-level tests of the monitor shapes (``RecordState``, ``RecordSpikes``, ``RecordRate``,
lowered in codegen/kernels.py): each kernel is built by hand, lowered alone, run for several
steps on arrays in a slot table, and its appended rows compared with a numpy reference written
from the shape's definition in brianjit/kernel.py (Brian2's StateMonitor, SpikeMonitor /
EventMonitor and PopulationRateMonitor)."""
import numpy as np
import pytest

from brianjit import kernel as K
from brianjit.model.symbols import symbol
from shape_harness import Harness, grown, lower_alone, scalar

DT = 0.1e-3
v, x, i = symbol("v"), symbol("x"), symbol("i")


# ---- RecordState ---------------------------------------------------------------------------------

def _state_monitor(record, n=12):
    h = Harness()
    rng = np.random.default_rng(1)
    variables = {"v": h.array("v", rng.normal(size=n)),
                 "x": h.array("x", rng.integers(-50, 50, n), "integer"),
                 "dt": scalar(h, "dt", DT)}
    indices = h.array("indices", record, "integer").slot
    sources = (v, x, v * 2 + x + i)   # a variable, an integer, a substituted subexpression
    dtypes = ("float", "integer", "float32")
    targets = tuple(grown(h, f"rec{k}", (0, len(record)), dtype)
                    for k, dtype in enumerate((np.float64, np.int32, np.float32)))
    times = grown(h, "t", 0, np.float64)
    kern = K.Kernel("statemon", K.RecordState(indices, len(record), sources, targets, dtypes,
                                              times), variables)
    return h, lower_alone(h, kern)


@pytest.mark.parametrize("record", [[0, 3, 4, 11], [7], [5, 5, 2], []])
def test_record_state_appends_a_row_per_call_at_the_recorded_indices(record):
    """Each call appends one row per target (the values at ``indices``, in their order,
    repeats included, stored as the target's kind) and ``step*dt`` to the times; the arrays
    grow over calls (past their first capacity) and keep equal lengths."""
    h, f = _state_monitor(record)
    record = np.array(record, dtype=np.intp)
    expected = {"rec0": [], "rec1": [], "rec2": [], "t": []}
    steps = list(range(3, 40))
    for step in steps:
        assert f(step) == 0
        vs, xs = h.arrays["v"].data, h.arrays["x"].data
        expected["rec0"].append(vs[record].copy())
        expected["rec1"].append(xs[record].copy())
        expected["rec2"].append((vs[record] * 2 + xs[record] + record).astype(np.float32))
        expected["t"].append(step * DT)
        vs += 0.25   # the next row must see the state of its own call
        xs -= 3
    for name, rows in expected.items():
        got = h.arrays[name].data
        assert len(got) == len(steps), name
        want = np.array(rows).reshape(got.shape)
        assert got.dtype == want.dtype, name
        assert got.tobytes() == want.tobytes(), name


# ---- RecordSpikes --------------------------------------------------------------------------------

SIZE = 20


def _spike_monitor(start, stop, selected=None, with_indices=True, with_values=True):
    h = Harness()
    space = h.scratch("spikespace", SIZE + 1)
    variables = {"dt": scalar(h, "dt", DT)}
    sources, targets = (), ()
    if with_values:
        w = h.array("w", np.arange(SIZE) * 1.5)
        variables["w"] = K.ArrayVar("w", w.slot, "float", offset=start)
        sources, targets = ("w",), (grown(h, "rec_w", 0, np.float64),)
    counts = grown(h, "count", stop - start, np.int64)
    indices = grown(h, "i", 0, np.int32) if with_indices else None
    times = grown(h, "t", 0, np.float64) if with_indices else None
    selection = None
    if selected is not None:   # a uint8 per element of the range, as eventmonitor.py's
        selection = grown(h, "selected", stop - start, np.uint8)
        h.arrays["selected"].data[:] = selected
    kern = K.Kernel("spikemon", K.RecordSpikes(space, SIZE, start, stop, indices, times, counts,
                                               sources, targets, selection), variables)
    return h, lower_alone(h, kern)


def _fire(h, spikes):
    space = h.arrays["spikespace"].data
    space[:] = -1
    space[:len(spikes)] = spikes
    space[SIZE] = len(spikes)


FIRED = [[], [0, 3, 5, 19], [4, 5, 6, 7, 8, 9, 10], list(range(SIZE)), [12], [2, 17]]


@pytest.mark.parametrize("start,stop", [(0, SIZE), (4, 13), (19, 20)])
@pytest.mark.parametrize("selective", [False, True])
def test_record_spikes_counts_and_appends_the_events_of_its_range(start, stop, selective):
    """Per step: every spike in ``[start, stop)`` counted at its relative index; those of
    selected elements appended, in spike order, as (relative index, t, w at the element)."""
    selected = ((np.arange(stop - start) % 3 != 1).astype(np.uint8) if selective else None)
    h, f = _spike_monitor(start, stop, selected)
    counts = np.zeros(stop - start, np.int64)
    rows_i, rows_t, rows_w = [], [], []
    for rep in range(4):   # enough rows that the arrays grow past their first capacity
        for s, spikes in enumerate(FIRED):
            step = rep * len(FIRED) + s
            _fire(h, spikes)
            assert f(step) == 0
            for n in spikes:
                if start <= n < stop:
                    counts[n - start] += 1
                    if selected is None or selected[n - start]:
                        rows_i.append(n - start)
                        rows_t.append(step * DT)
                        rows_w.append(n * 1.5)
    assert np.array_equal(h.arrays["count"].data, counts)
    assert np.array_equal(h.arrays["i"].data, np.array(rows_i, np.int32))
    assert h.arrays["t"].data.tobytes() == np.array(rows_t, np.float64).tobytes()
    assert h.arrays["rec_w"].data.tobytes() == np.array(rows_w, np.float64).tobytes()


@pytest.mark.parametrize("selective", [False, True])
def test_record_spikes_without_records_only_counts(selective):
    """``record=False`` and no variables: the counts, nothing appended anywhere."""
    selected = np.ones(SIZE, np.uint8) if selective else None
    h, f = _spike_monitor(0, SIZE, selected, with_indices=False, with_values=False)
    counts = np.zeros(SIZE, np.int64)
    for step, spikes in enumerate(FIRED * 2):
        _fire(h, spikes)
        assert f(step) == 0
        counts[spikes] += 1
    assert np.array_equal(h.arrays["count"].data, counts)


# ---- RecordRate ----------------------------------------------------------------------------------

@pytest.mark.parametrize("start,stop", [(0, SIZE), (4, 13), (19, 20)])
def test_record_rate_appends_the_population_rate_and_the_time(start, stop):
    """One row per call: (spikes in ``[start, stop)``) / dt / (stop - start), Brian2's order of
    operations to the last bit, and ``step*dt``."""
    h = Harness()
    space = h.scratch("spikespace", SIZE + 1)
    rates, times = grown(h, "rate", 0, np.float64), grown(h, "t", 0, np.float64)
    kern = K.Kernel("ratemon", K.RecordRate(space, SIZE, start, stop, rates, times),
                    {"dt": scalar(h, "dt", DT)})
    f = lower_alone(h, kern)
    want_rate, want_t = [], []
    for rep in range(5):
        for s, spikes in enumerate(FIRED):
            step = 100 + rep * len(FIRED) + s
            _fire(h, spikes)
            assert f(step) == 0
            n = sum(start <= k < stop for k in spikes)
            want_rate.append(float(n) / DT / float(stop - start))
            want_t.append(step * DT)
    assert h.arrays["rate"].data.tobytes() == np.array(want_rate).tobytes()
    assert h.arrays["t"].data.tobytes() == np.array(want_t).tobytes()
