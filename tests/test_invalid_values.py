"""After a run, Brian2's warning for integrated variables that hold NaN or values beyond 1e50."""
import numpy as np
import pytest

from brianjit import NeuronGroup, Network, Synapses, ms

LOGGER = "brian2.groups.group.invalid_values"


def _warnings(logs):
    return [message for level, name, message in logs if name == LOGGER and level == "WARNING"]


def test_an_unstable_integration_is_reported_once_with_group_and_variable(brian_logs):
    G = NeuronGroup(3, "dv/dt = -v/(0.005*ms) : 1\nu : 1", method="euler", name="unstable_group")
    G.v = 1
    net = Network(G)
    net.run(5 * ms)  # euler with dt/tau = 20: v is multiplied by -19 each step
    assert np.all(~np.isfinite(G.v_[:]) | (np.abs(G.v_[:]) > 1e50))
    messages = _warnings(brian_logs)
    assert messages == ["unstable_group's variable 'v' has NaN, very large values, or encountered "
                        "an error in numerical integration. This is usually a sign that an "
                        "unstable or invalid integration method was chosen."]
    net.run(1 * ms)
    assert len(_warnings(brian_logs)) == 1  # once per process, as Brian2's


@pytest.mark.parametrize("value, warned", [(np.nan, True), (np.inf, True), (-np.inf, True),
                                           (2e50, True), (-2e50, True), (1e50, False),
                                           (1e49, False), (0.0, False)])
def test_the_bound_is_brian2s(brian_logs, value, warned):
    name = f"bound_{abs(hash((str(value), warned)))}"
    G = NeuronGroup(2, "dv/dt = 0/ms : 1", method="euler", name=name)
    G.v[1] = value
    Network(G).run(0.1 * ms)
    assert bool(_warnings(brian_logs)) == warned


def test_only_integrated_variables_are_checked(brian_logs):
    G = NeuronGroup(2, "dv/dt = 0/ms : 1\np : 1", method="euler", name="parameters_only")
    G.p = np.nan
    Network(G).run(0.1 * ms)
    assert _warnings(brian_logs) == []


def test_synaptic_variables_are_checked_too(brian_logs):
    G = NeuronGroup(2, "v : 1", name="quiet_neurons")
    S = Synapses(G, G, "dw/dt = w/(0.01*ms) : 1 (clock-driven)", method="euler",
                 name="exploding_synapses")
    S.connect()
    S.w = 1
    Network(G, S).run(5 * ms)
    messages = _warnings(brian_logs)
    assert len(messages) == 1 and messages[0].startswith("exploding_synapses's variable 'w'")
