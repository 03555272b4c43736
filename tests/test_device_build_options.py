"""Brian2 scripts written for standalone devices call ``device.build(**device.build_options)``."""
from brianjit import NeuronGroup, device, ms, run


def test_build_with_the_devices_build_options():
    group = NeuronGroup(1, "dv/dt = -v/(10*ms) : 1")
    group.v = 1
    run(1 * ms)
    assert device.build_options == {}
    assert device.build(direct_call=False, **device.build_options) is None
    assert 0.9 < group.v[0] < 1
