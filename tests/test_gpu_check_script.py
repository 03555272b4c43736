"""``benchmarks/gpu_check.py``, the script run on a GPU machine: without a GPU it says so and
exits 0; with the host twin of the driver it runs end to end and finds the GPU form identical to
the CPU back-end."""
import json
import os
import subprocess
import sys

import pytest

from brianjit.gpu import driver_api
from brianjit.gpu.driver_api import GpuUnavailableError

SCRIPT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                      "benchmarks", "gpu_check.py")


def _run(*args):
    env = {k: v for k, v in os.environ.items() if k != "BRIANJIT_GPU"}
    return subprocess.run([sys.executable, SCRIPT, *args], capture_output=True, text=True,
                          timeout=600, env=env)


def _has_cuda():
    try:
        driver_api._find_library()
    except GpuUnavailableError:
        return False
    return True


@pytest.mark.skipif(_has_cuda(), reason="this machine has a CUDA driver")
def test_without_a_gpu_it_says_so_and_exits_0():
    result = _run()
    assert result.returncode == 0, result.stderr
    assert "no usable NVIDIA GPU here, nothing checked" in result.stdout
    assert "libcuda.so.1" in result.stdout


def test_with_the_host_driver_it_checks_and_times(tmp_path):
    out = tmp_path / "report.json"
    result = _run("--mode", "host", "--quick", "--json", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(out.read_text())
    assert [c["identical"] for c in report["checks"]] == [True]
    assert {s["model"] for s in report["speed"]} == {"cuba (uncoupled)", "cobahh (uncoupled)"}
    assert all(isinstance(s["gpu"], float) for s in report["speed"])
    for line in report["speed"]:  # graphs: a replay per 64 steps (20 steps: 16 + 4), not 6/step
        assert isinstance(line["gpu_per_launch"], float)
        assert line["host_calls_per_step_graphs"] < 1 < line["kernels_per_step"]
        assert line["host_calls_per_step_per_launch"] >= line["kernels_per_step"]
    assert report["cache"]["second_compiled"] == 0  # a start_scope() loop compiles once
