"""Turn measurements into the printed side-by-side table and the JSON record.

Ratios are *other / brianjit* for the same figure, so a ratio above 1 means brianjit is faster.
Each ratio only compares like with like:
  cold×    setup + first run (incl. all code generation/compilation) vs brianjit's
  warm×    wall time of a second net.run vs brianjit's second net.run (runtime targets only)
  native×  the simulator's own timing of its simulation loop vs brianjit's net.timings['run']
           (cpp_standalone: the binary's last_run_time)
"""

import json

from targets import REFERENCE

COLUMNS = (  # (header, median field)
    ("import", "import_s"),
    ("cold", "cold_s"),
    ("1st step", "first_step_s"),
    ("build", "build_s"),
    ("warm run", "warm_run_s"),
    ("native", "native_run_s"),
    ("process", "process_s"),
)
RATIOS = (("cold×", "cold_s"), ("warm×", "warm_run_s"), ("native×", "native_run_s"))
# Synapse-creation models: connect time and memory instead of run times.
CREATION_COLUMNS = (("import", "import_s"), ("cold", "cold_s"), ("build", "build_s"),
                    ("connect", "connect_s"), ("process", "process_s"))
CREATION_RATIOS = (("cold×", "cold_s"), ("connect×", "connect_s"))


def _seconds(value):
    if value is None:
        return "-"
    if value >= 10:
        return f"{value:.1f}"
    if value >= 1:
        return f"{value:.2f}"
    return f"{value:.3f}"


def _ratio(value, reference):
    if value is None or not reference:
        return "-"
    return f"{value / reference:.2f}"


def _spikes(medians):
    spikes = medians.get("spikes")
    return "-" if spikes is None else f"{spikes:.0f}"


def _per_synapse(medians):
    peak, synapses = medians.get("peak_mem_bytes"), medians.get("synapses")
    return peak / synapses if peak is not None and synapses else None


def _creation_cells(med, reference):
    """synapses, peak MB, bytes/synapse and its ratio, for a synapse-creation row."""
    mine, theirs = _per_synapse(med), _per_synapse(reference)
    peak = med.get("peak_mem_bytes")
    return ["-" if med.get("synapses") is None else f"{med['synapses']:.0f}",
            "-" if peak is None else f"{peak / 2**20:.0f}",
            "-" if mine is None else f"{mine:.1f}", _ratio(mine, theirs)]


def format_model_table(model, measurements, duration):
    """The table for one model: one row per target, brianjit first; failures listed below."""
    reference = next((m.medians() for m in measurements if m.target == REFERENCE and m.runs), {})
    creation = any(m.median("synapses") is not None for m in measurements if m.runs)
    columns, ratios = (CREATION_COLUMNS, CREATION_RATIOS) if creation else (COLUMNS, RATIOS)
    extra = ["synapses", "peak MB", "B/syn", "B/syn×"] if creation else ["spikes"]
    header = ["target", "reps"] + [h for h, _ in columns] + extra + [h for h, _ in ratios]
    rows = []
    for m in measurements:
        if not m.runs:
            continue
        med = m.medians()
        cells = _creation_cells(med, reference) if creation else [_spikes(med)]
        rows.append([m.target, str(len(m.runs))] + [_seconds(med[f]) for _, f in columns]
                    + cells + [_ratio(med[f], reference.get(f)) for _, f in ratios])
    widths = [max(len(r[i]) for r in [header] + rows) for i in range(len(header))]

    def line(cells):
        return "  ".join(c.rjust(w) if i else c.ljust(w)
                         for i, (c, w) in enumerate(zip(cells, widths)))

    out = [f"== {model.name}: {model.description} ({duration:g} s per run)", line(header),
           line(["-" * w for w in widths])]
    out += [line(r) for r in rows]
    for m in measurements:
        if m.skipped:
            out.append(f"  {m.target} skipped: {m.skipped} (--include-slow runs it)")
        if m.error and "not supported" in m.error:
            out.append(f"  {m.target}: {m.error.strip().splitlines()[0]}")
        elif m.error:
            first = m.error.strip().splitlines()
            out.append(f"  {m.target} FAILED: {first[-1] if first else ''}")
    return "\n".join(out)


def _goal_figure(value, per_synapse):
    if value is None:
        return "-"
    return f"{value:.1f} B/syn" if per_synapse else f"{_seconds(value)} s"


def format_goals(checks):
    """The targets next to the figures: brianjit's value, the bound, met or not."""
    out = ["== targets (brianjit vs bound, medians)"]
    for c in checks:
        verdict = {True: "MET", False: "NOT MET", None: "not measured"}[c["met"]]
        factor = c.get("factor")
        against = (f"{factor:g} x {c['against']}'s" if factor not in (None, 1)
                   else c["against"])   # the bound is the other's figure times the factor
        out.append(f"  {verdict:<12} {c['goal']} [{c['model']}]: brianjit "
                   f"{_goal_figure(c['brianjit'], c['per_synapse'])} vs {against} "
                   f"{_goal_figure(c['bound'], c['per_synapse'])}")
    return "\n".join(out) if checks else out[0] + "\n  (no model with a target was run)"


LEGEND = """\
times in seconds, medians over `reps` fresh processes; ratios = other / brianjit (>1: brianjit faster)
  import   importing the simulator          cold     building objects + first net.run (all codegen)
  1st step setup + build: first object to first time step (brianjit only)
  build    text->native code (brianjit), make (cpp_standalone), numba's JIT compilation (numba)
  warm run second net.run of the same net   native   the simulator's own timing of its loop
  process  whole worker process, from outside (interpreter start-up included)
synapse creation: connect = connect() wall time (cpp_standalone: the binary's profiled create code
  object); peak MB = peak resident memory added by connect() and one step (cpp_standalone: the
  binary's whole peak, including its few-MB baseline); B/syn = peak / synapses"""


def write_json(path, metadata, measurements, checks):
    record = {
        "metadata": metadata,
        "measurements": [
            {"target": m.target, "model": m.model, "error": m.error, "skipped": m.skipped,
             "medians": m.medians() if m.runs else None, "runs": m.runs}
            for m in measurements
        ],
        "targets": checks,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=1))
