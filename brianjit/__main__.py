"""``python -m brianjit demo``: a population of noisy LIF neurons, from model text to a plot.

Prints what was simulated, the spike statistics, how long the build (model text to native code)
and the run took, and saves ``brianjit_demo.png`` when matplotlib is installed.
"""
from __future__ import annotations

import argparse
import sys


def demo(duration_ms: float = 1000.0, n: int = 4000, plot: str | None = "brianjit_demo.png") -> dict:
    """Run the demo network; returns its summary figures."""
    import numpy as np

    from brianjit import (Network, NeuronGroup, PopulationRateMonitor, SpikeMonitor,
                          StateMonitor, mV, ms, second, seed)

    seed(2026)
    tau = 10 * ms
    group = NeuronGroup(n, """dv/dt = (I - v)/tau + sigma*sqrt(2/tau)*xi : volt (unless refractory)
                              I : volt
                              sigma : volt""",
                        threshold="v > 15*mV", reset="v = 0*mV", refractory=2 * ms,
                        method="euler", namespace={"tau": tau})
    group.I = "20*mV * i / N"
    group.sigma = 2 * mV
    group.v = "rand() * 15*mV"
    states = StateMonitor(group, "v", record=[0, n // 2, n - 1])
    spikes = SpikeMonitor(group)
    rate = PopulationRateMonitor(group)
    net = Network(group, states, spikes, rate)
    net.run(duration_ms * ms)
    first = dict(net.timings)
    net.run(duration_ms * ms)
    second_run = net.timings["run"]

    counts = spikes.count
    summary = {
        "neurons": n, "simulated": 2 * duration_ms / 1000.0, "spikes": int(spikes.num_spikes),
        "mean_rate_Hz": float(np.mean(rate.rate_)), "active_fraction": float(np.mean(counts > 0)),
        "build_s": first["build"], "first_run_s": first["run"],
        "second_run_s": second_run, "build_breakdown": {k: first[k] for k in
                                                        ("parse", "integrate", "ir", "optimise",
                                                         "machine_code")},
    }
    print(f"brianjit demo: {n} noisy LIF neurons, 2 x {duration_ms:g} ms at dt = 0.1 ms")
    print(f"  spikes: {summary['spikes']}  mean population rate: {summary['mean_rate_Hz']:.2f} Hz"
          f"  neurons that fired: {100 * summary['active_fraction']:.1f}%")
    print(f"  build {first['build']:.3f} s ("
          + ", ".join(f"{k} {v * 1000:.1f} ms" for k, v in summary["build_breakdown"].items())
          + ")")
    print(f"  run: first {first['run']:.3f} s, second {second_run:.3f} s "
          f"(per simulated second: {second_run / (duration_ms / 1000):.3f} s)")
    if plot:
        try:
            import matplotlib
            matplotlib.use("Agg")
            import matplotlib.pyplot as plt
        except ImportError:
            print("  (matplotlib not installed: no plot)")
        else:
            fig, (ax1, ax2, ax3) = plt.subplots(3, 1, figsize=(8, 8), sharex=True)
            ax1.plot(spikes.t / ms, spikes.i, ",k")
            ax1.set_ylabel("neuron")
            ax2.plot(rate.t / ms, rate.smooth_rate(width=5 * ms) / (1 / second))
            ax2.set_ylabel("rate (Hz)")
            for trace in states.v:
                ax3.plot(states.t / ms, trace / mV)
            ax3.set_ylabel("v (mV)")
            ax3.set_xlabel("time (ms)")
            fig.savefig(plot, dpi=100)
            print(f"  plot saved to {plot}")
    return summary


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m brianjit", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("demo", help="run the LIF population demo")
    d.add_argument("--duration-ms", type=float, default=1000.0)
    d.add_argument("--neurons", type=int, default=4000)
    d.add_argument("--plot", default="brianjit_demo.png", help="file for the plot ('' for none)")
    args = parser.parse_args(argv)
    demo(args.duration_ms, args.neurons, args.plot or None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
