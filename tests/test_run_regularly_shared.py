"""``run_regularly`` code that writes shared variables (Brian2's scalar code): those statements
run once per call, before the per-element statements, and may read only shared values."""
import numpy as np
import pytest

from brianjit import Network, NeuronGroup, defaultclock


def test_shared_writes_of_every_type():
    G = NeuronGroup(10, """individual_var : 1
                           shared_var : 1 (shared)
                           shared_var_i : integer (shared)
                           shared_var_b : boolean (shared)""")
    G.run_regularly("shared_var = 1.0\nshared_var_i = 2\nshared_var_b = True\n"
                    "individual_var = 1.0", dt=defaultclock.dt)
    Network(G).run(defaultclock.dt)
    assert G.shared_var[:] == 1.0 and G.shared_var_i[:] == 2 and G.shared_var_b[:]
    np.testing.assert_array_equal(G.individual_var[:], np.ones(10))


def test_scalar_statements_run_once_and_first():
    G = NeuronGroup(10, "x : 1\ncounter : 1 (shared)")
    # written after x in the text, the counter still runs first (once per step, adding N)
    G.run_regularly("x = counter\ncounter += N", dt=defaultclock.dt)
    Network(G).run(3 * defaultclock.dt)
    assert G.counter[:] == 30
    np.testing.assert_array_equal(G.x[:], np.full(10, 30.0))


def test_subgroup_writes_the_shared_value_once():
    G = NeuronGroup(10, "x : 1\ns : 1 (shared)")
    G[5:8].run_regularly("s += 1\nx = s", dt=defaultclock.dt)
    Network(G).run(2 * defaultclock.dt)
    assert G.s[:] == 2
    np.testing.assert_array_equal(G.x[:], [0, 0, 0, 0, 0, 2, 2, 2, 0, 0])


@pytest.mark.parametrize("code", ["s = x", "s = i", "tmp = x\ns = tmp"])
def test_shared_value_from_per_element_values_is_refused(code):
    G = NeuronGroup(4, "x : 1\ns : 1 (shared)")
    with pytest.raises(SyntaxError, match="'s'"):
        G.run_regularly(code)
