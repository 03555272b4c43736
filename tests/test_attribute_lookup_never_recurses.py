"""Looking up a missing attribute gives AttributeError, never RecursionError.

Two ways in found by Brian2's own tests and by copying objects: a ``Group`` subclass whose
``__init__`` does not call ``Group.__init__`` (Brian2's tests build such groups to hold a few
variables), and ``copy``/``pickle`` of a monitor's row ``M[i]``, which look up ``__setstate__``
on an object whose ``__init__`` has not run.
"""
import copy
import pickle

import numpy as np
import pytest

import brianjit as bj
from brianjit.objects.group import Group


class _BareGroup(Group):
    def __init__(self, variables):
        self.variables = variables


def test_group_subclass_without_group_init_has_no_attribute():
    group = _BareGroup({})
    with pytest.raises(AttributeError, match="_BareGroup has no attribute 'foo'"):
        group.foo
    with pytest.raises(AttributeError):
        group.name
    assert not hasattr(group, "v")


def test_initialised_group_still_names_itself():
    group = bj.NeuronGroup(2, "v : 1", name="named_group")
    with pytest.raises(AttributeError, match="NeuronGroup 'named_group' has no attribute 'foo'"):
        group.foo


@pytest.mark.parametrize("duplicate", [copy.copy, copy.deepcopy,
                                       lambda row: pickle.loads(pickle.dumps(row))],
                         ids=["copy", "deepcopy", "pickle"])
def test_monitor_row_copies(duplicate):
    bj.start_scope()
    group = bj.NeuronGroup(2, "dv/dt = -v/ms : 1")
    group.v = [1, 2]
    monitor = bj.StateMonitor(group, "v", record=True)
    bj.run(0.5 * bj.ms)
    row = duplicate(monitor[1])
    np.testing.assert_array_equal(np.asarray(row.v), np.asarray(monitor[1].v))
    with pytest.raises(AttributeError):
        row._missing
