"""PoissonInput: the summed effect of ``N`` independent Poisson inputs on one variable of a group.

Every step each target neuron gets ``target_var += k * weight`` with ``k ~ Binomial(N, rate*dt)``
drawn natively from the counter-based generator (Brian2's shortcut: a normal approximation when
``N*p > 5`` and ``N*(1-p) > 5``, else exact inversion; see ``codegen.rng.binomial_constants``).
No spikes are stored; ``weight`` may be a string expression in the target's context.
"""
from __future__ import annotations

import numbers

import numpy as np

from .. import kernel as K
from ..model.parse import parse_expression
from ..units import DimensionMismatchError, Hz, Quantity, fail_for_dimension_mismatch, \
    get_dimensions
from .base import BrianObject
from .group import SPECIAL_NAMES
from .variables import array_vars
from ..lazy import lazy_module

sympy = lazy_module("sympy", rebind=globals())   # imported when first needed

__all__ = ["PoissonInput"]

_SAMPLE = "_poissoninput_binomial"


class PoissonInput(BrianObject):
    """``PoissonInput(target, target_var, N, rate, weight)``: see the module docstring."""

    add_to_magic_network = True

    def __init__(self, target, target_var, N, rate, weight, when="synapses", order=0,
                 name="poissoninput*"):
        owner = getattr(target, "owner", None)
        if owner is None or not hasattr(target, "variables"):
            raise TypeError(f"PoissonInput targets a group, not {target!r}")
        BrianObject.__init__(self, name=name, default_name="poissoninput", clock=target.clock,
                             when=when, order=order)
        self.add_dependency(owner)
        if owner.variables.get(target_var) is None:
            raise KeyError(f"{target_var} is not a variable of {target.name}")
        variable = owner.variables[target_var]
        if variable.dtype != "float" or variable.scalar:
            raise TypeError(f"PoissonInput needs a per-neuron float variable, not "
                            f"'{target_var}' of {target.name}")
        fail_for_dimension_mismatch(N, 1, "N has to be a number")
        # Brian2 scripts often write N as a float (N=1000.0, N=f*N_E): whole numbers are fine
        if isinstance(N, (bool, np.bool_)) or not isinstance(N, (numbers.Real, np.number)) \
                or not (np.isfinite(N) and N >= 0 and float(N) == int(N)):
            raise TypeError(f"N has to be a non-negative integer, not {N!r}")
        fail_for_dimension_mismatch(rate, Hz, "The rate of a PoissonInput has to be a rate (Hz)")
        self.target, self.owner, self.target_var = target, owner, target_var
        self.start, self.stop = target.start - owner.start, target.stop - owner.start
        self.namespace = owner.namespace
        self.N, self.rate, self.weight = int(N), rate, weight
        self._dt = target.clock.dt_
        self._p = float(np.asarray(rate)) * self._dt
        if not 0 <= self._p <= 1:
            raise ValueError(f"rate*dt = {self._p} is not a probability (rate {rate!r})")
        if isinstance(weight, str):
            self._weight_expr = parse_expression(weight)
        else:
            if get_dimensions(weight) != variable.dim:
                raise DimensionMismatchError(
                    f"The provided weight {weight!r} does not have the same unit as the target "
                    f"variable '{target_var}'", get_dimensions(weight), variable.dim)
            if np.ndim(weight) != 0:
                raise TypeError(f"a weight has to be a scalar or a string, not {weight!r}")
            self._weight_expr = sympy.Float(float(np.asarray(weight)))

    # -- what a network needs ------------------------------------------------------------------
    def external_names(self):
        from ..model.functions import user_function_names
        expr = self._weight_expr
        names = {s.name for s in expr.free_symbols} | user_function_names(expr)
        equations = self.owner.equations
        return {n for n in names if self.owner.variables.get(n) is None and n not in SPECIAL_NAMES
                and (equations is None or n not in equations.names)}

    def refractory_constant(self):
        return None

    def check_units(self, dims):
        from ..model.dimensions import get_expr_dimensions
        if not isinstance(self.weight, str):
            return
        dims = dict(dims)
        dims.update({name: var.dim for name, var in self.owner.variables.items()})
        if self.owner.equations is not None:
            dims.update({n: self.owner.equations[n].dim
                         for n in self.owner.equations.subexpr_names})
        found = get_expr_dimensions(self.weight, dims)
        wanted = self.owner.variables[self.target_var].dim
        if found != wanted:
            raise DimensionMismatchError(
                f"The weight '{self.weight}' does not have the unit of the target variable "
                f"'{self.target_var}'", found, wanted)

    def structure_key(self):
        return (self.name, self.target_var, str(self._weight_expr), self.N, self._p,
                self.start, self.stop)

    def prepare_run(self, n_steps):
        if self.clock.dt_ != self._dt:
            raise NotImplementedError(f"The dt used for simulating {self.owner.name} changed "
                                      f"after the PoissonInput {self.name} was created.")

    def kernels(self, ctx):
        slots, owner = ctx.slots, self.owner
        variables = array_vars(slots, owner.variables, list(owner.variables), self.start)
        variables.update(ctx.environment(self, self.clock))
        functions = dict(ctx.functions(self))
        functions[_SAMPLE] = K.BinomialSample(self.N, self._p)
        weight = owner._substitute_subexpressions(self._weight_expr)
        update = K.Assign(self.target_var, sympy.Function(_SAMPLE)() * weight, "+=")
        return [(self._own_entry(), K.Kernel(f"{self.name}_update", K.ForEach(self.stop - self.start),
                                     variables, [update], ctx.next_stream_block(), functions))]

    def __repr__(self):
        return (f"PoissonInput({self.target.name}, {self.target_var!r}, N={self.N}, "
                f"rate={Quantity(self._p / self._dt, dim=Hz.dim)!r}, weight={self.weight!r})")
