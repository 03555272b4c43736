"""``jit.compile_structure`` says how it answered (``Compiled.answer``: memory, disk or compiled),
so a network knows whether its build paid for optimisation and machine code without reading the
process-wide ``compile_counts`` around the call."""
import uuid

import brianjit as bj
from brianjit import jit

from subprocess_script import run_script

_SCRIPT = """
import sys
from brianjit import jit
name, key = sys.argv[1], sys.argv[2]
made = []
def make_ir():
    made.append(1)
    return f"define i64 @{name}(i64 %x) {{\\n  %y = add i64 %x, 7\\n  ret i64 %y\\n}}"
answers = [jit.compile_structure(key, make_ir) for _ in range(2)]
import ctypes
f = answers[1].module.cfunc(name, ctypes.c_int64, ctypes.c_int64)
print(answers[0].answer, answers[1].answer, answers[0].fresh, answers[1].fresh,
      answers[0].module is answers[1].module, len(made), f(35))
"""


def test_answers_compiled_then_memory_then_disk_in_a_new_process(tmp_path, monkeypatch):
    monkeypatch.setenv("BRIANJIT_CACHE_DIR", str(tmp_path))
    name, key = f"answer_{uuid.uuid4().hex}", uuid.uuid4().hex
    first = run_script(_SCRIPT, name, key).split()
    assert first == ["compiled", "memory", "True", "False", "True", "1", "42"]
    again = run_script(_SCRIPT, name, key).split()  # machine code from the disk, no IR made
    assert again == ["disk", "memory", "True", "False", "True", "0", "42"]


def test_a_module_without_a_structure_key_is_keyed_by_its_text():
    text = f"define i64 @plain_{uuid.uuid4().hex}(i64 %x) {{\n  ret i64 %x\n}}"
    first = jit.compile_structure(None, lambda: text)
    second = jit.compile_structure(None, lambda: text)
    assert first.answer in ("compiled", "disk") and first.fresh
    assert (second.answer, second.fresh, second.module) == ("memory", False, first.module)


def test_a_rebuilt_network_reports_no_compile_time():
    """The second build of one structure in a process found its module in memory: no optimise
    or machine-code time in its timings."""
    timings = []
    for _ in range(2):
        bj.start_scope()
        G = bj.NeuronGroup(10, "dv/dt = -v / (10*ms) : 1", threshold="v > 1", reset="v = 0")
        G.v = 0.5
        net = bj.Network(G)
        net.run(1 * bj.ms)
        timings.append(dict(net.timings))
    assert timings[1]["optimise"] == 0.0 and timings[1]["machine_code"] == 0.0
