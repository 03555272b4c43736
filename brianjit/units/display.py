"""How quantities are written: the unit a quantity is shown in, its text and its LaTeX.

All of it follows Brian2's printed forms, which users see in every ``print(G.v)``:

* the best unit (:func:`best_unit`) is, among the display candidates of the quantity's dimension
  (:func:`.unit.display_candidates`), the one that brings the magnitudes closest to 10: the
  least sum of ``(log10(|x|/size) - 1)**2`` over the non-zero finite entries that numpy's
  printing shows; the SI unit when there are none;
* :func:`format_in_unit` writes the values as numpy prints them (a single value without
  brackets: ``3000. mV``), then the unit's display name (``str``) or, as Python code, ``* `` and
  the unit's name (``3. * mvolt``); a dimensionless quantity in code is ``Quantity(3.)``;
* :func:`quantity_latex` is what ``sympy.latex(q)`` and Jupyter show: the number (a matrix for
  1-d and 2-d arrays, summarised beyond a hundredth of numpy's print threshold) and the unit's
  LaTeX name.
"""
from __future__ import annotations

import sys

import numpy as np

from .dimensions import DIMENSIONLESS
from .quantity import fail_for_dimension_mismatch
from .unit import Unit, display_candidates, get_unit

__all__ = ["best_unit", "format_in_unit", "quantity_latex"]


def best_unit(quantity) -> Unit:
    """The registered unit ``quantity`` is printed in (Brian2's choice, see the module text)."""
    dim = quantity.dim
    candidates = display_candidates(dim) if dim is not DIMENSIONLESS else []
    if not candidates:
        return get_unit(dim)
    magnitudes = np.abs(_shown_entries(quantity.view(np.ndarray)))
    magnitudes = magnitudes[np.isfinite(magnitudes) & (magnitudes > 0)]
    if magnitudes.size == 0:
        return get_unit(dim)
    sizes = np.array([float(unit) for unit in candidates])
    with np.errstate(divide="ignore", over="ignore", under="ignore"):  # tiny/huge magnitudes
        deviations = ((np.log10(magnitudes[None, :] / sizes[:, None]) - 1) ** 2).sum(axis=1)
    return candidates[int(np.argmin(deviations))]


def _shown_entries(values: np.ndarray) -> np.ndarray:
    """The entries numpy's printing shows, flattened: all of them, or for an array larger than
    the print threshold the first and last ``edgeitems`` along each long axis."""
    options = np.get_printoptions()
    if values.size <= options["threshold"]:
        return values.ravel()
    edge = options["edgeitems"]
    for axis, length in enumerate(values.shape):
        if length > 2 * edge:
            values = np.concatenate([values.take(range(edge), axis=axis),
                                     values.take(range(length - edge, length), axis=axis)],
                                    axis=axis)
    return values.ravel()


def format_in_unit(quantity, unit, precision=None, python_code=False) -> str:
    """``quantity`` written in ``unit`` (a Unit of the same dimension), as Brian2 writes it."""
    if not isinstance(unit, Unit):
        raise TypeError(f"in_unit needs a Unit (such as mvolt), got {unit!r}")
    fail_for_dimension_mismatch(quantity, unit, 'Non-matching unit for method "in_unit"')
    values = np.asarray(quantity) / float(unit)
    if values.ndim == 0:  # numpy applies its print options only to arrays
        text = np.array_str(np.array([values]), precision=precision)
        text = text.replace("[", "").replace("]", "").strip()
    elif python_code:
        text = np.array_repr(values, precision=precision)
    else:
        text = np.array_str(values, precision=precision)
    if unit.dim is DIMENSIONLESS:
        return f"Quantity({text.strip()})" if python_code else text.strip()
    return (f"{text} * {unit!r}" if python_code else f"{text} {unit}").strip()


def quantity_latex(quantity) -> str:
    """LaTeX of ``quantity`` in its best unit, e.g. ``3.0\\,\\mathrm{m}\\mathrm{V}``."""
    unit = best_unit(quantity)
    values = np.asarray(quantity) / float(unit)
    threshold = np.get_printoptions()["threshold"] // 100
    if values.ndim == 0:
        number = str(float(values.real) if not np.iscomplexobj(values) else complex(values))
    elif values.ndim in (1, 2):
        text = np.array2string(values, separator=" & ", threshold=threshold,
                               max_line_width=sys.maxsize).replace("...", r"\dots")
        rows = [_latex_row(line) for line in text[1:-1].split("\n")] if values.ndim == 2 \
            else [text[1:-1]]
        columns = max(row.count("&") for row in rows) + 1
        rows = [" & ".join([r"\vdots"] * columns) if row.strip() == r"\dots" else row
                for row in rows]
        body = (r"\\" + "\n").join(rows)
        number = r"\left[\begin{matrix}" + ("\n" if values.ndim == 2 else "") + body + \
            ("\n" if values.ndim == 2 else "") + r"\end{matrix}\right]"
    else:
        raise NotImplementedError(f"Cannot create a LaTeX representation for a "
                                  f"{values.ndim}-d array")
    return f"{number}\\,{unit.latexname}" if unit.latexname else number


def _latex_row(line: str) -> str:
    """One printed row of a 2-d array (`` [1. & 2.] &``) as matrix cells (`` 1. & 2.``)."""
    line = line.rstrip()
    if line.endswith("&"):
        line = line[:-1].rstrip()
    return line.replace("[", "").replace("]", "")
