"""The GPU form reads the time of a part's group clock as the CPU does (``Kernel.code_clock``):
a ``run_regularly`` at 0.3 ms on a group at 0.2 ms, a pathway and a summed variable of Synapses
at 0.3 ms fed by a group at 0.1 ms, run through the host twin of the CUDA driver. Values
measured with Brian2 2.9.0 on the same script."""
import numpy as np
import pytest

import brianjit as b2
from brianjit import prefs


@pytest.fixture
def host_gpu():
    prefs.codegen.brianjit.math = "ir"
    prefs.brianjit.gpu = "host"
    b2.set_device("cuda_standalone")
    yield
    b2.reset_device()
    prefs.brianjit.gpu = None
    prefs.codegen.brianjit.math = "auto"


def test_group_and_synapses_time_on_the_gpu_form(host_gpu):
    ms = b2.ms
    b2.start_scope()
    b2.defaultclock.dt = 0.1 * ms
    G = b2.NeuronGroup(1, "x : second\nc : 1", dt=0.2 * ms)
    G.run_regularly("x = t\nc = t_in_timesteps", dt=0.3 * ms)
    P = b2.NeuronGroup(1, "dummy : 1", threshold="True", dt=0.1 * ms)
    Q = b2.NeuronGroup(2, "a : 1\nbb : 1", dt=0.1 * ms)
    S = b2.Synapses(P, Q, "w : 1\nbb_post = t/ms + w : 1 (summed)",
                    on_pre="a_post += t_in_timesteps", dt=0.3 * ms)
    S.connect()
    M = b2.StateMonitor(G, ["x", "c"], record=0, when="end", dt=0.1 * ms)
    b2.run(3 * ms)
    # Brian2 2.9.0
    assert list(M.c[0][:12]) == [0, 0, 0, 2, 2, 2, 3, 3, 3, 5, 5, 5]
    assert repr(float(np.asarray(M.x[0])[6])) == "0.0006000000000000001"
    assert Q.a[:].tolist() == [155.0, 155.0]
    assert [repr(float(v)) for v in Q.bb[:]] == ["2.9999999999999996"] * 2
