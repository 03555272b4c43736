"""Workers of joblib never repeat each other's random numbers silently: with its multiprocessing
backend (forked children: brianjit reseeds them unless the script called ``seed(k)``) and with
its default loky backend (fresh processes: each draws its own seed), as
tests/test_sweep.py::test_forked_children_draw_fresh_numbers_unless_seeded checks for
``multiprocessing`` itself."""
import json
import os
import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("joblib")

SCRIPT = textwrap.dedent("""
    import json, sys
    from joblib import Parallel, delayed
    from brianjit import NeuronGroup, seed

    def draw(_):
        group = NeuronGroup(4, "v : 1")
        group.v = "rand()"
        return [float(x) for x in group.v[:]]

    if __name__ == "__main__":
        backend, parent_seed = sys.argv[1], sys.argv[2]
        if parent_seed != "none":
            seed(int(parent_seed))
        draw(0)  # the parent has drawn: its generator state exists before any fork
        print(json.dumps(Parallel(n_jobs=2, backend=backend)(delayed(draw)(k) for k in range(2))))
""")


def _draws(tmp_path, backend, parent_seed):
    script = tmp_path / "joblib_draws.py"
    script.write_text(SCRIPT)
    out = subprocess.run([sys.executable, str(script), backend, parent_seed],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(not hasattr(os, "register_at_fork"), reason="no fork on this platform")
def test_joblib_forked_workers_of_an_unseeded_script_differ(tmp_path):
    first, second = _draws(tmp_path, "multiprocessing", "none")
    assert first != second


@pytest.mark.skipif(not hasattr(os, "register_at_fork"), reason="no fork on this platform")
def test_joblib_forked_workers_of_a_seeded_script_repeat_the_parent(tmp_path):
    first, second = _draws(tmp_path, "multiprocessing", "5")
    assert first == second  # seed(k) fixed the numbers, as in Brian2


def test_joblib_loky_workers_differ(tmp_path):
    first, second = _draws(tmp_path, "loky", "none")
    assert first != second
