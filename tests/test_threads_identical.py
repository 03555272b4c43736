"""Every thread count computes the same bits: the benchmark models and networks with noise,
delays, STDP, summed variables, monitors and a network_operation, run on 1, 2, 3 and 4 threads
(more threads than this machine's cores: correctness never needs idle cores), compared by a
digest of every state variable and every monitor. Each run is in a subprocess with a timeout,
so a hang or a crash fails the test. The networks are in ``threaded_runs.py``."""
import pytest

from threaded_runs import distinct_results, run_with_threads

GROUPS = {
    "benchmark models": ["cuba", "cobahh", "lif", "hh"],
    "features": ["delays", "stdp", "summed", "operation"],
}


@pytest.mark.parametrize("group", list(GROUPS))
def test_one_to_four_threads_give_identical_state_spikes_and_monitors(group):
    results = run_with_threads(GROUPS[group])
    assert set(results) == set(GROUPS[group])
    assert all(set(by_count) == {"1", "2", "3", "4"} for by_count in results.values())
    assert distinct_results(results) == dict.fromkeys(GROUPS[group], 1)
