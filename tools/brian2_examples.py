"""Run Brian2's shipped example scripts on brianjit, with only the import changed.

Brian2's examples are the scripts users start from; the promise is that each runs here with
``brian2`` replaced by ``brianjit`` in its import lines and nothing else. This tool takes them
from Brian2's source distribution (downloaded from PyPI into ``--cache``, or an unpacked
``--examples`` folder), rewrites the imports, runs each script in its own process (matplotlib's
Agg backend, ``plt.show()`` does nothing, a time limit per script) and writes a table: finished,
stopped early (the exception's last line), or out of time (still running at the limit: not a
failure of brianjit's API, but not shown to work either).

Scripts that need what brianjit does not aim at are listed as skipped with the reason:
standalone devices' own build machinery and multiprocessing recipes for Cython/standalone, GSL,
and scripts that need packages the test extra does not install (sbi, opencv).

    pip install ".[examples]"                            # matplotlib, scipy, pandas: what the scripts import
    python tools/brian2_examples.py                      # all, 120 s each, report in tools/examples-report.md
    python tools/brian2_examples.py --only CUBA.py,synapses/STDP.py --timeout 300
"""
from __future__ import annotations

import argparse
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request

BRIAN2_SDIST = ("https://files.pythonhosted.org/packages/22/94/"
                "91ec4f3e5f29c9714ac23ba51779774f7998b8b69ead7022605771e81f41/brian2-2.9.0.tar.gz")

#: path prefix or file -> why it is not run
SKIPPED = {
    "standalone/": "standalone device build machinery (device.build with a C++ compiler)",
    "multiprocessing/": "recipes for Brian2's Cython/standalone targets in worker processes",
    "advanced/compare_GSL_to_conventional.py": "GSL integration methods",
    "advanced/modelfitting_sbi.py": "needs the sbi package",
    "advanced/opencv_movie.py": "needs opencv and a movie file",
    "advanced/float_32_64_benchmark.py": "sets prefs.core.default_float_dtype to float32",
    "frompapers/Brette_2012/params.py": "a parameter module, not a script",
    "frompapers/Stimberg_et_al_2018/plot_utils.py": "a plotting module, not a script",
    "frompapers/Stimberg_et_al_2019/example_3_bisection_standalone.py": "standalone device",
}

_IMPORT = re.compile(r"^(\s*)(from|import)\s+brian2\b", re.MULTILINE)

_PRELUDE = """\
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as _plt
_plt.show = lambda *args, **kwargs: None
"""


def rewrite(source: str) -> str:
    """The script with ``brian2`` replaced by ``brianjit`` in its import statements only."""
    def replace(match):
        return match.group(0)[:-len("brian2")] + "brianjit"
    return _IMPORT.sub(replace, source)


def examples_folder(cache: pathlib.Path) -> pathlib.Path:
    folder = cache / "brian2-2.9.0" / "examples"
    if not folder.is_dir():
        cache.mkdir(parents=True, exist_ok=True)
        archive = cache / "brian2-2.9.0.tar.gz"
        if not archive.exists():
            urllib.request.urlretrieve(BRIAN2_SDIST, archive)
        with tarfile.open(archive) as tar:
            tar.extractall(cache, filter="data")
    return folder


def skip_reason(relative: str) -> str | None:
    for prefix, reason in SKIPPED.items():
        if relative == prefix or (prefix.endswith("/") and relative.startswith(prefix)):
            return reason
    return None


def _error_line(stderr: str) -> str:
    """The exception of the last traceback in ``stderr`` (not a warning printed after it)."""
    lines = stderr.splitlines()
    starts = [k for k, line in enumerate(lines) if line.startswith("Traceback (most recent")]
    if starts:
        for line in lines[starts[-1] + 1:]:
            if line and not line.startswith((" ", "\t")):
                return line
    rest = [line for line in lines if line.strip()]
    return rest[-1] if rest else ""


def run_one(script: pathlib.Path, timeout: float) -> tuple[str, float, str]:
    """(outcome, seconds, detail) of one script run in a fresh process, in a copy of its folder
    whose Python files (the script and the modules it imports from there) are rewritten."""
    env = dict(os.environ, MPLBACKEND="Agg")
    with tempfile.TemporaryDirectory() as folder:
        copy = pathlib.Path(folder) / script.parent.name
        shutil.copytree(script.parent, copy)
        for module in copy.rglob("*.py"):
            module.write_text(rewrite(module.read_text()))
        code = _PRELUDE + (copy / script.name).read_text()
        start = time.perf_counter()
        try:
            done = subprocess.run([sys.executable, "-c", code], cwd=copy, env=env,
                                  capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return "out of time", time.perf_counter() - start, \
                f"still running after {timeout:.0f} s"
    seconds = time.perf_counter() - start
    if done.returncode == 0:
        return "finished", seconds, ""
    detail = _error_line(done.stderr) or f"exit status {done.returncode}"
    if done.returncode < 0:
        detail = f"killed by signal {-done.returncode}: {detail}"
    return "stopped early", seconds, detail[:300]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", default=str(pathlib.Path(__file__).parent / ".brian2-sdist"))
    parser.add_argument("--examples", help="an unpacked examples folder (instead of --cache)")
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--only", help="comma-separated paths relative to examples/")
    parser.add_argument("--report", default=str(pathlib.Path(__file__).parent /
                                               "examples-report.md"))
    args = parser.parse_args(argv)
    folder = pathlib.Path(args.examples) if args.examples else \
        examples_folder(pathlib.Path(args.cache))
    scripts = sorted(folder.rglob("*.py"))
    if args.only:
        wanted = set(args.only.split(","))
        scripts = [s for s in scripts if str(s.relative_to(folder)) in wanted]
    rows, counts = [], {}
    for script in scripts:
        relative = str(script.relative_to(folder))
        reason = skip_reason(relative)
        outcome, seconds, detail = ("skipped", 0.0, reason) if reason else \
            run_one(script, args.timeout)
        counts[outcome] = counts.get(outcome, 0) + 1
        rows.append((relative, outcome, seconds, detail))
        print(f"{outcome:14s} {seconds:7.1f} s  {relative}  {detail}", flush=True)
    summary = ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
    with open(args.report, "w") as out:
        out.write(f"# Brian2 2.9.0's examples on brianjit\n\n`python tools/brian2_examples.py "
                  f"--timeout {args.timeout:.0f}`: {summary}.\n\n"
                  "| script | outcome | seconds | detail |\n|---|---|---|---|\n")
        for relative, outcome, seconds, detail in rows:
            cell = detail.replace("|", "\\|")
            out.write(f"| {relative} | {outcome} | {seconds:.1f} | {cell} |\n")
    print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
