"""Fresh processes for the cache tests, without paying brianjit's import for each: one
subprocess imports brianjit (and, where no run checks what it imports, what the miss path
imports), then forks a child per run, one after the other. Each child starts with empty
in-memory caches, its own cache folder, stdout and stderr, as a fresh ``python -c`` would; a
child that raises, exits non-zero or crashes fails the test, named."""
import json
import os
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


# Forks each build of a network script from one process that imported brianjit and numpy only. A
# child is then what
# a fresh interpreter is after those imports: sympy absent, no kernels, no in-memory entries.
# Stages run one after the other; the jobs of a stage run two at a time.
_STAGED_FORKER = r"""
import json, os, sys, traceback
plan, body = json.loads(sys.argv[1]), sys.argv[2]
# what the build script imports first, as a fresh process does before it builds anything
import numpy, brianjit
from brianjit import *
from brianjit import jit
from brianjit.utils.logger import catch_logs
from brianjit.objects.front_network import front_counts
assert "sympy" not in sys.modules
if plan["sympy"]:   # for cases that check nothing about sympy: its import, made once here
    import sympy, brianjit.model.functions, brianjit.model.symbols, brianjit.model.abstract_code
    import brianjit.parsing.sympytools
code = compile(body, "<build>", "exec")
workers = max(1, min(2, os.cpu_count() or 1))
results = []
tmp = plan["tmp"]
for number, stage in enumerate(plan["stages"]):
    pending, running, done = list(enumerate(stage)), {}, [None] * len(stage)
    while pending or running:
        while pending and len(running) < workers:
            index, job = pending.pop(0)
            out = os.path.join(tmp, f"{number}-{index}.out")
            err = os.path.join(tmp, f"{number}-{index}.err")
            sys.stdout.flush(); sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                status = 1
                try:
                    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC); os.dup2(fd, 1)
                    fd = os.open(err, os.O_WRONLY | os.O_CREAT | os.O_TRUNC); os.dup2(fd, 2)
                    os.environ.update(job["env"])
                    sys.argv = ["-c", job["arg"]]
                    exec(code, {"__name__": "__main__"})
                    status = 0
                except BaseException:
                    traceback.print_exc()
                finally:
                    sys.stdout.flush(); sys.stderr.flush()
                    os._exit(status)
            running[pid] = (index, out, err)
        pid, status = os.wait()
        index, out, err = running.pop(pid)
        text, error = open(out).read(), open(err).read()
        lines = text.strip().splitlines()
        ok = os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0 and lines
        done[index] = {"ok": bool(ok), "status": status, "stderr": error[-3000:],
                       "result": json.loads(lines[-1]) if ok else None}
    results.append(done)
print(json.dumps(results))
"""


def fork_stages(work, script, stages, sympy_loaded):
    """Runs ``script`` once per job (``{"env": {...}, "arg": str}``: the child's environment
    additions and its ``sys.argv[1]``), each in a process forked from one driver; the stages one
    after the other, the jobs of a stage two at a time. ``sympy_loaded``: the driver imports
    sympy once for all its children (only for builds that check nothing about sympy). Returns,
    per stage, per job, ``{"ok", "status", "stderr", "result"}`` (the last stdout line as JSON):
    a child that fails or crashes is reported, never takes the run down."""
    os.makedirs(work, exist_ok=True)
    plan = {"tmp": str(work), "sympy": sympy_loaded, "stages": stages}
    out = subprocess.run([sys.executable, "-c", _STAGED_FORKER, json.dumps(plan), script],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])
