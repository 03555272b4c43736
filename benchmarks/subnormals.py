"""Decaying state that reaches subnormal numbers: time per simulated second, and where it stops.

``dv/dt = -v/tau`` (exact, tau = 1 ms, dt = 0.1 ms) from v = 1 falls below the smallest normal
double (2.2e-308) after about 0.71 s of simulated time. On x86-64, arithmetic on subnormal operands
or results is done in microcode and costs ~100 cycles; and ``v*exp(-dt/tau)`` stops decaying at a
few units of the smallest subnormal, so the slow path never ends. brianjit flushes subnormals to
zero during runs (FTZ/DAZ, see ``brianjit/codegen/driver.py``), so v becomes 0 instead (the euler
pair stops near 1e-304 instead, where its intermediate ``v*dt`` would be subnormal).

Usage: ``python benchmarks/subnormals.py [--neurons N]``; prints the CPU time of the second
simulated second (all in the subnormal range without flushing) next to a control group that
starts at 0, and the final value of v, for the one-variable decay and for a coupled pair
(``euler``), whose extra operations on subnormals show the cost more clearly on CPUs where
subnormal multiplications alone are cheap (AMD Zen).
"""
from __future__ import annotations

import argparse
import time


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--neurons", type=int, default=10_000)
    args = parser.parse_args()
    from brianjit import NeuronGroup, Network, second

    models = {"decay, exact": ("dv/dt = -v/(1*ms) : 1", "exact"),
              "coupled pair, euler": ("dv/dt = (w - v)/(0.5*ms) : 1\ndw/dt = -w/(0.5*ms) : 1",
                                      "euler")}

    def timed(label, v0):
        equations, method = models[label]
        G = NeuronGroup(args.neurons, equations, method=method)
        net = Network(G)
        G.v = v0
        net.run(1 * second)  # subnormal after 0.71 s (the pair: 0.4 s)
        t0 = time.process_time()
        net.run(1 * second)
        elapsed = time.process_time() - t0
        print(f"{label:<20} v0 = {v0:g}  {elapsed:7.3f} s CPU per simulated second, "
              f"final v = {G.v_[0]:.3g}")

    for label in models:
        timed(label, 1.0)
        timed(label, 0.0)


if __name__ == "__main__":
    main()
