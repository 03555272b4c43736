"""The ``start_scope()`` loop of issue 9: the same small network rebuilt from new objects with a new
parameter value, N times. Targets: <= 20 ms per iteration after the first, no compilation after
the first, <= 5 MB of memory growth over 1,000 iterations.

Prints the first iteration, the median of the later ones (wall and processor time: on a shared
machine the processor time says more), what answered the builds (``jit.compile_counts``) and the
growth of the resident memory from the second iteration on.
Usage: ``python benchmarks/rebuild_loop.py [N]`` (default 50).
"""
import sys
import time

from brianjit import *
from brianjit import jit


def rss_mb():
    return int(open("/proc/self/statm").read().split()[1]) * 4096 / 1e6


def iteration(k):
    start_scope()
    G = NeuronGroup(100, "dv/dt = (I - v)/(10*ms) : 1\nI : 1", threshold="v > 1", reset="v = 0",
                    method="exact")
    G.I = 1.5 + k * 0.01
    S = Synapses(G, G, on_pre="v += 0.01")
    S.connect(p=0.1)
    M = SpikeMonitor(G)
    run(10 * ms)
    return M.num_spikes


def main(n):
    wall, cpu, rss0, counts = [], [], None, None
    for k in range(n):
        t0, c0 = time.perf_counter(), time.process_time()
        iteration(k)
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        if k == 1:
            rss0, counts = rss_mb(), jit.compile_counts()
    later_wall, later_cpu = sorted(wall[2:]), sorted(cpu[2:])
    after = jit.compile_counts()
    print(f"first {wall[0]:.3f} s; later iterations: median {later_wall[len(later_wall) // 2] * 1e3:.1f} ms "
          f"wall, {later_cpu[len(later_cpu) // 2] * 1e3:.1f} ms processor")
    print(f"builds after the second iteration: "
          f"{ {key: after[key] - counts[key] for key in after} }")
    print(f"rss growth over {n - 2} iterations: {rss_mb() - rss0:.2f} MB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50)
