"""Resident memory of this process (Linux ``/proc``), for the synapse-creation figures.

Peak memory of one step (``connect()`` plus the run that builds the propagation structures) is
the kernel's high-water mark after a reset: writing ``5`` to ``/proc/self/clear_refs`` sets
``VmHWM`` back to the current ``VmRSS`` (Linux >= 4.0), so ``peak() - before`` is what that step
added on top of everything allocated earlier (interpreter, imports, neuron groups).  Returns
``None`` where ``/proc`` is missing, so the benchmark still runs elsewhere, without memory figures.
"""

from pathlib import Path


def _status_bytes(field):
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024  # the kernel reports kB
    except OSError:
        pass
    return None


def current():
    """Resident set size now, in bytes."""
    return _status_bytes("VmRSS")


def reset_peak():
    """Make the high-water mark equal to the current resident size; False if not possible."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def peak():
    """Highest resident set size since start (or since ``reset_peak``), in bytes."""
    return _status_bytes("VmHWM")
