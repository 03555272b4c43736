"""The pass pipeline (``jit._pipeline_tuning``): loops are vectorised, straight-line code is not
(the SLP vectoriser cost ~12 % of LLVM's time on swc-neuron and changed nothing that runs per
element), and both give the scalar results bit for bit."""
import ctypes

import numpy as np

from brianjit import jit

STRAIGHT_LINE = """
define void @pair(ptr noalias %out, double %x, double %y) {
entry:
  %p = fmul double %x, 2.5
  %q = fmul double %y, 3.5
  %r = fadd double %x, 0.125
  %s = fadd double %y, 0.375
  store double %p, ptr %out
  %o1 = getelementptr double, ptr %out, i64 1
  store double %q, ptr %o1
  %o2 = getelementptr double, ptr %out, i64 2
  store double %r, ptr %o2
  %o3 = getelementptr double, ptr %out, i64 3
  store double %s, ptr %o3
  ret void
}

define void @scale(ptr noalias %out, ptr noalias %a, i64 %n) {
entry:
  br label %head
head:
  %k = phi i64 [0, %entry], [%next, %body]
  %more = icmp slt i64 %k, %n
  br i1 %more, label %body, label %done
body:
  %pa = getelementptr double, ptr %a, i64 %k
  %v = load double, ptr %pa
  %w = fmul double %v, 1.75
  %po = getelementptr double, ptr %out, i64 %k
  store double %w, ptr %po
  %next = add i64 %k, 1
  br label %head
done:
  ret void
}
"""


def _body(optimised: str, name: str) -> str:
    return optimised.split(f"@{name}(")[1].split("\n}\n")[0]


def test_straight_line_code_stays_scalar_and_loops_are_vectorised():
    compiled = jit.compile_ir(STRAIGHT_LINE)
    optimised = compiled.optimized_ir
    assert "x double>" not in _body(optimised, "pair")  # the SLP vectoriser packed these in pairs
    assert "x double>" in _body(optimised, "scale")


def test_both_give_the_scalar_results():
    compiled = jit.compile_ir(STRAIGHT_LINE)
    pair = compiled.cfunc("pair", None, np.ctypeslib.ndpointer(np.float64), ctypes.c_double,
                          ctypes.c_double)
    out = np.zeros(4)
    pair(out, 0.1, 0.7)
    assert out.tolist() == [0.1 * 2.5, 0.7 * 3.5, 0.1 + 0.125, 0.7 + 0.375]
    scale = compiled.cfunc("scale", None, np.ctypeslib.ndpointer(np.float64),
                           np.ctypeslib.ndpointer(np.float64), ctypes.c_int64)
    a = np.linspace(-3, 5, 41)
    out = np.zeros(41)
    scale(out, a, 41)
    assert np.array_equal(out, a * 1.75)
