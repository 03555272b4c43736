"""``net.timings`` after a run: the native loop's wall time and its processor time."""
from brianjit import Network, NeuronGroup, ms


def test_run_reports_wall_and_processor_time():
    group = NeuronGroup(100, "dv/dt = -v/(10*ms) : 1")
    net = Network(group)
    net.run(5 * ms)
    assert net.timings["run"] >= 0 and net.timings["run_processor"] >= 0
    net.run(5 * ms)                       # no rebuild: the build figures are zero, the run's not
    assert net.timings["build"] == 0
    assert net.timings["run_processor"] >= 0
