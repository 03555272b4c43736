"""A 2D TimedArray's lookup reads the number of columns through the DynamicArray emitters (the
header field ``ncols``), never through a byte offset of its own (codegen/dynarray.py is the only
IR code that knows the header layout); the values are Brian2's."""
import re

import numpy as np

from brianjit import Network, NeuronGroup, StateMonitor, TimedArray, mV, ms


def test_columns_come_from_the_header_field():
    table = TimedArray([[1, 2, 3], [4, 5, 6]] * mV, dt=0.1 * ms)
    group = NeuronGroup(4, "v = table(t, i) : volt")
    monitor = StateMonitor(group, "v", record=True)
    Network(group, monitor).run(0.2 * ms)
    assert np.array_equal(np.nan_to_num(monitor.v_ / 1e-3, nan=-1).round(9),
                          [[1, 4], [2, 5], [3, 6], [-1, -1]])  # column 3: NaN (Brian2's C++)
    ir = monitor.code.ir
    assert "h.ncols" in ir
    assert not re.search(r"getelementptr (inbounds )?i8, ptr %[^,]+, i64 48\b", ir)
