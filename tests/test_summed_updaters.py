"""Brian2's ``S.summed_updaters``: where in the time step a ``(summed)`` variable is computed
(Brian2's example compartmental/lfp.py moves it to ``'after_groups'``)."""
import numpy as np
import pytest

from brianjit import Network, NeuronGroup, Synapses, ms, scheduling_summary


def _network(when=None):
    source = NeuronGroup(2, "dx/dt = 1/ms : 1")
    target = NeuronGroup(1, "y : 1")
    syn = Synapses(source, target, "y_post = x_pre : 1 (summed)")
    syn.connect()
    if when is not None:
        syn.summed_updaters["y_post"].when = when
    return Network(source, target, syn), source, target, syn


def test_default_is_before_the_groups_update():
    net, source, target, syn = _network()
    updater = syn.summed_updaters["y_post"]
    # Brian2's: slot 'groups' at the target's order minus one, named after the expression
    assert updater.when == "groups" and updater.name == f"{syn.name}_summed_variable_y_post"
    assert updater.order == target.order - 1 == -1
    net.run(1 * ms)
    # the sum saw x before the last step's update: 2 * 0.9
    assert target.y[0] == pytest.approx(2 * (source.x[0] - 0.1))


def test_after_groups_sees_this_steps_values():
    net, source, target, syn = _network("after_groups")
    net.run(1 * ms)
    assert target.y[0] == pytest.approx(2 * source.x[0])
    assert np.allclose(source.x[:], 1.0)
    rows = [row for row in str(scheduling_summary(net)).splitlines() if "summed" in row]
    assert rows and "after_groups" in rows[0]


def test_a_new_when_takes_effect_at_the_next_run():
    net, source, target, syn = _network()
    net.run(0.5 * ms)
    syn.summed_updaters["y_post"].when = "after_groups"
    net.run(0.5 * ms)
    assert target.y[0] == pytest.approx(2 * source.x[0])


def test_bad_settings_are_refused():
    _, _, _, syn = _network()
    updater = syn.summed_updaters["y_post"]
    with pytest.raises(TypeError, match="schedule slot"):
        updater.when = 3
    with pytest.raises(TypeError, match="order"):
        updater.order = "late"
    net, _, _, syn = _network("sometime")
    with pytest.raises(Exception, match="sometime"):
        net.run(0.1 * ms)
