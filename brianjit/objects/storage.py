"""store()/restore(): snapshots of a network's whole state as plain numpy arrays.

Every stateful object (``stateful.Stateful``) answers ``state_arrays() -> {name: DynamicArray}``
(state variables, spike spaces, monitor recordings, synapse tables, spikes in flight...). A
snapshot copies their contents; restoring resizes each array and copies back *into the same
DynamicArray*, so the headers native code holds stay valid and a compiled program keeps running
after a restore without a rebuild.

A snapshot (a file above all) is untrusted input: ``apply`` checks the keys, each array's dtype,
dimensions and columns against the live array, and each object's own invariants
(``check_state``) before it writes anything; then objects rebuild what derives from their arrays
(``state_restored``), which also makes ``restore()`` inside a ``network_operation`` safe.

Random numbers are counter-based (seed, stream, element, step), so the network time *is* the
position of the native generator; what else there is — the seed, the counter of one-off streams
(``G.v = 'rand()'``) and numpy's generator — is stored too and restored on request, as in Brian2.

Files are ``.npz`` archives of plain arrays (loaded with ``allow_pickle=False``: no code), keys
``<snapshot>/<object>/<array>``; one file holds several named snapshots.
"""
from __future__ import annotations

import os
import zipfile
import zlib

import numpy as np

from ..units import second
from . import seed as seed_state
from .stateful import Stateful, StateCheck

__all__ = ["capture", "apply", "write_snapshot", "read_snapshot", "check_snapshot_name"]

_TIME = "_network/t"
_DT = "_clock_dt"
_RANDOM = ("_random/seed", "_random/oneoff", "_random/np_key", "_random/np_pos",
           "_random/np_has_gauss", "_random/np_gauss")


def check_snapshot_name(name) -> str:
    if not isinstance(name, str) or not name or "/" in name:
        raise ValueError(f"a snapshot name is a non-empty string without '/', not {name!r}")
    return name


def _stateful(objects):
    return [o for o in objects if isinstance(o, Stateful)]


def capture(objects, t: float) -> dict:
    """{key: copy of the array} for every stateful object, plus time and random state."""
    state = {_TIME: np.array(t, dtype=np.float64)}
    for obj in _stateful(objects):
        for array_name, array in obj.state_arrays().items():
            state[f"{obj.name}/{array_name}"] = np.array(array.data, copy=True)
        state[f"{obj.name}/{_DT}"] = np.array(obj.clock.dt_, dtype=np.float64)
    _, key, pos, has_gauss, gauss = np.random.get_state()
    values = (seed_state.seed_array().data[0], seed_state._state["oneoff"], key, pos, has_gauss,
              gauss)
    state.update({k: np.array(v) for k, v in zip(_RANDOM, values)})
    return state


def apply(state: dict, objects, restore_random_state: bool = False, keep_dt: bool = False):
    """Write ``state`` back into ``objects`` and return the stored network time.

    Everything is checked before anything is written: the keys, every array against its live
    array (dtype, dimensions, columns) and against its object's invariants (``check_state``).
    Then the arrays are written, every clock gets its stored ``dt`` and the time, and every
    object rebuilds what derives from its arrays (``state_restored``). ``keep_dt`` (a restore in
    the middle of a run) refuses a snapshot whose ``dt`` differs from the running one."""
    stateful = _stateful(objects)
    _check_keys(state, stateful)
    t = _scalar(state, _TIME, "f")
    if not np.isfinite(t) or t < 0:
        raise ValueError(f"restore(): the stored time {t} s is not a finite time >= 0")
    random_state = _random_state(state)
    dts, writes = {}, []
    for obj in stateful:
        dt = _scalar(state, f"{obj.name}/{_DT}", "f")
        if not np.isfinite(dt) or dt <= 0 or not t / dt < 2.0 ** 62:
            raise ValueError(f"restore(): the stored dt of '{obj.name}' ({dt} s) is not a "
                             f"positive time step for the stored time {t} s")
        if dts.setdefault(obj.clock, dt) != dt:
            raise ValueError(f"restore(): the stored state gives {obj.clock.name} two values of "
                             f"dt ({dts[obj.clock]} s and {dt} s, the latter for '{obj.name}')")
        if keep_dt and dt != obj.clock.dt_:
            raise ValueError(f"restore() during a run cannot change the dt of '{obj.name}' "
                             f"(from {obj.clock.dt_} s to {dt} s): restore it between runs")
        arrays = obj.state_arrays()
        candidates = {name: _matching(state, obj.name, name, array)
                      for name, array in arrays.items()}
        obj.check_state(StateCheck(obj.name, candidates, dt))
        writes += [(array, candidates[name]) for name, array in arrays.items()]
    for array, saved in writes:  # all memory first: a MemoryError here changes no length
        array.reserve(len(saved))
    for array, saved in writes:
        array.resize(len(saved))
        array.data[...] = saved
    for clock in {obj.clock: None for obj in objects}:
        if clock in dts:
            clock.dt = dts[clock] * second
        clock.set_time(t)
    for obj in stateful:
        obj.state_restored()
    if not restore_random_state:
        seed_state.new_epoch()  # as in Brian2: the generator goes on, it does not rewind
    else:
        seed, oneoff, np_state = random_state
        seed_state.seed_array().data[0] = seed
        seed_state._state["oneoff"] = oneoff
        np.random.set_state(np_state)
    return t


def _check_keys(state, stateful):
    stored = {key.split("/", 1)[0] for key in state if not key.startswith("_")}
    present = {obj.name for obj in stateful}
    if present - stored:
        raise KeyError(f"the stored state has nothing for {sorted(present - stored)}: objects "
                       f"added after store() cannot be restored (names must stay the same)")
    if stored - present:
        raise KeyError(f"the stored state holds objects that are not in the network: "
                       f"{sorted(stored - present)}")
    for obj in stateful:
        names = {k.split("/", 1)[1] for k in state if k.startswith(obj.name + "/")}
        expected = set(obj.state_arrays()) | {_DT}
        if names != expected:
            raise KeyError(f"the stored state of '{obj.name}' has arrays {sorted(names)}, but the "
                           f"object has {sorted(expected)}: was it created differently?")
    others = {k for k in state if k.startswith("_")}
    if others != {_TIME, *_RANDOM}:
        raise KeyError(f"the stored state has the network entries {sorted(others)}, not "
                       f"{sorted({_TIME, *_RANDOM})}: not a snapshot written by store()")


def _matching(state, owner, name, array) -> np.ndarray:
    """The stored ``owner/name``, if its dtype, dimensions and columns are the live array's."""
    saved = state[f"{owner}/{name}"]
    where = f"restore(): the stored array '{owner}/{name}'"
    if not isinstance(saved, np.ndarray) or saved.dtype != array.dtype:
        raise TypeError(f"{where} has the type {getattr(saved, 'dtype', type(saved).__name__)}, "
                        f"where {owner} stores {array.dtype}")
    if saved.ndim != array.ndim or (array.ndim == 2 and saved.shape[1] != array.shape[1]):
        raise ValueError(f"{where} has the shape {saved.shape}, which does not fit the array of "
                         f"shape {array.shape}" + (" (the columns are fixed)" if array.ndim == 2
                                                   else ""))
    return saved


def _scalar(state, key, kinds):
    """The 0-d array ``state[key]`` of a dtype kind in ``kinds``, as a Python number."""
    value = state[key]
    if not isinstance(value, np.ndarray) or value.shape != () or value.dtype.kind not in kinds:
        raise TypeError(f"restore(): the stored '{key}' is not a single number of the right type "
                        f"({getattr(value, 'dtype', type(value).__name__)}, shape "
                        f"{getattr(value, 'shape', None)})")
    return value.item()


def _random_state(state):
    """(seed, one-off stream counter, numpy's state) from the snapshot, checked."""
    seed = _scalar(state, "_random/seed", "iu")
    oneoff = _scalar(state, "_random/oneoff", "iu")
    key = state["_random/np_key"]
    pos = _scalar(state, "_random/np_pos", "iu")
    has_gauss = _scalar(state, "_random/np_has_gauss", "iub")
    gauss = _scalar(state, "_random/np_gauss", "f")
    if not (0 <= seed < 2 ** 63 and 0 <= oneoff < seed_state.ONEOFF_COUNTER_LIMIT
            and isinstance(key, np.ndarray) and key.shape == (624,) and key.dtype == np.uint32
            and 0 <= pos <= 624 and has_gauss in (0, 1)):
        raise ValueError("restore(): the stored random state ('_random/...') is not one that "
                         "store() writes")
    return seed, oneoff, ("MT19937", key, pos, has_gauss, gauss)


def write_snapshot(filename, name: str, state: dict):
    """Add (or replace) snapshot ``name`` in the ``.npz`` file ``filename``."""
    arrays = {}
    if os.path.exists(filename):
        with _open_archive(filename) as archive:
            arrays = {k: archive[k] for k in archive.files if not k.startswith(name + "/")}
    arrays.update({f"{name}/{key}": value for key, value in state.items()})
    with open(filename, "wb") as f:
        np.savez(f, **arrays)


def read_snapshot(filename, name: str) -> dict:
    """Snapshot ``name`` from the ``.npz`` file ``filename``."""
    with _open_archive(filename) as archive:
        prefix = name + "/"
        try:
            state = {k[len(prefix):]: archive[k] for k in archive.files if k.startswith(prefix)}
        except (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error) as err:
            raise ValueError(f"'{filename}' is not a readable file written by store(): "
                             f"{type(err).__name__}: {err}") from None
        names = sorted({k.split("/", 1)[0] for k in archive.files})
    if not state:
        raise KeyError(f"'{filename}' holds no snapshot called '{name}' (it has: {names})")
    return state


def _open_archive(filename):
    try:
        archive = np.load(filename, allow_pickle=False)
    except (OSError, ValueError) as err:
        raise ValueError(f"'{filename}' is not a file written by store(): {err}") from None
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise ValueError(f"'{filename}' is not a file written by store() (not an .npz archive)")
    return archive
