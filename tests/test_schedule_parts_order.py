"""The parts of objects run in Brian2's order: by slot, order, then the part's own name.

Brian2 sorts its code objects (``neurongroup_1_stateupdater``, ``synapses_pre``,
``synapses_summed_variable_tot_post``), not the objects they belong to. Where the two orders
differ, sorting by object gave other numbers than Brian2, silently. The expected values were
measured with Brian2 2.9.0 (numpy target) on the same scripts.
"""
import numpy as np
import pytest

from brianjit import (NeuronGroup, Synapses, linked_var, ms, run, scheduling_summary,
                      start_scope)


@pytest.fixture(autouse=True)
def _fresh_scope():
    start_scope()


def test_state_updaters_run_by_their_own_names():
    # 'n_1_stateupdater' < 'n_stateupdater': B integrates before A moves x (Brian2: y = 0.03)
    A = NeuronGroup(1, "dx/dt = 1/ms : 1", method="euler", name="n")
    B = NeuronGroup(1, "dy/dt = xx/ms : 1\nxx : 1 (linked)", method="euler", name="n_1")
    B.xx = linked_var(A, "x")
    run(0.3 * ms)
    assert A.x[0] == pytest.approx(0.3)
    assert B.y[0] == pytest.approx(0.03)   # A first would give 0.06
    names = [e.name for e in scheduling_summary().entries]
    assert names.index("n_1_stateupdater") < names.index("n_stateupdater")


def test_pathways_of_two_synapses_run_by_their_names():
    # 'synapses_1_pre' < 'synapses_pre': (0 + 1) * 2 in Brian2, not 0 * 2 + 1
    G = NeuronGroup(1, "v : 1", threshold="True", reset="")
    T = NeuronGroup(1, "v : 1")
    doubling = Synapses(G, T, on_pre="v_post = v_post*2", name="synapses")
    adding = Synapses(G, T, on_pre="v_post += 1", name="synapses_1")
    doubling.connect()
    adding.connect()
    run(0.1 * ms)
    assert T.v[0] == 2.0


def test_a_pre_pathway_runs_before_another_synapses_post_pathway():
    # 'zz_pre' has order -1, 'aa_post' +1: the order wins over the names (Brian2: 1.0)
    A = NeuronGroup(1, "v : 1", threshold="True", reset="")
    B = NeuronGroup(1, "v : 1", threshold="True", reset="")
    X = NeuronGroup(1, "x : 1")
    tripling = Synapses(A, X, on_pre="x_post = x_post*3", name="zz")
    adding = Synapses(X, B, on_post="x_pre += 1", name="aa")
    tripling.connect()
    adding.connect()
    run(0.1 * ms)
    assert X.x[0] == 1.0


def test_summed_variable_onto_a_subgroup_sees_this_steps_update():
    # a subgroup's order is its group's + 1, so the sum runs at order 0 in 'groups', after
    # 'neurongroup_stateupdater' by name: it sums v as updated in the same step (Brian2)
    P = NeuronGroup(2, "dv/dt = -v/(3*ms) : 1", method="exact")
    P.v = 1
    Q = NeuronGroup(3, "tot : 1")
    S = Synapses(P, Q[1:2], "tot_post = v_pre : 1 (summed)")
    S.connect()
    assert Q[1:2].order == 1 and S.summed_updaters["tot_post"].order == 0
    run(1 * ms)
    assert Q.tot[1] == 2 * P.v[0]
    np.testing.assert_allclose(Q.tot[1], 2 * np.exp(-1 / 3), rtol=1e-12)


def test_summed_variable_onto_a_group_sees_the_previous_value():
    P = NeuronGroup(2, "dv/dt = -v/(3*ms) : 1", method="exact")
    P.v = 1
    Q = NeuronGroup(3, "tot : 1")
    S = Synapses(P, Q, "tot_post = v_pre : 1 (summed)")
    S.connect(j="1")
    run(1 * ms)
    np.testing.assert_allclose(Q.tot[1], 2 * np.exp(-0.9 / 3), rtol=1e-12)


def test_summed_updater_order_can_be_set():
    P = NeuronGroup(2, "dv/dt = -v/(3*ms) : 1", method="exact")
    P.v = 1
    Q = NeuronGroup(3, "tot : 1")
    S = Synapses(P, Q, "tot_post = v_pre : 1 (summed)")
    S.connect(j="1")
    S.summed_updaters["tot_post"].order = 5   # after P's state update
    run(1 * ms)
    np.testing.assert_allclose(Q.tot[1], 2 * np.exp(-1 / 3), rtol=1e-12)
