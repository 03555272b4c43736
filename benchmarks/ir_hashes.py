"""SHA-256 of the network module's IR text (before optimisation) of benchmark models.

The Python side of a build (integration, kernels, the IR builder, llvmlite's printing) may be
made faster only if the IR it produces stays byte-identical: then the machine code and every
result do too. ``tests/test_ir_identical.py`` compares these hashes with the ones recorded
before such work; a change that alters the IR on purpose records new ones there.

Usage: ``python benchmarks/ir_hashes.py swc-neuron hh-axon cuba-1s cobahh-1s stdp-1``
prints ``model math_mode sha256`` per model (the math mode is this process's ``'auto'``, which
decides how ``exp`` and friends are lowered).
"""
import hashlib
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import brianjit as sim  # noqa: E402
from brianjit.codegen.mathfuncs import preferred_math_mode  # noqa: E402

import models  # noqa: E402


def ir_text(name: str) -> str:
    """The IR text of the network module of model ``name`` (built and run for one step)."""
    sim.start_scope()
    model = models.MODELS[name]
    sim.defaultclock.dt = (model.dt or 1e-4) * sim.second
    built = model.build(sim, model.n)
    net = sim.Network(*built.objects)
    net.run(sim.defaultclock.dt)
    return net._program.compiled.ir


def main():
    mode = preferred_math_mode()
    for name in sys.argv[1:]:
        print(name, mode, hashlib.sha256(ir_text(name).encode()).hexdigest())


if __name__ == "__main__":
    main()
