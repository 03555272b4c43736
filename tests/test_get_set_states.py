"""``get_states``/``set_states`` of groups and monitors, as dicts and pandas DataFrames.

The keys and values are Brian2 2.9.0's (measured): a NeuronGroup exports its variables and
``N``, ``i``, ``t``, ``dt``, ``t_in_timesteps`` (subexpressions on request); a SpikeMonitor
``i``, ``t``, ``count``, its recorded variables and ``N`` (the number of spikes); a
StateMonitor its recorded variables as stored (one row per time step), ``t`` and ``N``."""
import sys

import numpy as np
import pytest

from brianjit import (DimensionMismatchError, NeuronGroup, PopulationRateMonitor,
                      SpikeGeneratorGroup, SpikeMonitor, StateMonitor, defaultclock, ms, run,
                      volt)
from brianjit.units import Quantity


@pytest.fixture
def group():
    G = NeuronGroup(10, """v : volt
                           x : 1
                           subexpr = x + v/volt : 1
                           subexpr2 = x*volt + v : volt""")
    G.v = "i*volt"
    G.x = "10*i"
    return G


def test_group_states_as_a_dict(group):
    states = group.get_states(["v", "x", "subexpr", "subexpr2"])
    assert isinstance(states["v"], Quantity) and np.allclose(states["v"] / volt, np.arange(10))
    assert np.allclose(states["subexpr2"] / volt, 11 * np.arange(10))
    plain = group.get_states(["v", "subexpr"], units=False)
    assert type(plain["v"]) is np.ndarray and np.allclose(plain["subexpr"], 11 * np.arange(10))
    everything = group.get_states()
    assert set(everything) == {"v", "x", "N", "t", "dt", "i", "t_in_timesteps"}
    assert everything["N"] == 10 and everything["t"] == defaultclock.t
    assert everything["t_in_timesteps"] == defaultclock.timestep
    assert everything["dt"] == defaultclock.dt
    assert set(group.get_states(subexpressions=True)) == set(everything) | {"subexpr", "subexpr2"}
    assert set(group.get_states(read_only_variables=False)) == {"v", "x"}
    states["v"][:] = 0 * volt                       # a copy: the group is unchanged
    assert group.v[3] == 3 * volt
    assert set(group[2:5].get_states()) == set(everything)
    assert (group[2:5].get_states(["v"])["v"] / volt).tolist() == [2, 3, 4]


def test_set_states_checks_sizes_units_and_read_only(group):
    with pytest.raises(ValueError):
        group.set_states({"v": np.arange(2, 11) * volt})
    with pytest.raises(TypeError):
        group.set_states({"N": 1})
    with pytest.raises(DimensionMismatchError):
        group.set_states({"x": np.arange(2, 12) * volt})
    with pytest.raises(DimensionMismatchError):
        group.set_states({"v": np.arange(2, 12)}, units=True)
    group.set_states({"v": np.arange(2, 12)}, units=False)
    assert np.allclose(group.v / volt, np.arange(2, 12))
    group.set_states({"x": np.arange(2, 12), "v": np.ones(10) * volt})
    assert group.x[:].tolist() == list(range(2, 12)) and np.all(group.v_[:] == 1)
    with pytest.raises(NotImplementedError):
        group.get_states(format="csv")


def test_pandas_format(group):
    pd = pytest.importorskip("pandas")
    with pytest.raises(NotImplementedError):
        group.get_states(["v"], units=True, format="pandas")
    frame = group.get_states(["v", "x", "subexpr"], units=False, format="pandas")
    assert np.allclose(frame["subexpr"].values, 11 * np.arange(10))
    assert set(group.get_states(units=False, format="pandas").columns) == {
        "v", "x", "N", "t", "dt", "i", "t_in_timesteps"}
    with pytest.raises(NotImplementedError):
        group.set_states(pd.DataFrame(np.arange(10), columns=["v"]), format="pandas")
    with pytest.raises(ValueError):
        group.set_states(pd.DataFrame(np.arange(2, 11), columns=["v"]), units=False,
                         format="pandas")
    with pytest.raises(TypeError):
        group.set_states(pd.DataFrame(np.array([1]), columns=["N"]), units=False,
                         format="pandas")
    frame = pd.DataFrame(np.vstack((np.arange(2, 12), np.arange(2, 12))).T, columns=["v", "x"])
    group.set_states(frame, units=False, format="pandas")
    assert np.allclose(group.v / volt, np.arange(2, 12)) and group.x[:].tolist() == list(range(2, 12))


def test_pandas_missing_is_a_clear_import_error(group, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match="pip install pandas"):
        group.get_states(units=False, format="pandas")
    assert set(group.get_states()) >= {"v", "x"}    # the dict format needs no pandas


def test_monitor_states():
    gen = SpikeGeneratorGroup(4, [3, 1, 0, 1, 3, 3], [0, 0.3, 0.3, 1.0, 1.2, 2.0] * ms)
    G = NeuronGroup(2, "dv/dt = -v/(10*ms) : 1\nf = clip(v, 0.1, 0.9) : 1")
    G.v = 1
    spikes = SpikeMonitor(gen)
    states = StateMonitor(G, ["v", "f"], record=True)
    rates = PopulationRateMonitor(gen)
    run(3 * ms)
    got = spikes.get_states(units=False)
    # Brian2 2.9.0's values for this script
    assert set(got) == {"i", "t", "count", "N"}
    assert got["i"].tolist() == [3, 0, 1, 1, 3, 3] and got["count"].tolist() == [1, 2, 0, 3]
    assert np.allclose(got["t"], [0, 0.0003, 0.0003, 0.001, 0.0012, 0.002]) and got["N"] == 6
    got = states.get_states()
    assert set(got) == {"v", "f", "t", "N"} and got["N"] == 30
    assert got["v"].shape == (30, 2) and np.array_equal(got["v"].T, states.v)
    assert np.array_equal(got["f"].T, states.f) and np.array_equal(got["t"], states.t[:])
    got = rates.get_states()
    assert set(got) == {"rate", "t", "N"} and np.array_equal(got["rate"], rates.rate[:])
    with pytest.raises(TypeError):
        spikes.set_states({"i": np.zeros(6)})
