"""Running one-off kernels: a single kernel compiled (cached by structure) and run at once, for
string expressions on the Python side (``G.v = '...'``, ``G.v['i > 5']``, ``connect()``).

:func:`run_one_off` is the one path every such statement takes: it first asks the cache of
one-off kernels (:mod:`.oneoff_cache`) for an entry under the statement's front-end key
(:mod:`.front_key`); with one, it replays the binding and runs the stored machine code, so no
text is parsed and sympy is not imported; without one (or when the entry is refused), it
parses, checks, builds the kernel, compiles or finds its code by structure, runs it and writes
the entry. Both paths bind through the same function and run through :func:`run_compiled`, so
the slot table, the constants, the one-off counter (``seed.next_oneoff_step``) and the error
handling are the same.
"""
from __future__ import annotations

import ctypes
from collections.abc import Callable

from .. import kernel as K
from .. import memory_budget
from ..jit import compile_structure
from ..kernel_key import kernels_key
from ..memory import growth_failure
from . import oneoff_cache
from . import seed as seed_state
from .assembly import SlotTable
from .callbacks import raise_pending

__all__ = ["run_once", "run_one_off", "run_compiled", "preferred_math_mode"]

#: the LLVM name of a one-off kernel's function (not the kernel's name, which names its object:
#: the code is shared by every kernel of the same structure)
_ONE_OFF_NAME = "one_off_kernel"


def preferred_math_mode() -> str:
    """The math mode one-off kernels are lowered in (part of their keys)."""
    from ..codegen.mathfuncs import preferred_math_mode as preferred
    return preferred()


def _compiled(kern: K.Kernel):
    """(structural key or None, compiled module) of a one-off kernel."""
    math_mode = preferred_math_mode()
    structure = kernels_key([(1, kern)], math_mode=math_mode)
    return structure, compile_structure(structure, lambda: str(_module_for(kern, math_mode))).module


def run_compiled(module, slots: SlotTable, name: str) -> int:
    """Run the one-off kernel compiled in ``module`` (named ``name`` in errors) on ``slots`` now,
    with the next one-off step. Returns the kernel's status: 0, or a shape's own error code
    (e.g. 2 from ``Connect``: an index out of range)."""
    fn = module.cfunc(_ONE_OFF_NAME, ctypes.c_int32, ctypes.c_void_p, ctypes.c_int64)
    memory_budget.refresh_if_stale()
    status = fn(ctypes.cast(slots.addresses(), ctypes.c_void_p), seed_state.next_oneoff_step())
    slots.sync()
    if status == K.PYTHON_ERROR:
        raise_pending(name)
    if status == 1:
        error = growth_failure(slots.arrays)
        raise type(error)(f"{error} (while running {name})")
    return status


def run_once(kern: K.Kernel, slots: SlotTable) -> int:
    """Compile (cached by structure) and run a single kernel now. Its random numbers depend on the
    seed and the one-off counter only (the step it runs with: ``seed.next_oneoff_step``); ``t``
    comes from a buffer. Returns the kernel's status (see :func:`run_compiled`)."""
    return run_compiled(_compiled(kern)[1], slots, kern.name)


def run_one_off(key: str | None, name: str, rebind: Callable, build: Callable,
                shape_slots: Callable = lambda context: ()):
    """Run one one-off statement; returns (its ExpressionContext, the kernel's status).

    ``key``: its front-end key (None: none); ``name``: the kernel's name (errors name it);
    ``rebind(names, data)``: the hit's binding, as an ExpressionContext: the binder
    (``Group._bind_names``) for the names the text used, then the call site's own slots
    (outputs, targets), as the miss path binds them; ``build()``: the miss
    path up to the kernel -- parse, bind, checks -- as (context, kernel, data), ``data`` the
    plain values a hit needs besides the binding (given back to ``rebind``), or None when the
    statement needs no kernel (then so is the answer: ``connect()`` with ``p=0``);
    ``shape_slots(context)``: the slots the kernel's shape reads besides its variables."""
    entry = oneoff_cache.lookup(key)
    if entry is not None:
        try:
            context = rebind(entry.names, entry.data)
        except (KeyError, TypeError, ValueError):
            # names that do not bind (an edited entry): the miss path says what is wrong, if
            # anything
            context = None
        module = None if context is None else \
            oneoff_cache.stored_module(entry, context.variables, shape_slots(context))
        if module is not None:
            return context, run_compiled(module, context.slots, name)
    built = build()
    if built is None:
        return None, None
    context, kern, data = built
    structure, module = _compiled(kern)
    status = run_compiled(module, context.slots, name)
    if status == 0 and not kern.functions:
        oneoff_cache.remember(key, structure, context.names,
                              oneoff_cache.binding_text(kern.variables, shape_slots(context)),
                              **data)
    return context, status


def _module_for(kern, math_mode):
    from ..codegen.kernels import lower_kernel
    from llvmlite import ir
    from ..codegen.mathfuncs import set_math_mode
    module = ir.Module(name="one_off")
    set_math_mode(module, math_mode)
    lower_kernel(module, kern, _ONE_OFF_NAME)
    return module
