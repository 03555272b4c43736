"""Time one model under brianjit; runs in a fresh interpreter so the first run is a cold build.

Uses only the public, Brian2-compatible face: ``from brianjit import *`` names, an explicit
``Network(...)``, two ``net.run`` calls.  After each run ``net.timings`` holds the build breakdown
('parse', 'integrate', 'ir', 'optimise', 'machine_code'), their sum 'build' (model text to callable
native code) and 'run' (the native simulation loop).  The worker reports the first run's build,
the warm run's native loop, and both dictionaries whole under ``details``.
"""

import time

_t_start = time.perf_counter()

from worker_common import Stopwatch, emit, parse_args, spike_count, star_namespace  # noqa: E402


def main():
    args, model = parse_args(__doc__.splitlines()[0])
    import brianjit

    import_s = time.perf_counter() - _t_start
    sim = star_namespace(brianjit)
    sim.defaultclock.dt = args.dt * sim.second
    sim.seed(args.seed)
    with Stopwatch() as setup:
        built = model.build(sim, args.n)
        net = sim.Network(*built.objects)
    with Stopwatch() as first:
        net.run(args.duration * sim.second)
    first_timings = dict(net.timings)
    spikes = spike_count(built.spikes)
    with Stopwatch() as warm:
        net.run(args.duration * sim.second)
    warm_timings = dict(net.timings)
    emit(args, "brianjit", "llvm",
         import_s=import_s, setup_s=setup.seconds, first_run_s=first.seconds,
         cold_s=setup.seconds + first.seconds, build_s=first_timings.get("build"),
         warm_run_s=warm.seconds, native_run_s=warm_timings.get("run"),
         spikes=spikes, warm_spikes=spike_count(built.spikes) - spikes,
         details={"timings_first_run": first_timings, "timings_warm_run": warm_timings})


if __name__ == "__main__":
    main()
