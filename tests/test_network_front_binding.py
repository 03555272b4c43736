"""A stored binding is refilled only where its roles share arrays as they did when it was
recorded (``assembly.bind_roles``): objects whose front keys are equal but whose arrays alias
otherwise -- a linked variable that reads another group of the same model -- never run the
other network's slot table; the build is then made from kernels, and computes what it must."""
import numpy as np

from brianjit import Network, NeuronGroup, linked_var, ms, prefs
from brianjit.objects.assembly import SlotTable, bind_roles, record_binding
from brianjit.objects.front_network import front_counts
from brianjit.memory import DynamicArray


def _network(link_to_third):
    """Three groups of one model; the last one's ``x`` reads ``v`` of the first or the
    second group (the same front key either way: a link's target is not part of it)."""
    first = NeuronGroup(3, "v : 1")
    second = NeuronGroup(3, "v : 1")
    reader = NeuronGroup(3, """x : 1 (linked)
                               dy/dt = (x - y) / (1*ms) : 1""", method="exact")
    first.v = [1, 2, 3]
    second.v = [10, 20, 30]
    reader.x = linked_var(second.v if link_to_third else first.v)
    return Network(first, second, reader), reader


def test_equal_keys_with_other_aliasing_are_built_from_kernels(monkeypatch, tmp_path):
    monkeypatch.setenv("BRIANJIT_CACHE_DIR", str(tmp_path))
    prefs["brianjit.threads"] = 1
    try:
        results = []
        for link_to_third in (False, True, False):
            net, reader = _network(link_to_third)
            before = front_counts()
            net.run(2 * ms)
            after = front_counts()
            results.append((reader.y[:].copy(), {k: after[k] - before[k] for k in after}))
    finally:
        prefs["brianjit.threads"] = None
    (y_first, first), (y_second, second), (y_again, again) = results
    expected = 1 - np.exp(-2)
    assert np.allclose(y_first, np.array([1, 2, 3]) * expected)
    assert np.allclose(y_second, np.array([10, 20, 30]) * expected)   # not the first's arrays
    assert second["hit"] == 0 and second["miss"] == 1
    # the miss stored its own binding under the key: the first aliasing misses in turn
    assert again["miss"] == 1 and np.array_equal(y_again, y_first)
    assert first["stored"] == 1


def test_a_binding_refuses_arrays_shared_otherwise():
    a, b, c = DynamicArray(3), DynamicArray(3), DynamicArray(3)
    slots = SlotTable()
    slots.slot(a)
    slots.slot(b)
    binding = record_binding(slots, {("x",): a, ("y",): a, ("z",): b})
    assert binding is not None
    assert bind_roles(SlotTable(), binding, {("x",): c, ("y",): c, ("z",): b})
    assert not bind_roles(SlotTable(), binding, {("x",): a, ("y",): c, ("z",): b})   # split
    assert not bind_roles(SlotTable(), binding, {("x",): a, ("y",): a, ("z",): a})   # merged
    assert not bind_roles(SlotTable(), binding, {("x",): a, ("y",): a})              # missing
    other = DynamicArray(3, dtype=np.int32)
    assert not bind_roles(SlotTable(), binding, {("x",): other, ("y",): other, ("z",): b})
    assert record_binding(slots, {("x",): a}) is None   # b has no role: nothing to store
