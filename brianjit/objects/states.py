"""``get_states`` / ``set_states``: a group's or monitor's variables at once, as a dict of arrays
or a pandas DataFrame (Brian2's ``ImportExport`` formats ``'dict'`` and ``'pandas'``).

Works on anything with ``state(name, use_units)`` (a view, or a plain value such as ``N``),
``variable_info(name)`` and ``_state_names(subexpressions, read_only_variables)``: every Group,
which includes the monitors. pandas is optional: only the ``'pandas'`` format imports it.
"""
from __future__ import annotations

import numpy as np

__all__ = ["VariableOwner", "FORMATS"]

FORMATS = ("dict", "pandas")


def _check_format(format):
    if format not in FORMATS:
        raise NotImplementedError(f"Format '{format}' is not supported (supported: "
                                  f"{', '.join(FORMATS)})")


def _pandas():
    try:
        import pandas
    except ImportError as error:
        raise ImportError(f"Exporting to or importing from a pandas DataFrame needs pandas "
                          f"(pip install pandas); importing it failed: {error}") from None
    return pandas


class VariableOwner:
    """Named state variables and Brian2's ``get_states``/``set_states``: needs ``variables``,
    ``state(name, use_units)``, ``variable_info(name)`` and ``_state_names(subexpressions,
    read_only_variables)``. Every ``Group`` is one, which includes the monitors."""

    def get_states(self, vars=None, units=True, format="dict", subexpressions=False,
                   read_only_variables=True, level=0):
        """A copy of the current values of ``vars`` (default: every variable whose name does not
        start with ``_``; subexpressions too with ``subexpressions=True``; without read-only
        ones with ``read_only_variables=False``), as ``format``: ``'dict'`` (name -> array, with
        units unless ``units=False``) or ``'pandas'`` (a DataFrame; needs ``units=False``)."""
        _check_format(format)
        if format == "pandas":
            if units:
                raise NotImplementedError("Units are not supported when exporting to a pandas "
                                          "DataFrame: use units=False")
            pandas = _pandas()
        if vars is None:
            vars = self._state_names(subexpressions, read_only_variables)
        elif isinstance(vars, str):
            vars = [vars]
        data = {name: np.array(self.state(name, use_units=units), copy=True, subok=True)
                for name in vars}
        return data if format == "dict" else pandas.DataFrame(data)

    def set_states(self, values, units=True, format="dict", level=0):
        """Set variables from ``values``: a dict name -> values (with units unless
        ``units=False``), or a pandas DataFrame (``format='pandas'``, ``units=False``)."""
        _check_format(format)
        if format == "pandas":
            if units:
                raise NotImplementedError("Units are not supported when importing from a pandas "
                                          "DataFrame: use units=False")
            columns = values.columns
            table = values.values
            values = {name: np.squeeze(table[:, k]) for k, name in enumerate(columns)}
        for name, value in values.items():
            if self.variable_info(name).read_only:
                raise TypeError(f"Variable '{name}' of {self.name} is read-only")
        for name, value in values.items():
            self.state(name, use_units=units)[:] = value
