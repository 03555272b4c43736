"""``benchmarks/kernel_compile_cost.py``: one line per kernel of the model's network, in schedule
order, with its size before and after O3 and its compile time alone, then the whole module's."""
import os
import re
import subprocess
import sys

_SCRIPT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                       "benchmarks", "kernel_compile_cost.py")


def test_every_kernel_of_the_model_gets_its_size_and_compile_time():
    out = subprocess.run([sys.executable, _SCRIPT, "lif", "--repeats", "1"], capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    lines = out.stdout.strip().splitlines()
    rows = [re.fullmatch(r"k(\d+)\s+(\S+)\s+(\d+)\s+(\d+)\s+(\d+\.\d+)", line.strip())
            for line in lines[1:-1]]
    assert all(rows), lines
    assert [int(r.group(1)) for r in rows] == list(range(len(rows)))
    names = [r.group(2) for r in rows]
    assert names[0].endswith("stateupdater") and any(n.endswith("thresholder") for n in names)
    for row in rows:
        assert int(row.group(3)) > 0 and int(row.group(4)) > 0 and float(row.group(5)) > 0
    assert lines[-1].startswith("whole module") and "load" in lines[-1]
