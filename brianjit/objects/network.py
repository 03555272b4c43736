"""Network: assembles objects into one native program and runs it in chunks of time steps.

``run`` checks the network (names unique among its objects, every object's dependencies in it,
no object run in another network: Brian2's errors), calls the objects' ``before_run`` hooks,
resolves external names and checks units, (re)builds the program only when the structure changed
(names, equations, constants' types, clocks, schedule, profiling: never for new values), writes
the current values of external constants and clocks' ``dt`` into their buffers, and hands the
program to a ``Stepper`` (``stepping.py``): native chunks of steps, Python objects (network
operations, user subclasses overriding ``run()``) at their exact place in the schedule, progress
reports, ``stop()`` and Ctrl-C between chunks. An error while an object is prepared reaches the
user as a ``BrianObjectException`` naming the object (``exceptions.py``). The schedule's slots
(``scheduling.py``), snapshots (``storage.py``) and profiling (``profiling.py``) live in their
own modules.

The network keeps no strong reference to the objects it ran other than ``objects`` itself (its
caches are keyed by the objects' ids), so removing an object, or the magic network forgetting
one, lets it be garbage collected.
"""
from __future__ import annotations

import bisect
import ctypes
import time
from collections import Counter
from collections.abc import Mapping
from contextlib import contextmanager

import numpy as np

from .. import parallel
from ..codegen.driver import (DRIVER_NAME, PARTIAL_NAME, THREADED_NAME, ScheduledKernel,
                              build_network_module, kernel_function_name, network_module_parts,
                              worth_threads)
from ..codegen.mathfuncs import preferred_math_mode
from ..gc_pause import without_gc
from ..jit import compile_structure, find_structure
from ..kernel_key import kernels_key
from ..memory import DynamicArray
from ..model.namespace import resolve_names, user_frame_namespace, warn_shadowed_internal_names
from ..model.stateupdaters import log_method_choice
from ..units import Quantity, fail_for_dimension_mismatch, get_dimensions, second
from . import seed as seed_state
from . import storage
from ..utils import debug, warn
from .assembly import BuildContext, ExternalConstant, SlotTable, bind_roles, record_binding
from .base import BrianObject, Nameable
from .clock import timestep
from .code import CodeView
from .exceptions import BrianObjectException, brian_object_exception
from .front_network import (FrontEntry, FrontKeying, forget_entry, kernels_of_entry,
                            load_entry, machine_key, network_front_key, store_entry,
                            stored_kernels)
from .front_network import count as count_front
from .functions import ModelFunction, as_function
from .group import constant_dtype
from .invalid_values import warn_about_invalid_values
from .profiling import profiling_info
from .reporting import make_reporter
from .scheduling import SchedulingSummary, check_schedule, run_schedule, slot_position, sort_key
from .stepping import ScheduledOperation, Stepper

__all__ = ["Network"]


class _Program:
    """A compiled network: the driver (and ``run_partial`` when the network has Python
    objects), its slot table, the kernels' sort keys, the timings of its build and, in a
    profiled build, the array of nanoseconds per kernel."""

    def __init__(self, driver, partial, slots, kernels, keys, compiled, timings, profile):
        self.driver, self.partial, self.slots, self.kernels = driver, partial, slots, kernels
        self.keys, self.compiled, self.timings, self.profile = keys, compiled, timings, profile


class RunCall:
    """One ``Network.run`` call, with what it needs to be made again: the network, the objects
    it held (the magic network's are those of the caller's frame), and the arguments, the
    namespace already resolved. ``execute()`` runs it (again)."""

    def __init__(self, network, objects, duration, report, report_period, namespace, profile):
        self.network, self.objects = network, objects
        self.args = (duration, report, report_period, namespace, profile)

    def execute(self):
        network, current = self.network, self.network.objects
        network.objects = list(self.objects)
        try:
            return Network._run_now(network, *self.args)
        finally:
            network.objects = current


@contextmanager
def _preparing(obj):
    """Errors while ``obj`` is prepared for a run reach the user as a BrianObjectException."""
    try:
        yield
    except BrianObjectException:
        raise
    except Exception as error:
        raise brian_object_exception("An error occurred when preparing an object.", obj,
                                     error) from error


class Network(Nameable):
    """A set of objects simulated together (Brian2's Network)."""

    def __reduce_ex__(self, protocol):
        raise TypeError(f"The Network '{self.name}' holds compiled native code and cannot be "
                        f"pickled (nor can Brian2's); pickle its objects, which carry their "
                        f"state, or save the state with store(filename=...)")

    #: set by the module-level ``stop()``: every running network stops (reset by the next run)
    _globally_stopped = False

    def __init__(self, *objs, name="network*"):
        Nameable.__init__(self, name)
        #: the objects added (their contained objects run with them but are not listed here)
        self.objects: list[BrianObject] = []
        self._t = 0.0
        self._program = None
        self._key = None
        self._constants: dict = {}   # object id -> {name: ExternalConstant or function}
        #: object id -> (external names, internal names used, text warnings) of the last run
        self._text_answers: dict = {}
        self._dt_arrays: dict = {}   # clock id -> one-element dt buffer
        self._schedule = None
        self._stored: dict = {}
        self._stopped = False
        self._profiling_info = None
        #: the Stepper of the run in progress (restore() inside a network_operation moves it)
        self._stepper, self._stepper_dt = None, None
        #: number of this simulation for the random numbers (see seed.next_simulation)
        self._simulation = None
        self._seed = DynamicArray(1, dtype=np.int64)
        self.timings: dict = {}
        if objs:
            self.add(*objs)

    # -- membership ------------------------------------------------------------------------------
    def add(self, *objs):
        """Add objects, or (nested) containers of them (a dict: its values)."""
        for obj in objs:
            if isinstance(obj, BrianObject):
                if obj._network is not None and obj._network != self.id:
                    raise RuntimeError(f"{obj.name} has already been simulated in another "
                                       f"network, it cannot be added to {self.name}. To stop an "
                                       f"object from running for a while, set its active flag "
                                       f"to False instead.")
                if not any(o is obj for o in self.objects):
                    self.objects.append(obj)
            elif isinstance(obj, Mapping):
                self.add(*obj.values())
            elif isinstance(obj, (str, bytes)) or not hasattr(obj, "__iter__"):
                raise TypeError(f"Can only add objects of type BrianObject, or containers of "
                                f"such objects, to a Network, not {obj!r}")
            else:
                self.add(*obj)

    def remove(self, *objs):
        """Remove objects, or (nested) containers of them; KeyError for one not in it."""
        for obj in objs:
            if isinstance(obj, BrianObject):
                index = next((k for k, o in enumerate(self.objects) if o is obj), None)
                if index is None:
                    raise KeyError(f"{obj.name} is not part of {self.name}")
                del self.objects[index]
            elif isinstance(obj, (str, bytes)) or not hasattr(obj, "__iter__"):
                raise TypeError(f"Can only remove objects of type BrianObject, or containers of "
                                f"such objects, from a Network, not {obj!r}")
            else:
                self.remove(*obj)

    def __contains__(self, item):
        """By name (Brian2), or the object itself; contained objects count."""
        if isinstance(item, str):
            return any(obj.name == item for obj in self._all_objects())
        return any(obj is item for obj in self._all_objects())

    def __getitem__(self, name):
        if not isinstance(name, str):
            raise TypeError(f"Need a name to access objects in a Network, got "
                            f"{type(name).__name__} instead")
        for obj in self._all_objects():
            if obj.name == name:
                return obj
        raise KeyError(f"No object with name '{name}' found in {self.name}")

    def __delitem__(self, name):
        if not isinstance(name, str):
            raise TypeError(f"Need a name to remove objects from a Network, got "
                            f"{type(name).__name__} instead")
        for obj in self.objects:
            if obj.name == name:
                self.remove(obj)
                return
        raise KeyError(f"No object with name '{name}' found in {self.name}")

    def __len__(self):
        return len(self._all_objects())

    def __iter__(self):
        return iter(self._all_objects())

    @property
    def t(self):
        """The network's time (a time quantity)."""
        return Quantity(self._t, dim=second.dim)

    @property
    def t_(self):
        return self._t

    @t_.setter
    def t_(self, value):
        self._t = float(value)

    def _all_objects(self, active_only=False):
        """The network's objects and, recursively, the objects they contain (run_regularly...);
        a contained object runs only while its container is active too."""
        # a loop, not a recursive closure: such a closure is a reference cycle that would keep
        # the objects alive until the next garbage collection
        found, seen, todo = [], set(), list(reversed(self.objects))
        while todo:
            obj = todo.pop()
            if id(obj) in seen or (active_only and not obj.active):
                continue
            seen.add(id(obj))
            found.append(obj)
            todo.extend(reversed(obj.contained_objects))
        return found

    # -- checks before a run ---------------------------------------------------------------------
    @staticmethod
    def _check_names(objects):
        repeated = [name for name, n in Counter(o.name for o in objects).items() if n > 1]
        if repeated:
            raise ValueError(f"All objects in a network need to have unique names, the following "
                             f"name(s) were used more than once: "
                             f"{', '.join(repr(n) for n in repeated)}")

    def check_dependencies(self):
        """Every object's dependencies (a monitor's group, ...) must be in the network
        (ValueError otherwise)."""
        objects = self._all_objects()
        ids = {obj.id for obj in objects}
        for obj in objects:
            if not obj._dependencies <= ids:
                raise ValueError(f"'{obj.name}' has been included in the network but not the "
                                 f"object on which it depends.")

    def _check_not_run_elsewhere(self, objects):
        for obj in objects:
            if obj._network is not None and obj._network != self.id:
                raise RuntimeError(f"'{obj.name}' has already been run in the context of another "
                                   f"network. Use add/remove to change the objects in a simulated "
                                   f"network instead of creating a new one.")

    # -- scheduling ------------------------------------------------------------------------------
    @property
    def schedule(self):
        """The slots of a time step, in order (Brian2's ``Network.schedule``); set a list of
        names to change it, or None for the default (``core.network.default_schedule``)."""
        return list(check_schedule(self._schedule))

    @schedule.setter
    def schedule(self, schedule):
        self._schedule = None if schedule is None else check_schedule(schedule)

    def scheduling_summary(self):
        """What runs when: every part of every object in execution order (see
        ``scheduling.SchedulingSummary``)."""
        return SchedulingSummary(self._all_objects(), check_schedule(self._schedule))

    # -- states, profiling, stop -----------------------------------------------------------------
    def get_states(self, units=True, format="dict", subexpressions=False,
                   read_only_variables=True, level=0):
        """``{name: states}`` of every object (contained ones too) that has ``get_states``
        (Brian2's protocol; groups have it), with the same arguments."""
        return {obj.name: obj.get_states(vars=None, units=units, format=format,
                                         subexpressions=subexpressions,
                                         read_only_variables=read_only_variables, level=level + 1)
                for obj in self._all_objects() if callable(getattr(obj, "get_states", None))}

    def set_states(self, values, units=True, format="dict", level=0):
        """Set the states of the objects named by the keys of ``values`` (as ``get_states``
        gives them)."""
        for name, states in values.items():
            if name not in self:
                raise KeyError(f"Network does not include an object with name '{name}'.")
            self[name].set_states(states, units=units, format=format, level=level + 1)

    @property
    def profiling_info(self):
        """``[(name, time), ...]`` of the last ``run(profile=True)``, longest first (see
        ``profiling.py``); ValueError without one."""
        if self._profiling_info is None:
            raise ValueError("No profiling info collected (did you run with 'profile=True'?)")
        return list(self._profiling_info)

    def stop(self):
        """Stop the run in progress after the current time step (from a network operation or
        an object's ``run()``; Brian2's ``Network.stop``)."""
        self._stopped = True

    # -- store / restore -------------------------------------------------------------------------
    def store(self, name="default", filename=None):
        """Snapshot every object's state, the monitors' recordings, the clocks and the time
        (and the random state), in memory or into the ``.npz`` file ``filename``."""
        storage.check_snapshot_name(name)
        objects = self._all_objects()
        self._check_names(objects)
        state = storage.capture(objects, self._t)
        if filename is None:
            self._stored[name] = state
        else:
            storage.write_snapshot(filename, name, state)

    def restore(self, name="default", filename=None, restore_random_state=False):
        """Go back to the snapshot ``name`` (from memory or ``filename``): state, recordings and
        time; the compiled program stays valid. ``restore_random_state`` also restores the seed,
        the one-off stream counter and numpy's generator."""
        storage.check_snapshot_name(name)
        if filename is not None:
            state = storage.read_snapshot(filename, name)
        elif name in self._stored:
            state = self._stored[name]
        else:
            raise KeyError(f"{self.name} has no stored state called '{name}' (stored: "
                           f"{sorted(self._stored)})")
        objects = self._all_objects()
        self._check_names(objects)
        running = self._stepper is not None
        self._t = storage.apply(state, objects, restore_random_state, keep_dt=running)
        if running:
            # inside a network_operation: the rest of this step and the steps after it run from
            # the restored time, up to the end the run was asked for (as in Brian2)
            self._seed.data[0] = seed_state.simulation_seed(self._simulation)
            self._stepper.jump(timestep(self._t, self._stepper_dt))

    # -- the run ---------------------------------------------------------------------------------
    def run(self, duration, report=None, report_period=10 * second, namespace=None,
            profile=None, level=0):
        """Simulate for ``duration``; see the module docstring. The run goes through the active
        device (``Device.network_run``): the standalone device records it to replay it for
        ``device.run(run_args=...)``."""
        from ..devices.device import get_device  # the devices module records runs: it imports us
        if namespace is None:
            namespace = user_frame_namespace(level)
        return get_device().network_run(
            RunCall(self, list(self.objects), duration, report, report_period, namespace,
                    profile))

    def _run_now(self, duration, report, report_period, namespace, profile):
        fail_for_dimension_mismatch(duration, second, "duration has to be a time")
        duration_ = float(np.asarray(duration))
        if not np.isfinite(duration_) or duration_ < 0:
            raise ValueError(f"Function 'run' expected a non-negative, finite duration but got "
                             f"'{duration!r}'")
        reporter = make_reporter(report, report_period, duration_, self._t)
        from ..devices.device import get_device
        target = get_device().program_target()
        threads, math_mode = parallel.thread_count(), preferred_math_mode()
        profile = bool(profile)
        schedule = run_schedule(check_schedule(self._schedule), get_device())
        every = self._all_objects()
        self._check_names(every)
        self.check_dependencies()
        self._check_not_run_elsewhere(every)
        if not every:
            return  # nothing runs, no clock: the time stays (Brian2)
        objects = sorted(self._all_objects(active_only=True), key=lambda o: sort_key(o, schedule))
        python_objects = [o for o in objects if o.runs_in_python]
        periods, base_dt = self._clock_periods(every)
        for clock in periods:
            clock.set_interval(self.t, Quantity(self._t + duration_, dim=second.dim))
        self._stopped = False
        Network._globally_stopped = False
        for obj in objects:
            with _preparing(obj):
                obj.before_run(namespace)
        front_key, entry = self._front_lookup(objects, namespace, periods, schedule,
                                              bool(python_objects), profile, threads, math_mode,
                                              target)
        self._set_constants(objects, namespace, entry)
        if self._simulation is None:
            self._simulation = seed_state.next_simulation()
        self._seed.data[0] = seed_state.simulation_seed(self._simulation)
        key = (tuple((o.id, o.structure_key()) for o in objects),
               tuple((oid, sorted((n, k.structure_key() if hasattr(k, "structure_key")
                                   else k.dtype) for n, k in d.items()))
                     for oid, d in self._constants.items()),
               tuple(sorted((c.id, p) for c, p in periods.items())), schedule,
               bool(python_objects), profile, math_mode, threads, target)
        if key != self._key:
            self._program = None  # the old program's arrays can go before the new one is built
            if entry is not None:
                self._program = self._build_from_entry(objects, periods, schedule,
                                                       bool(python_objects), profile, threads,
                                                       entry)
                if self._program is None:   # the entry does not fit these objects after all
                    forget_entry(front_key)
            count_front("no_key" if front_key is None else
                        "miss" if self._program is None else "hit")
            if self._program is None:
                self._program = self._build(objects, periods, schedule, bool(python_objects),
                                            profile, threads, math_mode, target, front_key)
            self._key = key
            self.timings = dict(self._program.timings)
        else:
            self.timings = {k: 0.0 for k in self._program.timings}
        for obj in every:
            if obj._network is None:
                obj._network = self.id
        for clock in periods:
            self._dt_array(clock).data[0] = clock.dt_
        # Brian2's steps: those from the step of the start time up to, not including, the step
        # of the end time (a time between steps belongs to the next one); afterwards the
        # network's time is the end time itself, so a run of dt/2 is a step every other run
        t_end = self._t + duration_
        start = timestep(self._t, base_dt)
        n_steps = max(timestep(t_end, base_dt) - start, 0)

        def at_step(step):
            self._t = step * base_dt
            for clock, period in periods.items():
                clock.step = -(-step // period)
        at_step(start)
        for obj in objects:
            with _preparing(obj):
                obj.prepare_run(n_steps)
        scheduled = [ScheduledOperation(op, periods[op.clock],
                                         bisect.bisect_left(self._program.keys,
                                                            sort_key(op, schedule)), rank)
                     for rank, op in enumerate(python_objects)]
        python_seconds = dict.fromkeys((op.name for op in python_objects), 0.0)

        def call(obj):
            if not profile:
                return obj.run()
            t0 = time.perf_counter()
            try:
                obj.run()
            finally:
                python_seconds[obj.name] += time.perf_counter() - t0
        if profile:
            self._program.profile.data[:] = 0
        stepper = Stepper(self._program, scheduled, len(self._program.kernels), at_step, start,
                          call, lambda: self._stopped or Network._globally_stopped)
        self._stepper, self._stepper_dt = stepper, base_dt
        t0, processor = time.perf_counter(), time.process_time()
        try:
            stepper.run(n_steps, reporter)
        finally:
            self._stepper = None
            self.timings["run"] = time.perf_counter() - t0
            # processor time of the same: what Brian2's standalone binary reports (std::clock)
            self.timings["run_processor"] = time.process_time() - processor
            at_step(stepper.step)
        if stepper.step == start + n_steps and not stepper.interrupted \
                and not (self._stopped or Network._globally_stopped):
            self._t = t_end
        self._profiling_info = (profiling_info([k.name for k in self._program.kernels],
                                               self._program.profile.data, python_seconds)
                                if profile else None)
        warn_about_invalid_values(objects)
        if stepper.interrupted:
            raise KeyboardInterrupt(f"run interrupted at t = {self.t!r}: state and monitors are "
                                    f"consistent at that time step")
        for obj in objects:
            obj.after_run()

    def _clock_periods(self, objects):
        # the parts' clocks too: a pathway runs on its source's clock, which may belong to a
        # group outside the network
        clocks = {clock: None for obj in objects
                  for clock in [obj.clock] + [part.clock for part in obj.schedule_entries()]}
        base = min(c.dt_ for c in clocks)
        periods = {}
        for clock in clocks:
            ratio = clock.dt_ / base
            if abs(ratio - round(ratio)) > 1e-9 * ratio:
                raise NotImplementedError(
                    f"clock dt={clock.dt} is not an integer multiple of the smallest dt "
                    f"{base} s in the network; brianjit needs integer ratios between clocks")
            periods[clock] = int(round(ratio))
        return periods, base

    def _front_lookup(self, objects, namespace, periods, schedule, partial, profile, threads,
                      math_mode, target):
        """(front key, stored entry) of this build (``front_network.py``): (None, None) when
        some object has no key or for a device's program target; (key, None) when nothing is
        stored under the key yet."""
        if target is not None:
            return None, None
        key = network_front_key(objects, FrontKeying(objects, namespace), periods,
                                partial=partial, profile=profile, threads=threads,
                                math_mode=math_mode, schedule=schedule)
        entry = load_entry(key) if key is not None else None
        if entry is not None and len(entry.names) != len(objects):
            entry = None
        return key, entry

    def _set_constants(self, objects, namespace, entry=None):
        """Resolve every object's external names (those a stored ``entry`` names, else the
        objects' own), check units (when the names came from the objects), and fill the
        constant buffers."""
        current = {obj.id for obj in objects}
        for cache in (self._constants, self._text_answers):
            for oid in [oid for oid in cache if oid not in current]:
                del cache[oid]
        for k, obj in enumerate(objects):
            with _preparing(obj):
                self._set_constants_of(obj, namespace,
                                       entry.names[k] if entry is not None else None)

    def _set_constants_of(self, obj, namespace, stored=None):
        if stored is None:
            warnings = obj.text_warnings()
            names, internal = obj.external_names(), obj.internal_names_used()
        else:
            names, internal = stored[0], stored[1]
            warnings = [tuple(w) for w in stored[2]]
        self._text_answers[obj.id] = (sorted(names), dict(internal), list(warnings))
        for logger, message in warnings:
            warn(logger, message)
        values = resolve_names(names, obj.namespace, namespace, owner=f"'{obj.name}'",
                               group_name=obj.group.name if obj.part_of_a_group else obj.name)
        warn_shadowed_internal_names(internal, obj.namespace, namespace, obj.name)
        # a Python function (check_units) called in model strings becomes a Function
        values = {name: as_function(name, value) if callable(value) and not
                  hasattr(value, "dim") else value for name, value in values.items()}
        refractory = obj.refractory_constant()
        if refractory is not None:
            values["_refractory"] = refractory
        # a function (TimedArray) is checked through its FunctionSpec and bound, not copied
        dims = {name: value.function_spec if isinstance(value, ModelFunction) else get_dimensions(value)
                for name, value in values.items()}
        for name, value in values.items():
            if isinstance(value, ModelFunction):
                continue
            if np.ndim(value) != 0:
                raise TypeError(f"'{name}' used by {obj.name} has to be a scalar, not an "
                                f"array of shape {np.shape(value)}")
        obj.check_before_run()
        if stored is None:   # a stored entry's texts passed these checks with the same names
            obj.check_units(dims)
        if not values:
            self._constants.pop(obj.id, None)
            return
        constants = self._constants.setdefault(obj.id, {})
        for name in list(constants):
            if name not in values:
                del constants[name]
        for name, value in values.items():
            if isinstance(value, ModelFunction):
                constants[name] = value
                continue
            dtype = constant_dtype(value)
            if name not in constants or constants[name].dtype != dtype:
                constants[name] = ExternalConstant(name, dtype)
            constants[name].set(value)

    def _locally_constant(self, obj) -> frozenset:
        """Names of the functions ``obj`` uses whose value is constant during one of its steps
        (a TimedArray with a dt that is a multiple of the clock's): ``exact`` may treat them as
        constants, as Brian2 does."""
        dt = obj.clock.dt_
        return frozenset(name for name, value in self._constants.get(obj.id, {}).items()
                         if hasattr(value, "is_locally_constant") and value.is_locally_constant(dt))

    def _dt_array(self, clock):
        """The buffer kernels read ``clock``'s dt from (rewritten before every run)."""
        if clock.id not in self._dt_arrays:
            self._dt_arrays[clock.id] = DynamicArray(1)
            self._dt_arrays[clock.id].data[0] = clock.dt_
        return self._dt_arrays[clock.id]

    @without_gc
    def _build(self, objects, periods, schedule, partial, profile, threads, math_mode,
               target=None, front_key=None):
        """The program for ``objects``: compiled for the CPU, or, when the device has a
        ``target`` (``Device.program_target``), built by that target from the same kernels.
        With a ``front_key``, what a later build needs to skip the kernels is stored under it
        (``front_network.py``)."""
        timings = {"parse": sum(o.parse_time for o in objects)}
        t0 = time.perf_counter()
        for obj in objects:
            with _preparing(obj):
                obj._integrated(self._locally_constant(obj))
        t1 = time.perf_counter()
        timings["integrate"] = t1 - t0 + sum(o.integrate_time for o in objects)
        slots = SlotTable()
        self._dt_arrays = {}
        ctx = BuildContext(slots, self._seed, self._dt_array,
                           lambda owner: self._constants.get(owner.id, {}), target, periods)
        entries = []
        for obj in objects:
            with _preparing(obj):
                contributed = obj.kernels(ctx)
            for n, (part, kern) in enumerate(contributed):
                # Brian2 sorts its code objects (a group's state updater, thresholder, a
                # pathway) by their own slot, order and name, not by the object they belong to
                key = (slot_position(part.when, schedule, f"'{part.name}'")
                       + (part.order, part.name, n))
                entries.append((key, obj, ScheduledKernel(kern, periods[part.clock]), part))
        entries.sort(key=lambda e: e[0])
        scheduled = [e[2] for e in entries]
        if target is not None:
            driver, compiled = target.build(scheduled, slots, partial=partial, profile=profile,
                                            lowering_context=lambda n: _preparing(entries[n][1]))
            timings["build"] = time.perf_counter() - t0
            return _Program(driver, None, slots, [s.kernel for s in scheduled],
                            [e[0] for e in entries], compiled, timings, None)
        profile_array = DynamicArray(len(scheduled), dtype=np.int64) if profile else None
        threaded = threads > 1 and not profile and worth_threads(scheduled)
        profile_slot = slots.slot(profile_array) if profile else None
        lowering = {}

        def make_ir():
            t = time.perf_counter()
            parts = network_module_parts(build_network_module(
                scheduled, partial=partial, profile_slot=profile_slot,
                lowering_context=lambda n: _preparing(entries[n][1]), math_mode=math_mode,
                threaded=threaded))
            lowering["seconds"] = time.perf_counter() - t
            return parts
        structure = kernels_key([(s.period, s.kernel) for s in scheduled], partial=partial,
                                profile_slot=profile_slot, math_mode=math_mode, threaded=threaded)
        t2 = time.perf_counter()
        answered = compile_structure(machine_key(structure, len(slots.arrays)), make_ir)
        timings["ir"] = t2 - t1 + lowering.get("seconds", 0.0)
        if front_key is not None and structure is not None:
            try:
                entry = self._front_entry(objects, entries, slots, profile_array, structure,
                                          threaded, profile)
            except Exception as error:   # noqa: BLE001 - no entry is always safe
                # e.g. a kernel whose text sympy cannot print (exp(exp(exp(1000))) overflows
                # while its terms are ordered): the next build makes its kernels again
                debug("brianjit.front_network", f"no front entry stored: {error!r}")
                entry = None
            if entry is not None:
                store_entry(front_key, entry)
        return self._program_of(answered, objects, [e[1] for e in entries],
                                [s.kernel for s in scheduled], [e[0] for e in entries], slots,
                                partial, threaded, threads, timings, profile_array)

    def _program_of(self, answered, objects, owners, kernels, keys, slots, partial, threaded,
                    threads, timings, profile_array):
        """The ``_Program`` of compiled code (``answered`` by ``compile_structure``) whose
        kernels, in schedule order, are ``kernels`` of ``owners``; sets every object's
        ``code``."""
        compiled = answered.module
        # a module this process had already compiled cost this build nothing
        fresh = answered.fresh
        timings["optimise"] = (compiled.timings.get("optimise", 0.0)
                               + compiled.timings.get("parse", 0.0)) if fresh else 0.0
        timings["machine_code"] = compiled.timings.get("machine_code", 0.0) if fresh else 0.0
        timings["build"] = sum(timings.values())
        driver = (parallel.ThreadedDriver(compiled.addresses[THREADED_NAME], threads) if threaded
                  else compiled.cfunc(DRIVER_NAME, ctypes.c_int32, ctypes.c_void_p,
                                      ctypes.c_int64, ctypes.c_int64))
        partial_fn = (compiled.cfunc(PARTIAL_NAME, ctypes.c_int32, ctypes.c_void_p, ctypes.c_int64,
                                     ctypes.c_int64, ctypes.c_int64) if partial else None)
        for obj in objects:
            mine = [(n, k) for n, (owner, k) in enumerate(zip(owners, kernels)) if owner is obj]
            obj.code = CodeView([k for _, k in mine], [kernel_function_name(n, k) for n, k in mine],
                                compiled)
        return _Program(driver, partial_fn, slots, list(kernels), keys, compiled, timings,
                        profile_array)

    # -- a build answered from a stored front entry (front_network.py) ----------------------------
    def _roles(self, objects, profile_array) -> dict:
        """{role: array} of every array a build of ``objects`` may bind: the seed, each clock's
        dt buffer (clocks numbered in order of appearance), each object's own arrays and
        constants (by the object's position), the profiling counters."""
        roles = {("seed",): self._seed}
        clocks = dict.fromkeys(clock for obj in objects
                               for clock in [obj.clock] + [p.clock for p in obj.schedule_entries()])
        for n, clock in enumerate(clocks):
            roles[("dt", n)] = self._dt_array(clock)
        for k, obj in enumerate(objects):
            for name, array in obj.bindable_arrays().items():
                roles[("obj", k, name)] = array
            for name, value in self._constants.get(obj.id, {}).items():
                if isinstance(value, ExternalConstant):
                    roles[("const", k, name)] = value.array
        if profile_array is not None:
            roles[("profile",)] = profile_array
        return roles

    def _front_entry(self, objects, entries, slots, profile_array, structure, threaded,
                     profile):
        """What a later build of the same front key needs (``front_network.FrontEntry``), or
        None when some slot's array or some kernel has no role a later build can find, or a
        kernel calls a function of the namespaces (the front key says only that a name is a
        function, not which)."""
        if any(scheduled.kernel.functions for _, _, scheduled, _ in entries):
            return None
        binding = record_binding(slots, self._roles(objects, profile_array))
        if binding is None:
            return None
        kernels = stored_kernels(objects, entries)
        if kernels is None:
            return None
        names = []
        for obj in objects:
            external, internal, warnings = self._text_answers[obj.id]
            choice = obj.method_choice()
            if choice is False or any(v is not None and type(v) is not int
                                      for v in internal.values()):
                return None
            names.append([external, internal, [list(w) for w in warnings],
                          None if choice is None else list(choice)])
        return FrontEntry(structure, threaded, names, kernels, binding, profile)

    @without_gc
    def _build_from_entry(self, objects, periods, schedule, partial, profile, threads, entry):
        """The program of ``objects`` from a stored ``entry`` of their front key: the slots
        refilled from its binding, the machine code found by its structural key (in this
        process or on disk); no kernel is made. None when the entry does not fit (roles that
        now alias differently, kernels whose periods or order changed) or the machine code is
        gone: the caller then builds from kernels."""
        t0 = time.perf_counter()
        found = kernels_of_entry(entry, objects, periods, schedule)
        if found is None or entry.profile != profile:
            return None
        owners, kernels, keys = found
        self._dt_arrays = {}
        profile_array = DynamicArray(len(kernels), dtype=np.int64) if profile else None
        slots = SlotTable()
        if not bind_roles(slots, entry.slots, self._roles(objects, profile_array)):
            return None
        answered = find_structure(machine_key(entry.structure, len(entry.slots)))
        if answered is None:
            return None
        for obj, stored in zip(objects, entry.names):
            obj.prepared_without_kernels()
            if stored[3] is not None:   # the method chosen among several, as the miss path logs
                log_method_choice(*stored[3], obj.name)
        timings = {"parse": sum(o.parse_time for o in objects), "integrate": 0.0,
                   "ir": time.perf_counter() - t0}
        return self._program_of(answered, objects, owners, kernels, keys, slots, partial,
                                entry.threaded, threads, timings, profile_array)

    def __repr__(self):
        objects = ", ".join(repr(obj) for obj in self._all_objects())
        return f"<{type(self).__name__} at time t={self.t}, containing objects: {objects}>"
