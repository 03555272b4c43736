"""How long the imports take that every script starts with, in fresh interpreters.

``import brianjit`` is what a user waits for before anything else (issue 9: at most 0.4 s
median on a 2-core machine, and at most 0.35x ``import brian2`` in the same run). Each
statement runs in ``--repeats`` fresh interpreters, interleaved so that a change in the
machine's load hits every statement alike; the table gives the median wall time and the median
processor time of the import itself (the interpreter's own start-up excluded), and which of
the expensive libraries it loaded.

    python benchmarks/import_time.py --repeats 7
"""
import argparse
import json
import statistics
import subprocess
import sys

from envs import BRIAN2_VENV, REPO_ROOT

_PROBE = """
import sys, time, json
wall, cpu = time.perf_counter(), time.process_time()
{statement}
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
heavy = [m for m in ('sympy', 'llvmlite.binding', 'matplotlib') if m in sys.modules]
print(json.dumps([wall, cpu, heavy]))
"""

STATEMENTS = {
    "import brianjit": (sys.executable, "import brianjit"),
    "from brianjit import *": (sys.executable, "from brianjit import *"),
    "import brianjit.only": (sys.executable, "import brianjit.only"),
    "from brianjit.only import *": (sys.executable, "from brianjit.only import *"),
    "import brian2": (str(BRIAN2_VENV.python), "import brian2"),
}


def measure_once(python, statement):
    out = subprocess.run([python, "-c", _PROBE.format(statement=statement)], check=True,
                         capture_output=True, text=True, cwd=REPO_ROOT,
                         env={"PYTHONPATH": str(REPO_ROOT), "MPLBACKEND": "Agg"})
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    statements = {k: v for k, v in STATEMENTS.items()
                  if k != "import brian2" or BRIAN2_VENV.python.exists()}
    samples = {name: [] for name in statements}
    for _ in range(args.repeats):
        for name, (python, statement) in statements.items():
            samples[name].append(measure_once(python, statement))
    brian2 = samples.get("import brian2")
    brian2_wall = statistics.median(s[0] for s in brian2) if brian2 else None
    print(f"{'statement':28} {'wall s':>7} {'cpu s':>7} {'vs brian2':>9}  loads")
    for name, runs in samples.items():
        wall = statistics.median(s[0] for s in runs)
        cpu = statistics.median(s[1] for s in runs)
        ratio = f"{wall / brian2_wall:9.2f}" if brian2_wall else f"{'':9}"
        print(f"{name:28} {wall:7.3f} {cpu:7.3f} {ratio}  {', '.join(runs[-1][2]) or '-'}")


if __name__ == "__main__":
    main()
