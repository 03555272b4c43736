"""Brian2's preferences: defaults read back, values checked, files read, logging prefs act."""
import io

import numpy as np
import pytest

from brianjit import BrianPreference, PreferenceError, brian_prefs, ms, prefs


@pytest.fixture(autouse=True)
def _defaults_afterwards():
    yield
    prefs.reset_to_defaults()


def test_brian2s_defaults_are_read_back():
    assert prefs.codegen.target == "auto"
    assert prefs["codegen.string_expression_target"] == "numpy"
    assert prefs.core.default_float_dtype is np.float64
    assert prefs.core.default_integer_dtype is np.int32
    assert prefs.core.network.default_schedule == ["start", "groups", "thresholds", "synapses",
                                                   "resets", "end"]
    assert prefs["logging.console_log_level"] == "INFO" and prefs.logging.file_log is True
    assert prefs.devices.cpp_standalone.openmp_threads == 0
    assert prefs.legacy.refractory_timing is False


def test_a_changed_default_list_does_not_change_the_default():
    prefs.core.network.default_schedule.append("x")  # a script mutating what it read
    prefs.reset_to_defaults()
    assert prefs.core.network.default_schedule[-1] == "end"


def test_unknown_names_and_wrong_values_are_errors_as_in_brian2():
    with pytest.raises(PreferenceError, match="unregistered"):
        prefs.codegen.tagret = "numpy"
    with pytest.raises(PreferenceError, match="unregistered"):
        prefs["nonsense.option"] = 1
    with pytest.raises(AttributeError):
        prefs.codegen.tagret  # noqa: B018
    with pytest.raises(PreferenceError, match="invalid"):
        prefs.codegen.loop_invariant_optimisations = "yes"
    with pytest.raises(PreferenceError, match="invalid"):
        prefs.logging.console_log_level = "LOUD"
    with pytest.raises(PreferenceError, match="invalid"):
        prefs.core.default_float_dtype = np.int32
    with pytest.raises(PreferenceError, match="category"):
        prefs.codegen = "numpy"
    with pytest.raises(AttributeError, match="renamed"):
        brian_prefs.codegen  # noqa: B018


def test_categories_behave_like_mappings():
    assert "target" in prefs.codegen and "codegen.target" in prefs
    assert set(prefs.logging) >= {"file_log", "console_log_level"}
    prefs.codegen["target"] = "numpy"
    assert prefs["codegen"]["target"] == "numpy"
    assert "codegen" in prefs.toplevel_categories


def test_a_preference_file_is_read_without_eval():
    prefs.read_preference_file(io.StringIO(
        "[codegen]\ntarget = 'cython'  # a comment\n\n[core]\n"
        "default_float_dtype = float64\n[devices.cpp_standalone]\nopenmp_threads = 2\n"))
    assert prefs.codegen.target == "cython" and prefs.devices.cpp_standalone.openmp_threads == 2
    with pytest.raises(PreferenceError, match="cannot read"):
        prefs.read_preference_file(io.StringIO("[codegen]\ntarget = __import__('os')\n"))


def test_the_file_format_round_trips():
    prefs.codegen.target = "numpy"
    text = prefs.as_file
    prefs.reset_to_defaults()
    prefs.read_preference_file(io.StringIO(text))
    assert prefs.codegen.target == "numpy"
    assert "[logging]" in prefs.defaults_as_file


def test_preference_files_are_loaded_from_the_working_directory(tmp_path):
    import subprocess
    import sys
    (tmp_path / "brian_preferences").write_text("[codegen]\ntarget = 'cython'\n")
    out = subprocess.run([sys.executable, "-c",
                          "from brianjit import prefs; print(prefs.codegen.target)"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "cython", out.stderr


def test_packages_can_register_their_own_preferences():
    if "myext" not in prefs.pref_register:
        prefs.register_preferences("myext", "an extension", speed=BrianPreference(1 * ms, "dt"))
    assert prefs.myext.speed == 1 * ms
    with pytest.raises(PreferenceError):
        prefs.myext.speed = 3  # the units of the default
    with pytest.raises(PreferenceError, match="already registered"):
        prefs.register_preferences("myext", "again", other=BrianPreference(1, ""))
