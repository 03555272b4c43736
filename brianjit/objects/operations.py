"""Things that run at their own clock besides the model: Python callbacks and ``run_regularly``.

``NetworkOperation`` (and the ``network_operation`` decorator) is a Python function the network
calls at its clock's steps, at its place in the schedule: the native loop stops exactly there
(see ``codegen.driver``'s ``run_partial``), so the function reads and writes the state as of that
point and native code sees what it wrote.

``RunRegularly`` (``G.run_regularly(code, ...)``) is abstract code run natively for every element of
a group at its own clock: one ``ForEach`` kernel. Like Brian2, it is contained in its group (the
group's ``contained_objects``) and runs whenever the group is part of a network. Statements that
write a shared variable are Brian2's "scalar code": they run once, before the others (a
``ForEach(1)`` kernel in front), and may read only shared values.
"""
from __future__ import annotations

import inspect

import dataclasses

from .. import kernel as K
from ..model.names import symbol
from .base import BrianObject
from .group import SPECIAL_NAMES
from .variables import array_vars
from .weak import WeakRef
from ..lazy import lazy_module

sympy = lazy_module("sympy", rebind=globals())   # imported when first needed

__all__ = ["NetworkOperation", "network_operation", "RunRegularly"]


def _takes_time(function) -> bool:
    """Whether ``function`` wants the time (one argument) or nothing; else a TypeError."""
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return False  # a builtin or C callable we cannot inspect: call it without arguments
    parameters = list(parameters)
    if parameters and parameters[0].name == "self" and not inspect.ismethod(function):
        name = getattr(function, "__name__", repr(function))
        raise TypeError(f"The first argument of the function '{name}' is 'self': an instance "
                        f"method, not a function. @network_operation does not work on methods; "
                        f"create NetworkOperation(instance.method) for an instance instead")
    required = [p for p in parameters
                if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty]
    if len(required) > 1:
        name = getattr(function, "__name__", repr(function))
        raise TypeError(f"a network operation takes no argument or only 't', but '{name}' "
                        f"needs {len(required)}: {', '.join(p.name for p in required)}")
    return len(required) == 1


class NetworkOperation(BrianObject):
    """Call ``function()`` or ``function(t)`` at every step of its clock (Brian2's
    NetworkOperation), at its ``when``/``order`` place in the time step."""

    add_to_magic_network = True

    def __init__(self, function, dt=None, clock=None, when="start", order=0,
                 name="networkoperation*"):
        if not callable(function):
            raise TypeError(f"a network operation needs a function, not {function!r}")
        BrianObject.__init__(self, dt=dt, clock=clock, when=when, order=order, name=name,
                             default_name="networkoperation")
        self.function = function
        self._takes_time = _takes_time(function)

    def run(self):
        """Call the function (with the clock's current time if it takes one)."""
        if self._takes_time:
            self.function(self.clock.t)
        else:
            self.function()

    def __call__(self, *args, **kwargs):
        return self.function(*args, **kwargs)


def network_operation(*args, **kwargs):
    """``@network_operation`` or ``@network_operation(dt=..., when=..., ...)``: turn a function
    into a :class:`NetworkOperation`."""
    if args and callable(args[0]) and not isinstance(args[0], BrianObject):
        return NetworkOperation(*args, **kwargs)

    def decorate(function):
        return NetworkOperation(function, *args, **kwargs)
    return decorate


class RunRegularly(BrianObject):
    """``code`` (abstract code, one statement per line) for every element of ``group`` at the
    steps of its own clock. Created by ``group.run_regularly``; runs along with the group."""

    part_of_a_group = True

    def __init__(self, group, code, dt=None, clock=None, when="start", order=0, name=None):
        from ..model.statements import parse_statements
        if not isinstance(code, str):
            raise TypeError(f"run_regularly needs code as a string, not {code!r}")
        owner = getattr(group, "owner", group)
        if clock is None and dt is None:
            clock = group.clock
        if name is None:
            name = f"{owner.name}_run_regularly*"
        BrianObject.__init__(self, name=name, default_name="run_regularly", clock=clock, dt=dt,
                             when=when, order=order)
        # the group holds this operation (contained_objects): a weak reference back (weak.py)
        self._owner = WeakRef(owner)
        self._subgroup = None if group is owner else group
        self.abstract_code = code
        self.statements = parse_statements(code)
        for st in self.statements:
            var = owner.variables.get(st.var)
            if st.var in SPECIAL_NAMES or (var is None and group._is_subexpression(st.var)):
                raise TypeError(f"'{st.text}' in run_regularly code of {owner.name}: "
                                f"'{st.var}' is read-only")
            if var is not None and (var.constant or var.read_only):
                kind = "constant" if var.constant else "read-only"
                raise TypeError(f"'{st.text}' in run_regularly code of {owner.name}: '{st.var}' "
                                f"is {kind} and cannot be written")
        self._check_scalar_statements()
        owner.contained_objects.append(self)

    @property
    def owner(self):
        """The group whose arrays the code reads and writes."""
        return self._owner()

    @property
    def group(self):
        """The group (or subgroup) the code runs for."""
        return self._subgroup if self._subgroup is not None else self._owner()

    def _is_scalar(self, st):
        var = self.owner.variables.get(st.var)
        return var is not None and var.scalar

    def _check_scalar_statements(self):
        """A statement writing a shared variable may read only shared values (Brian2's
        SyntaxError otherwise): it runs once, not for every element."""
        variables, vector_temporaries = self.owner.variables, set()
        for st in self.statements:
            if not self._is_scalar(st):
                if variables.get(st.var) is None:
                    vector_temporaries.add(st.var)
                continue
            for sym in sorted(st.expr.free_symbols, key=str):
                var = variables.get(sym.name)
                if sym.name == "i" or sym.name in vector_temporaries or (
                        var is not None and not var.scalar):
                    raise SyntaxError(f"'{st.text}' in run_regularly code of {self.owner.name}: "
                                      f"cannot write to the shared variable '{st.var}' with an "
                                      f"expression referring to the per-element value "
                                      f"'{sym.name}'")

    @property
    def namespace(self):
        return self.owner.namespace

    def _temporaries(self):
        return {st.var for st in self.statements if self.owner.variables.get(st.var) is None}

    def external_names(self):
        """Names the code uses but neither the group nor the code itself defines."""
        return self.group.external_names_of([st.expr for st in self.statements],
                                            self._temporaries())

    def check_units(self, dims):
        from ..model.statements import check_statements_units
        dims = dict(SPECIAL_NAMES, **dims)
        dims.update({name: var.dim for name, var in self.owner.variables.items()})
        for name in self.owner._subexpression_names():   # the model's and linked ones
            dims[name] = self.owner._subexpression(name)[1]
        check_statements_units(self.statements, dims)

    def structure_key(self):
        return (self.name, self.abstract_code, self.group.start, len(self.group))

    def kernels(self, ctx):
        owner, offset = self.owner, self.group.start - self.owner.start
        variables = array_vars(ctx.slots, owner.variables, list(owner.variables), offset)
        # the code's t, dt and t_in_timesteps are the group's (Brian2 resolves them among the
        # group's variables); the kernel steps with the operation's clock
        variables.update(ctx.environment(self, owner.clock))

        def assign(st):
            return K.Assign(st.var, self.group._substitute_subexpressions(st.expr), st.op)
        scalar = [assign(st) for st in self.statements if self._is_scalar(st)]
        vector = [assign(st) for st in self.statements if not self._is_scalar(st)]
        reads_time = any(s.name in ("t", "t_in_timesteps")
                         for st in scalar + vector for s in st.expr.free_symbols)
        code_clock = ctx.code_clock(self.clock, owner.clock, self.name) if reads_time else (1, 1)
        result = []
        if scalar:
            # one element, whose shared targets are written like ordinary variables
            writable = {name: dataclasses.replace(var, scalar=False) if name in
                        {st.target for st in scalar} else var for name, var in variables.items()}
            result.append((self._own_entry(), K.Kernel(
                f"{self.name}_scalar_code", K.ForEach(1), writable,
                [K.Assign(st.target, st.expr.xreplace({symbol("N"): sympy.Integer(len(self.group))}),
                          st.op) for st in scalar],
                ctx.next_stream_block(), ctx.functions(self), code_clock)))
        if vector:
            result.append((self._own_entry(), K.Kernel(f"{self.name}_code", K.ForEach(len(self.group)),
                                               variables, vector, ctx.next_stream_block(),
                                               ctx.functions(self), code_clock)))
        return result

    def __repr__(self):
        return f"<RunRegularly {self.name!r} of {self.owner.name!r}: {self.abstract_code!r}>"
