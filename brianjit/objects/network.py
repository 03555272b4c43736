"""Network: assembles objects into one native program and runs it in chunks of time steps.

``run`` resolves external names, checks units, (re)builds the program only when the structure
changed (names, equations, constants' types, clocks: never for new values), writes the current
values of external constants and clocks' ``dt`` into their buffers, and hands the program to a
``Stepper`` (``stepping.py``): native chunks of steps, Python operations at their exact place in the
schedule, progress reports and Ctrl-C between chunks. The schedule's slots (``scheduling.py``) and
snapshots (``store``/``restore``, ``storage.py``) live in their own modules.
"""
from __future__ import annotations

import bisect
import ctypes
import time

import numpy as np

from ..codegen.driver import (DRIVER_NAME, PARTIAL_NAME, ScheduledKernel, build_network_module,
                              kernel_function_name)
from ..jit import compile_ir
from ..memory import DynamicArray
from ..model.namespace import resolve_names, user_frame_namespace
from ..units import Quantity, fail_for_dimension_mismatch, get_dimensions, second
from . import seed as seed_state
from . import storage
from .assembly import BuildContext, ExternalConstant, SlotTable
from .base import BrianObject, unique_name
from .code import CodeView
from .group import constant_dtype
from .operations import NetworkOperation
from .reporting import make_reporter
from .scheduling import SchedulingSummary, check_schedule, slot_position, sort_key
from .stepping import ScheduledOperation, Stepper

__all__ = ["Network"]


class _Program:
    """A compiled network: the driver (and ``run_partial`` when the network has Python
    operations), its slot table, the kernels' sort keys, and the timings of its build."""

    def __init__(self, driver, partial, slots, kernels, keys, compiled, timings):
        self.driver, self.partial, self.slots, self.kernels = driver, partial, slots, kernels
        self.keys, self.compiled, self.timings = keys, compiled, timings


class Network:
    """A set of objects simulated together (Brian2's Network)."""

    def __init__(self, *objs, name="network*"):
        self.name = unique_name(self, name, "network")
        self.objects: list[BrianObject] = []
        self._t = 0.0
        self._program = None
        self._key = None
        self._constants: dict = {}
        self._dt_arrays: dict = {}
        self._schedule = None
        self._stored: dict = {}
        #: number of this simulation for the random numbers (see seed.next_simulation)
        self._simulation = None
        self._seed = DynamicArray(1, dtype=np.int64)
        self.timings: dict = {}
        self.add(*objs)

    # -- membership ------------------------------------------------------------------------------
    def add(self, *objs):
        for obj in objs:
            if isinstance(obj, BrianObject):
                if obj not in self.objects:
                    self.objects.append(obj)
            elif isinstance(obj, (list, tuple, set, frozenset)):
                self.add(*obj)
            elif isinstance(obj, dict):
                self.add(*obj.values())
            else:
                raise TypeError(f"can only add groups, monitors and containers of them to a "
                                f"network, not {obj!r}")

    def remove(self, *objs):
        for obj in objs:
            if isinstance(obj, (list, tuple, set, frozenset)):
                self.remove(*obj)
            elif obj in self.objects:
                self.objects.remove(obj)
            else:
                raise ValueError(f"{obj!r} is not part of {self.name}")

    def __contains__(self, obj):
        return obj in self.objects

    def __getitem__(self, name):
        for obj in self.objects:
            if obj.name == name:
                return obj
        raise KeyError(f"no object called '{name}' in {self.name}")

    @property
    def t(self):
        return Quantity(self._t, dim=second.dim)

    @property
    def t_(self):
        return self._t

    def _all_objects(self, active_only=False):
        """The network's objects and, recursively, the objects they contain (run_regularly...);
        a contained object runs only while its container is active too."""
        found = []

        def visit(obj):
            if obj in found or (active_only and not obj.active):
                return
            found.append(obj)
            for contained in getattr(obj, "contained_objects", ()):
                visit(contained)
        for obj in self.objects:
            visit(obj)
        return found

    # -- scheduling ------------------------------------------------------------------------------
    @property
    def schedule(self):
        """The slots of a time step, in order (Brian2's ``Network.schedule``); set a list of
        names to change it, or None for the default."""
        return list(check_schedule(self._schedule))

    @schedule.setter
    def schedule(self, schedule):
        self._schedule = None if schedule is None else check_schedule(schedule)

    def scheduling_summary(self):
        """What runs when: every object in execution order with its clock, when and order."""
        objects = self._all_objects()
        schedule = check_schedule(self._schedule)
        periods, _ = self._clock_periods(objects)
        return SchedulingSummary(sorted(objects, key=lambda o: sort_key(o, schedule)), periods)

    # -- store / restore -------------------------------------------------------------------------
    def store(self, name="default", filename=None):
        """Snapshot every object's state, the monitors' recordings, the clocks and the time
        (and the random state), in memory or into the ``.npz`` file ``filename``."""
        storage.check_snapshot_name(name)
        state = storage.capture(self._all_objects(), self._t)
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
        self._t = storage.apply(state, objects, restore_random_state)
        for clock in {obj.clock: None for obj in objects}:
            clock.step = int(np.ceil(self._t / clock.dt_ - 1e-9))

    # -- the run ---------------------------------------------------------------------------------
    def run(self, duration, report=None, report_period=10 * second, namespace=None,
            profile=None, level=0):
        """Simulate for ``duration``; see the module docstring."""
        fail_for_dimension_mismatch(duration, second, "duration has to be a time")
        duration_ = float(np.asarray(duration))
        if not np.isfinite(duration_) or duration_ < 0:
            raise ValueError(f"duration has to be a non-negative, finite time, not {duration!r}")
        schedule = check_schedule(self._schedule)
        objects = sorted(self._all_objects(active_only=True), key=lambda o: sort_key(o, schedule))
        operations = [o for o in objects if isinstance(o, NetworkOperation)]
        objects = [o for o in objects if not isinstance(o, NetworkOperation)]
        if namespace is None:
            namespace = user_frame_namespace(level)
        periods, base_dt = self._clock_periods(objects + operations)
        self._set_constants(objects, namespace)
        if self._simulation is None:
            self._simulation = seed_state.next_simulation()
        self._seed.data[0] = seed_state.simulation_seed(self._simulation)
        key = (tuple((id(o), o.structure_key() if hasattr(o, "structure_key") else None)
                     for o in objects),
               tuple((id(c), sorted((n, k.structure_key() if hasattr(k, "structure_key")
                                     else k.dtype) for n, k in d.items()))
                     for c, d in self._constants.items()),
               tuple(sorted((id(c), p) for c, p in periods.items())), schedule, bool(operations))
        if key != self._key:
            self._program = self._build(objects, periods, schedule, bool(operations))
            self._key = key
            self.timings = dict(self._program.timings)
        else:
            self.timings = {k: 0.0 for k in self._program.timings}
        for clock, array in self._dt_arrays.items():
            array.data[0] = clock.dt_
        start = int(round(self._t / base_dt))
        n_steps = int(round(duration_ / base_dt))
        for obj in objects:
            obj.prepare_run(n_steps)
        scheduled = [ScheduledOperation(op, periods[op.clock],
                                         bisect.bisect_left(self._program.keys,
                                                            sort_key(op, schedule)), rank)
                     for rank, op in enumerate(operations)]

        def at_step(step):
            self._t = step * base_dt
            for clock, period in periods.items():
                clock.step = -(-step // period)

        reporter = make_reporter(report, report_period, duration_, self._t)
        stepper = Stepper(self._program, scheduled, len(self._program.kernels), at_step, start)
        t0, processor = time.perf_counter(), time.process_time()
        try:
            stepper.run(n_steps, reporter)
        finally:
            self.timings["run"] = time.perf_counter() - t0
            # processor time of the same: what Brian2's standalone binary reports (std::clock)
            self.timings["run_processor"] = time.process_time() - processor
            at_step(stepper.step)
        if stepper.interrupted:
            raise KeyboardInterrupt(f"run interrupted at t = {self.t!r}: state and monitors are "
                                    f"consistent at that time step")

    def _clock_periods(self, objects):
        clocks = {}
        for obj in objects:
            clocks[obj.clock] = None
        if not clocks:
            return {}, 1e-4
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

    def _set_constants(self, objects, namespace):
        """Resolve every object's external names, check units, and fill the constant buffers."""
        for obj in objects:
            if not hasattr(obj, "external_names"):
                continue
            values = resolve_names(obj.external_names(), obj.namespace, namespace,
                                   owner=f"'{obj.name}'")
            refractory = getattr(obj, "refractory_constant", lambda: None)()
            if refractory is not None:
                values["_refractory"] = refractory
            # a function (TimedArray) is checked through its FunctionSpec and bound, not copied
            dims = {name: getattr(value, "function_spec", None) or get_dimensions(value)
                    for name, value in values.items()}
            for name, value in values.items():
                if callable(value) and not hasattr(value, "dim"):
                    raise NotImplementedError(f"'{name}' used by {obj.name} is a function; "
                                              f"user-defined functions are not supported yet")
                if np.ndim(value) != 0:
                    raise TypeError(f"'{name}' used by {obj.name} has to be a scalar, not an "
                                    f"array of shape {np.shape(value)}")
            obj.check_units(dims)
            constants = self._constants.setdefault(obj, {})
            for name in list(constants):
                if name not in values:
                    del constants[name]
            for name, value in values.items():
                if hasattr(value, "function_spec"):
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
        return frozenset(name for name, value in self._constants.get(obj, {}).items()
                         if hasattr(value, "is_locally_constant") and value.is_locally_constant(dt))

    def _dt_array(self, clock):
        if clock not in self._dt_arrays:
            self._dt_arrays[clock] = DynamicArray(1)
            self._dt_arrays[clock].data[0] = clock.dt_
        return self._dt_arrays[clock]

    def _build(self, objects, periods, schedule, partial):
        timings = {"parse": sum(getattr(o, "parse_time", 0.0) for o in objects)}
        t0 = time.perf_counter()
        for obj in objects:
            if hasattr(obj, "_integrated"):
                obj._integrated(self._locally_constant(obj))
        t1 = time.perf_counter()
        timings["integrate"] = t1 - t0 + sum(getattr(o, "integrate_time", 0.0) for o in objects)
        slots = SlotTable()
        ctx = BuildContext(slots, self._seed, self._dt_array,
                           lambda owner: self._constants.get(owner, {}))
        entries = []
        for obj in objects:
            for n, (when, kern) in enumerate(obj.kernels(ctx)):
                key = (slot_position(when, schedule, f"'{obj.name}'")
                       + (obj.order, obj.name, n))
                entries.append((key, obj, ScheduledKernel(kern, periods[obj.clock])))
        entries.sort(key=lambda e: e[0])
        scheduled = [e[2] for e in entries]
        ir_text = str(build_network_module(scheduled, name=self.name, partial=partial))
        t2 = time.perf_counter()
        timings["ir"] = t2 - t1
        compiled = compile_ir(ir_text)
        timings["optimise"] = compiled.timings.get("optimise", 0.0) + compiled.timings.get("parse", 0.0)
        timings["machine_code"] = compiled.timings.get("machine_code", 0.0)
        timings["build"] = sum(timings.values())
        driver = compiled.cfunc(DRIVER_NAME, ctypes.c_int32, ctypes.c_void_p, ctypes.c_int64,
                                ctypes.c_int64)
        partial_fn = (compiled.cfunc(PARTIAL_NAME, ctypes.c_int32, ctypes.c_void_p, ctypes.c_int64,
                                     ctypes.c_int64, ctypes.c_int64) if partial else None)
        for obj in objects:
            mine = [(n, e[2].kernel) for n, e in enumerate(entries) if e[1] is obj]
            obj.code = CodeView([k for _, k in mine], [kernel_function_name(n, k) for n, k in mine],
                                compiled)
        return _Program(driver, partial_fn, slots, [s.kernel for s in scheduled],
                        [e[0] for e in entries], compiled, timings)
