"""The process-wide random seed: ``seed(k)`` fixes every random number brianjit generates.

Native random numbers are a pure function of (seed, stream, element index, time step), so the
seed is all the state there is. Kernels read it from a one-element buffer; one-off kernels
(``G.v = 'rand()'``) get fresh stream numbers from a counter that ``seed()`` resets, so a seeded
script is reproducible line by line.

A forked child process (``multiprocessing``, joblib) inherits the buffer, and with it every random
number its parent would draw next. Unless the user fixed the seed with ``seed(k)`` (then children
repeat the parent's numbers, as in Brian2, where they repeat numpy's generator), the child draws
a fresh seed from the OS as it starts (``os.register_at_fork``), so workers of an unseeded script
never silently simulate the same noise. numpy's own global generator is numpy's business and is
left alone (docs/differences.md).
"""
from __future__ import annotations

import os

import numpy as np

from ..memory import DynamicArray

__all__ = ["seed", "seed_array", "next_oneoff_step", "new_epoch", "next_simulation",
           "simulation_seed"]

#: one-off kernels use streams from here on (network kernels use the blocks below it)
ONEOFF_FIRST_STREAM = 1 << 30
#: the one-off counter (the step one-off kernels run with) counts modulo this
ONEOFF_COUNTER_LIMIT = 1 << 24
#: ``fixed``: whether the user chose the seed (``seed(k)``), rather than the OS
_state = {"array": None, "oneoff": 0, "simulations": 0, "fixed": False}


def seed_array() -> DynamicArray:
    """The buffer holding the current seed (drawn from the OS until ``seed()`` is called)."""
    if _state["array"] is None:
        array = DynamicArray(1, dtype=np.int64)
        array.data[0] = int.from_bytes(os.urandom(7), "little")
        _state["array"] = array
    return _state["array"]


#: seeds are 32-bit, as numpy's ``np.random.seed`` (which Brian2's ``seed`` calls) requires
SEED_LIMIT = 1 << 32


def seed(seed=None):
    """Fix the random numbers of all later simulations (and numpy's, as Brian2 does).
    ``seed()`` without an argument picks a fresh random seed. A seed is an integer in
    [0, 2**32), as in Brian2: others raise (TypeError, ValueError) instead of aliasing a smaller
    seed (``seed(2**64)`` must not mean ``seed(0)``)."""
    if seed is not None:
        if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
            raise TypeError(f"seed must be None or an integer, not {seed!r}")
        if not 0 <= int(seed) < SEED_LIMIT:
            raise ValueError(f"seed must be between 0 and 2**32 - 1, not {seed}")
    value = int.from_bytes(os.urandom(7), "little") if seed is None else int(seed)
    seed_array().data[0] = value
    np.random.seed(None if seed is None else int(seed))
    _state["oneoff"] = 0
    _state["simulations"] = 0
    _state["fixed"] = seed is not None


def _fresh_seed_in_child():
    """After ``fork()``, in the child: a seed from the OS unless the user fixed one."""
    if not _state["fixed"] and _state["array"] is not None:
        _state["array"].data[0] = int.from_bytes(os.urandom(7), "little")


if hasattr(os, "register_at_fork"):  # POSIX; Windows has no fork
    os.register_at_fork(after_in_child=_fresh_seed_in_child)


def _mix(value: int) -> int:
    """splitmix64 of ``value``, as a non-negative 63-bit integer."""
    mask = (1 << 64) - 1
    x = (value + 0x9E3779B97F4A7C15) & mask
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & mask
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & mask
    return (x ^ (x >> 31)) % (1 << 63)


def next_simulation() -> int:
    """Number of a new simulation (a network starting at t = 0): its random numbers come from
    ``simulation_seed(number)``, so two simulations in one script (trials in a loop) are
    independent, as with Brian2's generator that goes on; ``seed()`` starts counting again."""
    number = _state["simulations"]
    _state["simulations"] += 1
    return number


def simulation_seed(number: int) -> int:
    """The seed the kernels of simulation ``number`` use."""
    return _mix(int(seed_array().data[0]) ^ _mix(number))


def new_epoch():
    """Fresh random numbers for a simulation that goes back in time (``restore()`` without its
    random state): the time steps repeat, and a counter-based generator would repeat its numbers
    with them, where Brian2's generator simply goes on. The seed is replaced by a hash of itself
    (splitmix64), so a seeded script stays reproducible."""
    seed_array().data[0] = _mix(int(seed_array().data[0]))


def next_oneoff_step() -> int:
    """The step a new one-off kernel runs with. One-off kernels all use the streams from
    :data:`ONEOFF_FIRST_STREAM` on (constants in their code) and differ in the step of the
    counter (they read ``t`` from a buffer, so the step means nothing else to them): every call
    draws fresh numbers, and the code of ``G.v = 'rand()'`` is the same for every call, so it is
    compiled once (``brianjit.kernel_key``)."""
    step = _state["oneoff"]
    _state["oneoff"] = (_state["oneoff"] + 1) % ONEOFF_COUNTER_LIMIT
    return step
