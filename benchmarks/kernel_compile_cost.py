"""What each kernel of a benchmark model costs LLVM: its size and its compile time, alone.

A cold build's LLVM part is the sum of what its kernels cost to optimise and to turn into machine
code (plus a few ms of fixed cost per module), so this is where to look before making a kernel's
IR smaller. For each kernel of the model's network, in schedule order: its name, its instructions
before O3 (alone) and after O3 (as compiled in the network's own module; in a threaded build with
its ranged part and serial rest), and the processor time of optimising and emitting a module
holding only that kernel (min of ``--repeats``; processor time, not wall time, because on a
shared machine wall times follow the load). The last line is the whole network module the same
way, with the machine's load average.

Usage: ``python benchmarks/kernel_compile_cost.py swc-neuron [--repeats 5]``
"""
import argparse
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import brianjit as sim  # noqa: E402
from brianjit import jit  # noqa: E402
from brianjit.codegen.driver import ScheduledKernel, build_network_module  # noqa: E402

import models  # noqa: E402


def instructions(ir_text: str, name: str) -> int:
    """Instructions of the function ``name`` in ``ir_text``, with its ranged part and serial
    rest in a threaded build (``name.part``, ``name.rest``): lines of their bodies that are not
    labels, comments or closing braces."""
    total = 0
    for match in re.finditer(rf'^define[^@]*@"?{re.escape(name)}(\.part|\.rest)?"?\(.*?^}}$',
                             ir_text, re.M | re.S):
        body = match.group(0).splitlines()[1:-1]
        total += sum(1 for line in body if line.strip() and not line.rstrip().endswith(":")
                     and not line.lstrip().startswith(";"))
    return total


def processor_seconds(ir_text: str, repeats: int) -> float:
    """Min over ``repeats`` of the processor time ``jit.compile_ir`` takes for ``ir_text`` (a
    comment that differs each time makes every compilation a miss of the caches)."""
    best = float("inf")
    for r in range(repeats):
        text = f"{ir_text}\n; kernel_compile_cost {time.time_ns()} {r}\n"
        t0 = time.process_time()
        jit.compile_ir(text)
        best = min(best, time.process_time() - t0)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", choices=sorted(models.MODELS))
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    os.environ["BRIANJIT_CACHE"] = "0"
    model = models.MODELS[args.model]
    if model.dt:
        sim.defaultclock.dt = model.dt * sim.second
    built = model.build(sim, model.n)
    net = sim.Network(*built.objects)
    net.run(sim.defaultclock.dt)
    program = net._program
    optimised = program.compiled.optimized_ir
    print(f"{'kernel':44s} {'IR':>6s} {'O3':>6s} {'compile s':>10s}")
    for n, kernel in enumerate(program.kernels):
        alone = str(build_network_module([ScheduledKernel(kernel)]))
        print(f"k{n:<3d}{kernel.name[:40]:40s} {instructions(alone, 'k0'):6d} "
              f"{instructions(optimised, f'k{n}'):6d} {processor_seconds(alone, args.repeats):10.3f}")
    whole = program.compiled.ir
    print(f"{'whole module':44s} {'':6s} {'':6s} {processor_seconds(whole, args.repeats):10.3f}"
          f"   (load {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
