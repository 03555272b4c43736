"""CUBA and COBAHH written by hand with numba: the baseline an expert would hand-roll.

Plain arrays and loops, one ``@njit(fastmath=True)`` function per model that advances all neurons
over a range of steps: state update, threshold, synaptic effects through a CSR adjacency
(``indptr``/``targets`` per source neuron), reset, spike recording.  Single-threaded, like brianjit
and Brian2's default targets.  The parameters and initial states come from ``models.py`` (the
same numbers the simulators get), the schedule is Brian2's (groups, thresholds, synapses, resets)
and refractoriness counts whole steps as Brian2 does.  Connectivity is drawn here with numpy at
the model's ``p``, so spike counts agree with the simulators' only statistically.

Fields: ``build_s`` is numba's compilation (a call over zero steps), ``native_run_s`` the warm
run's loop (processor time, as every target's ``native``), ``cold_s`` setup + compilation + first
run.  Runs inside ``benchmarks/.venv-numba``.
"""

import math
import time

_t_start = time.perf_counter()

import numpy as np  # noqa: E402

import models  # noqa: E402
from worker_common import Stopwatch, emit, parse_args  # noqa: E402


def random_csr(n, n_exc, p, rng):
    """Random adjacency with probability ``p`` per ordered pair, as CSR; sources < n_exc excite."""
    indptr = np.zeros(n + 1, dtype=np.int64)
    rows = []
    for source in range(n):
        row = np.flatnonzero(rng.random(n) < p).astype(np.int32)
        rows.append(row)
        indptr[source + 1] = indptr[source] + row.size
    return indptr, np.concatenate(rows)


def make_kernels(numba):
    """Compile-on-first-call kernels; built here so importing this module needs no numba."""
    njit = numba.njit(fastmath=True, cache=False)

    @njit
    def propagate(spikes, n_spikes, indptr, targets, n_exc, we, wi, ge, gi):
        for s in range(n_spikes):
            source = spikes[s]
            weight = we if source < n_exc else wi
            conductance = ge if source < n_exc else gi
            for k in range(indptr[source], indptr[source + 1]):
                conductance[targets[k]] += weight

    @njit
    def record(spikes, n_spikes, step, lastspike, rec_i, rec_step, n_rec):
        """The step's spikes: last spike times and the recording; returns the new record count."""
        for s in range(n_spikes):
            k = spikes[s]
            lastspike[k] = step
            rec_i[n_rec] = k
            rec_step[n_rec] = step
            n_rec += 1
        return n_rec

    @njit
    def cuba(first, last, v, ge, gi, lastspike, ref_steps, c, indptr, targets, n_exc,
             spikes, rec_i, rec_step, n_rec):
        """Steps [first, last); returns (next step, records) and stops early if rec is full."""
        n = v.shape[0]
        decay_m, decay_e, decay_i, el, vt, vr = c[0], c[1], c[2], c[3], c[4], c[5]
        coeff_e, coeff_i, we, wi = c[6], c[7], c[8], c[9]
        for step in range(first, last):
            if n_rec + n > rec_i.shape[0]:
                return step, n_rec
            n_spikes = 0
            for k in range(n):
                active = step - lastspike[k] >= ref_steps
                if active:  # exact solution of the linear system over one step
                    v[k] = el + (v[k] - el) * decay_m + ge[k] * coeff_e + gi[k] * coeff_i
                ge[k] *= decay_e
                gi[k] *= decay_i
                if active and v[k] > vt:
                    spikes[n_spikes] = k
                    n_spikes += 1
            propagate(spikes, n_spikes, indptr, targets, n_exc, we, wi, ge, gi)
            for s in range(n_spikes):
                v[spikes[s]] = vr
            n_rec = record(spikes, n_spikes, step, lastspike, rec_i, rec_step, n_rec)
        return last, n_rec

    @njit
    def exprel(x):
        return 1.0 if x == 0.0 else math.expm1(x) / x

    @njit
    def relax(x, alpha, beta, dt):
        """Exponential Euler for dx/dt = alpha*(1 - x) - beta*x."""
        total = alpha + beta
        steady = alpha / total
        return steady + (x - steady) * math.exp(-total * dt)

    @njit
    def cobahh(first, last, v, m, n_gate, h, ge, gi, lastspike, ref_steps, c, indptr,
               targets, n_exc, spikes, rec_i, rec_step, n_rec):
        n = v.shape[0]
        dt, cm, gl, g_na, g_kd, el, ek, ena, vt = c[0], c[1], c[2], c[3], c[4], c[5], c[6], \
            c[7], c[8]
        ee, ei, decay_e, decay_i, we, wi = c[9], c[10], c[11], c[12], c[13], c[14]
        mv = 1e-3
        for step in range(first, last):
            if n_rec + n > rec_i.shape[0]:
                return step, n_rec
            n_spikes = 0
            for k in range(n):
                vk = v[k]
                alpha_m = 1.28e3 / exprel((13 * mv - vk + vt) / (4 * mv))
                beta_m = 1.4e3 / exprel((vk - vt - 40 * mv) / (5 * mv))
                alpha_h = 128.0 * math.exp((17 * mv - vk + vt) / (18 * mv))
                beta_h = 4e3 / (1.0 + math.exp((40 * mv - vk + vt) / (5 * mv)))
                alpha_n = 160.0 / exprel((15 * mv - vk + vt) / (5 * mv))
                beta_n = 500.0 * math.exp((10 * mv - vk + vt) / (40 * mv))
                m3h = m[k] * m[k] * m[k] * h[k]
                n4 = n_gate[k] * n_gate[k] * n_gate[k] * n_gate[k]
                # dv/dt = a*v + b, every other variable at its value from the step's start
                a = -(gl + ge[k] + gi[k] + g_na * m3h + g_kd * n4) / cm
                b = (gl * el + ge[k] * ee + gi[k] * ei + g_na * m3h * ena + g_kd * n4 * ek) / cm
                v[k] = -b / a + (vk + b / a) * math.exp(a * dt)
                m[k] = relax(m[k], alpha_m, beta_m, dt)
                h[k] = relax(h[k], alpha_h, beta_h, dt)
                n_gate[k] = relax(n_gate[k], alpha_n, beta_n, dt)
                ge[k] *= decay_e
                gi[k] *= decay_i
                if v[k] > -20 * mv and step - lastspike[k] >= ref_steps:
                    spikes[n_spikes] = k
                    n_spikes += 1
            propagate(spikes, n_spikes, indptr, targets, n_exc, we, wi, ge, gi)
            n_rec = record(spikes, n_spikes, step, lastspike, rec_i, rec_step, n_rec)
        return last, n_rec

    return cuba, cobahh


class Simulation:
    """State, connectivity and a growable spike record for one network; ``run(steps)``."""

    def __init__(self, kernel, state, constants, ref_steps, indptr, targets, n_exc):
        self.kernel, self.state, self.constants = kernel, state, constants
        self.ref_steps, self.indptr, self.targets, self.n_exc = ref_steps, indptr, targets, n_exc
        n = state[0].shape[0]
        self.lastspike = np.full(n, -(1 << 40), dtype=np.int64)
        self.spikes = np.empty(n, dtype=np.int32)
        self.rec_i = np.empty(16 * n, dtype=np.int32)
        self.rec_step = np.empty(16 * n, dtype=np.int64)
        self.n_rec = 0
        self.step = 0

    def run(self, steps):
        stop = self.step + steps
        while True:
            self.step, self.n_rec = self.kernel(
                self.step, stop, *self.state, self.lastspike, self.ref_steps, self.constants,
                self.indptr, self.targets, self.n_exc, self.spikes, self.rec_i, self.rec_step,
                self.n_rec)
            if self.step == stop:
                return
            self.rec_i = np.concatenate([self.rec_i, np.empty_like(self.rec_i)])
            self.rec_step = np.concatenate([self.rec_step, np.empty_like(self.rec_step)])


def setup_cuba(kernels, n, dt, rng):
    c = models.si(models.CUBA_CONSTANTS)
    taum, taue, taui = c["taum"], c["taue"], c["taui"]
    constants = np.array([
        math.exp(-dt / taum), math.exp(-dt / taue), math.exp(-dt / taui), c["El"], c["Vt"],
        c["Vr"],
        taue / (taue - taum) * (math.exp(-dt / taue) - math.exp(-dt / taum)),
        taui / (taui - taum) * (math.exp(-dt / taui) - math.exp(-dt / taum)),
        c["we"], c["wi"]])
    n_exc = int(n * c["excitatory_fraction"])
    state = (models.cuba_initial_v(n, c), np.zeros(n), np.zeros(n))
    return Simulation(kernels[0], state, constants, round(c["refractory"] / dt),
                      *random_csr(n, n_exc, c["p"], rng), n_exc)


def setup_cobahh(kernels, n, dt, rng):
    c = models.si(models.COBAHH_CONSTANTS)
    constants = np.array([
        dt, c["Cm"], c["gl"], c["g_na"], c["g_kd"], c["El"], c["EK"], c["ENa"], c["VT"],
        c["Ee"], c["Ei"], math.exp(-dt / c["taue"]), math.exp(-dt / c["taui"]), c["we"],
        c["wi"]])
    n_exc = int(n * c["excitatory_fraction"])
    v, ge, gi = models.cobahh_initial_state(n, c)
    state = (v, np.zeros(n), np.zeros(n), np.zeros(n), ge, gi)  # v, m, n, h, ge, gi
    return Simulation(kernels[1], state, constants, round(c["refractory"] / dt),
                      *random_csr(n, n_exc, c["p"], rng), n_exc)


SETUPS = {"cuba": setup_cuba, "cobahh": setup_cobahh}


def main():
    args, model = parse_args(__doc__.splitlines()[0])
    family = args.model.split("-")[0]
    if family not in SETUPS:
        raise SystemExit(f"no hand-written numba version of {args.model!r}")
    import numba

    import_s = time.perf_counter() - _t_start
    steps = round(args.duration / args.dt)
    with Stopwatch() as setup:
        sim = SETUPS[family](make_kernels(numba), args.n, args.dt,
                             np.random.default_rng(args.seed))
    with Stopwatch() as build:
        sim.run(0)  # compiles for these argument types, simulates nothing
    with Stopwatch() as first:
        sim.run(steps)
    spikes = sim.n_rec
    with Stopwatch() as warm:
        sim.run(steps)
    emit(args, "numba", "hand-written", import_s=import_s, setup_s=setup.seconds,
         build_s=build.seconds, first_run_s=build.seconds + first.seconds,
         cold_s=setup.seconds + build.seconds + first.seconds, warm_run_s=warm.seconds,
         native_run_s=warm.processor_seconds, spikes=spikes, warm_spikes=sim.n_rec - spikes,
         details={"numba": numba.__version__, "synapses": int(sim.indptr[-1])})


if __name__ == "__main__":
    main()
