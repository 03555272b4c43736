"""The performance targets (issues 3 and 8), as data, and their check against measured medians.

Each goal compares one brianjit figure with a bound: a fixed number of seconds, or the same figure
of another target on the same model.  A goal whose figures were not measured in this run (model or
target not selected, or failed) is reported as "not measured", never as passed.
"""

from dataclasses import dataclass
from typing import Optional

from targets import REFERENCE


@dataclass(frozen=True)
class Goal:
    text: str
    models: tuple          # checked on each of these models
    field: str             # brianjit's median of this field ...
    other: Optional[str]   # ... must not exceed this target's median of the same field
    limit: Optional[float] = None  # ... or this many seconds (when ``other`` is None)
    per_synapse: bool = False      # divide both sides by their synapse counts first
    factor: float = 1.0            # ... times this factor (``other`` only)


GOALS = (
    Goal("CUBA run time no slower than the hand-written numba loop",
         ("cuba-1s", "cuba-10s"), "native_run_s", "numba"),
    Goal("COBAHH run time no slower than Brian2 cpp_standalone's binary",
         ("cobahh-1s", "cobahh-10s"), "native_run_s", "cpp-standalone"),
    Goal("CUBA cold start to first step under 0.5 s (setup + build)",
         ("cuba-1s", "cuba-10s"), "first_step_s", None, limit=0.5),
    Goal("synapse creation at least as fast as Brian2 cpp_standalone",
         ("create-1e6", "create-1e7", "create-1e8"), "connect_s", "cpp-standalone"),
    Goal("memory per static synapse no more than Brian2 cpp_standalone's",
         ("create-1e6", "create-1e7", "create-1e8"), "peak_mem_bytes", "cpp-standalone",
         per_synapse=True),
    Goal("multicompartment run time at most 0.5x Brian2 cpp_standalone's binary",
         ("hh-axon", "swc-neuron"), "native_run_s", "cpp-standalone", factor=0.5),
    Goal("multicompartment build under 0.5 s",
         ("hh-axon", "swc-neuron"), "build_s", None, limit=0.5),
)


def _figure(measurement, goal):
    if measurement is None or not measurement.runs:
        return None
    value = measurement.median(goal.field)
    if value is not None and goal.per_synapse:
        synapses = measurement.median("synapses")
        value = value / synapses if synapses else None
    return value


def evaluate(measurements):
    """One dict per (goal, model) with brianjit's figure, the bound and whether it holds."""
    by_key = {(m.target, m.model): m for m in measurements}
    models = {m.model for m in measurements}
    checks = []
    for goal in GOALS:
        for model in goal.models:
            if model not in models:
                continue
            ours = _figure(by_key.get((REFERENCE, model)), goal)
            bound = goal.limit if goal.other is None else _figure(by_key.get((goal.other, model)),
                                                                  goal)
            if bound is not None and goal.other is not None:
                bound *= goal.factor
            met = None if ours is None or bound is None else ours <= bound
            checks.append({"goal": goal.text, "model": model, "field": goal.field,
                           "per_synapse": goal.per_synapse, "brianjit": ours,
                           "bound": bound, "against": goal.other or "fixed limit",
                           "factor": goal.factor if goal.other is not None else None, "met": met})
    return checks
