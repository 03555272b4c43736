"""The parameter sets of a sweep, and the seed of each: a pure function of the sweep's seed and
the task's parameters.

The seed hashes a canonical text of the parameters, not Python's ``hash()`` (salted per process
for strings) nor ``pickle`` (which may change between versions): every value is written with its
type and exactly (``repr`` of a float round-trips; arrays by dtype, shape and bytes; quantities
by value and dimensions), and dict keys sorted, so the same parameters give the same seed in
every process, on every machine, whatever the order in which they were written. Values whose
text could depend on the process (an object's default ``repr`` holds its address) are refused.
"""
from __future__ import annotations

import hashlib
import itertools
import numbers

import numpy as np

__all__ = ["parameter_sets", "task_seed"]


def _canonical(value, where: str) -> str:
    from .units import Quantity

    if value is None or isinstance(value, (bool, np.bool_)):
        return f"b:{value!r}" if value is not None else "None"
    if isinstance(value, Quantity):
        array = np.asarray(value)
        return f"Q({_canonical(array, where)},{value.dim!r})"
    if isinstance(value, (numbers.Integral, np.integer)):
        return f"i:{int(value)}"
    if isinstance(value, (float, np.floating)):
        return f"f:{float(value)!r}"
    if isinstance(value, (complex, np.complexfloating)):
        return f"c:{complex(value)!r}"
    if isinstance(value, str):
        return f"s:{value!r}"
    if isinstance(value, bytes):
        return f"y:{value.hex()}"
    if isinstance(value, np.ndarray) and value.dtype.kind in "biufc":
        array = np.ascontiguousarray(value)
        return f"a:{array.dtype.str}:{array.shape}:{array.tobytes().hex()}"
    if isinstance(value, (list, tuple)):
        kind = "l" if isinstance(value, list) else "t"
        return f"{kind}[{','.join(_canonical(v, where) for v in value)}]"
    if isinstance(value, dict):
        items = sorted((_canonical(k, where), _canonical(v, where)) for k, v in value.items())
        return "d{" + ",".join(f"{k}:{v}" for k, v in items) + "}"
    raise TypeError(f"sweep: the parameter {where} is a {type(value).__name__} ({value!r}), whose "
                    f"value cannot be hashed into a reproducible seed: use numbers, strings, "
                    f"quantities, numeric arrays, or lists, tuples and dicts of them")


def task_seed(sweep_seed: int, params: dict) -> int:
    """The seed (in [0, 2**32)) that the task with parameters ``params`` of a sweep seeded with
    ``sweep_seed`` passes to ``seed()``."""
    if not isinstance(params, dict):
        raise TypeError(f"a parameter set must be a dict, not {type(params).__name__}")
    items = sorted((_canonical(name, repr(name)), _canonical(value, repr(name)))
                   for name, value in params.items())
    text = f"{int(sweep_seed)}\0" + ",".join(f"{name}:{value}" for name, value in items)
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "little")


def parameter_sets(params, reserved=()) -> list[dict]:
    """``params`` as a list of dicts: a list (or tuple) of dicts as given; a dict of lists as
    every combination, in the order of ``itertools.product`` (the last name varies fastest)."""
    if isinstance(params, dict):
        for name, values in params.items():
            if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
                raise TypeError(f"sweep: params['{name}'] must be a list of values (a dict of "
                                f"lists means every combination), not {values!r}")
        names = list(params)
        sets = [dict(zip(names, combination))
                for combination in itertools.product(*(list(params[n]) for n in names))]
    elif isinstance(params, (list, tuple)):
        sets = list(params)
        for k, one in enumerate(sets):
            if not isinstance(one, dict):
                raise TypeError(f"sweep: params[{k}] must be a dict of parameter values, not "
                                f"{type(one).__name__} {one!r}")
        sets = [dict(one) for one in sets]
    else:
        raise TypeError(f"sweep: params must be a list of dicts or a dict of lists, not "
                        f"{type(params).__name__}")
    for k, one in enumerate(sets):
        for name in one:
            if not isinstance(name, str) or not name.isidentifier():
                raise ValueError(f"sweep: parameter names are passed as keyword arguments and "
                                 f"must be identifiers, not {name!r} (set {k})")
            if name in reserved:
                raise ValueError(f"sweep: a parameter may not be called {name!r}: the results "
                                 f"have a column of that name")
        task_seed(0, one)  # refuse values that cannot be hashed reproducibly, before any work
    return sets
