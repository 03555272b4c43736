"""The chunk-size controller of the stepper: bounded for every measured time, and runs of any
length with an operation on every step (before: ``OverflowError: cannot convert float infinity
to integer`` after ~510 operation calls, the chunk having grown 4-fold per native call)."""
import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from brianjit import NeuronGroup, Network, defaultclock, ms, network_operation
from brianjit.objects import stepping
from brianjit.objects.stepping import MAX_CHUNK, next_chunk

times = st.one_of(st.floats(allow_nan=True, allow_infinity=True),
                  st.sampled_from([0.0, -0.0, 5e-324, 1e-300, math.inf, -math.inf, math.nan]))


@given(st.lists(st.tuples(times, st.integers(0, 2 * MAX_CHUNK)), max_size=200),
       st.integers(-5, 2 * MAX_CHUNK))
def test_any_sequence_of_measured_times_gives_a_chunk_in_range(measurements, first):
    chunk = first
    for elapsed, steps in measurements:
        chunk = next_chunk(chunk, min(steps, max(chunk, 1)), elapsed)
        assert isinstance(chunk, int) and 1 <= chunk <= MAX_CHUNK


def test_chunk_follows_the_measured_speed():
    assert next_chunk(100, 100, 0.1) == 100  # on target
    assert next_chunk(100, 100, 1.0) == 10  # ten times too slow
    assert next_chunk(100, 100, 0.001) == 416  # fast: at most 4-fold (+16) growth per call
    assert next_chunk(100, 10, 0.001) == 416  # a short call measures the speed all the same
    assert next_chunk(100, 100, 0.0) == 416  # below the clock's resolution: grow
    assert next_chunk(100, 100, -1.0) == 100 and next_chunk(100, 100, math.nan) == 100
    assert next_chunk(100, 100, math.inf) == 100
    assert next_chunk(100, 100, 1e9) == 1
    chunk = 1
    for _ in range(2000):
        chunk = next_chunk(chunk, 1, 0.0)
    assert chunk == MAX_CHUNK


def test_an_operation_on_every_step_for_many_steps():
    G = NeuronGroup(2, "dv/dt = 1/second : 1", method="euler")
    calls = []

    @network_operation(dt=defaultclock.dt)
    def count():
        calls.append(float(G.v[0]))

    net = Network(G, count)
    net.run(100 * ms)  # 1000 operation calls
    assert len(calls) == 1000
    assert np.allclose(calls, np.arange(1000) * 1e-4)


def test_runs_whose_chunks_measure_no_time(monkeypatch):
    """A clock that never advances (a chunk of wall time 0) must neither overflow nor stall."""
    monkeypatch.setattr(stepping.time, "perf_counter", lambda: 1.0)
    G = NeuronGroup(1, "dv/dt = 1/second : 1", method="euler")
    net = Network(G)
    for _ in range(50):
        net.run(2 * ms)
    assert abs(G.v[0] - 0.1) < 1e-9
