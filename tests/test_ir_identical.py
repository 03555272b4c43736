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

#: (model, host) -> sha256 of the IR, recorded from main at e7e476f
GOLDEN = {
    ("swc-neuron", HOST): "23eaecc0d419268689b470ab06db21b0cbb1c60306427ddbd55f72364e9a8173",
    ("hh-axon", HOST): "9ac7655eb1e5d80f3eb7bfe7b5c6b527b04da4cf886c7b435020e79451dc9781",
    ("cuba-1s", HOST): "0a53b3cc579cfa7c8d21d56ec29459ed453dfb8da0238b68112f530e1442da33",
    ("cobahh-1s", HOST): "d7bc47bbe30c0ebb0305e4edb64843da8691692be204e431dfb503e1469c76ed",
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
