"""What every benchmark worker shares: its command line, the user's star-import, the result line.

A worker is a short script that runs in a fresh interpreter (the Brian2 venv, or the runner's own
Python for brianjit), builds one model, runs it and prints one result line.  The runner finds that
line by its prefix, so anything else a simulator prints (warnings, compiler chatter) is harmless.
Every field is in seconds unless its name says otherwise; a field that does not apply is ``None``.
"""

import argparse
import json
import time
from types import SimpleNamespace

import models

RESULT_PREFIX = "BENCH-RESULT "

# Fields every worker reports (runner and report rely on them; extra details go under "details").
RESULT_FIELDS = (
    "import_s",      # importing the simulator package
    "setup_s",       # constructing the model's objects and setting initial values
    "first_run_s",   # wall time of the first net.run (incl. code generation / compilation)
    "cold_s",        # setup + everything until the first run's results exist (excl. import)
    "build_s",       # model text -> callable native code, where the simulator reports it
    "warm_run_s",    # wall time of a second net.run of the same network (code already built)
    "native_run_s",  # the simulation loop alone, as timed by the simulator itself
    "spikes",        # spikes recorded by the first run
    "warm_spikes",   # spikes recorded by the second run
)


def parse_args(description, extra=None):
    """Common worker options; ``extra(parser)`` adds target-specific ones."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--model", required=True, choices=sorted(models.MODELS))
    parser.add_argument("--n", type=int, default=None, help="neurons (default: the model's own)")
    parser.add_argument("--duration", type=float, default=1.0, help="biological seconds per run")
    parser.add_argument("--dt", type=float, default=0.1e-3, help="time step in seconds")
    parser.add_argument("--seed", type=int, default=1)
    if extra is not None:
        extra(parser)
    args = parser.parse_args()
    model = models.MODELS[args.model]
    args.n = args.n or model.n
    return args, model


def star_namespace(module):
    """The names ``from module import *`` would bind, as attributes (``sim.NeuronGroup``, ...)."""
    names = getattr(module, "__all__", None)
    if names is None:
        names = [name for name in vars(module) if not name.startswith("_")]
    return SimpleNamespace(**{name: getattr(module, name) for name in names})


def spike_count(monitor):
    """Total spikes a SpikeMonitor holds (``num_spikes`` as in Brian2, else the index array)."""
    count = getattr(monitor, "num_spikes", None)
    return int(count) if count is not None else len(monitor.i)


class Stopwatch:
    """``with watch: ...`` then ``watch.seconds``: wall time of the block (perf_counter)."""

    def __enter__(self):
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self._start
        return False


def emit(args, simulator, target, **fields):
    """Print the one result line the runner reads."""
    unknown = set(fields) - set(RESULT_FIELDS) - {"details"}
    if unknown:
        raise ValueError(f"unknown result fields {sorted(unknown)}")
    result = {name: fields.get(name) for name in RESULT_FIELDS}
    result.update(simulator=simulator, target=target, model=args.model, n=args.n,
                  duration=args.duration, dt=args.dt, details=fields.get("details", {}))
    print(RESULT_PREFIX + json.dumps(result), flush=True)
