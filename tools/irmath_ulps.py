"""Print the largest error (ulp) of every math function written in IR against numpy (mpmath for
cbrt and lgamma), over doubles spread across all exponents plus dense samples where models use
the functions: the table of docs/architecture.md, "Math lowering".

    python tools/irmath_ulps.py [samples per kind, default 100000]
"""
import pathlib
import sys

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "tests"))
from irmath_harness import NUMPY, apply, build, ulp_errors  # noqa: E402

from brianjit.codegen.irmath import IR_MATH  # noqa: E402


def samples(name, rng, n):
    spread = (rng.integers(0, 2 ** 63, n, dtype=np.int64) * rng.choice([1, -1], n)).view(float)
    spread = spread[np.isfinite(spread)]
    dense = np.concatenate([rng.uniform(-1, 1, n), rng.uniform(-10, 10, n),
                            rng.uniform(-800, 800, n), np.exp(rng.uniform(-740, 700, n))])
    x = np.concatenate([spread, dense])
    if IR_MATH[name][0] == 2:
        y = np.concatenate([rng.uniform(-60, 60, len(x) // 2),
                            np.round(rng.uniform(-30, 30, len(x) - len(x) // 2))])
        return x, rng.permutation(y)
    return (x,)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
    program = build(sorted(IR_MATH), (1,))
    rng = np.random.default_rng(2026)
    print("| function | max ulp | at |")
    print("|---|---|---|")
    for name in sorted(IR_MATH):
        inputs = samples(name, rng, n if name not in ("cbrt", "lgamma") else n // 20)
        with np.errstate(all="ignore"):
            expected = NUMPY[name](*inputs)
        errors = ulp_errors(apply(program, name, 1, *inputs), expected,
                            1.0 if name == "lgamma" else 0.0)
        at = int(np.argmax(errors))
        where = ", ".join(f"{x[at]:.17g}" for x in inputs)
        print(f"| {name} | {errors[at]:.2f} | {where} |")


if __name__ == "__main__":
    main()
