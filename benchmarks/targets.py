"""The things the runner can time, as data: which worker, in which interpreter, with what scratch.

Each target names a worker script (in this folder), the fixed arguments it gets, the virtual
environment it needs (``None``: the runner's own interpreter, i.e. brianjit from this checkout),
and what scratch directory it needs per run:

  None           nothing
  "fresh-cache"  an empty Cython cache for every run            -> cold compile each time
  "primed-cache" one cache per model, filled by an untimed run  -> compiled modules reused
  "fresh-project" an empty C++ project directory for every run  -> full generate+compile+run

A baseline that implements only some models (the hand-written numba loops) lists them in
``models``; ``SKIPPED`` names the slow (target, model) pairs a default run leaves out, and why.
"""

from dataclasses import dataclass
from typing import Optional

from envs import BRIAN2_VENV, NUMBA_VENV, VenvSpec

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
    models: Optional[tuple] = None  # model-name prefixes it implements; None: every model

    def supports(self, model_name):
        return self.models is None or model_name.split("-")[0] in self.models


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
        Target("numba", "numba", "worker_numba.py", (), NUMBA_VENV, models=("cuba", "cobahh"),
               summary="hand-written numba loops (plain arrays, CSR synapses)"),
    )
}

# (target, model) pairs left out of a default run, with the reason printed under the table.
# `--include-slow` runs them anyway.  Estimates from single runs on the 2-core development VM.
_RUNTIME = ("numpy", "cython-cold", "cython-warm")
SKIPPED = {
    **{(target, "create-1e8"): "Brian2 runtime: 10^8 synapses take minutes and many GB per run"
       for target in _RUNTIME},
    ("numpy", "stdp-1"): "Brian2 numpy: 10^6 steps of Python per run, two runs per repeat",
}
