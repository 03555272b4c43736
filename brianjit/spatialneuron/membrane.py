"""A SpatialNeuron's model: the user's equations turned into those of every compartment.

The user defines the membrane current ``Im`` (amp/meter**2, a subexpression) in terms of the
membrane potential ``v``, which the SpatialNeuron adds (a parameter: the cable solver, not an
integrator, advances it). Point currents (``I : amp (point current)``) are added to ``Im``
divided by the compartment's area. Subexpressions ``(constant over dt)`` become parameters that
are computed once per step before anything else. The cable solver needs ``Im`` linearised
around the present ``v``: ``Im = I0 - gtot*v`` with ``gtot = -dIm/dv`` and ``I0 = Im + gtot*v``,
both evaluated at the present state, so ``Im`` must be differentiable in ``v`` (sympy does it
once, here). The geometry (``area``, ``length``, ``distance``...), ``Cm`` and ``Ri`` are
parameters of the model, as in Brian2.
"""
from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

from ..model.equations import (DIFFERENTIAL_EQUATION, PARAMETER, SUBEXPRESSION, EquationError,
                               Equations, SingleEquation)
from ..model.codestrings import Expression
from ..model.names import symbol
from ..units import DimensionMismatchError, amp, get_dimensions, meter, volt
from ..lazy import lazy_module

sympy = lazy_module("sympy", rebind=globals())   # imported when first needed

__all__ = ["MembraneModel", "membrane_model", "SPATIAL_FLAGS"]

#: flags each kind of definition may have in a SpatialNeuron's model (Brian2's)
SPATIAL_FLAGS = {DIFFERENTIAL_EQUATION: ("point current",),
                 PARAMETER: ("constant", "shared", "linked", "point current"),
                 SUBEXPRESSION: ("shared", "point current", "constant over dt")}

_CURRENT_DENSITY = get_dimensions(amp / meter**2)

#: the names every SpatialNeuron adds to its model (Brian2's)
_GEOMETRY = """
length : meter (constant)
distance : meter (constant)
area : meter**2 (constant)
volume : meter**3
Ic : amp/meter**2
diameter : meter (constant)
Cm : farad/meter**2 (constant)
Ri : ohm*meter (constant, shared)
r_length_1 : meter (constant)
r_length_2 : meter (constant)
time_constant = Cm/gtot__private : second
space_constant = (2/pi)**(1/3) * (area/(1/r_length_1 + 1/r_length_2))**(1/6) / (2*sqrt(Ri*gtot__private)) : meter
"""
_COORDINATES = """
x : meter (constant)
y : meter (constant)
z : meter (constant)
"""


class MembraneModel(NamedTuple):
    """``user``: the user's equations as given; ``equations``: the model of every compartment
    (what the NeuronGroup is made of); ``constant_over_dt``: the subexpressions computed once per
    step (now parameters of ``equations``), in order; ``gtot``, ``I0``: the linearised membrane
    current (sympy, every subexpression substituted)."""

    user: Equations
    equations: Equations
    constant_over_dt: tuple
    gtot: sympy.Expr
    I0: sympy.Expr


def membrane_model(model, has_coordinates: bool) -> MembraneModel:
    """The SpatialNeuron model for the user's ``model`` (text or Equations); see the module
    docstring. Raises TypeError for a missing or non-differentiable ``Im`` and
    DimensionMismatchError for currents in the wrong units, as Brian2."""
    if isinstance(model, str):
        model = Equations(model)
    if not isinstance(model, Equations):
        raise TypeError(f"model has to be a string or an Equations object, not "
                        f"{type(model).__name__}")
    given = model
    model.check_flags(SPATIAL_FLAGS)
    if "Im" not in model:
        raise TypeError("The transmembrane current 'Im' must be defined")
    im = model["Im"]
    if im.type != SUBEXPRESSION:
        raise TypeError(f"The transmembrane current 'Im' must be defined by an expression "
                        f"('Im = ... : amp/meter**2'), not as a {im.type} ({im.line!r})")
    if im.flags:
        raise TypeError(f"Cannot specify any flags for the transmembrane current 'Im' "
                        f"({im.line!r})")
    if im.dim != _CURRENT_DENSITY:
        raise DimensionMismatchError(f"The transmembrane current 'Im' is a current per area "
                                     f"(amp/meter**2), not {im.unit_text!r} ({im.line!r})")
    if "v" in model:
        raise EquationError("'v' is the membrane potential every SpatialNeuron defines; the "
                            "model cannot define it", model["v"].line)

    im_text = im.expr.code
    definitions, constant_over_dt = [], []
    for eq in model.values():
        if eq.varname == "Im":
            continue
        flags = eq.flags
        if "point current" in flags:
            if eq.dim != get_dimensions(amp):
                raise DimensionMismatchError(f"Point current {eq.varname} should be in amp, not "
                                             f"{eq.unit_text!r} ({eq.line!r})")
            im_text = f"{im_text}+{eq.varname}/area"
            flags = tuple(f for f in flags if f != "point current")
        if "constant over dt" in flags:
            constant_over_dt.append(replace(eq, flags=tuple(f for f in flags
                                                            if f != "constant over dt")))
            eq = SingleEquation(PARAMETER, eq.varname, eq.dim, eq.var_type, None,
                                tuple(f for f in flags if f != "constant over dt"), eq.line,
                                eq.unit_text)
        elif flags != eq.flags:
            eq = replace(eq, flags=flags)
        definitions.append(eq)
    membrane = SingleEquation(SUBEXPRESSION, "Im", _CURRENT_DENSITY, "float",
                              Expression(im_text), (), im.line, "amp/meter**2")
    potential = SingleEquation(PARAMETER, "v", get_dimensions(volt), line="v : volt",
                               unit_text="volt")
    user = Equations(definitions + [membrane, potential])
    current = _substituted(user, "Im")
    if any(symbol.name == "xi" or symbol.name.startswith("xi_") for symbol in current.free_symbols):
        raise NotImplementedError(f"A noisy membrane current (xi in 'Im') is not supported: the "
                                  f"cable equation is solved implicitly ({im.line!r})")
    gtot, i0 = linearise(current, im.line)
    linear = Equations([
        SingleEquation(SUBEXPRESSION, "gtot__private", get_dimensions(amp / meter**2 / volt),
                       "float", Expression.parsed(_model_text(gtot, "siemens/meter**2"), gtot), (),
                       im.line, "siemens/meter**2"),
        SingleEquation(SUBEXPRESSION, "I0__private", _CURRENT_DENSITY, "float",
                       Expression.parsed(_model_text(i0, "amp/meter**2"), i0), (), im.line,
                       "amp/meter**2")])
    geometry = Equations(_GEOMETRY + (_COORDINATES if has_coordinates else ""))
    return MembraneModel(given, user + linear + geometry, tuple(constant_over_dt), gtot, i0)


def _substituted(equations: Equations, name: str) -> sympy.Expr:
    """The expression of the subexpression ``name`` with every subexpression it uses
    substituted (recursively)."""
    expr = equations[name].sympy_expr
    subexpressions = set(equations.subexpr_names)
    for _ in range(len(subexpressions) + 1):
        inner = {s: equations[s.name].sympy_expr for s in expr.free_symbols
                 if s.name in subexpressions}
        if not inner:
            return expr
        expr = expr.xreplace(inner)
    raise EquationError("subexpressions refer to each other in a cycle", equations[name].line)


def linearise(im: sympy.Expr, line: str) -> tuple[sympy.Expr, sympy.Expr]:
    """``(gtot, I0)`` with ``gtot = -dIm/dv`` and ``I0 = Im + gtot*v`` (terms in ``v``
    cancelled); a TypeError quoting ``line`` when ``Im`` cannot be differentiated (a user
    function, ``clip``, ``int`` or ``sign`` of ``v``...)."""
    v = symbol("v")
    frozen, thawed = _freeze(im, v)
    try:
        derivative = sympy.diff(frozen, v)
    except (AttributeError, TypeError, ValueError, NotImplementedError):
        derivative = None
    if derivative is None or derivative.has(sympy.Derivative, sympy.Subs, sympy.Heaviside,
                                            sympy.DiracDelta):
        raise TypeError(f"Cannot take the derivative of the membrane current with respect to v: "
                        f"the cable equation needs a differentiable 'Im' (in {line!r})")
    gtot = -derivative.xreplace(thawed)
    i0 = sympy.expand_mul(im + gtot * v)
    return gtot, i0


def _freeze(expr, v):
    """``expr`` with every call and comparison that does not involve ``v`` replaced by a dummy
    (sympy cannot differentiate through comparisons, e.g. ``int(t > 5*ms)``), and the map back."""
    thawed = {}

    def visit(node):
        if v not in node.free_symbols and (isinstance(node, (sympy.Function, sympy.Rel))
                                           or node.is_Boolean):
            dummy = sympy.Dummy(real=True)
            thawed[dummy] = node
            return dummy
        if not node.args:
            return node
        return node.func(*[visit(a) for a in node.args])
    return visit(expr), thawed


def _model_text(expr, unit: str) -> str:
    """Model text for a computed expression (what the unit check reads): a zero gets the unit."""
    from ..model.abstract_code import code_string
    return f"0*{unit}" if expr == 0 else code_string(expr)
