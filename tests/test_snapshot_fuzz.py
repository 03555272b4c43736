"""Restoring a randomly damaged snapshot file (deleted and extra keys, other dtypes, shapes and
values, extreme values at random places) either succeeds with a consistent network, which runs
and passes its own checks again, or raises a user-facing error: never a crash.

Hypothesis runs inside a subprocess (derandomized, 60 examples as the "ci" profile), so that a
crash fails this test; each example prints its mutations first, so the last line of the output
names the one that crashed."""
from snapshot_network import NETWORK
from subprocess_script import run_script

_FUZZ = NETWORK + """
import warnings
from hypothesis import HealthCheck, given, settings, strategies as st

warnings.simplefilter("ignore")
base = stored()
keys = sorted(base)
EXTREMES = [0, 1, -1, 3, 8, 2**31 - 1, -2**31, 10**8, 10**9, 0.5, -0.5, 1e-3, float("nan"),
            float("inf"), -float("inf"), 1e300]
DTYPES = ["int32", "int64", "float64", "float32", "bool", "uint8", "uint32"]
values = st.tuples(st.just("value"), st.sampled_from(keys), st.integers(0, 10**6),
                  st.sampled_from(EXTREMES))
mutations = st.one_of(  # values twice as often: most other damage stops at the first check
    values, values,
    st.tuples(st.just("fill"), st.sampled_from(keys), st.sampled_from(EXTREMES)),
    st.tuples(st.just("dtype"), st.sampled_from(keys), st.sampled_from(DTYPES)),
    st.tuples(st.just("shape"), st.sampled_from(keys),
              st.sampled_from(["empty", "shorter", "longer", "0d", "column", "row"])),
    st.tuples(st.just("delete"), st.sampled_from(keys)),
    st.tuples(st.just("extra"), st.sampled_from(["g/extra", "_network/extra", "zz/v",
                                                 "s/_pre_offsets", "s/_pre_order"])),
)


def mutate(d, mutation):
    kind, key = mutation[:2]
    if kind == "delete":
        d.pop(key, None)
    elif kind == "extra":
        d[key] = np.arange(3, dtype=np.int32)
    elif key not in d:
        return
    elif kind == "dtype":
        d[key] = d[key].astype(mutation[2])
    elif kind == "shape":
        a = d[key].reshape(-1)
        d[key] = {"empty": a[:0], "shorter": a[:-1], "longer": np.concatenate([a, a[:1]]),
                  "0d": a[0] if a.size else np.array(0, a.dtype), "column": a.reshape(-1, 1),
                  "row": a.reshape(1, -1)}[mutation[2]]
        d[key] = np.asarray(d[key])
    else:
        a = d[key].copy()
        value = np.array(mutation[-1]).astype(a.dtype)
        if a.size and kind == "value":
            a.reshape(-1)[mutation[2] % a.size] = value
        elif kind == "fill":
            a[...] = value
        d[key] = a


@settings(derandomize=True, max_examples=int(sys.argv[2]), deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
@given(st.lists(mutations, min_size=1, max_size=2))
def restore_damaged(mutation_list):
    d = {k: v.copy() for k, v in base.items()}
    for mutation in mutation_list:
        mutate(d, mutation)
    print(mutation_list, flush=True)
    write(d, PATH + ".fuzz.npz")
    try:
        net.restore(filename=PATH + ".fuzz.npz")
    except (KeyError, TypeError, ValueError, IndexError, NotImplementedError, MemoryError):
        net.restore(filename=PATH)
    net.run(0.5*ms)
    net.store("consistent")
    net.restore("consistent")  # the state after the run passes every check again
    assert M.v.shape[1] == len(M.t) and len(SM.i) == len(SM.t) and len(R.rate) == len(R.t)
    net.restore(filename=PATH)


restore_damaged()
print("DONE")
"""


def test_damaged_snapshots_never_crash(tmp_path):
    out = run_script(_FUZZ, str(tmp_path / "snapshot.npz"), "60", timeout=600)
    assert out.splitlines()[-1] == "DONE"
