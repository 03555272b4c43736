"""Brian2's logging system (``brian2.utils.logger``): ``BrianLogger``, ``get_logger``,
``catch_logs``, ``std_silent``, on Python's ``logging``.

Names. Records go to loggers under ``brian2``, named as Brian2 names them
(``brian2.groups.neurongroup.only_threshold``), so Brian2's documented ways of choosing messages
work unchanged: ``BrianLogger.suppress_name('resolution_conflict')``,
``BrianLogger.suppress_hierarchy('brian2.codegen')``, ``logging.getLogger('brian2')``,
``catch_logs()`` in a test. A logger whose name does not start with ``brian2.`` (an extension
package's, or brianjit's own messages that Brian2 does not have: ``brianjit.<module>.<what>``) is
configured as part of the ``brian2`` hierarchy and displayed without the prefix, as in Brian2.
Code inside brianjit logs through :func:`brianjit.utils.warn` (docs/architecture.md).

Set-up is lazy, so importing brianjit costs nothing here: the first message, or the first call of
one of ``BrianLogger``'s methods, runs ``BrianLogger.initialize()`` (Brian2 runs it when it is
imported). It gives the ``brian2`` logger (level DIAGNOSTIC, not propagating to the root logger, as
in Brian2) a console handler at ``prefs.logging.console_log_level`` and, with
``prefs.logging.file_log``, a temporary log file at ``file_log_level`` (rotated at
``file_log_max_size``; with ``save_script``, a copy of the main script next to it), deleted at exit
unless an uncaught exception occurred or ``delete_log_on_exit`` is False. A change of
``prefs.logging.*`` takes effect at once (Brian2 reads them only when it initialises).
"""
from __future__ import annotations

import atexit
import logging
import os
import shutil
import sys
import tempfile
import time
from logging.handlers import RotatingFileHandler

from ..preferences import prefs

__all__ = ["get_logger", "BrianLogger", "std_silent", "catch_logs", "LOG_LEVELS", "DIAGNOSTIC"]

#: Brian2's level below DEBUG, for messages that help debug the simulator itself
DIAGNOSTIC = 5
LOG_LEVELS = {"CRITICAL": logging.CRITICAL, "ERROR": logging.ERROR, "WARNING": logging.WARNING,
              "INFO": logging.INFO, "DEBUG": logging.DEBUG, "DIAGNOSTIC": DIAGNOSTIC}
ROOT = "brian2"


class HierarchyFilter:
    """Drops the records of one branch of the name hierarchy (``suppress_hierarchy``)."""

    def __init__(self, name):
        self.name = name

    def filter(self, record):
        return not (record.name == self.name or record.name.startswith(self.name + "."))


class NameFilter:
    """Drops the records whose name ends in ``.name`` (``suppress_name``)."""

    def __init__(self, name):
        self.name = name

    def filter(self, record):
        return record.name.rsplit(".", 1)[-1] != self.name


class BrianLogger:
    """Logs under one name; its class holds the logging set-up of the process (Brian2's API).

    ``BrianLogger(name)`` logs as ``name`` when it starts with ``brian2.``; any other name is
    logged under ``brian2.<name>`` (so Brian2's configuration applies) and displayed as ``name``.
    """

    #: whether an uncaught exception happened (then the log file is kept); Brian2's spelling
    exception_occured = False
    #: (name, level, message) of the messages logged with ``once=True``
    _log_messages = set()
    #: the temporary log file and its handler, if file logging is on
    tmp_log = None
    file_handler = None
    #: the handler writing to the console (stderr)
    console_handler = None
    #: the copy of the main script, if ``prefs.logging.save_script``
    tmp_script = None
    initialized = False
    #: the process that opened the log file: other processes (multiprocessing) do not write it
    _pid = None
    _file_filters = []

    def __init__(self, name):
        self.filter_name = not name.startswith(ROOT + ".")
        self.name = f"{ROOT}.{name}" if self.filter_name else name

    def _log(self, level, msg, name_suffix=None, once=False):
        _ensure_initialized()
        name = f"{self.name}.{name_suffix}" if name_suffix else self.name
        if BrianLogger.file_handler is not None and BrianLogger._pid != os.getpid():
            _close_file_log()  # a child process must not write its parent's log file
        if once:
            key = (name, level, msg)
            if key in BrianLogger._log_messages:
                return
            BrianLogger._log_messages.add(key)
        the_logger = logging.getLogger(name)
        levelno = LOG_LEVELS[level]
        if the_logger.isEnabledFor(levelno):
            shown = name[len(ROOT) + 1:] if self.filter_name else name
            the_logger.handle(the_logger.makeRecord(shown, levelno, "(brianjit)", 0, msg,
                                                    None, None))

    def diagnostic(self, msg, name_suffix=None, once=False):
        self._log("DIAGNOSTIC", msg, name_suffix, once)

    def debug(self, msg, name_suffix=None, once=False):
        self._log("DEBUG", msg, name_suffix, once)

    def info(self, msg, name_suffix=None, once=False):
        self._log("INFO", msg, name_suffix, once)

    def warn(self, msg, name_suffix=None, once=False):
        self._log("WARNING", msg, name_suffix, once)

    warning = warn

    def error(self, msg, name_suffix=None, once=False):
        self._log("ERROR", msg, name_suffix, once)

    @staticmethod
    def suppress_hierarchy(name, filter_log_file=False):
        """Hide every message of the ``name`` hierarchy (``'brian2'``: all of them) on the
        console; with ``filter_log_file``, also in the log file."""
        _suppress(HierarchyFilter(name), filter_log_file)

    @staticmethod
    def suppress_name(name, filter_log_file=False):
        """Hide every message whose name ends in ``name`` (``'resolution_conflict'``)."""
        _suppress(NameFilter(name), filter_log_file)

    @staticmethod
    def log_level_diagnostic():
        _console().setLevel(DIAGNOSTIC)

    @staticmethod
    def log_level_debug():
        _console().setLevel(logging.DEBUG)

    @staticmethod
    def log_level_info():
        _console().setLevel(logging.INFO)

    @staticmethod
    def log_level_warn():
        _console().setLevel(logging.WARNING)

    @staticmethod
    def log_level_error():
        _console().setLevel(logging.ERROR)

    @staticmethod
    def initialize():
        """(Re)build the logging set-up from ``prefs.logging``: a new log file (when
        ``file_log``), a new console handler, the copy of the script."""
        logging.addLevelName(DIAGNOSTIC, "DIAGNOSTIC")
        root = logging.getLogger(ROOT)
        root.propagate = False
        root.setLevel(DIAGNOSTIC)
        _close_file_log()
        if prefs["logging.file_log"]:
            _open_file_log()
        BrianLogger.tmp_script = _save_script() if prefs["logging.save_script"] else None
        if BrianLogger.console_handler is not None:
            root.removeHandler(BrianLogger.console_handler)
        console = _Console()
        console.setLevel(LOG_LEVELS[prefs["logging.console_log_level"].upper()])
        console.setFormatter(logging.Formatter("%(levelname)-10s %(message)s [%(name)s]"))
        root.addHandler(console)
        BrianLogger.console_handler = console
        if not BrianLogger.initialized:
            BrianLogger.initialized = True
            prefs.watch("logging.", _apply_preference)
            atexit.register(_clean_up)
            _install_excepthook()
        _log_environment(root)


class _Console(logging.StreamHandler):
    """Writes to ``sys.stderr`` as it is at each message, not as it was when logging started,
    so ``contextlib.redirect_stderr``, notebooks and test capture see the messages
    (``setStream`` still fixes a stream)."""

    @property
    def stream(self):
        return sys.stderr if self._stream is None else self._stream

    @stream.setter
    def stream(self, value):
        self._stream = None if value is sys.stderr else value


def get_logger(module_name="brian2"):
    """A ``BrianLogger`` for ``module_name`` (Brian2's modules pass ``__name__``)."""
    return BrianLogger(module_name)


def _ensure_initialized():
    if not BrianLogger.initialized:
        BrianLogger.initialize()


def _console():
    _ensure_initialized()
    return BrianLogger.console_handler


def _suppress(filter_object, filter_log_file):
    _console().addFilter(filter_object)
    if filter_log_file:
        BrianLogger._file_filters.append(filter_object)
        if BrianLogger.file_handler is not None:
            BrianLogger.file_handler.addFilter(filter_object)


# ------------------------------------------------------------------ the log file
_CREATED = []  # (pid, path) of the temporary files this process made


def _temporary_file(prefix, suffix):
    with tempfile.NamedTemporaryFile(prefix=prefix, suffix=suffix, delete=False) as f:
        _CREATED.append((os.getpid(), f.name))
        return f.name


def _open_file_log():
    try:
        path = _temporary_file("brian_debug_", ".log")
        handler = RotatingFileHandler(path, mode="a", maxBytes=prefs["logging.file_log_max_size"],
                                      backupCount=1, encoding="utf-8")
    except OSError as exc:
        sys.stderr.write(f"brianjit: could not create a log file: {exc}\n")
        return
    handler.setLevel(LOG_LEVELS[prefs["logging.file_log_level"].upper()])
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-10s %(name)s: %(message)s"))
    for filter_object in BrianLogger._file_filters:
        handler.addFilter(filter_object)
    logging.getLogger(ROOT).addHandler(handler)
    BrianLogger.file_handler, BrianLogger.tmp_log, BrianLogger._pid = handler, path, os.getpid()


def _close_file_log():
    handler = BrianLogger.file_handler
    if handler is not None:
        logging.getLogger(ROOT).removeHandler(handler)
        if BrianLogger._pid == os.getpid():
            handler.close()
    BrianLogger.file_handler = BrianLogger.tmp_log = None


def _save_script():
    script = sys.argv[0] if sys.argv else ""
    if not script or not os.path.isfile(script) or "IPython" in sys.modules:
        return None
    try:
        path = _temporary_file("brian_script_", ".py")
        with open(path, "wb") as copy, open(os.path.abspath(script), "rb") as original:
            copy.write(f"# {time.asctime()}\n# Run as: {' '.join(sys.argv)}\n\n".encode())
            shutil.copyfileobj(original, copy)
        return path
    except OSError:
        return None


def _log_environment(root):
    versions = {name: getattr(sys.modules.get(name), "__version__", "not imported")
                for name in ("brianjit", "numpy", "sympy", "llvmlite")}
    root.debug(f"Logging to file: {BrianLogger.tmp_log}, copy of main script saved as: "
               f"{BrianLogger.tmp_script}")
    root.debug(f"Python interpreter: {sys.executable} {sys.version}; platform: {sys.platform}")
    root.debug("Versions: " + ", ".join(f"{k} {v}" for k, v in versions.items()))


def _apply_preference(name, value):
    """A ``prefs.logging.*`` change, applied to the running set-up."""
    if name == "logging.console_log_level":
        BrianLogger.console_handler.setLevel(LOG_LEVELS[value.upper()])
    elif name == "logging.file_log_level" and BrianLogger.file_handler is not None:
        BrianLogger.file_handler.setLevel(LOG_LEVELS[value.upper()])
    elif name == "logging.file_log" and bool(value) != (BrianLogger.file_handler is not None):
        _open_file_log() if value else _close_file_log()


def _clean_up():
    """At exit: close the log file; delete this process's temporary files unless an uncaught
    exception happened or ``prefs.logging.delete_log_on_exit`` is False."""
    _close_file_log()
    if BrianLogger.exception_occured or not prefs["logging.delete_log_on_exit"]:
        return
    for pid, path in _CREATED:
        for candidate in (path, path + ".1"):  # the rotated log
            if pid == os.getpid() and os.path.exists(candidate):
                try:
                    os.remove(candidate)
                except OSError:
                    pass


def _install_excepthook():
    previous = sys.excepthook

    def excepthook(exc_type, exc_value, traceback):
        if not issubclass(exc_type, KeyboardInterrupt):
            BrianLogger.exception_occured = True
            kept = [p for p in (BrianLogger.tmp_log, BrianLogger.tmp_script) if p]
            if BrianLogger.file_handler is not None:
                BrianLogger.file_handler.handle(logging.getLogger(ROOT).makeRecord(
                    ROOT, logging.ERROR, "(brianjit)", 0, "An uncaught exception occurred",
                    None, (exc_type, exc_value, traceback)))
            if kept and prefs["logging.display_brian_error_message"]:
                sys.stderr.write("brianjit: the debug log of this run is kept in "
                                 + " and ".join(kept) + "\n")
        previous(exc_type, exc_value, traceback)
    sys.excepthook = excepthook


# ------------------------------------------------------------------ tests and silence
class LogCapture(logging.Handler):
    """Collects ``(level name, logger name, message)`` of the records from the ``only_from``
    hierarchies; while installed, it is the only handler of the ``brian2`` logger."""

    def __init__(self, log_list, log_level=logging.WARNING, only_from=(ROOT,)):
        super().__init__(level=log_level)
        self.log_list = log_list
        self.only_from = tuple(only_from)
        self._others = []

    def emit(self, record):
        if any(record.name == n or record.name.startswith(n + ".") for n in self.only_from):
            self.log_list.append((record.levelname, record.name, record.getMessage()))

    def install(self):
        _ensure_initialized()
        root = logging.getLogger(ROOT)
        self._others = list(root.handlers)
        for handler in self._others:
            root.removeHandler(handler)
        root.addHandler(self)

    def uninstall(self):
        root = logging.getLogger(ROOT)
        root.removeHandler(self)
        for handler in self._others:
            root.addHandler(handler)


class catch_logs:
    """``with catch_logs() as logs:`` collects the messages logged in the block (WARNING and
    above by default, from the ``brian2`` hierarchy) as (level, name, message) tuples, and
    keeps them from the console and the log file meanwhile."""

    def __init__(self, log_level=logging.WARNING, only_from=(ROOT,)):
        self.log_list = []
        self.handler = LogCapture(self.log_list, log_level, only_from)
        self._entered = False

    def __enter__(self):
        if self._entered:
            raise RuntimeError(f"Cannot enter {self!r} twice")
        self._entered = True
        self.handler.install()
        return self.log_list

    def __exit__(self, *exc_info):
        self.handler.uninstall()


class std_silent:
    """Brian2 silences its compilers' output with this context manager. brianjit runs no
    compiler and writes nothing to stdout or stderr while it builds, so there is nothing to
    silence: the block runs as it is."""

    def __init__(self, alwaysprint=False):
        self.alwaysprint = alwaysprint

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return False

    @classmethod
    def close(cls):
        pass
