"""Decaying state that reaches subnormal numbers: time per simulated second, and where it stops.

``dv/dt = -v/tau`` (exact, tau = 1 ms, dt = 0.1 ms) from v = 1 falls below the smallest normal
double (2.2e-308) after about 0.71 s of simulated time. On x86-64, arithmetic on subnormal operands
or results is done in microcode and costs ~100 cycles; and ``v*exp(-dt/tau)`` stops decaying at a
few units of the smallest subnormal, so the slow path never ends. brianjit flushes subnormals to
zero during runs (FTZ/DAZ, see ``brianjit/codegen/driver.py``), so v becomes 0 instead.

Usage: ``python benchmarks/subnormals.py [--neurons N]``; prints the wall time of the second
simulated second (all in the subnormal range without flushing) next to a control group that
decays to a normal value, and the final value of v.
"""
from __future__ import annotations

import argparse
import time


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--neurons", type=int, default=10_000)
    args = parser.parse_args()
    from brianjit import NeuronGroup, Network, second

    def timed(v0, label):
        G = NeuronGroup(args.neurons, "dv/dt = -v/(1*ms) : 1", method="exact")
        net = Network(G)
        G.v = v0
        net.run(1 * second)  # v reaches the subnormal range after 0.71 s
        t0 = time.perf_counter()
        net.run(1 * second)
        elapsed = time.perf_counter() - t0
        print(f"{label:<34} {elapsed:7.3f} s per simulated second, final v = {G.v_[0]:.3g}")

    timed(1.0, "decaying into subnormals (v0 = 1)")
    timed(0.0, "control (v0 = 0)")


if __name__ == "__main__":
    main()
