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
    ("build", "build_s"),
    ("warm run", "warm_run_s"),
    ("native", "native_run_s"),
    ("process", "process_s"),
)
RATIOS = (("cold×", "cold_s"), ("warm×", "warm_run_s"), ("native×", "native_run_s"))


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


def format_model_table(model, measurements):
    """The table for one model: one row per target, brianjit first; failures listed below."""
    reference = next((m.medians() for m in measurements if m.target == REFERENCE and m.runs), {})
    header = (["target", "reps"] + [h for h, _ in COLUMNS] + ["spikes"]
              + [h for h, _ in RATIOS])
    rows = []
    for m in measurements:
        if not m.runs:
            continue
        med = m.medians()
        rows.append([m.target, str(len(m.runs))] + [_seconds(med[f]) for _, f in COLUMNS]
                    + [_spikes(med)] + [_ratio(med[f], reference.get(f)) for _, f in RATIOS])
    widths = [max(len(r[i]) for r in [header] + rows) for i in range(len(header))]

    def line(cells):
        return "  ".join(c.rjust(w) if i else c.ljust(w)
                         for i, (c, w) in enumerate(zip(cells, widths)))

    out = [f"== {model.name}: {model.description}", line(header), line(["-" * w for w in widths])]
    out += [line(r) for r in rows]
    for m in measurements:
        if m.error:
            first = m.error.strip().splitlines()
            out.append(f"  {m.target} FAILED: {first[-1] if first else ''}")
    return "\n".join(out)


LEGEND = """\
times in seconds, medians over `reps` fresh processes; ratios = other / brianjit (>1: brianjit faster)
  import   importing the simulator          cold     building objects + first net.run (all codegen)
  build    text->native code (brianjit) or make (cpp_standalone)
  warm run second net.run of the same net   native   the simulator's own timing of its loop
  process  whole worker process, from outside (interpreter start-up included)"""


def write_json(path, metadata, measurements):
    record = {
        "metadata": metadata,
        "measurements": [
            {"target": m.target, "model": m.model, "error": m.error,
             "medians": m.medians() if m.runs else None, "runs": m.runs}
            for m in measurements
        ],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=1))
