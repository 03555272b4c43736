"""Utilities shared by brianjit's modules; here, the one way they log a message.

``warn(name, message, once=False)`` (and ``info``, ``debug``) log ``message`` under the logger
``name``: Brian2's full logger name for a message Brian2 also gives
(``'brian2.groups.neurongroup.only_threshold'``), so users and tests select it exactly as with
Brian2 (its name ends the same way), or ``'brianjit.<module>.<what>'`` for a message of
brianjit's own. ``once=True`` logs an identical message only the first time. The logging system
(:mod:`brianjit.utils.logger`, which imports Python's ``logging``) loads with the first message,
so importing this costs nothing. docs/architecture.md lists the names to use.
"""

__all__ = ["warn", "info", "debug", "get_logger", "BrianLogger", "std_silent"]

_LOGGER_NAMES = ("get_logger", "BrianLogger", "std_silent")


def warn(name: str, message: str, *, once: bool = False) -> None:
    """Log a WARNING: something that is most likely a mistake in the user's model or script."""
    _log("WARNING", name, message, once)


def info(name: str, message: str, *, once: bool = False) -> None:
    """Log an INFO message: an automatic choice the user should know about."""
    _log("INFO", name, message, once)


def debug(name: str, message: str, *, once: bool = False) -> None:
    """Log a DEBUG message: detail for when a simulation does not do what was expected."""
    _log("DEBUG", name, message, once)


def _log(level, name, message, once):
    from .logger import BrianLogger
    BrianLogger(name)._log(level, message, once=once)


def __getattr__(name):
    if name in _LOGGER_NAMES:
        from . import logger
        return getattr(logger, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
