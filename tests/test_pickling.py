"""Groups, synapses and monitors survive pickling as Brian2's do (multiprocessing recipes send
them to worker processes): the copy carries the state, gets new C memory, keeps its id (objects
pickled together keep their dependencies) and runs on the defaultclock of the process that
loads it. A Network (compiled code) is refused clearly."""
import pickle
import subprocess
import sys

import numpy as np
import pytest

from brianjit import (Network, NeuronGroup, SpikeMonitor, StateMonitor, Synapses, defaultclock,
                      ms)


def _model():
    G = NeuronGroup(5, "dv/dt = -v/(3*ms) : 1", threshold="v > 2", reset="v = 0",
                    method="exact")
    G.v = "i"
    S = Synapses(G, G, "w : 1", on_pre="v += w")
    S.connect()
    S.w = 0.1
    return G, S


def test_round_trip_keeps_state_and_runs_like_the_original():
    G, S = _model()
    M = StateMonitor(G, "v", record=True)
    net = Network(G, S, M)
    net.run(1 * ms)
    G2, S2, M2 = pickle.loads(pickle.dumps((G, S, M)))
    assert G2 is not G and G2.clock is defaultclock
    np.testing.assert_array_equal(G2.v[:], G.v[:])
    np.testing.assert_array_equal(M2.v[:], M.v[:])
    assert S2.source is G2 and list(S2.w[:]) == list(S.w[:])
    net.run(1 * ms)
    Network(G2, S2, M2).run(1 * ms)
    np.testing.assert_array_equal(G2.v[:], G.v[:])


def test_a_group_runs_in_another_process():
    G, S = _model()
    SM = SpikeMonitor(G)
    payload = pickle.dumps((G, S, SM))
    code = ("import pickle, sys\n"
            "from brianjit import Network, ms\n"
            "G, S, SM = pickle.loads(sys.stdin.buffer.read())\n"
            "Network(G, S, SM).run(2*ms)\n"
            "print(list(SM.count[:]))\n")
    out = subprocess.run([sys.executable, "-c", code], input=payload, capture_output=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr.decode()
    Network(G, S, SM).run(2 * ms)
    assert out.stdout.decode().split("\n")[0] == str(list(SM.count[:]))


def test_network_is_refused():
    G, S = _model()
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(Network(G, S))
