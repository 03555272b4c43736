"""The network module's IR text of the benchmark models is byte-identical to the one recorded
from main (round 7): work that only makes brianjit's own part of a build faster must not change
what LLVM is given. A change that alters the IR on purpose records the new hashes here
(``python benchmarks/ir_hashes.py swc-neuron hh-axon cuba-1s cobahh-1s stdp-1``), knowingly."""
import os
import platform
import subprocess
import sys

import pytest

_SCRIPT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                       "benchmarks", "ir_hashes.py")

#: the host the hashes were recorded on (``ir_hashes.math_description``): the IR declares the
#: libmvec variants the CPU offers and wraps entries that flush subnormals, so another host (AVX-512,
#: no libmvec, another architecture) lowers the same models to other text
HOST = "libmvec/_ZGVdN4v_exp+_ZGVbN2v_exp/flush=1"

#: (model, host) -> sha256 of the IR, recorded from main at e7e476f; swc-neuron, hh-axon, CUBA and
#: COBAHH again when divisions of shared values became exact (no ``arcp``: ``int(t/dt)`` as
#: Brian2's), the only change in their IR
GOLDEN = {
    ("swc-neuron", HOST): "0e2e1115dab73f0632e07d694f9a59d0be2ab2031e71377e085d0c96e87d7d7e",
    ("hh-axon", HOST): "971b922738c498d6276210d179c9f52e052dc433ca4d909d218f8dd40ca145ee",
    ("cuba-1s", HOST): "e47cd2cc3d1f9395db7fe28ac37ff428ad05037e692f221f82a33cf6238752c6",
    ("cobahh-1s", HOST): "e679577998fc089a61661d0ad3be3d2a1818ee675c56054b65a60b6cdbd99d0b",
    ("stdp-1", HOST): "5e630ae0fa3a7101eb482044b54d31508a7efb8c85bca6aeafed73c3d7f483e5",
}


@pytest.mark.skipif(platform.machine() not in ("x86_64", "AMD64"),
                    reason="recorded on x86-64 (subnormal flushing adds wrappers there)")
def test_benchmark_models_lower_to_the_recorded_ir():
    models = sorted({model for model, _ in GOLDEN})
    out = subprocess.run([sys.executable, _SCRIPT, *models], capture_output=True, text=True,
                         timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    rows = [line.split() for line in out.stdout.strip().splitlines()]
    assert [row[0] for row in rows] == models
    if rows[0][1] != HOST:
        pytest.skip(f"hashes recorded on a host described as {HOST}; this one is {rows[0][1]}")
    changed = [model for model, mode, digest in rows if GOLDEN[(model, mode)] != digest]
    assert not changed, f"the IR text of {changed} differs from the recorded one"
