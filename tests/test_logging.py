"""Brian2's logging API (BrianLogger, get_logger, catch_logs) and brianjit's warn()."""
import io
import logging
import os
import subprocess
import sys

import pytest

from brianjit import BrianLogger, get_logger, prefs
from brianjit.utils import debug, info, warn
from brianjit.utils.logger import DIAGNOSTIC, catch_logs


@pytest.fixture
def console():
    """The console output of the logging system, from a fresh set-up."""
    BrianLogger.initialize()
    stream = io.StringIO()
    BrianLogger.console_handler.setStream(stream)
    yield stream
    prefs.reset_to_defaults()
    BrianLogger._file_filters.clear()
    BrianLogger.initialize()


def _file_lines():
    BrianLogger.file_handler.flush()
    with open(BrianLogger.tmp_log, encoding="utf-8") as f:
        return f.read().splitlines()


def test_messages_carry_brian2s_names_and_levels(console):
    with catch_logs(log_level=logging.INFO) as logs:
        warn("brian2.groups.neurongroup.only_threshold", "threshold without reset")
        info("brian2.stateupdaters.base.method_choice", "using exact")
        debug("brian2.core.magic.magic_objects", "not at INFO")
    assert logs == [("WARNING", "brian2.groups.neurongroup.only_threshold",
                     "threshold without reset"),
                    ("INFO", "brian2.stateupdaters.base.method_choice", "using exact")]
    assert console.getvalue() == ""  # catch_logs keeps them from the console


def test_the_console_shows_info_and_above_by_default(console):
    warn("brian2.x.warned", "a warning")
    info("brian2.x.informed", "an info")
    debug("brian2.x.debugged", "a debug message")
    assert console.getvalue().splitlines() == ["WARNING    a warning [brian2.x.warned]",
                                               "INFO       an info [brian2.x.informed]"]


def test_once_logs_an_identical_message_only_the_first_time(console):
    with catch_logs() as logs:
        for _ in range(3):
            warn("brian2.x.repeated", "same text", once=True)
        warn("brian2.x.repeated", "other text", once=True)
        warn("brian2.x.repeated", "not once")
        warn("brian2.x.repeated", "not once")
    assert [m for _, _, m in logs] == ["same text", "other text", "not once", "not once"]


def test_log_levels_of_the_console(console):
    BrianLogger.log_level_error()
    warn("brian2.x.a", "hidden")
    BrianLogger.log_level_debug()
    debug("brian2.x.b", "shown")
    get_logger("brian2.x").diagnostic("hidden too")
    BrianLogger.log_level_diagnostic()
    get_logger("brian2.x").diagnostic("diagnostic")
    assert [line.split()[1] for line in console.getvalue().splitlines()] == ["shown",
                                                                            "diagnostic"]
    assert logging.getLevelName(DIAGNOSTIC) == "DIAGNOSTIC"


def test_console_log_level_preference_takes_effect_at_once(console):
    prefs.logging.console_log_level = "WARNING"
    info("brian2.x.a", "hidden")
    prefs["logging.console_log_level"] = "debug"
    debug("brian2.x.b", "shown")
    assert console.getvalue().split() == ["DEBUG", "shown", "[brian2.x.b]"]


def test_suppress_name_and_hierarchy(console):
    BrianLogger.suppress_name("resolution_conflict")
    BrianLogger.suppress_hierarchy("brian2.codegen")
    warn("brian2.groups.group.Group.resolve.resolution_conflict", "hidden")
    warn("brian2.codegen.generators.base", "hidden")
    warn("brian2.codegenerator", "shown: not in the brian2.codegen hierarchy")
    warn("brian2.groups.group.resolution_conflicts", "shown: another name")
    assert [line.split()[1] for line in console.getvalue().splitlines()] == ["shown:", "shown:"]
    # suppressed on the console only, unless filter_log_file
    assert any("resolution_conflict: hidden" in line for line in _file_lines())


def test_suppression_in_the_log_file_too(console):
    BrianLogger.suppress_name("noisy", filter_log_file=True)
    warn("brian2.x.noisy", "nowhere")
    assert not any("nowhere" in line for line in _file_lines())


def test_the_log_file_holds_debug_and_above_in_utf8(console):
    logger = get_logger("brian2.tests.mine")
    logger.error("error message")
    logger.warn("warning message")
    logger.info("info message")
    logger.debug("debug message → µ ≤ ∞")
    logger.diagnostic("diagnostic message")
    lines = _file_lines()[-4:]
    for level, line in zip(["ERROR", "WARNING", "INFO", "DEBUG"], lines):
        assert level in line and "brian2.tests.mine" in line
    assert lines[-1].endswith("debug message → µ ≤ ∞")


def test_file_logging_can_be_switched_off_and_on(console):
    prefs.logging.file_log = False
    assert BrianLogger.file_handler is None and BrianLogger.tmp_log is None
    prefs.logging.file_log = True
    warn("brian2.x.y", "back in a file")
    assert _file_lines()[-1].endswith("back in a file")


def test_extension_names_are_configured_as_brian2_and_shown_without_prefix(console):
    ext = get_logger("myextension.module")
    with catch_logs() as default_logs:
        ext.warn("from the extension")
        warn("brianjit.objects.thing", "brianjit's own")
    with catch_logs(only_from=("myextension", "brianjit")) as logs:
        ext.warn("from the extension")
        warn("brianjit.objects.thing", "brianjit's own")
    assert default_logs == []
    assert [n for _, n, _ in logs] == ["myextension.module", "brianjit.objects.thing"]
    # filters see the shown name, so (as in Brian2) hiding 'brian2' keeps an extension's
    BrianLogger.suppress_hierarchy("brian2")
    ext.warn("still shown")
    warn("brian2.x.y", "hidden")
    assert console.getvalue().splitlines() == ["WARNING    still shown [myextension.module]"]
    assert not any("brian2.myextension" in line for line in _file_lines())


def test_records_do_not_reach_the_root_logger_as_in_brian2(console):
    seen = []
    handler = logging.Handler()
    handler.emit = seen.append
    logging.getLogger().addHandler(handler)
    try:
        warn("brian2.x.y", "only brianjit's handlers")
    finally:
        logging.getLogger().removeHandler(handler)
    assert seen == []


def test_brian2s_idiom_of_setting_the_brian2_loggers_level(console):
    logging.getLogger("brian2").setLevel(logging.ERROR)
    try:
        warn("brian2.x.y", "hidden")
    finally:
        logging.getLogger("brian2").setLevel(DIAGNOSTIC)
    assert console.getvalue() == ""


def test_the_log_file_is_deleted_at_exit_and_kept_after_an_error():
    code = ("import sys\nfrom brianjit.utils import warn\nfrom brianjit import BrianLogger\n"
            "warn('brian2.x.y', 'message')\nprint(BrianLogger.tmp_log, flush=True)\n"
            "if len(sys.argv) > 1: raise ValueError('boom')\n")
    clean = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           timeout=120)
    path = clean.stdout.strip()
    assert clean.returncode == 0 and path and not os.path.exists(path)
    failed = subprocess.run([sys.executable, "-c", code, "fail"], capture_output=True,
                            text=True, timeout=120)
    path = failed.stdout.strip()
    try:
        assert failed.returncode == 1 and "ValueError: boom" in failed.stderr
        assert f"kept in {path}" in failed.stderr
        with open(path, encoding="utf-8") as f:
            assert "ValueError: boom" in f.read()
    finally:
        os.remove(path)


def test_a_child_process_does_not_write_its_parents_log_file(console):
    import multiprocessing
    warn("brian2.x.parent", "before the child")
    process = multiprocessing.get_context("fork").Process(target=warn,
                                                          args=("brian2.x.child", "child"))
    process.start()
    process.join(60)
    assert process.exitcode == 0
    assert _file_lines()[-1].endswith("before the child")


def test_the_console_is_stderr_as_it_is_at_each_message():
    import contextlib
    BrianLogger.initialize()
    captured = io.StringIO()
    with contextlib.redirect_stderr(captured):
        warn("brian2.x.y", "redirected")
    assert captured.getvalue() == "WARNING    redirected [brian2.x.y]\n"
