"""SHA-256 of the network module's IR text (before optimisation) of benchmark models.

The Python side of a build (integration, kernels, the IR builder, llvmlite's printing) may be
made faster only if the IR it produces stays byte-identical: then the machine code and every
result do too. ``tests/test_ir_identical.py`` compares these hashes with the ones recorded
before such work; a change that alters the IR on purpose records new ones there.

Usage: ``python benchmarks/ir_hashes.py swc-neuron hh-axon cuba-1s cobahh-1s stdp-1``
prints ``model math sha256`` per model. ``math`` describes what the IR depends on besides the
model: this process's ``'auto'`` math mode (which decides how ``exp`` and friends are lowered),
the libmvec vector variants this CPU offers (their names are declared in the IR) and whether
runs flush subnormals (a wrapper around each entry).
"""
import hashlib
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import brianjit as sim  # noqa: E402
from brianjit import jit  # noqa: E402
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


def math_description() -> str:
    """The host's part of the IR, as one word: math mode, libmvec's ``exp`` variants, flushing."""
    variants = "+".join(name for name, _ in jit.vector_math_variants("exp", 1)) or "none"
    return f"{preferred_math_mode()}/{variants}/flush={int(jit.flushes_subnormals())}"


def main():
    math = math_description()
    for name in sys.argv[1:]:
        print(name, math, hashlib.sha256(ir_text(name).encode()).hexdigest())


if __name__ == "__main__":
    main()
