"""The things the runner can time, as data: which worker, in which interpreter, with what scratch.

Each target names a worker script (in this folder), the fixed arguments it gets, the virtual
environment it needs (``None``: the runner's own interpreter, i.e. brianjit from this checkout),
and what scratch directory it needs per run:

  None           nothing
  "fresh-cache"  an empty Cython cache for every run            -> cold compile each time
  "primed-cache" one cache per model, filled by an untimed run  -> compiled modules reused
  "fresh-project" an empty C++ project directory for every run  -> full generate+compile+run

Adding a baseline (say a hand-written numba kernel) is one more entry here plus its worker script
and, if it needs packages brianjit does not, a ``VenvSpec`` in ``envs.py``.
"""

from dataclasses import dataclass
from typing import Optional

from envs import BRIAN2_VENV, VenvSpec

REFERENCE = "brianjit"  # the target every ratio is taken against


@dataclass(frozen=True)
class Target:
    name: str
    simulator: str
    worker: str
    worker_args: tuple = ()
    venv: Optional[VenvSpec] = None
    scratch: Optional[str] = None
    summary: str = ""


TARGETS = {
    target.name: target
    for target in (
        Target("brianjit", "brianjit", "worker_brianjit.py",
               summary="brianjit, fresh process: LLVM build on first run"),
        Target("numpy", "brian2", "worker_brian2.py", ("--target", "numpy"), BRIAN2_VENV,
               summary="Brian2 runtime, numpy code generation"),
        Target("cython-cold", "brian2", "worker_brian2.py", ("--target", "cython"), BRIAN2_VENV,
               scratch="fresh-cache", summary="Brian2 runtime, Cython, empty extension cache"),
        Target("cython-warm", "brian2", "worker_brian2.py", ("--target", "cython"), BRIAN2_VENV,
               scratch="primed-cache", summary="Brian2 runtime, Cython, cache already filled"),
        Target("cpp-standalone", "brian2", "worker_brian2.py", ("--target", "cpp_standalone"),
               BRIAN2_VENV, scratch="fresh-project",
               summary="Brian2 cpp_standalone: generate, make, run binary"),
    )
}
