"""Geometry the cable solver cannot solve, refused with the compartment that causes it.

The implicit step (``cable.py``, Brian2's scheme) couples neighbouring compartments by their axial
conductance divided by a compartment's area, and each section's ends by ``r_length / Ri`` over
the end compartment's area. A compartment without a positive finite area, a junction or section
end without a positive finite axial conductance (a diameter that shrinks to zero), or a
compartment so small that one of those quotients overflows a double (a length around 1e-200 m:
the conductance grows as 1/length, the area shrinks with it) makes the solver's matrix non-finite,
and every voltage is NaN from the first step on, silently. Brian2 does not look: its numpy target
fails inside ``solve_banded`` during the run, its compiled targets give NaN. Compartments that are
merely tiny (1 pm, even 1e-100 m) keep finite coefficients: Brian2 and brianjit compute the same
voltages for them, so they are accepted.

:func:`check_cable_geometry` runs when the SpatialNeuron is made (``Ri`` as given) and again
before each run (``Ri`` may have been set since): numpy over the compartments, microseconds.
"""
from __future__ import annotations

import numpy as np

from .lengths import metres

__all__ = ["check_cable_geometry"]


def check_cable_geometry(owner: str, sections, values, starts, ends, Ri: float) -> None:
    """Raise ValueError naming the section, the compartment and its length and diameter where
    ``values`` (per compartment: ``area``, ``r_length_1``, ``r_length_2``, ``length``,
    ``diameter``, float64 in SI) give the cable equation no finite solution; ``sections`` in
    flattened order, compartments ``starts[s] <= k < ends[s]`` of section ``s``."""
    area, r_length_1, r_length_2 = values["area"], values["r_length_1"], values["r_length_2"]
    first, last = np.asarray(starts), np.asarray(ends) - 1
    inner = np.ones(area.size, dtype=bool)
    inner[first] = False  # no axial conductance across a section's start
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        invr = np.ones(area.size)
        invr[1:] = 1.0 / (Ri * (1 / r_length_2[:-1] + 1 / r_length_1[1:]))
        invr[~inner] = 1.0
        invr0, invrn = r_length_1[first] / Ri, r_length_2[last] / Ri
        # the axial conductances per area of each compartment's row of the solver's matrix
        coupling = np.zeros(area.size)
        coupling[inner] += invr[inner] / area[inner]
        coupling[:-1][inner[1:]] += invr[1:][inner[1:]] / area[:-1][inner[1:]]
        np.add.at(coupling, first, invr0 / area[first])
        np.add.at(coupling, last, invrn / area[last])
        checks = [
            (area, None, "has no positive finite area"),
            (invr, None, "is joined to the compartment before it by no positive finite axial "
                         "conductance"),
            (invr0, first, "has no positive finite axial conductance at the start of its "
                           "section"),
            (invrn, last, "has no positive finite axial conductance at the end of its section"),
            (coupling, None, "has axial conductances per area that overflow a double"),
        ]
    for coefficients, compartments, problem in checks:
        bad = np.flatnonzero(~(np.isfinite(coefficients) & (coefficients > 0)))
        if bad.size:
            k = int(bad[0] if compartments is None else compartments[bad[0]])
            s = int(np.searchsorted(ends, k, side="right"))
            raise ValueError(
                f"{owner}: compartment {k - int(starts[s])} of {sections[s]!r} (length "
                f"{metres(values['length'][k])}, diameter {metres(values['diameter'][k])}) "
                f"{problem}: the cable equation has no finite solution there (a zero or "
                f"far too small length or diameter?)")
