"""Brian2's abstract kinds of objects that scripts and tools test with ``isinstance`` or derive
from, besides ``Nameable`` and ``BrianObject`` (``base.py``).

``VariableOwner``: anything with named state variables (``variables``: ``{name: Variable}``, read
and written by attribute, ``G.v`` with units, ``G.v_`` without). It gives Brian2's
``get_states``/``set_states``, which ``Network.get_states``/``set_states`` call for every object
that has them. ``Group`` (``group.py``) is one.

``SpikeSource``: anything monitors and synapses take spikes from: ``len(obj)`` elements, a
``clock`` and ``spikes``, the indices that spiked in the last time step. brianjit's sources hold
their spikes in a *spike space* written by native code (``spikespace``: a DynamicArray of
``len(owner) + 1`` int32, the spiking indices in increasing order, then their count) and give
``start``/``stop`` (a subgroup's elements in its owner).
"""
from __future__ import annotations

import numpy as np

__all__ = ["VariableOwner", "SpikeSource"]

#: read-only values every group has besides its variables, as Brian2 lists them in get_states
_GROUP_VALUES = {
    "i": lambda group: group.raw_values("i"),
    "N": lambda group: len(group),
    "t": lambda group: group.clock.t,
    "dt": lambda group: group.clock.dt,
    "t_in_timesteps": lambda group: group.clock.timestep,
}


class VariableOwner:
    """Named state variables and Brian2's ``get_states``/``set_states`` (see the module
    docstring); needs ``variables``, ``equations`` (for subexpressions; may be None), ``clock``
    and ``raw_values('i')``."""

    def _subexpression_names(self):
        equations = getattr(self, "equations", None)
        return list(equations.subexpr_names) if equations is not None else []

    def _state_names(self, subexpressions, read_only_variables):
        names = [name for name, var in self.variables.items()
                 if not name.startswith("_") and (read_only_variables or not var.read_only)]
        if subexpressions:
            names += self._subexpression_names()
        if read_only_variables:
            names += [name for name in _GROUP_VALUES if name not in self.variables]
        return names

    def _state(self, name, units):
        if name in self.variables or name in self._subexpression_names():
            value = getattr(self, name)[:]
        elif name in _GROUP_VALUES:
            value = _GROUP_VALUES[name](self)
        else:
            raise KeyError(f"{self.name} has no variable '{name}'")
        return np.array(value if units else np.asarray(value), copy=True, subok=True)

    def get_states(self, vars=None, units=True, format="dict", subexpressions=False,
                   read_only_variables=True, level=0):
        """Copies of the values of ``vars`` (default: every variable whose name does not start
        with ``_``, subexpressions only if ``subexpressions``, read-only ones such as ``N`` and
        ``t`` unless ``read_only_variables`` is False), as ``{name: array}`` (``format='dict'``)
        or a pandas DataFrame (``format='pandas'``, without units)."""
        if format not in ("dict", "pandas"):
            raise NotImplementedError(f"Format '{format}' is not supported (use 'dict' or "
                                      f"'pandas')")
        if format == "pandas" and units:
            raise NotImplementedError("The 'pandas' format does not support units: use "
                                      "units=False")
        names = self._state_names(subexpressions, read_only_variables) if vars is None else vars
        data = {name: self._state(name, units) for name in names}
        if format == "pandas":
            import pandas
            return pandas.DataFrame(data)
        return data

    def set_states(self, values, units=True, format="dict", level=0):
        """Set variables from ``{name: values}`` (or a pandas DataFrame without units), as if
        assigned one by one (``G.v = ...``, or ``G.v_ = ...`` with ``units=False``)."""
        if format not in ("dict", "pandas"):
            raise NotImplementedError(f"Format '{format}' is not supported (use 'dict' or "
                                      f"'pandas')")
        if format == "pandas":
            if units:
                raise NotImplementedError("The 'pandas' format does not support units: use "
                                          "units=False")
            values = {name: values[name].values for name in values.columns}
        for name, value in values.items():
            var = self.variables.get(name)
            if var is None:
                if name in _GROUP_VALUES or name in self._subexpression_names():
                    raise TypeError(f"Variable {name} is read-only.")
                raise KeyError(f"{self.name} has no variable '{name}'")
            if var.read_only:
                raise TypeError(f"Variable {name} is read-only.")
            setattr(self, name if units else name + "_", value)


class SpikeSource:
    """A source of spikes (see the module docstring); needs ``spikespace``, ``start``, ``stop``."""

    @property
    def spikes(self) -> np.ndarray:
        """The indices (relative to this source) that spiked in the last time step."""
        space = self.spikespace.data
        spiking = space[:space[-1]]
        mine = spiking[(spiking >= self.start) & (spiking < self.stop)]
        return (mine - self.start).astype(np.int32)
