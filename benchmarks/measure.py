"""Run workers as subprocesses and collect their results; medians across repetitions.

Every measurement is a fresh process, so "cold" really means a new interpreter with nothing
compiled in memory.  The runner also times each process from the outside (``process_s``): that is
what a user waits for, interpreter start-up and imports included.
"""

import json
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import envs
from models import MODELS
from worker_common import RESULT_FIELDS, RESULT_PREFIX

NUMERIC_FIELDS = RESULT_FIELDS + ("process_s",)
QUICK_DURATION = 0.05  # seconds of biological time per run in --quick mode


class WorkerFailed(RuntimeError):
    """A worker exited non-zero or printed no result line; the message ends with its stderr."""


@dataclass
class RunConfig:
    duration: Optional[float]  # None: each model's own duration
    dt: float | None   # None: each model's own
    seed: int
    timeout: float
    scratch_root: Path
    quick: bool = False

    def duration_for(self, model):
        """Biological seconds for a model: --duration, else the model's, capped in quick mode."""
        duration = self.duration or model.duration or 1.0
        return min(duration, QUICK_DURATION) if self.quick and not self.duration else duration


@dataclass
class Measurement:
    """All repetitions of one target on one model (or the error that stopped them)."""

    target: str
    model: str
    runs: list = field(default_factory=list)
    error: Optional[str] = None
    skipped: Optional[str] = None  # why this pair was not measured (see targets.SKIPPED)

    def median(self, name):
        values = [run[name] for run in self.runs if run.get(name) is not None]
        return statistics.median(values) if values else None

    def medians(self):
        return {name: self.median(name) for name in NUMERIC_FIELDS}


def interpreter(target):
    """(python executable, environment) for a target's worker."""
    if target.venv is None:
        return sys.executable, envs.brianjit_env()
    return str(envs.ensure_venv(target.venv)), None


def run_worker(target, model_name, config, scratch_args=()):
    """Run one worker process and return its result dict plus ``process_s``."""
    python, env = interpreter(target)
    duration = config.duration_for(MODELS[model_name])
    command = [python, str(envs.BENCH_DIR / target.worker), *target.worker_args,
               "--model", model_name, "--duration", repr(duration),
               *(() if config.dt is None else ("--dt", repr(config.dt))),
               "--seed", str(config.seed), *scratch_args]
    start = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, text=True, env=env,
                              cwd=config.scratch_root, timeout=config.timeout)
    except subprocess.TimeoutExpired:
        raise WorkerFailed(f"timed out after {config.timeout:.0f} s: {' '.join(command)}")
    process_s = time.perf_counter() - start
    lines = [line for line in done.stdout.splitlines() if line.startswith(RESULT_PREFIX)]
    if done.returncode != 0 or not lines:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-15:])
        raise WorkerFailed(f"exit {done.returncode}: {' '.join(command)}\n{tail}")
    result = json.loads(lines[-1][len(RESULT_PREFIX):])
    result["process_s"] = process_s
    return result


class Scratch:
    """Hands out the per-run directories a target's ``scratch`` kind asks for."""

    def __init__(self, config):
        self.config = config
        self._counter = 0
        self._primed = {}

    def _new_dir(self, stem):
        self._counter += 1
        path = self.config.scratch_root / f"{stem}-{self._counter}"
        path.mkdir(parents=True)
        return path

    def args_for(self, target, model_name, log):
        """Worker arguments for the next timed run (priming the cache first if needed)."""
        kind = target.scratch
        if kind is None:
            return ()
        if kind == "fresh-cache":
            return ("--cache-dir", str(self._new_dir(f"cache-{model_name}")))
        if kind == "fresh-project":
            return ("--project-dir", str(self._new_dir(f"project-{model_name}")))
        if kind == "primed-cache":
            key = (target.name, model_name)
            if key not in self._primed:
                path = self._new_dir(f"primed-cache-{model_name}")
                log(f"[{model_name}] {target.name}: priming cache (untimed) ...")
                run_worker(target, model_name, self.config, ("--cache-dir", str(path)))
                self._primed[key] = path
            return ("--cache-dir", str(self._primed[key]))
        raise ValueError(f"unknown scratch kind {kind!r} for target {target.name}")
