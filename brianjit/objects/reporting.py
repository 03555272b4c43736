"""Progress reports between chunks of a run: ``report='text'|'stdout'|'stderr'|'tqdm'|callable``.

The text reports are Brian2's lines: the start, then the simulated time, its share, the wall time
so far and an estimate of the time remaining (``1.5 s (15%) simulated in 2s, estimated 11s
remaining.``). A callable gets ``(elapsed, completed, start, duration)`` as in Brian2.
``'tqdm'`` (brianjit's own; tqdm is optional) shows a progress bar of the simulated time with
tqdm's estimate of the time remaining, as a widget in notebooks (``tqdm.auto``). It is never
chosen automatically: Brian2's default is silence, and its ``'text'`` lines are what scripts and
logs compare.
"""
from __future__ import annotations

import sys

import numpy as np
import time

from ..units import Quantity, fail_for_dimension_mismatch, second

__all__ = ["make_reporter"]


class _Silent:
    def start(self):
        pass

    def update(self, fraction):
        pass

    def finish(self, fraction):
        pass


class _Reporter:
    """Calls ``emit(elapsed, fraction, start_t, duration)`` at most once per ``period`` seconds
    of wall time, plus once at the start and once at the end."""

    def __init__(self, emit, period, duration, start_t):
        self.emit, self.period = emit, period
        self.duration, self.start_t = duration, start_t

    def start(self):
        self.t0 = self.last = time.perf_counter()
        self.emit(0.0, 0.0, self.start_t, self.duration)

    def update(self, fraction):
        now = time.perf_counter()
        if now - self.last >= self.period and fraction < 1.0:
            self.last = now
            self.emit(now - self.t0, fraction, self.start_t, self.duration)

    def finish(self, fraction):
        self.emit(time.perf_counter() - self.t0, fraction, self.start_t, self.duration)


def _format_time(seconds: float) -> str:
    """``3h 25m 45s``, ``2m 3s``, ``12s`` or ``< 1s`` (Brian2's format)."""
    parts, remaining = [], int(seconds)
    for size, letter in ((86400, "d"), (3600, "h"), (60, "m"), (1, "s")):
        count, remaining = divmod(remaining, size)
        if count or parts:
            parts.append(f"{count}{letter}")
    return " ".join(parts) or "< 1s"


def _text(stream):
    def emit(elapsed, fraction, start_t, duration):
        if fraction == 0.0 and elapsed == 0.0:
            stream.write(f"Starting simulation at t={Quantity(start_t, dim=second.dim)} for a "
                         f"duration of {Quantity(duration, dim=second.dim)}\n")
        else:
            remaining = (f", estimated {_format_time((1 - fraction) / fraction * elapsed)} "
                         f"remaining." if 0 < fraction < 1 else "")
            stream.write(f"{Quantity(duration * fraction, dim=second.dim)} "
                         f"({int(100 * fraction)}%) simulated in {_format_time(elapsed)}"
                         f"{remaining}\n")
        stream.flush()
    return emit


class _Bar:
    """A tqdm bar over the simulated time (seconds), moved at every chunk boundary."""

    def __init__(self, duration, start_t):
        try:
            from tqdm.auto import tqdm
        except ImportError as exc:
            raise ImportError("report='tqdm' needs tqdm: pip install tqdm") from exc
        self.tqdm, self.duration, self.start_t = tqdm, duration, start_t

    def start(self):
        self.bar = self.tqdm(total=self.duration, unit="s", unit_scale=False,
                             desc=f"t={self.start_t:g} s", bar_format=(
                                 "{desc}: {percentage:3.0f}%|{bar}| {n:.4g}/{total:.4g} s "
                                 "simulated [{elapsed}<{remaining}]"))

    def _move(self, fraction):
        self.bar.update(fraction * self.duration - self.bar.n)

    def update(self, fraction):
        self._move(fraction)

    def finish(self, fraction):
        self._move(fraction)
        self.bar.close()


def make_reporter(report, report_period, duration, start_t):
    """The reporter for ``run(report=...)``."""
    if report is None:
        return _Silent()
    fail_for_dimension_mismatch(report_period, second, "report_period has to be a time")
    period = float(np.asarray(report_period))
    if report in ("text", "stdout"):
        return _Reporter(_text(sys.stdout), period, duration, start_t)
    if report == "stderr":
        return _Reporter(_text(sys.stderr), period, duration, start_t)
    if report == "tqdm":
        return _Bar(duration, start_t)
    if isinstance(report, str):
        raise ValueError(f"Do not know how to handle report argument {report!r}: use 'text', "
                         f"'stdout', 'stderr', 'tqdm' or a function")
    if callable(report):
        def emit(elapsed, fraction, start_t, duration):
            report(Quantity(elapsed, dim=second.dim), fraction,
                   Quantity(start_t, dim=second.dim), Quantity(duration, dim=second.dim))
        return _Reporter(emit, period, duration, start_t)
    raise TypeError(f"report has to be None, 'text', 'stdout', 'stderr', 'tqdm' or a function, not "
                    f"{type(report).__name__} {report!r}")
