"""What a standalone-mode script simulated, kept so that ``device.run(run_args=...)`` can simulate
it again with other initial values, as Brian2's standalone binary does when run again.

Brian2's C++ standalone device turns the script into a program: running it again (with
``run_args``: ``{G.tau: 5*ms, G.v: array, timed_array: values}``, or ``['G.tau=0.005']`` with
values in SI units)
starts from the initial state, sets those values where ``device.apply_run_args()`` was called
(by default just before the first run) and makes every run again. brianjit runs each ``run()`` at
once, so the ``Recording`` keeps: the state of each network just before its first run (a
``storage`` snapshot, the same as ``store()``), the ``RunCall`` of every run, and where the values
apply. A replay restores the snapshots, applies the values and makes the calls again: the compiled
programs stay valid (new values never recompile), so nothing is compiled.

What cannot be replayed is refused rather than replayed wrongly: if the script changed a
network's state between two of its runs (``G.v = ...``, ``restore()``), the replay could not
repeat that change, so ``run_args`` raise NotImplementedError. A change is detected by comparing
the state at the start of a run with the one at the end of the run before (a copy of the state
per run: standalone-mode scripts only).

Random numbers follow Brian2: a script that fixed the seed (``seed(k)``) draws the same numbers
on every replay; one that did not draws fresh ones, as a standalone binary seeded from the clock.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ..objects import seed as seed_state
from ..objects import storage
from ..objects.timedarray import TimedArray
from ..objects.views import VariableView
from ..units import Quantity, fail_for_dimension_mismatch

__all__ = ["Recording", "resolve_run_args"]

_APPLY = "apply"


class Recording:
    """The runs of a standalone-mode script, their networks' initial states and the place where
    ``run_args`` apply."""

    def __init__(self):
        self.steps = []          # RunCall objects, and _APPLY where the values are applied
        self.initial = {}        # network id -> (network, its objects, state before its first run)
        self.after = {}          # network id -> state at the end of its last run
        self.changed = None      # what the script changed that a replay cannot repeat
        self.at_apply = None     # the state where apply_run_args() was called
        self.tables = {}         # id(TimedArray) -> (it, the script's values) once run_args set it
        self.script_results = True  # whether state and monitors are those the script computed
        self.replaying = False

    def apply_here(self, objects):
        """``device.apply_run_args()``, with the ``objects`` of the script's frame. Before the
        first run (the only place Brian2 allows: the first run applies them otherwise) is the
        place the replay starts from, so a value the script sets between here and the first run
        would be lost: that is refused at the replay, as a change between runs."""
        if _APPLY in self.steps:
            raise RuntimeError("The 'apply_run_args()' function can only be called once.")
        self.steps.append(_APPLY)
        self.at_apply = storage.capture(objects, 0.0)

    def record(self, call):
        """Make ``call`` (a ``RunCall``) as the script asks, and remember it."""
        network = call.network
        objects = network._all_objects()
        state = storage.capture(objects, network._t)
        if self.at_apply is not None:
            changed = _changed_names(self.at_apply, state)
            if changed and self.changed is None:
                self.changed = (f"the script set values of {', '.join(changed)} after "
                                "apply_run_args(); brianjit applies run_args just before the "
                                "first run")
            self.at_apply = None
        if network.id not in self.initial:
            self.initial[network.id] = (network, objects, state)
        elif self.changed is None and _changed_names(self.after[network.id], state, all_keys=True):
            self.changed = (f"the script changed the state of '{network.name}' between two "
                            "runs; brianjit replays the runs from the state before the first "
                            "one and cannot repeat that change")
        if not self.steps:
            self.steps.append(_APPLY)  # Brian2's default: just before the first run
        try:
            result = call.execute()
        except BaseException:
            # whatever the failed run changed cannot be replayed
            self.changed = self.changed or f"a run of '{network.name}' failed"
            raise
        finally:
            self.after[network.id] = storage.capture(objects, network._t)
        self.steps.append(call)
        self.script_results = True
        return result

    def replay(self, values):
        """Simulate the recorded runs again from the initial states, with ``values`` (from
        ``resolve_run_args``) applied at their place."""
        if not any(step is not _APPLY for step in self.steps):
            if not values:
                return  # nothing ran: running the empty project again does nothing
            raise RuntimeError("device.run(): there is no simulation to run again: call run() "
                               "first (with set_device('cpp_standalone', build_on_run=False))")
        if self.changed is not None:
            if not values and self.script_results:
                return  # the script's results are there: the same as running it again
            raise NotImplementedError(
                f"device.run(run_args=...): {self.changed}. Set the values and call run() again "
                "instead (docs/differences.md).")
        fixed_seed = seed_state._state["fixed"]
        for table, script_values in self.tables.values():
            table.values = script_values
        for network, objects, state in self.initial.values():
            network._t = storage.apply(state, objects, restore_random_state=fixed_seed)
        self.script_results, self.replaying = False, True
        try:
            for step in self.steps:
                if step is _APPLY:
                    for apply in values:
                        apply()
                else:
                    step.execute()
        finally:
            self.replaying = False
        for network, objects, _ in self.initial.values():
            self.after[network.id] = storage.capture(objects, network._t)
        self.script_results = not values


def _changed_names(before, now, all_keys=False) -> list:
    """The objects whose arrays differ between two ``storage.capture`` states (the keys of
    both; ``all_keys``: an array in only one of them is a change too). The time and the random
    state are not compared."""
    keys = {k for k in now if "/" in k}
    others = {k for k in before if "/" in k}
    differ = (keys ^ others if all_keys else set()) | {
        k for k in keys & others if before[k].shape != now[k].shape or not np.array_equal(
            before[k], now[k], equal_nan=before[k].dtype.kind in "fc")}
    return sorted({k.split("/", 1)[0] for k in differ})


def resolve_run_args(run_args, recording) -> list:
    """Check ``run_args`` (Brian2's forms: a mapping from ``G.var`` views to values, or strings
    ``'G.var=value'`` with the value in SI units) and return functions that apply them. Every
    value is checked before any is applied."""
    if run_args is None:
        return []
    if isinstance(run_args, Mapping):
        return [_timed_array_setter(key, value, recording) if isinstance(key, TimedArray)
                else _view_setter(key, value) for key, value in run_args.items()]
    if isinstance(run_args, str):
        raise TypeError(f"run_args is a dict {{G.v: value}} or a list of 'G.v=value' strings, "
                        f"not the string {run_args!r}")
    return [_string_setter(arg, recording) for arg in run_args]


def _timed_array_setter(table, value, recording):
    """New values for a TimedArray: one for every entry, or an array of its shape. The replay
    puts the script's values back first, so a later ``device.run()`` without them uses those."""
    name = f"{table.name}.values"
    fail_for_dimension_mismatch(value, Quantity(1.0, dim=table.dim),
                                f"run_args value for '{name}' has the wrong units")
    shape = np.shape(table.values)
    raw = np.asarray(value, dtype=np.float64)
    if raw.size == 1:
        raw = np.full(shape, raw.item())
    elif raw.shape != shape:
        raise TypeError(f"Incorrect size for variable '{name}'. Shape {shape} ≠ {raw.shape}.")
    recording.tables.setdefault(id(table), (table, table.values))
    new = Quantity(raw, dim=table.dim)

    def apply():
        table.values = new
    return apply


def _view_setter(key, value):
    if not isinstance(key, VariableView):
        raise TypeError("The keys for 'run_args' need to be 'VariableView' objects, i.e. "
                        "attributes of groups such as 'neurongroup.v', or a 'TimedArray'. Key "
                        f"has type '{type(key)}' instead.")
    name = f"{key.group.name}.{key.name}"
    if key.dim is not None:
        fail_for_dimension_mismatch(value, key.dim, f"run_args value for '{name}' has the wrong "
                                                    "units")
    size = np.size(value)
    if np.ndim(value) > 1 or (size != 1 and size != len(key)):
        raise TypeError(f"Incorrect size for variable '{name}'. Shape ({len(key)},) ≠ "
                        f"{np.shape(value)}.")
    variable = key.group.variable_info(key.name)
    if variable.read_only:
        raise TypeError(f"run_args cannot set the read-only variable '{name}'")
    group, var, unitless = key.group, key.name, key.unitless

    def apply():
        group.set_values(var, slice(None), value, unitless=unitless)
    return apply


def _string_setter(arg, recording):
    if not isinstance(arg, str) or arg.count("=") != 1:
        raise TypeError(f"a run_args entry is a string 'group.variable=value', not {arg!r}")
    target, text = (part.strip() for part in arg.split("="))
    group_name, _, var = target.rpartition(".")
    groups = {obj.name: obj for _, objects, _ in recording.initial.values() for obj in objects}
    if group_name not in groups:
        raise KeyError(f"run_args entry {arg!r}: no object named '{group_name}' in the "
                       f"simulation (known: {', '.join(sorted(groups))})")
    group = groups[group_name]
    try:
        view = VariableView(group, var, unitless=True)
    except (KeyError, AttributeError):
        raise KeyError(f"run_args entry {arg!r}: '{group_name}' has no variable '{var}'") \
            from None
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"run_args entry {arg!r}: the value must be a number in SI units; "
                         "brianjit reads no value files") from None
    return _view_setter(view, value)
