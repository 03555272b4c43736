"""Brian2's warnings about things in a model or script that are most likely mistakes (and its
notes about automatic choices), given under Brian2's logger names, at Brian2's levels and under
Brian2's conditions, so that ``BrianLogger.suppress_name(...)`` and ``catch_logs()`` select them
as with Brian2 (docs/architecture.md, "Logging and warnings").

Each function checks one condition and logs; the objects call them where Brian2 checks (at
construction, or before each run). Nothing here changes what a simulation computes.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from ..model.equations import DIFFERENTIAL_EQUATION
from ..model.names import is_noise_name
from ..units import Quantity, second
from ..utils import info, warn
from .group import SPECIAL_NAMES
from .order_dependence import is_order_dependent

__all__ = ["check_neurongroup_arguments", "synaptic_code_arguments", "note_clock_driven",
           "warn_dt_mismatch", "warn_ignored_spikes", "warn_long_period", "internal_names_used",
           "order_dependence_warnings", "warn_misaligned_time_grids", "warn_shared_recorded",
           "note_missing_coordinates"]


def check_neurongroup_arguments(name, equations, threshold, reset, refractory):
    """A NeuronGroup's ``(unless refractory)`` flag without ``refractory``, and a threshold
    with neither a reset nor refractoriness (unless it is random: a Poisson-like neuron)."""
    if refractory is False and any("unless refractory" in eq.flags
                                   for eq in equations.values()):
        warn("brian2.groups.neurongroup.no_refractory",
             'Model equations use the "unless refractory" flag but no refractory keyword was '
             'given.')
    if threshold is not None and reset is None and refractory is False \
            and "rand(" not in threshold and "randn(" not in threshold:
        warn("brian2.groups.neurongroup.only_threshold",
             f"The NeuronGroup '{name}' sets a threshold but neither a reset condition nor a "
             f"refractory condition has been set. Did you forget either of those? If this was "
             f"intended, set the reset argument to an empty string in order to avoid this "
             f"warning.")


def synaptic_code_arguments(on_pre, pre, on_post, post):
    """(on_pre, on_post) from Brian2's keywords, accepting the deprecated ``pre``/``post``
    (with Brian2's warning) but not together with their replacements (TypeError)."""
    for new, old, side in ((on_pre, pre, "pre"), (on_post, post, "post")):
        if old is None:
            continue
        if new is not None:
            raise TypeError(f"Cannot specify both '{side}' and 'on_{side}'. The '{side}' keyword "
                            f"is deprecated, use the 'on_{side}' keyword instead.")
        warn(f"brian2.synapses.synapses.deprecated_{side}",
             f"The '{side}' keyword is deprecated, use 'on_{side}' instead.", once=True)
    return (pre if on_pre is None else on_pre), (post if on_post is None else on_post)


def note_clock_driven(equations):
    """Brian2's note (INFO) on synaptic differential equations without ``(clock-driven)`` or
    ``(event-driven)``: they are integrated at every time step."""
    for eq in equations.values():
        if eq.type == DIFFERENTIAL_EQUATION and not {"event-driven", "clock-driven"} & set(eq.flags):
            info("brian2.synapses.synapses.clock_driven",
                 f"The synaptic equation for the variable {eq.varname} does not specify whether "
                 f"it should be integrated at every timestep ('clock-driven') or only at spiking "
                 f"events ('event-driven'). It will be integrated at every timestep which can "
                 f"slow down your simulation unnecessarily if you only need the values of this "
                 f"variable whenever a spike occurs. Specify the equation as clock-driven "
                 f"explicitly to avoid this warning.", once=True)


def warn_dt_mismatch(pathway_name, synapses, source, target):
    """Before a run: a synaptic pathway whose groups and Synapses do not share one ``dt``
    (it runs on the clock of ``source``, the group whose events it delivers, so its delays
    are multiples of that dt)."""
    dts = {synapses.clock.dt_, source.clock.dt_, target.clock.dt_}
    if len(dts) > 1:
        dt = Quantity(source.clock.dt_, dim=second.dim)
        warn("brian2.synapses.synapses.synapses_dt_mismatch",
             f"Note that the synaptic pathway '{pathway_name}' will run on the clock of the "
             f"group '{source.name}' using a dt of {dt}. Either the Synapses object "
             f"'{synapses.name}' or the target '{target.name}' (or both) are using a different "
             f"dt. This might lead to unexpected results. In particular, all delays will be "
             f"rounded to multiples of {dt}. If in doubt, try to ensure that '{source.name}', "
             f"'{synapses.name}', and '{target.name}' use the same dt.")


def warn_ignored_spikes(name, spike_times, clock):
    """Before a run with new spikes: those before the run's start are never given."""
    dt = clock.dt_
    if len(spike_times) and (((spike_times + 1e-3 * dt) / dt).astype("int64")
                             < clock.timestep).any():
        warn("brian2.input.spikegeneratorgroup.ignored_spikes",
             f"The SpikeGeneratorGroup '{name}' contains spike times earlier than the start time "
             f"of the current run (t = {Quantity(clock.t_, dim=second.dim)}), these spikes will "
             f"be ignored.")


def warn_long_period(name, dt):
    """A period of more than 2**31 - 1 time steps is taken as no period (Brian2)."""
    steps = 2**31 - 1
    warn("brian2.input.spikegeneratorgroup.spikegenerator_long_period",
         f"Periods longer than {steps} timesteps (={Quantity(steps * dt, dim=second.dim)}) are "
         f"not supported, the period of '{name}' will therefore be considered infinite. Set the "
         f"period to 0*second to avoid this warning.")


def internal_names_used(group, exprs, targets=()):
    """Brian2's "user identifiers" of ``group`` that are its own names, for the namespace check
    (:func:`brianjit.model.namespace.warn_shadowed_internal_names`): the names ``exprs`` use
    (following the subexpressions they name) and the variables ``targets`` writes, except
    external ones and noise. {name: the value of ``N``, None for the others}."""
    names = {t for t in targets if group.variables.get(t) is not None}
    todo = [e for e in exprs if e is not None]
    while todo:
        for sym in todo.pop().free_symbols:
            if sym.name not in names:
                names.add(sym.name)
                sub = group._subexpression(sym.name)
                if sub is not None:
                    todo.append(sub[0])
    names -= set(group.external_names())
    return {n: (len(group) if n == "N" else None) for n in names
            if not is_noise_name(n) and (group.variables.get(n) is not None
                                         or group._is_subexpression(n) or n in SPECIAL_NAMES)}


def order_dependence_warnings(synapses, pathway) -> list:
    """``[(logger, message)]``: Brian2's warning for a pathway's code whose result may depend on
    the order of the synapses (:mod:`brianjit.objects.order_dependence`), given at each run
    (``Synapses.text_warnings``)."""
    statements = [dataclasses.replace(st, expr=synapses._expand_group_subexpressions(
        synapses._substitute_subexpressions(st.expr))) for st in pathway.statements]
    if not statements or not is_order_dependent(statements, lambda n: _index_class(synapses, n)):
        return []
    first = (f"Abstract code: '{statements[0].text}'" if len(statements) == 1 else
             f"{len(statements)} lines of abstract code, first line is: "
             f"'{statements[0].text}'")
    return [("brian2.codegen.generators.base",
             f"Came across an abstract code block that may not be well-defined: the outcome may "
             f"depend on the order of execution. You can ignore this warning if you are sure "
             f"that the order of operations does not matter. {first}\n")]


def _index_class(synapses, name):
    """'_idx' (per synapse), '0' (shared), 'pre'/'post' (per neuron) or None (a constant)."""
    var = synapses.variables.get(name)
    if var is not None:
        return "0" if var.scalar else "_idx"
    for suffix, group in (("_pre", synapses.source), ("_post", synapses.target)):
        if name.endswith(suffix):
            var = group.variables.get(name[:-len(suffix)])
            if var is not None:
                return "0" if var.scalar else suffix[1:]
    var = synapses.target.variables.get(name)
    if var is not None:
        return "0" if var.scalar else "post"
    return "0" if name in SPECIAL_NAMES else None


def warn_misaligned_time_grids(group_dt, table_dt):
    """A group that steps on a finer grid than a TimedArray it uses, not dividing the array's dt:
    the array's values change within the group's steps (Brian2's warning, and its note that
    ``exact`` then cannot treat the array as constant over a step)."""
    warn("brian2.input.timedarray",
         f"Group uses a dt of {Quantity(group_dt, dim=second.dim)} while TimedArray uses dt of "
         f"{Quantity(table_dt, dim=second.dim)} (ratio: 1/{table_dt / group_dt}) → time grids "
         f"not aligned", once=True)
    info("brian2.input.timedarray",
         "dt of the TimedArray is not an integer multiple of the group's dt, the TimedArray's "
         "return value can therefore not be considered constant over one timestep, making exact "
         "integration impossible.", once=True)


def warn_shared_recorded(variable, n_records):
    """A StateMonitor that records a shared variable for several elements (the same value in
    every column)."""
    if variable.scalar and n_records > 1:
        warn("brian2.monitors.statemonitor",
             f"Variable {variable.name} is a shared variable but it will be recorded once for "
             f"every target.", once=True)


def note_missing_coordinates(coordinates):
    """A SpatialNeuron from a morphology where only some sections have coordinates: the others
    get NaN (Brian2's note)."""
    if any(np.isnan(values).any() for values in coordinates.values()):
        info("brian2.spatialneuron.spatialneuron",
             "The morphology has a mix of sections with and without coordinates. The "
             "SpatialNeuron object will store NaN values for the coordinates of the sections that "
             "do not specify coordinates. Call generate_coordinates on the morphology before "
             "creating the SpatialNeuron object to fill in the missing coordinates.")
