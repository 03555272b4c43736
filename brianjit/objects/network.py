"""Network: assembles objects into one native program and runs it in chunks of time steps.

``run`` resolves external names, checks units, (re)builds the program only when the structure
changed (names, equations, constants' types, clocks: never for new values), writes the current
values of external constants and clocks' ``dt`` into their buffers, and calls the native driver
for chunks of steps. Between chunks Python reports progress and honours Ctrl-C, stopping at a step
boundary with ``t``, the state and every monitor consistent.
"""
from __future__ import annotations

import ctypes
import signal
import threading
import time

import numpy as np

from ..codegen.driver import (DRIVER_NAME, ScheduledKernel, build_network_module,
                              kernel_function_name)
from ..jit import compile_ir
from ..memory import DynamicArray
from ..model.namespace import resolve_names, user_frame_namespace
from ..units import Quantity, fail_for_dimension_mismatch, get_dimensions, second
from . import seed as seed_state
from .assembly import BuildContext, ExternalConstant, SlotTable
from .base import SCHEDULE, BrianObject, unique_name
from .code import CodeView
from .group import constant_dtype
from .reporting import make_reporter

__all__ = ["Network"]

_CHUNK_SECONDS = 0.1


def _when_index(when):
    """(slot of the schedule, shift) for ``when`` such as 'thresholds' or 'before_resets'."""
    if when in SCHEDULE:
        return (SCHEDULE.index(when), 0)
    where, _, slot = when.partition("_")
    return (SCHEDULE.index(slot), -1 if where == "before" else 1)


class _Program:
    """A compiled network: the driver, its slot table, and the timings of its build."""

    def __init__(self, driver, slots, kernels, compiled, timings):
        self.driver, self.slots, self.kernels = driver, slots, kernels
        self.compiled, self.timings = compiled, timings


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

    # -- the run ---------------------------------------------------------------------------------
    def run(self, duration, report=None, report_period=10 * second, namespace=None,
            profile=None, level=0):
        """Simulate for ``duration``; see the module docstring."""
        fail_for_dimension_mismatch(duration, second, "duration has to be a time")
        duration_ = float(np.asarray(duration))
        if not np.isfinite(duration_) or duration_ < 0:
            raise ValueError(f"duration has to be a non-negative, finite time, not {duration!r}")
        objects = sorted((o for o in self.objects if o.active), key=lambda o: o.schedule_key())
        if namespace is None:
            namespace = user_frame_namespace(level)
        periods, base_dt = self._clock_periods(objects)
        self._set_constants(objects, namespace)
        key = (tuple((id(o), o.structure_key() if hasattr(o, "structure_key") else None)
                     for o in objects),
               tuple((id(c), sorted((n, k.structure_key() if hasattr(k, "structure_key")
                                     else k.dtype) for n, k in d.items()))
                     for c, d in self._constants.items()),
               tuple(sorted(periods.items())))
        if key != self._key:
            self._program = self._build(objects, periods)
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
        t0 = time.perf_counter()
        done, interrupted = self._run_chunks(
            start, n_steps, make_reporter(report, report_period, duration_, self._t))
        self.timings["run"] = time.perf_counter() - t0
        self._t = (start + done) * base_dt
        for clock in periods:
            clock.step = int(round(self._t / clock.dt_))
        if interrupted:
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
            refractory = obj.refractory_constant()
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

    def _dt_array(self, clock):
        if clock not in self._dt_arrays:
            self._dt_arrays[clock] = DynamicArray(1)
            self._dt_arrays[clock].data[0] = clock.dt_
        return self._dt_arrays[clock]

    def _build(self, objects, periods):
        timings = {"parse": sum(getattr(o, "parse_time", 0.0) for o in objects)}
        t0 = time.perf_counter()
        for obj in objects:
            if hasattr(obj, "_integrated"):
                obj._integrated()
        t1 = time.perf_counter()
        timings["integrate"] = t1 - t0 + sum(getattr(o, "integrate_time", 0.0) for o in objects)
        slots = SlotTable()
        ctx = BuildContext(slots, seed_state.seed_array(), self._dt_array,
                           lambda owner: self._constants.get(owner, {}))
        entries = []
        for obj in objects:
            for n, (when, kern) in enumerate(obj.kernels(ctx)):
                entries.append((_when_index(when) + obj.schedule_key()[2:] + (n,), obj,
                                ScheduledKernel(kern, periods[obj.clock])))
        entries.sort(key=lambda e: e[0])
        schedule = [e[2] for e in entries]
        ir_text = str(build_network_module(schedule, name=self.name))
        t2 = time.perf_counter()
        timings["ir"] = t2 - t1
        compiled = compile_ir(ir_text)
        timings["optimise"] = compiled.timings.get("optimise", 0.0) + compiled.timings.get("parse", 0.0)
        timings["machine_code"] = compiled.timings.get("machine_code", 0.0)
        timings["build"] = sum(timings.values())
        driver = compiled.cfunc(DRIVER_NAME, ctypes.c_int32, ctypes.c_void_p, ctypes.c_int64,
                                ctypes.c_int64)
        for obj in objects:
            mine = [(n, e[2].kernel) for n, e in enumerate(entries) if e[1] is obj]
            obj.code = CodeView([k for _, k in mine], [kernel_function_name(n, k) for n, k in mine],
                                compiled)
        return _Program(driver, slots, [s.kernel for s in schedule], compiled, timings)

    def _run_chunks(self, start, n_steps, reporter):
        """Call the driver chunk by chunk; returns (steps done, whether Ctrl-C stopped it)."""
        program = self._program
        table = ctypes.cast(program.slots.addresses(), ctypes.c_void_p)
        interrupted = []
        previous = None
        if threading.current_thread() is threading.main_thread():
            previous = signal.signal(signal.SIGINT, lambda *_: interrupted.append(True))
        done, chunk = 0, 16
        try:
            reporter.start()
            while done < n_steps and not interrupted:
                todo = min(chunk, n_steps - done)
                t0 = time.perf_counter()
                status = program.driver(table, start + done, start + done + todo)
                elapsed = time.perf_counter() - t0
                program.slots.sync()
                if status:
                    raise MemoryError("native memory ran out during the run (a monitor could "
                                      "not grow); the state is that of the failed time step")
                done += todo
                reporter.update(done / n_steps if n_steps else 1.0)
                if elapsed > 0:
                    chunk = max(1, min(int(chunk * _CHUNK_SECONDS / elapsed), 4 * chunk + 16))
        finally:
            if previous is not None:
                signal.signal(signal.SIGINT, previous)
        reporter.finish(done / n_steps if n_steps else 1.0)
        return done, bool(interrupted)
