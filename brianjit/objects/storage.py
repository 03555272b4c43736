"""store()/restore(): snapshots of a network's whole state as plain numpy arrays.

Every stateful object answers ``state_arrays() -> {name: DynamicArray}`` (state variables, spike
spaces, monitor recordings, synapse tables, spike queues...). A snapshot copies their contents;
restoring resizes each array and copies back *into the same DynamicArray*, so the headers native
code holds stay valid and a compiled program keeps running after a restore without a rebuild.

Random numbers are counter-based (seed, stream, element, step), so the network time *is* the
position of the native generator; what else there is — the seed, the counter of one-off streams
(``G.v = 'rand()'``) and numpy's generator — is stored too and restored on request, as in Brian2.

Files are ``.npz`` archives of plain arrays (loaded with ``allow_pickle=False``: no code), keys
``<snapshot>/<object>/<array>``; one file holds several named snapshots.
"""
from __future__ import annotations

import os

import numpy as np

from ..units import second
from . import seed as seed_state

__all__ = ["capture", "apply", "write_snapshot", "read_snapshot", "check_snapshot_name"]

_TIME = "_network/t"
_RANDOM = ("_random/seed", "_random/oneoff", "_random/np_key", "_random/np_pos",
           "_random/np_has_gauss", "_random/np_gauss")


def check_snapshot_name(name) -> str:
    if not isinstance(name, str) or not name or "/" in name:
        raise ValueError(f"a snapshot name is a non-empty string without '/', not {name!r}")
    return name


def _stateful(objects):
    return [o for o in objects if hasattr(o, "state_arrays")]


def capture(objects, t: float) -> dict:
    """{key: copy of the array} for every stateful object, plus time and random state."""
    state = {_TIME: np.array(t, dtype=np.float64)}
    for obj in _stateful(objects):
        for array_name, array in obj.state_arrays().items():
            state[f"{obj.name}/{array_name}"] = np.array(array.data, copy=True)
        state[f"{obj.name}/_clock_dt"] = np.array(obj.clock.dt_, dtype=np.float64)
    _, key, pos, has_gauss, gauss = np.random.get_state()
    values = (seed_state.seed_array().data[0], seed_state._state["oneoff"], key, pos, has_gauss,
              gauss)
    state.update({k: np.array(v) for k, v in zip(_RANDOM, values)})
    return state


def apply(state: dict, objects, restore_random_state: bool = False) -> float:
    """Copy ``state`` back into ``objects``' arrays (all checked before any is changed);
    returns the stored network time. Clocks get their stored ``dt``."""
    copies, clocks = [], {}
    stored = {key.split("/", 1)[0] for key in state if not key.startswith("_")}
    present = {obj.name for obj in _stateful(objects)}
    if present - stored:
        raise KeyError(f"the stored state has nothing for {sorted(present - stored)}: objects "
                       f"added after store() cannot be restored (names must stay the same)")
    if stored - present:
        raise KeyError(f"the stored state holds objects that are not in the network: "
                       f"{sorted(stored - present)}")
    for obj in _stateful(objects):
        arrays = obj.state_arrays()
        names = {k.split("/", 1)[1] for k in state if k.startswith(obj.name + "/")} - {"_clock_dt"}
        if names != set(arrays):
            raise KeyError(f"the stored state of '{obj.name}' has arrays {sorted(names)}, but the "
                           f"object now has {sorted(arrays)}: was it created differently?")
        for array_name, array in arrays.items():
            saved = state[f"{obj.name}/{array_name}"]
            if saved.ndim != array.ndim:
                raise ValueError(f"the stored '{obj.name}/{array_name}' has shape {saved.shape}, "
                                 f"which does not fit the array of shape {array.shape}")
            copies.append((array, saved))
        clocks[obj.clock] = float(state[f"{obj.name}/_clock_dt"])
    for array, saved in copies:
        array.resize(saved.shape if array.ndim == 2 else len(saved))
        array.data[...] = saved
    for clock, dt in clocks.items():
        if clock.dt_ != dt:
            clock.step = 0  # the network sets the step from the restored time
            clock.dt = dt * second
    if not restore_random_state:
        seed_state.new_epoch()  # as in Brian2: the generator goes on, it does not rewind
    else:
        seed_state.seed_array().data[0] = int(state["_random/seed"])
        seed_state._state["oneoff"] = int(state["_random/oneoff"])
        np.random.set_state(("MT19937", state["_random/np_key"], int(state["_random/np_pos"]),
                             int(state["_random/np_has_gauss"]), float(state["_random/np_gauss"])))
    return float(state[_TIME])


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
        state = {k[len(prefix):]: archive[k] for k in archive.files if k.startswith(prefix)}
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
