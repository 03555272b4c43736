"""``Network.get_states`` asks every object that has ``get_states`` (Brian2's duck-typed
protocol), contained objects included: a user's BrianObject subclass with its own state."""
from brianjit import BrianObject, Network, defaultclock


class Counter(BrianObject):
    add_to_magic_network = True

    def __init__(self, **kwds):
        super().__init__(**kwds)
        self.count = 0

    def run(self):
        self.count += 1

    def get_states(self, vars=None, units=True, format="dict", subexpressions=False,
                   read_only_variables=True, level=0):
        return {"state": self.count}

    def set_states(self, values, units=True, format="dict", level=0):
        self.count = values["state"]


def test_user_objects_and_their_contained_objects_give_their_states():
    outer = Counter(name="outer")
    inner = Counter(name="inner")
    outer.contained_objects.append(inner)
    net = Network(outer)
    net.run(defaultclock.dt)
    assert net.get_states() == {"outer": {"state": 1}, "inner": {"state": 1}}
    net.set_states({"inner": {"state": 5}})
    assert inner.count == 5
