"""Threaded runs under control: the thread count a user chooses, Ctrl-C, store/restore, Python
functions called from model code (on the caller's thread, errors raised as with one thread),
monitors growing across many tiny chunks, and a stress configuration (8 threads on this 2-core
machine, 1 to 3 steps per native call) run several times. Everything that could hang or crash
runs in a subprocess with a timeout."""
import os
import textwrap

import pytest

from brianjit import parallel, prefs
from interrupting import run_and_interrupt
from subprocess_script import run_script
from threaded_runs import distinct_results, run_with_threads


@pytest.fixture
def clean_choice(monkeypatch):
    monkeypatch.delenv(parallel.ENVIRONMENT_VARIABLE, raising=False)
    saved = prefs["brianjit.threads"], prefs["devices.cpp_standalone.openmp_threads"]
    yield monkeypatch
    prefs["brianjit.threads"], prefs["devices.cpp_standalone.openmp_threads"] = saved


def test_thread_count_environment_then_preference_then_openmp_then_cores(clean_choice):
    prefs["brianjit.threads"] = None
    prefs["devices.cpp_standalone.openmp_threads"] = 0
    assert parallel.thread_count() == parallel.physical_cores()
    prefs["devices.cpp_standalone.openmp_threads"] = 3
    assert parallel.thread_count() == 3
    prefs["brianjit.threads"] = 5
    assert parallel.thread_count() == 5
    clean_choice.setenv(parallel.ENVIRONMENT_VARIABLE, " 7 ")
    assert parallel.thread_count() == 7


@pytest.mark.parametrize("text", ["0", "-2", "two", "1.5"])
def test_a_bad_thread_count_in_the_environment_is_a_value_error_quoting_it(clean_choice, text):
    clean_choice.setenv(parallel.ENVIRONMENT_VARIABLE, text)
    with pytest.raises(ValueError, match=f"BRIANJIT_THREADS='{text}'"):
        parallel.thread_count()


def test_a_bad_thread_count_preference_is_refused(clean_choice):
    with pytest.raises(Exception, match="threads"):
        prefs["brianjit.threads"] = "many"
    prefs["brianjit.threads"] = 0
    with pytest.raises(ValueError, match="prefs.brianjit.threads"):
        parallel.thread_count()


def test_physical_cores_are_among_the_cpus_the_process_may_use():
    allowed = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert 1 <= parallel.physical_cores() <= allowed


_CTRL_C = textwrap.dedent("""
    from brianjit import *
    from brianjit import parallel
    parallel.ThreadedDriver.adaptive = False  # every chunk on 3 threads
    prefs.brianjit.threads = 3
    G = NeuronGroup(4100, 'dv/dt = (2 - v)/(10*ms) : 1', threshold='v > 1', reset='v = 0',
                    method='exact')
    G.v = 'i / 4100.0'
    M = StateMonitor(G, 'v', record=[0, 4099])
    R = PopulationRateMonitor(G)
    S = SpikeMonitor(G)
    net = Network(G, M, R, S)
    net.run(1*ms)
    assert isinstance(net._program.driver, parallel.ThreadedDriver)
    print('READY', flush=True)
    try:
        net.run(3000*second)
    except KeyboardInterrupt:
        steps = round(net.t_ / defaultclock.dt_)
        assert 0 < steps < 3 * 10**7
        assert len(M.t) == len(R.t) == M.v.shape[1] == steps, (len(M.t), steps)
        assert S.num_spikes == round(R.rate_.sum() * defaultclock.dt_ * 4100)
        net.run(1*ms)
        assert len(M.t) == steps + 10
        print('CONSISTENT', flush=True)
""")


def test_ctrl_c_stops_a_threaded_run_at_a_step_boundary():
    assert "CONSISTENT" in run_and_interrupt(_CTRL_C)


_STORE_RESTORE_AND_FUNCTIONS = """
import threading
import numpy as np
from brianjit import *
from brianjit import parallel
parallel.ThreadedDriver.adaptive = False  # every chunk on 2 threads
prefs.brianjit.threads = 2
callers = set()


@check_units(x=1, result=1)
def squash(x):
    callers.add(threading.current_thread() is threading.main_thread())
    return np.tanh(x)


G = NeuronGroup(4100, '''dv/dt = (1.2 - v)/(10*ms) + 0.2*xi/sqrt(ms) : 1
                         s = squash(v) : 1''', threshold='v > 1', reset='v = 0',
                method='euler', name='g')
H = NeuronGroup(4100, 'dw/dt = -w/(5*ms) : 1', method='exact', name='h')
H.w = 'i*1.0'
G.v = 'rand()'
M = StateMonitor(G, ['v', 's'], record=[1, 2, 4000])
S = SpikeMonitor(G)
net = Network(G, H, M, S)
net.run(1*ms)
assert isinstance(net._program.driver, parallel.ThreadedDriver)
net.store()
net.run(5*ms)
first = (G.v[:].copy(), H.w[:].copy(), M.s[:].copy(), S.i[:].copy())
net.restore()
net.run(5*ms)
again = (G.v[:].copy(), H.w[:].copy(), M.s[:].copy(), S.i[:].copy())
assert all(np.array_equal(a, b) for a, b in zip(first, again))
assert callers == {True}, callers  # Python functions run on the caller's thread


@check_units(x=1, result=1)
def fails(x):
    raise ZeroDivisionError('from the user function')


K = NeuronGroup(4100, 'dv/dt = fails(v)/ms : 1', method='euler', name='k')
L = NeuronGroup(4100, 'dw/dt = -w/(5*ms) : 1', method='exact', name='l')
net2 = Network(K, L)
try:
    net2.run(1*ms)
except Exception as error:
    assert 'from the user function' in str(error) or 'from the user function' in repr(
        error.__cause__), repr(error)
else:
    raise AssertionError('no error')
assert isinstance(net2._program.driver, parallel.ThreadedDriver)
net2.run(0*ms)  # the threads are free again
print('OK')
"""


def test_store_restore_and_python_functions_in_a_threaded_run():
    assert "OK" in run_script(_STORE_RESTORE_AND_FUNCTIONS, timeout=300)


def test_stress_eight_threads_on_two_cores_with_tiny_chunks_repeated():
    results = run_with_threads(["delays", "operation"], counts=(1, 8), chunking="tiny",
                               repeats=3, timeout=600)
    assert distinct_results(results) == {"delays": 1, "operation": 1}


def test_adaptive_runs_measure_both_choices_and_compute_the_same_bits():
    results = run_with_threads(["delays"], counts=(1, 2), chunking="adaptive")
    assert distinct_results(results) == {"delays": 1}


_FORK = """
import os
import numpy as np
from brianjit import *
from brianjit import parallel
parallel.ThreadedDriver.adaptive = False
prefs.brianjit.threads = 2
G = NeuronGroup(4100, 'dv/dt = (2 - v)/(10*ms) : 1', threshold='v > 1', reset='v = 0',
                method='exact', name='g')
G.v = 'i / 4100.0'
net = Network(G)
net.run(1*ms)  # the worker thread starts in the parent
assert isinstance(net._program.driver, parallel.ThreadedDriver)
read, write = os.pipe()
pid = os.fork()
if pid == 0:  # the child has no worker thread of its own until it starts one
    net.run(2*ms)
    os.write(write, G.v[:].tobytes())
    os._exit(0)
os.close(write)
child = b''
while chunk := os.read(read, 1 << 16):
    child += chunk
assert os.waitpid(pid, 0)[1] == 0
net.run(2*ms)
assert child == G.v[:].tobytes()
print('OK')
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_continues_a_threaded_network_with_threads_of_its_own():
    assert "OK" in run_script(_FORK, timeout=120)
