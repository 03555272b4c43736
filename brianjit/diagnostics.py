"""Warnings given to the user while a script runs, through one function until the project has its
own logging facility.

Brian2 reports such things through Python's ``logging`` under the logger ``brian2.<module>.<what>``
(e.g. ``brian2.groups.group.invalid_values``), each message once per process. brianjit does the
same under ``brianjit.<what>``: without any logging configuration, Python prints warnings to
stderr; a user (or a test) can filter or capture them by logger name.
"""
from __future__ import annotations

import logging

__all__ = ["note", "warn"]

_given: set = set()


def warn(what: str, message: str, once: bool = True) -> None:
    """Log ``message`` as a warning of the logger ``brianjit.<what>``; with ``once``, a message
    already given in this process is not repeated."""
    if once:
        if (what, message) in _given:
            return
        _given.add((what, message))
    logging.getLogger(f"brianjit.{what}").warning(message)


def note(what: str, message: str) -> None:
    """Log ``message`` at debug level (shown only to a user who asked for brianjit's details)."""
    logging.getLogger(f"brianjit.{what}").debug(message)
