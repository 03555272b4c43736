"""``run(profile=True)``: where the time of a run went, kernel by kernel (Brian2's profiling).

Brian2 times each of its code objects in Python. brianjit runs every kernel inside one native
driver call, so with ``profile=True`` the network compiles a profiling variant of the driver
(``codegen/driver.py``) that reads the monotonic clock around each kernel call and adds the
nanoseconds per kernel into an int64 array, which this module turns into
``Network.profiling_info``: ``(name, time)`` pairs, one per kernel (named as Brian2 names the parts
of an object: ``neurongroup_stateupdater``, ``neurongroup_spike_thresholder``, ...; a monitor's
kernel is ``<monitor>_record``) and one per object that runs in Python (network operations, the
``run()`` of a user's subclass), longest first. A profiled program is a different build (the
profile flag is part of the structure key); switching back costs a compile cache hit.
"""
from __future__ import annotations

import numpy as np

from ..units import Quantity, msecond, second

__all__ = ["ProfilingSummary", "profiling_info"]


def profiling_info(kernel_names, nanoseconds, python_seconds) -> list:
    """``[(name, time), ...]`` longest first, from the native kernels' accumulated
    ``nanoseconds`` (in schedule order) and ``{name: seconds}`` of the Python objects."""
    totals = dict(python_seconds)
    for name, ns in zip(kernel_names, np.asarray(nanoseconds)):
        totals[name] = totals.get(name, 0.0) + float(ns) * 1e-9
    return sorted(((name, Quantity(t, dim=second.dim)) for name, t in totals.items()),
                  key=lambda item: float(np.asarray(item[1])), reverse=True)


class ProfilingSummary:
    """A table of ``net.profiling_info`` (``show``: only the longest ``show`` entries): name,
    time and share of the total; ``str`` for a console, HTML in a notebook."""

    def __init__(self, net, show=None):
        info = net.profiling_info
        names = [name for name, _ in info] or ["no code objects have been run"]
        times = [float(np.asarray(t)) for _, t in info] or [0.0]
        total = sum(times)
        self.time_unit = second if total > 1 else msecond
        if show is not None:
            names, times = names[:show], times[:show]
        self.names = names
        self.times = [Quantity(t, dim=second.dim) for t in times]
        self.percentages = [100.0 * t / total if total > 0 else 0.0 for t in times]

    def _rows(self):
        unit = float(np.asarray(self.time_unit))
        return [(name, f"{float(np.asarray(t)) / unit:.2f} {self.time_unit}", f"{share:.2f} %")
                for name, t, share in zip(self.names, self.times, self.percentages)]

    def __repr__(self):
        rows = self._rows()
        widths = [max(len(row[k]) for row in rows) for k in range(3)]
        title = "Profiling summary"
        lines = [title, "=" * len(title)]
        lines += [f"{name:<{widths[0]}}    {t:>{widths[1]}}    {share:>{widths[2]}}"
                  for name, t, share in rows]
        return "\n".join(lines) + "\n"

    def _repr_html_(self):
        rows = "".join(f'<tr><td>{name}</td><td style="text-align: right">{t}</td>'
                       f'<td style="text-align: right">{share}</td></tr>\n'
                       for name, t, share in self._rows())
        return ('<h2 class="brian_prof_summary_header">Profiling summary</h2>\n'
                f'<table class="brian_prof_summary_table">\n{rows}</table>')
