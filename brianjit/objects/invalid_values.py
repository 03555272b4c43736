"""After each run: Brian2's warning about state variables that became NaN or very large.

Brian2 checks, at the end of every ``Network.run`` (interrupted or not), the variables that each
group in the network integrates (those defined by differential equations). If any value is NaN or
larger than 1e50 in magnitude (so +-inf too), it logs the warning "<group>'s variable '<name>' has
NaN, very large values, or encountered an error in numerical integration. This is usually a sign
that an unstable or invalid integration method was chosen." under the logger
``brian2.groups.group.invalid_values``, once per message and process. Its numpy target also lets
numpy's own RuntimeWarnings ("overflow", "invalid value", "divide by zero") through for each
operation, its Cython target raises ZeroDivisionError for x/0, and cpp_standalone says nothing more
(see docs/differences.md for what brianjit does there).

brianjit gives the same warning with the same words through :func:`brianjit.utils.warn`
(under Brian2's logger name). The check is one pass over those arrays after the run,
nothing per time step.
"""
from __future__ import annotations

import numpy as np

from ..utils import warn
from .group import Group

__all__ = ["LARGE", "warn_about_invalid_values"]

#: Brian2's bound: values of larger magnitude are reported as a sign of an unstable integration
#: (a float64 scalar: compared with a float32 array it does not become float32's inf)
LARGE = np.float64(1e50)


def warn_about_invalid_values(objects) -> None:
    """Warn (once per group and variable) about integrated variables of the groups among
    ``objects`` that hold NaN or values beyond :data:`LARGE` in magnitude."""
    for obj in objects:
        if not isinstance(obj, Group) or obj.equations is None:
            continue
        for name in obj.equations.diff_eq_names:
            values = obj.raw_values(name)
            if values.size and not np.all(np.abs(values) <= LARGE):  # NaN fails the comparison
                warn("brian2.groups.group.invalid_values",
                     f"{obj.name}'s variable '{name}' has NaN, very large values, or encountered "
                     f"an error in numerical integration. This is usually a sign that an "
                     f"unstable or invalid integration method was chosen.", once=True)
