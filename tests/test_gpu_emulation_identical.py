"""The GPU form of a network (``brianjit.gpu``), run on the CPU, computes what the CPU back-end
computes, bit for bit (math written in IR on both): by its own native driver ('emulate'), and
through the device runtime with the host twin of the CUDA driver ('host': arrays copied to
"device" memory and back every chunk, the steps replayed as graphs of up to 64 steps;
tests/test_gpu_graph_runs.py also launches them kernel by kernel). Every state variable,
spike and monitor of the benchmark models and of networks with delays, noise, refractoriness,
summed variables, STDP, Poisson inputs and TimedArrays."""
import pytest

from gpu_runs import run_on_targets


@pytest.mark.parametrize("names", [("cuba", "cobahh", "lif"), ("hh", "delays", "summed"),
                                   ("stdp", "inputs"),
                                   ("stdp-model", "creation", "hh-axon", "swc-neuron")])
def test_the_gpu_form_on_the_cpu_equals_the_cpu_back_end(names):
    results = run_on_targets(names, ("cpu", "emulate", "host"))
    for name in names:
        digests = results[name]
        assert digests["cpu"][1] > 3, (name, digests)  # state and monitors were digested
        assert digests["emulate"] == digests["cpu"], name
        assert digests["host"] == digests["cpu"], name
