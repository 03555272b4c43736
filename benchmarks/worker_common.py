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

import memory_probe
import models

RESULT_PREFIX = "BENCH-RESULT "

# Fields every worker reports (runner and report rely on them; extra details go under "details").
RESULT_FIELDS = (
    "import_s",      # importing the simulator package
    "setup_s",       # constructing the model's objects, initial values and the Network
    "first_run_s",   # wall time of the first net.run (incl. code generation / compilation)
    "cold_s",        # setup + everything until the first run's results exist (excl. import)
    "build_s",       # model text -> callable native code, where the simulator reports it
    "first_step_s",  # setup + build: from the first object to the first time step (brianjit)
    "warm_run_s",    # wall time of a second net.run of the same network (code already built)
    "native_run_s",  # the simulation loop alone, as timed by the simulator itself
    "spikes",        # spikes recorded by the first run
    "warm_spikes",   # spikes recorded by the second run
    # synapse-creation models only:
    "connect_s",     # creating the synapses (connect(); cpp_standalone: its code object, profiled)
    "synapses",      # how many were created
    "peak_mem_bytes",  # peak resident memory that creating them (and one step) added
)


def parse_args(description, extra=None):
    """Common worker options; ``extra(parser)`` adds target-specific ones."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--model", required=True, choices=sorted(models.MODELS))
    parser.add_argument("--n", type=int, default=None, help="neurons (default: the model's own)")
    parser.add_argument("--duration", type=float, default=None,
                        help="biological seconds per run (default: the model's own, else 1 s)")
    parser.add_argument("--dt", type=float, default=None,
                        help="time step in seconds (default: the model's own, else 0.1 ms)")
    parser.add_argument("--seed", type=int, default=1)
    if extra is not None:
        extra(parser)
    args = parser.parse_args()
    model = models.MODELS[args.model]
    args.n = args.n or model.n
    args.duration = args.duration or model.duration or 1.0
    args.dt = args.dt or model.dt or 0.1e-3
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
    """``with watch: ...`` then ``watch.seconds``: wall time of the block (perf_counter), and
    ``watch.processor_seconds``: the process's processor time in it (what Brian2's standalone
    binary measures its loop with, ``std::clock``; not inflated when the machine is shared)."""

    def __enter__(self):
        self._start = time.perf_counter()
        self._processor = time.process_time()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self._start
        self.processor_seconds = time.process_time() - self._processor
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


def run_twice(sim, args, model, snapshot=lambda net: None):
    """Build the model, time a cold and a warm ``net.run``; the measured fields, for ``emit``.

    Synapse-creation models (``Built.connect``) have their ``connect()`` timed on its own, with the
    peak memory it and the first run add, and get no warm run (only creation is of interest).
    ``snapshot(net)`` is called after each run; what it returns goes into ``details``.
    """
    with Stopwatch() as setup:
        built = model.build(sim, args.n)
    fields, details = {}, {}
    if built.connect is not None:
        before = memory_probe.current()
        peak_known = memory_probe.reset_peak()
        with Stopwatch() as connect:
            built.connect()
        fields.update(connect_s=connect.seconds, synapses=len(built.synapses))
    with Stopwatch() as make_net:
        net = sim.Network(*built.objects)
    with Stopwatch() as first:
        net.run(args.duration * sim.second)
    details["first_run"] = snapshot(net)
    cold_s = setup.seconds + fields.get("connect_s", 0.0) + make_net.seconds + first.seconds
    fields.update(setup_s=setup.seconds + make_net.seconds, first_run_s=first.seconds,
                  cold_s=cold_s)
    if built.connect is not None:
        if peak_known and before is not None:
            fields["peak_mem_bytes"] = memory_probe.peak() - before
        return fields, details
    spikes = spike_count(built.spikes)
    with Stopwatch() as warm:
        net.run(args.duration * sim.second)
    details["warm_run"] = snapshot(net)
    fields.update(warm_run_s=warm.seconds, spikes=spikes,
                  warm_spikes=spike_count(built.spikes) - spikes)
    return fields, details
