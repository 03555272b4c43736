"""float32 against float64 storage (``prefs.core.default_float_dtype``) on the same model.

    python benchmarks/float32.py [--model cobahh-1s] [--neurons 4000] [--repeats 3] [--threads 1]

Builds the model of ``models.py`` once per dtype and repetition (alternating, so a change of the
machine's load hits both alike), runs 1 ms to compile, then times the run of the model's
duration. Prints the wall time of each run, their minimum, and the spike counts (a chaotic
network's counts differ by a few per cent: float32 rounds every stored value). Both networks
compute in double (docs/architecture.md, "Float storage and compute types"): what float32
changes is the bytes moved per state variable and synapse.
"""
import argparse
import time

import numpy as np

import brianjit as b2
import models
from brianjit import prefs


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="cobahh-1s", choices=sorted(models.MODELS))
    parser.add_argument("--neurons", type=int, default=None)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    model = models.MODELS[args.model]
    seconds, spikes = {"float64": [], "float32": []}, {}
    for _ in range(args.repeats):
        for dtype in seconds:
            b2.start_scope()
            prefs.core.default_float_dtype = getattr(np, dtype)
            prefs.brianjit.threads = args.threads
            built = model.build(b2, args.neurons or model.n)
            net = b2.Network(*built.objects)
            net.run(1 * b2.ms)
            start = time.perf_counter()
            net.run((model.duration or 1.0) * b2.second)
            seconds[dtype].append(time.perf_counter() - start)
            spikes[dtype] = built.spikes.num_spikes if built.spikes is not None else None
    for dtype, times in seconds.items():
        print(f"{dtype}: min {min(times):.3f} s  runs {[round(t, 3) for t in times]}  "
              f"spikes {spikes[dtype]}")


if __name__ == "__main__":
    main()
