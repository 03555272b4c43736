"""Interpreters the benchmark workers run in.

Brian2 2.9 cannot share an interpreter with brianjit (it needs numpy<2.3, we use numpy 2.4), so each
foreign simulator gets its own virtual environment under ``benchmarks/``, created on first use with
the standard ``venv`` module and filled by ``pip``.  The hand-written numba baseline has its own
too, so numba never constrains brianjit's or Brian2's numpy.  brianjit itself always runs in the
runner's own interpreter, with the working tree on ``PYTHONPATH`` so the benchmark measures the
code in this checkout.
"""

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent


@dataclass(frozen=True)
class VenvSpec:
    """A virtual environment: where it lives, what goes in, and how to tell it is ready."""

    dirname: str
    packages: tuple
    probe: str  # a Python statement that succeeds only once the packages are installed

    @property
    def path(self):
        return BENCH_DIR / self.dirname

    @property
    def python(self):
        return self.path / "bin" / "python"


BRIAN2_VENV = VenvSpec(
    dirname=".venv-brian2",
    # scipy: Brian2's numpy target solves the cable equation of SpatialNeurons with it
    packages=("brian2==2.9.0", "numpy<2.3", "cython", "setuptools", "scipy"),
    probe="import brian2, Cython, scipy; assert brian2.__version__ == '2.9.0'",
)


NUMBA_VENV = VenvSpec(
    dirname=".venv-numba",
    packages=("numba", "numpy"),
    probe="import numba, numpy",
)


def is_ready(spec):
    """True when the venv exists and its probe statement runs."""
    if not spec.python.exists():
        return False
    done = subprocess.run([str(spec.python), "-c", spec.probe], capture_output=True)
    return done.returncode == 0


def ensure_venv(spec, log=print):
    """Create and fill the venv if it is missing or incomplete; return its python executable."""
    if is_ready(spec):
        return spec.python
    if not spec.python.exists():
        log(f"creating virtual environment {spec.path} ...")
        subprocess.run([sys.executable, "-m", "venv", str(spec.path)], check=True)
    log(f"installing {' '.join(spec.packages)} into {spec.path} (one-off, needs PyPI) ...")
    subprocess.run(
        [str(spec.python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         *spec.packages],
        check=True,
    )
    if not is_ready(spec):
        raise RuntimeError(f"{spec.path} was installed but `{spec.probe}` still fails")
    return spec.python


def brianjit_env():
    """Environment for brianjit workers: this checkout first on the import path."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    return env
