"""Running: progress reports, the magic run(), Network membership and time, dt changes, Ctrl-C."""
import textwrap

import numpy as np
import pytest

from brianjit import (Network, NeuronGroup, SpikeMonitor, StateMonitor, defaultclock, ms, run,
                      second)
from brianjit.objects.magic import collect
from interrupting import run_and_interrupt


@pytest.fixture
def restore_dt():
    yield
    defaultclock.dt = 0.1 * ms


def _lif(n=3):
    return NeuronGroup(n, "dv/dt = (2 - v)/(10*ms) : 1", threshold="v > 1", reset="v = 0",
                       method="exact")


def test_reports(capsys):
    net = Network(_lif())
    net.run(1 * ms, report="text")
    out = capsys.readouterr().out
    assert out.startswith("Starting simulation at t=0")
    assert "(100%) simulated in" in out
    net.run(1 * ms, report="stdout", report_period=1 * ms)
    assert "(100%)" in capsys.readouterr().out
    calls = []
    net.run(2 * ms, report=lambda *args: calls.append(args))
    elapsed, completed, start, duration = calls[-1]
    assert calls[0][1] == 0.0 and completed == 1.0
    assert start == 2 * ms and duration == 2 * ms and elapsed.dim == second.dim
    with pytest.raises(ValueError, match="report"):
        net.run(1 * ms, report="loud")


def test_magic_run_collects_caller_objects():
    G = _lif()
    M = StateMonitor(G, "v", record=0)
    assert {id(o) for o in collect()} >= {id(G), id(M)}
    run(1 * ms)
    run(2 * ms)
    assert M.v.shape == (1, 30)
    assert np.allclose(M.t_, np.arange(30) * 1e-4)   # new objects: a new simulation from t = 0
    assert defaultclock.t == pytest.approx(3 * ms)


def test_network_add_remove_and_time():
    G = _lif()
    S = SpikeMonitor(G)
    net = Network(G)
    net.add(S)
    assert S in net and net[S.name] is S
    net.run(15 * ms)
    assert net.t == pytest.approx(15 * ms) and S.num_spikes == 6  # 2 spikes each (at 6.9 and 13.9 ms)
    net.remove(S)
    net.run(15 * ms)
    assert net.t == pytest.approx(30 * ms) and S.num_spikes == 6  # 2 spikes each (at 6.9 and 13.9 ms)
    with pytest.raises(KeyError):  # Brian2's error
        net.remove(S)
    with pytest.raises(TypeError):
        net.add("not an object")
    net.add([S])
    net.run(15 * ms)
    assert S.num_spikes > 6 and np.all(S.t[6:] >= 30 * ms)


def test_consecutive_runs_equal_one_long_run():
    a, b = _lif(), _lif()
    Sa, Sb = SpikeMonitor(a), SpikeMonitor(b)
    one, many = Network(a, Sa), Network(b, Sb)
    one.run(30 * ms)
    for _ in range(6):
        many.run(5 * ms)
    assert np.array_equal(Sa.i, Sb.i) and np.array_equal(Sa.t, Sb.t)
    assert np.array_equal(a.v_, b.v_)


def test_dt_change_between_runs(restore_dt):
    G = NeuronGroup(1, "dv/dt = 1/ms : 1", method="euler")
    M = StateMonitor(G, "v", record=True)
    net = Network(G, M)
    net.run(1 * ms)
    defaultclock.dt = 0.5 * ms
    net.run(2 * ms)
    assert net.t == pytest.approx(3 * ms)
    assert np.allclose(M.t_[-4:], [1e-3, 1.5e-3, 2e-3, 2.5e-3])
    assert len(M.t) == 14 and G.v[0] == pytest.approx(3.0)


_INTERRUPTED_SCRIPT = textwrap.dedent("""
    from brianjit import *
    G = NeuronGroup(50, 'dv/dt = (2 - v)/(10*ms) : 1', threshold='v > 1', reset='v = 0',
                    method='exact')
    M = StateMonitor(G, 'v', record=[0, 1])
    R = PopulationRateMonitor(G)
    S = SpikeMonitor(G)
    run(1*ms)  # builds: the Ctrl-C below lands in the long run, not in LLVM (the same program)
    print('READY', flush=True)
    try:
        run(3000*second)  # long enough to interrupt; monitors reserve room for all of it
    except KeyboardInterrupt:
        steps = round(defaultclock.t_ / defaultclock.dt_)
        assert 0 < steps < 10**9
        assert len(M.t) == len(R.t) == M.v.shape[1] == steps, (len(M.t), steps)
        assert abs(M.t_[-1] - (steps - 1) * defaultclock.dt_) < 1e-9
        assert S.num_spikes == round(R.rate_.sum() * defaultclock.dt_ * 50)
        run(1*ms)
        assert len(M.t) == steps + 10
        print('CONSISTENT', steps, flush=True)
""")


def test_ctrl_c_stops_at_a_step_boundary():
    assert "CONSISTENT" in run_and_interrupt(_INTERRUPTED_SCRIPT)
