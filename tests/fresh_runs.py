"""Fresh processes for the cache tests, without paying brianjit's import for each: one
subprocess imports brianjit (and, where no run checks what it imports, what the miss path
imports), then forks a child per run, one after the other. Each child starts with empty
in-memory caches, its own cache folder, stdout and stderr, as a fresh ``python -c`` would; a
child that raises, exits non-zero or crashes fails the test, named."""
import json
import subprocess
import sys

#: imports brianjit, then runs each given code in a forked child (its own cache folder, stdout
#: and stderr to files), one after the other; prints what each gave, as JSON
_HARNESS = r"""
import json, os, shutil, sys, tempfile, traceback
import numpy, brianjit, brianjit.diskcache, brianjit.objects.oneoff_cache
from brianjit import *
given = json.loads(sys.stdin.read())
for module in given["preimport"]:
    __import__(module)
runs = given["runs"]
results = []
folder = tempfile.mkdtemp()
for k, run in enumerate(runs):
    paths = [os.path.join(folder, f"{k}.{s}") for s in ("out", "err")]
    sys.stdout.flush(); sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            for fd, path in zip((1, 2), paths):
                os.dup2(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC), fd)
            os.environ["BRIANJIT_CACHE_DIR"] = run["cache"]
            exec(compile(run["code"], "<string>", "exec"), {"__name__": "__main__"})
        except BaseException:
            traceback.print_exc()
            code = 1
        finally:
            sys.stdout.flush(); sys.stderr.flush()
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    texts = []
    for path in paths:
        with open(path, errors="replace") as f:
            texts.append(f.read())
    results.append({"rc": os.waitstatus_to_exitcode(status), "out": texts[0], "err": texts[1]})
shutil.rmtree(folder)
print(json.dumps(results))
"""


def run_many(runs, preimport=()):
    """Run each ``(name, cache, code)`` of ``runs`` in a fresh process, in order: a list of
    ``(last stdout line as JSON, stderr)``; a run that fails or crashes fails the test, named.
    ``preimport``: modules the parent imports first (only where no run checks what it imports)."""
    spec = {"preimport": list(preimport),
            "runs": [{"cache": str(cache), "code": code} for _, cache, code in runs]}
    out = subprocess.run([sys.executable, "-c", _HARNESS], input=json.dumps(spec),
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    results = json.loads(out.stdout.strip().splitlines()[-1])
    answers = []
    for (name, _, _), result in zip(runs, results):
        assert result["rc"] == 0, f"{name}: exit status {result['rc']}\n{result['err'][-3000:]}"
        lines = result["out"].strip().splitlines()
        answers.append((json.loads(lines[-1]) if lines else None, result["err"]))
    assert len(answers) == len(runs)
    return answers


#: what the miss path imports (for the runs that check nothing about what they import)
MISS_MODULES = ("sympy", "llvmlite.binding", "brianjit.codegen.expressions",
                 "brianjit.model.functions", "brianjit.model.symbols")
