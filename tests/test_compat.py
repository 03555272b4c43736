"""Scripts that configure Brian2's code generation or devices run unchanged."""
import subprocess
import sys

import pytest

from brianjit import device, get_device, prefs, reset_device, set_device
from brianjit.devices import CPPStandaloneDevice, Device, RuntimeDevice, all_devices, runtime_device


@pytest.fixture(autouse=True)
def _runtime_device_afterwards():
    yield
    all_devices["cpp_standalone"].reinit()   # forget what it recorded
    reset_device(runtime_device)


def test_preferences_are_remembered_and_readable_both_ways():
    prefs.codegen.target = "cython"
    prefs["codegen.cpp.extra_compile_args_gcc"] = ["-O3"]
    assert prefs["codegen.target"] == "cython"
    assert prefs.codegen.cpp.extra_compile_args_gcc == ["-O3"]
    prefs.reset_to_defaults()
    assert prefs.codegen.target == "auto"


def test_a_standalone_script_runs_unchanged():
    script = """
from brianjit import *
set_device('cpp_standalone', directory=None, build_on_run=False)
prefs.codegen.target = 'numpy'
prefs.devices.cpp_standalone.openmp_threads = 4
G = NeuronGroup(1, 'dv/dt = (1 - v)/(10*ms) : 1', threshold='v > 0.5', reset='v = 0',
                method='exact')
M = SpikeMonitor(G)
run(20*ms)
device.build(directory='output', compile=True, run=True, debug=False)
print(M.num_spikes, round(float(M.t[0] / ms), 1), device.build_options)
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["2", "6.9", "{'directory':", "None}"]


def test_set_device_records_the_choice_and_reset_goes_back():
    set_device("cpp_standalone", build_on_run=False, directory="out")
    assert isinstance(get_device(), CPPStandaloneDevice)
    assert device.name == "cpp_standalone" and device.build_on_run is False
    assert device.build_options == {"directory": "out"}
    set_device("runtime")
    assert get_device() is runtime_device and device.build_on_run is True
    reset_device()
    assert get_device() is all_devices["cpp_standalone"]
    assert device.build_options == {"directory": "out"} and not device.build_on_run


def test_the_runtime_device_builds_nothing_and_reads_its_options():
    assert isinstance(get_device(), RuntimeDevice)
    assert device.build_options == {} and device.build_on_run
    device.build(direct_call=False, **device.build_options)  # Brian2's idiom in tests
    device.reinit()
    device.activate()
    assert device.build_on_run


def test_standalone_build_with_build_on_run_is_refused_as_in_brian2():
    set_device("cpp_standalone")  # build_on_run=True: Brian2 builds at run()
    with pytest.raises(RuntimeError, match="build_on_run=True"):
        device.build()
    device.build(direct_call=False)


def test_run_args_that_are_not_variables_are_refused_rather_than_ignored():
    set_device("cpp_standalone", build_on_run=False)
    device.run()  # nothing was run: nothing to run again
    with pytest.raises(TypeError, match="VariableView"):
        device.build(run_args={"tau": 1})
    with pytest.raises(TypeError, match="'group.variable=value'"):
        device.run(run_args=["--tau"])
    device.apply_run_args()
    reset_device(runtime_device)
    with pytest.raises(NotImplementedError, match="run_args"):
        device.build(run_args={"tau": 1})   # the runtime device has nothing to run again


def test_a_device_class_of_ones_own_can_be_set():
    class Recording(Device):
        def activate(self, build_on_run=True, **kwargs):
            super().activate(build_on_run, **kwargs)
            self.options = kwargs

    mine = Recording()
    all_devices["mine"] = mine
    try:
        set_device("mine", build_on_run=False, opt=1)
        assert get_device() is mine and mine.options == {"opt": 1} and not mine.build_on_run
    finally:
        del all_devices["mine"]


def test_unknown_devices_are_clear_errors():
    with pytest.raises(KeyError, match="no device named 'cuda'"):
        set_device("cuda")
    with pytest.raises(TypeError, match="device or its name"):
        set_device(3)
    assert get_device() is runtime_device


def test_another_devices_method_is_a_warning_and_does_nothing():
    from brianjit.utils.logger import catch_logs
    with catch_logs() as logs:
        result = device.insert_code("main", "// C++")
        device.some_cpp_only_method(1, 2).anything()
    assert result is None
    assert [name for _, name, _ in logs] == ["brian2.devices.device", "brian2.devices.device"]
    assert "some_cpp_only_method" in logs[1][2]
    with pytest.raises(AttributeError):
        device._private  # noqa: B018


def test_random_state_of_the_device_is_refused_with_the_alternative():
    with pytest.raises(NotImplementedError, match="restore_random_state"):
        get_device().get_random_state()
    with pytest.raises(NotImplementedError, match="restore_random_state"):
        get_device().set_random_state({})


def test_restore_initial_state_resets_preferences_and_the_default_dt():
    from brianjit import defaultclock, ms, restore_initial_state
    prefs.codegen.target = "cython"
    defaultclock.dt = 0.5 * ms
    restore_initial_state()
    assert prefs.codegen.target == "auto" and defaultclock.dt == 0.1 * ms
