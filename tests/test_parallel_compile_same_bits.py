"""A network compiled in one part and in several parts at the same time (``codegen.module_split``,
``forked_map``) computes the same bits: the state of every object after a run is hashed for
CUBA, COBAHH, STDP, a Hodgkin-Huxley axon and a branched SWC neuron with synapses (the
benchmarks' own models, smaller), each process with the disk cache off so that LLVM compiles."""
import json
import os
import subprocess
import sys

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

_SCRIPT = r"""
import hashlib, json, sys
sys.path.insert(0, sys.argv[1])
import numpy as np
import brianjit as sim
import models

SIZES = {"cuba-1s": 400, "cobahh-1s": 400, "stdp-1": 1, "hh-axon": 200, "swc-neuron": 60}
out = {}
for name, n in SIZES.items():
    sim.start_scope()
    model = models.MODELS[name]
    sim.defaultclock.dt = (model.dt or 1e-4) * sim.second
    sim.seed(2024)
    built = model.build(sim, n)
    net = sim.Network(*built.objects)
    net.run(100 * sim.defaultclock.dt)
    digest = hashlib.sha256()
    for obj in built.objects:
        for key, value in sorted(obj.get_states(units=False).items()):
            digest.update(key.encode())
            digest.update(np.ascontiguousarray(value).tobytes())
    out[name] = {"hash": digest.hexdigest(), "parts": len(net._program.compiled.optimized_parts),
                 "spikes": int(built.spikes.num_spikes) if built.spikes is not None else 0}
print(json.dumps(out))
"""


def _start(threads):
    env = dict(os.environ, BRIANJIT_CACHE="0", BRIANJIT_COMPILE_PARTS=str(threads))
    return subprocess.Popen([sys.executable, "-c", _SCRIPT, os.path.join(_ROOT, "benchmarks")],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _result(process):
    out, err = process.communicate(timeout=600)
    assert process.returncode == 0, err[-3000:]
    return json.loads(out.strip().splitlines()[-1])


def test_one_part_and_several_parts_compute_the_same_bits():
    whole, split = _start(1), _start(3)
    whole, split = _result(whole), _result(split)
    assert set(whole) == set(split)
    for name in whole:
        assert whole[name]["parts"] == 1, name
        assert split[name]["parts"] > 1, name  # it was really split
        assert whole[name]["hash"] == split[name]["hash"], name
    # the runs did something: spikes where the models make them in 100 steps
    assert whole["hh-axon"]["spikes"] > 0 or whole["cobahh-1s"]["spikes"] > 0
