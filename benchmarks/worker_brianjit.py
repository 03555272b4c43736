"""Time one model under brianjit; runs in a fresh interpreter so the first run is a cold build.

Uses only the public, Brian2-compatible face: ``from brianjit import *`` names, an explicit
``Network(...)``, two ``net.run`` calls.  After each run ``net.timings`` holds the build breakdown
('parse', 'integrate', 'ir', 'optimise', 'machine_code'), their sum 'build' (model text to callable
native code), 'run' (the native simulation loop, wall time) and 'run_processor' (the same loop's
processor time).  The worker reports the first run's build, the warm run's 'run_processor' as its
native loop (what Brian2's standalone binary measures with ``std::clock``, so like is compared with
like even on a shared machine), and both dictionaries whole under ``details``.  The flow itself (and
the synapse-creation variant) is ``worker_common.run_twice``, shared with Brian2's runtime targets.
"""

import time

_t_start = time.perf_counter()

from worker_common import emit, parse_args, run_twice, star_namespace  # noqa: E402


def main():
    args, model = parse_args(__doc__.splitlines()[0])
    import brianjit

    import_s = time.perf_counter() - _t_start
    sim = star_namespace(brianjit)
    sim.defaultclock.dt = args.dt * sim.second
    sim.seed(args.seed)
    fields, details = run_twice(sim, args, model, snapshot=lambda net: dict(net.timings))
    first, warm = details["first_run"], details.get("warm_run") or {}
    first_step_s = fields["setup_s"] + first["build"] if "build" in first else None
    emit(args, "brianjit", "llvm", import_s=import_s, build_s=first.get("build"),
         first_step_s=first_step_s, native_run_s=warm.get("run_processor"),
         details={"timings_first_run": first, "timings_warm_run": warm}, **fields)


if __name__ == "__main__":
    main()
