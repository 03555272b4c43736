"""Brian2's face of the integration methods: ``StateUpdateMethod``, its registry and
``apply_stateupdater``.

Every method brianjit integrates with is an :class:`IntegrationMethod`: it turns an
:class:`~brianjit.model.methods.OdeSystem` into scalar sympy assignments (``step``), which the
integration stage (``integration.py``) assembles and the lowering compiles. Brian2's API sits on
top of that one protocol:

* calling a method on ``Equations`` gives the step as Brian2's abstract code (``euler(eqs)``);
* ``StateUpdateMethod.stateupdaters`` is the one table of method names, used by ``method='...'``
  of groups as well as by ``apply_stateupdater``; ``register`` adds a user's method to it;
* ``apply_stateupdater`` picks a method as Brian2 does (a name, a callable, or a list to try in
  order) and logs Brian2's ``method_choice`` message when it had to choose.

A ``StateUpdateMethod`` that is not an ``IntegrationMethod`` (a Brian2-style subclass, or a plain
function returning abstract code) works with ``apply_stateupdater``; groups refuse it with a clear
``NotImplementedError``, since brianjit compiles sympy statements, not code strings.
"""
from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Iterable

from ..utils import debug, info

__all__ = ["StateUpdateMethod", "IntegrationMethod", "UnsupportedEquationsException",
           "NoSuitableMethod",
           "check_method_options", "check_group_method_options", "log_method_choice",
           "report_choice"]

#: Brian2's logger name of the automatic method choice message
METHOD_CHOICE_LOGGER = "brian2.stateupdaters.base.method_choice"


class UnsupportedEquationsException(Exception):
    """A method cannot integrate the given equations.

    ``UnsupportedEquationsException(method, reason)`` names the method and why (``method`` and
    ``reason`` attributes); ``UnsupportedEquationsException(message)`` (Brian2's form, for users'
    own methods) carries only the message."""

    def __init__(self, method: str, reason: str | None = None):
        if reason is None:
            super().__init__(method)
            self.method, self.reason = "", method
        else:
            super().__init__(f"Cannot integrate the equations with method '{method}': {reason}")
            self.method, self.reason = method, reason


class NoSuitableMethod(UnsupportedEquationsException, ValueError):
    """None of several methods can integrate the equations: Brian2 raises a ValueError there
    (and UnsupportedEquationsException for a single method), so this is both."""


def check_method_options(method_options, defaults: dict) -> dict:
    """``defaults`` updated with ``method_options``; a ``KeyError`` for an option the method does
    not have (Brian2's rule)."""
    if method_options is None:
        method_options = {}
    if not isinstance(method_options, dict):
        raise TypeError(f"method_options must be a dict, not {type(method_options).__name__}")
    for key in method_options:
        if key not in defaults:
            known = (f"Available options are: {', '.join(map(repr, sorted(defaults)))}."
                     if defaults else "This state updater does not accept any options.")
            raise KeyError(f"method_options specifies {key!r}, but this is not an option for "
                           f"this state updater. {known}")
    return {**defaults, **method_options}


def check_group_method_options(method, method_options) -> None:
    """A group's ``method_options`` checked as Brian2 does: against the options of a single
    method (KeyError for one it does not have); with a list of methods (or none given) Brian2
    passes no options, so none are checked."""
    if method_options is None or not isinstance(method, (str, StateUpdateMethod)):
        return
    stepper = StateUpdateMethod.lookup(method) if isinstance(method, str) else method
    check_method_options(method_options, stepper.default_options)


class StateUpdateMethod(ABC):
    """Brian2's base class of integration methods: calling one on ``Equations`` gives the code of
    one step. Subclass :class:`IntegrationMethod` for a method groups can run."""

    #: every method known by name (Brian2's registry); groups look names up here
    stateupdaters: dict = {}
    #: the options the method accepts in ``method_options``, with their defaults
    default_options: dict = {}

    @abstractmethod
    def __call__(self, equations, variables=None, method_options=None) -> str:
        """The abstract code of one integration step of ``equations``."""

    @staticmethod
    def register(name, stateupdater):
        """Make ``stateupdater`` known as ``name`` (case-insensitive): ``method=name`` then
        uses it. ``ValueError`` if the name is taken or the object is not a StateUpdateMethod."""
        if not isinstance(name, str):
            raise TypeError(f"the name of a state updater must be a string, not {type(name).__name__}")
        name = name.lower()
        if name in StateUpdateMethod.stateupdaters:
            raise ValueError(f"A stateupdater with the name '{name}' has already been registered")
        if not isinstance(stateupdater, StateUpdateMethod):
            raise ValueError(f"Given stateupdater of type {type(stateupdater).__name__} does not "
                             "seem to be a valid stateupdater (a StateUpdateMethod).")
        StateUpdateMethod.stateupdaters[name] = stateupdater

    @staticmethod
    def lookup(name: str) -> "StateUpdateMethod":
        """The registered method called ``name``; ``ValueError`` naming the known ones
        (``NotImplementedError`` for Brian2's GSL methods, ``'gsl'``, ``'gsl_rk4'`` ...)."""
        method = StateUpdateMethod.stateupdaters.get(name.lower())
        if method is None:
            known = ", ".join(sorted(StateUpdateMethod.stateupdaters))
            if name.lower().startswith("gsl"):
                raise NotImplementedError(
                    f"method={name!r} integrates with the GNU Scientific Library, which brianjit "
                    f"does not support (it needs a compiler); use one of: {known}")
            raise ValueError(f"No state updater with the name {name!r} is known (known: {known})")
        return method

    @staticmethod
    def apply_stateupdater(equations, variables, method, method_options=None, group_name=None):
        """The abstract code of one step of ``equations`` with ``method``: a registered name, a
        callable ``method(equations, variables, method_options)``, or an iterable of those tried
        in order until one does not raise UnsupportedEquationsException (then Brian2's
        ``method_choice`` message is logged; ``ValueError`` if none applies)."""
        if isinstance(method, Iterable) and not isinstance(method, str):
            candidates = list(method)
            start = time.perf_counter()
            for candidate in candidates:
                candidate_start = time.perf_counter()
                try:
                    code = StateUpdateMethod.apply_stateupdater(
                        equations, variables, candidate, group_name=group_name)
                except UnsupportedEquationsException:
                    continue
                except TypeError as err:
                    raise TypeError("Each element in the list of methods has to be a string or "
                                    f"a callable, got {type(candidate).__name__}.") from err
                took = time.perf_counter() - candidate_start
                log_method_choice(candidate, took, time.perf_counter() - start - took, group_name)
                return code
            raise NoSuitableMethod("No stateupdater that is suitable for the given equations "
                                   f"has been found (tried {', '.join(map(_label, candidates))}).")
        if isinstance(method, str):
            label, stateupdater = method, StateUpdateMethod.lookup(method)
        elif callable(method):
            label, stateupdater = _label(method), method
        else:
            raise TypeError("method argument has to be a string, a callable, or an iterable of "
                            f"such objects, not {type(method).__name__}")
        start = time.perf_counter()
        code = stateupdater(equations, variables, method_options)
        where = f"Group {group_name}: using" if group_name else "Using"
        debug(METHOD_CHOICE_LOGGER, f"{where} numerical integration method {label} "
                                    f"(took {time.perf_counter() - start:.2f}s)")
        return code


class IntegrationMethod(StateUpdateMethod):
    """A method groups can run: ``step(system)`` returns ``(temporaries, new_values)``, scalar
    sympy assignments to fresh ``_``-names and the new value of every state variable (see
    ``methods.py``), or raises UnsupportedEquationsException."""

    #: the name in messages ("using method 'euler'")
    name = "method"

    @abstractmethod
    def step(self, system):
        """``(temporaries, new_values)`` for one step of ``system`` (an OdeSystem)."""

    def validate(self) -> None:
        """Raise ValueError if the method itself cannot be applied (a user's description that
        makes no sense); checked before any equations are tried."""

    def __call__(self, equations, variables=None, method_options=None) -> str:
        """Brian2's abstract code of one step: the temporaries, ``_v = <new value>`` for each
        variable, then ``v = _v``. ``variables`` (Brian2's Variable objects) is accepted and not
        needed: names that are not state variables are constant during a step."""
        from .abstract_code import abstract_code
        from .equations import Equations
        from .integration import integrate
        check_method_options(method_options, self.default_options)
        self.validate()
        if not isinstance(equations, Equations):
            raise TypeError(f"{self.name} integrates Equations, not {type(equations).__name__}")
        rhs = equations.substituted_rhs()
        if not rhs:
            return ""
        return abstract_code(integrate(rhs, self), rhs)

    def __str__(self):
        return self.name


def _label(method) -> str:
    if isinstance(method, str):
        return method
    if isinstance(method, IntegrationMethod):
        return method.name
    return getattr(method, "__name__", repr(method))


def log_method_choice(method, seconds: float, other_seconds: float = 0.0, group_name=None):
    """Brian2's INFO message for a method chosen from a list (no ``method=``, or several)."""
    timing = f"took {seconds:.2f}s"
    if other_seconds >= 0.005:
        timing += f", trying other methods took {other_seconds:.2f}s"
    where = f" for group '{group_name}'" if group_name else ""
    info(METHOD_CHOICE_LOGGER, f"No numerical integration method specified{where}, using "
                               f"method '{_label(method)}' ({timing}).")


def choice_made(method, update) -> tuple | None:
    """``(label, seconds, other_seconds)`` of the message :func:`report_choice` logs for
    ``update`` (None when it logs none), as text and numbers: what a build answered from a
    stored entry logs again (``objects/front_network.py``)."""
    if update and (method is None or isinstance(method, (list, tuple))):
        return (_label(update.label), float(update.seconds), float(update.other_seconds))
    return None


def report_choice(method, update, group_name) -> None:
    """Log Brian2's ``method_choice`` message for a group's state update (a StateUpdate of
    :func:`~brianjit.model.integration.integrate`) when its method was chosen from several:
    ``method`` None (Brian2's default list) or a list or tuple of methods."""
    if update and (method is None or isinstance(method, (list, tuple))):
        log_method_choice(update.label, update.seconds, update.other_seconds, group_name)
