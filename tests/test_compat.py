"""Scripts that configure Brian2's code generation or devices run unchanged."""
import subprocess
import sys

from brianjit import device, prefs, set_device


def test_preferences_are_remembered_and_readable_both_ways():
    prefs.codegen.target = "cython"
    prefs["codegen.cpp.extra_compile_args_gcc"] = ["-O3"]
    assert prefs["codegen.target"] == "cython"
    assert prefs.codegen.cpp.extra_compile_args_gcc == ["-O3"]
    prefs.reset_to_defaults()


def test_a_standalone_script_runs_unchanged():
    script = """
from brianjit import *
set_device('cpp_standalone', directory=None, build_on_run=False)
prefs.codegen.target = 'numpy'
G = NeuronGroup(1, 'dv/dt = (1 - v)/(10*ms) : 1', threshold='v > 0.5', reset='v = 0',
                method='exact')
M = SpikeMonitor(G)
run(20*ms)
device.build(directory='output', compile=True, run=True, debug=False)
print(M.num_spikes, round(float(M.t[0] / ms), 1))
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["2", "6.9"]


def test_set_device_records_the_choice():
    set_device("cpp_standalone", build_on_run=False)
    assert device.name == "cpp_standalone" and device.options["build_on_run"] is False
    set_device("runtime")
