"""Benchmark models: one definition each, run unchanged by every simulator.

A model is a ``build(sim, n)`` function plus metadata.  ``sim`` is the namespace a user gets from
``from brian2 import *`` or ``from brianjit import *`` (see ``worker_common.star_namespace``), so the
model text (equations, threshold, reset) is the *same string object* for every simulator, and the
only thing that differs between runs is which library interprets it.  Constants are passed with the
``namespace=`` argument rather than picked up from the caller's frame, so nothing depends on
implicit namespace lookup.  Initial values come from a seeded numpy generator, so every simulator
starts from identical state.

To add a model (CUBA, COBAHH, STDP, synapse creation, ...): write its ``build`` function, returning
all objects to put into the ``Network`` and the ``SpikeMonitor`` whose count is the sanity check,
and register it in ``MODELS``.  This module must import nothing but numpy: it is loaded both in the
brianjit interpreter and in the Brian2 virtual environment.
"""

from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np


@dataclass(frozen=True)
class Built:
    """What a model's build function hands back to the worker."""

    objects: tuple  # everything that goes into Network(...), monitors included
    spikes: object = None  # the SpikeMonitor whose count is compared across simulators
    # Synapse-creation models leave the connecting to the worker, which times it (and the memory
    # it takes) on its own: ``connect()`` creates them, ``synapses`` is the Synapses object.
    connect: Optional[Callable] = None
    synapses: object = None


@dataclass(frozen=True)
class Model:
    name: str
    description: str
    n: int  # neurons in the full-size benchmark (synapse creation: synapses)
    build: Callable  # build(sim, n) -> Built
    duration: Optional[float] = None  # biological seconds; None: the runner's --duration
    constants: Optional[dict] = None  # SI parameters, for hand-written baselines (numba)
    dt: Optional[float] = None  # seconds; None: the runner's --dt (default 0.1 ms)


# Parameters are written once as (value, unit name) and turned into Brian-style quantities for the
# simulators (``namespace``) or plain SI floats for a hand-written baseline (``si``), so a numba
# loop cannot drift from the model text's parameters.
_UNIT_SCALE = {"1": 1.0, "second": 1.0, "ms": 1e-3, "mV": 1e-3, "Hz": 1.0,
               "nS": 1e-9, "uS": 1e-6, "pF": 1e-12}


def namespace(sim, constants):
    """``{name: quantity}`` in the simulator's units (dimensionless values stay floats)."""
    return {name: value if unit == "1" else value * getattr(sim, unit)
            for name, (value, unit) in constants.items()}


def si(constants):
    """``{name: float in SI units}`` for code that has no unit system."""
    return {name: value * _UNIT_SCALE[unit] for name, (value, unit) in constants.items()}


# --- (1) leaky integrate-and-fire with white noise and refractoriness --------------------------

LIF_EQUATIONS = """
dv/dt = (I - v)/tau + sigma*sqrt(2/tau)*xi : volt (unless refractory)
I : volt
"""
LIF_THRESHOLD = "v > v_threshold"
LIF_RESET = "v = v_reset"


def build_lif(sim, n):
    """Noisy LIF, each neuron driven by its own constant input between 15 and 30 mV.

    With threshold 20 mV some neurons fire only through noise and the strongest at ~40 Hz, so the
    spike count exercises threshold, reset and refractory handling without flooding the monitor.
    """
    namespace = {
        "tau": 10 * sim.ms,
        "sigma": 2 * sim.mV,
        "v_threshold": 20 * sim.mV,
        "v_reset": 0 * sim.mV,
    }
    group = sim.NeuronGroup(n, LIF_EQUATIONS, threshold=LIF_THRESHOLD, reset=LIF_RESET,
                            refractory=5 * sim.ms, method="euler", namespace=namespace)
    rng = np.random.default_rng(20240501)
    group.v = rng.uniform(0.0, 20.0, n) * sim.mV
    group.I = np.linspace(15.0, 30.0, n) * sim.mV
    monitor = sim.SpikeMonitor(group)
    return Built(objects=(group, monitor), spikes=monitor)


# --- (2) classic Hodgkin-Huxley (squid axon, resting at -65 mV) ---------------------------------

HH_EQUATIONS = """
dv/dt = (g_l*(E_l - v) - g_na*m**3*h*(v - E_na) - g_k*n**4*(v - E_k) + I)/C_m : volt
dm/dt = alpha_m*(1 - m) - beta_m*m : 1
dh/dt = alpha_h*(1 - h) - beta_h*h : 1
dn/dt = alpha_n*(1 - n) - beta_n*n : 1
alpha_m = 0.1/mV*(v + 40*mV)/(1 - exp(-(v + 40*mV)/(10*mV)))/ms : Hz
beta_m = 4*exp(-(v + 65*mV)/(18*mV))/ms : Hz
alpha_h = 0.07*exp(-(v + 65*mV)/(20*mV))/ms : Hz
beta_h = 1/(1 + exp(-(v + 35*mV)/(10*mV)))/ms : Hz
alpha_n = 0.01/mV*(v + 55*mV)/(1 - exp(-(v + 55*mV)/(10*mV)))/ms : Hz
beta_n = 0.125*exp(-(v + 65*mV)/(80*mV))/ms : Hz
I : amp
"""
HH_THRESHOLD = "v > -20*mV"


def build_hh(sim, n):
    """Hodgkin & Huxley (1952) on a 20,000 um^2 patch, input current ramped 0..4 nA over neurons.

    Densities 1 uF/cm^2, 120/36/0.3 mS/cm^2 times the area give the absolute values below.
    Rheobase is ~1.3 nA, so roughly the lower third stays silent and the rest fires at up to
    ~100 Hz.  No noise: spike counts should agree closely between simulators.  The 3 ms refractory
    period only keeps one action potential from being counted twice (v is not clamped).
    """
    namespace = {
        "C_m": 200 * sim.pF,
        "g_l": 60 * sim.nS,
        "g_na": 24 * sim.uS,
        "g_k": 7.2 * sim.uS,
        "E_l": -54.387 * sim.mV,
        "E_na": 50 * sim.mV,
        "E_k": -77 * sim.mV,
    }
    group = sim.NeuronGroup(n, HH_EQUATIONS, threshold=HH_THRESHOLD, refractory=3 * sim.ms,
                            method="exponential_euler", namespace=namespace)
    group.v = np.full(n, -65.0) * sim.mV
    group.m = np.full(n, 0.0529)
    group.h = np.full(n, 0.5961)
    group.n = np.full(n, 0.3177)
    group.I = np.linspace(0.0, 4.0, n) * sim.nA
    monitor = sim.SpikeMonitor(group)
    return Built(objects=(group, monitor), spikes=monitor)


# --- (3) CUBA: Vogels & Abbott (2005) as in Brette et al. (2007), Brian2's CUBA example ---------

CUBA_CONSTANTS = {
    "taum": (20, "ms"), "taue": (5, "ms"), "taui": (10, "ms"),
    "Vt": (-50, "mV"), "Vr": (-60, "mV"), "El": (-49, "mV"),
    "we": (60 * 0.27 / 10, "mV"),   # excitatory weight, as a voltage jump
    "wi": (-20 * 4.5 / 10, "mV"),   # inhibitory weight
    "refractory": (5, "ms"), "p": (0.02, "1"), "excitatory_fraction": (0.8, "1"),
}
CUBA_EQUATIONS = """
dv/dt = (ge + gi - (v - El))/taum : volt (unless refractory)
dge/dt = -ge/taue : volt
dgi/dt = -gi/taui : volt
"""
CUBA_THRESHOLD = "v > Vt"
CUBA_RESET = "v = Vr"
CUBA_ON_PRE_E = "ge += we"
CUBA_ON_PRE_I = "gi += wi"
CUBA_CONNECT_E = "i < n_exc"
CUBA_CONNECT_I = "i >= n_exc"


def excitatory_inhibitory(sim, group, ns, on_pre_e, on_pre_i):
    """CUBA's and COBAHH's recurrent connections (the first ``n_exc`` neurons excitatory, the rest
    inhibitory, probability ``p``) and a SpikeMonitor: the network the benchmark runs."""
    exc = sim.Synapses(group, group, on_pre=on_pre_e, namespace=ns)
    inh = sim.Synapses(group, group, on_pre=on_pre_i, namespace=ns)
    exc.connect(CUBA_CONNECT_E, p=ns["p"], namespace=ns)
    inh.connect(CUBA_CONNECT_I, p=ns["p"], namespace=ns)
    monitor = sim.SpikeMonitor(group)
    return Built(objects=(group, exc, inh, monitor), spikes=monitor)


def cuba_initial_v(n, c):
    """Uniform between reset and threshold (SI floats), from a fixed seed: shared by all."""
    return np.random.default_rng(20240502).uniform(c["Vr"], c["Vt"], n)


def build_cuba(sim, n):
    """Current-based LIF network, 80 % excitatory, random connectivity p = 0.02, ``exact``.

    Like Brian2's example, but the initial voltages come from numpy so every simulator starts alike.
    Connectivity comes from each simulator's own ``connect(p=...)``, so spike counts agree only
    statistically (the network is chaotic anyway).
    """
    ns = namespace(sim, CUBA_CONSTANTS)
    ns["n_exc"] = int(n * CUBA_CONSTANTS["excitatory_fraction"][0])
    group = sim.NeuronGroup(n, CUBA_EQUATIONS, threshold=CUBA_THRESHOLD, reset=CUBA_RESET,
                            refractory=ns["refractory"], method="exact", namespace=ns)
    group.v = cuba_initial_v(n, si(CUBA_CONSTANTS)) * sim.volt
    return excitatory_inhibitory(sim, group, ns, CUBA_ON_PRE_E, CUBA_ON_PRE_I)


# --- (4) COBAHH: Traub-Miles HH with conductance synapses, Brian2's COBAHH example --------------

COBAHH_CONSTANTS = {  # densities times the 20,000 um^2 area of the example
    "Cm": (200, "pF"),       # 1 uF/cm^2
    "gl": (10, "nS"),        # 5e-5 S/cm^2
    "g_na": (20, "uS"),      # 100 mS/cm^2
    "g_kd": (6, "uS"),       # 30 mS/cm^2
    "El": (-60, "mV"), "EK": (-90, "mV"), "ENa": (50, "mV"), "VT": (-63, "mV"),
    "taue": (5, "ms"), "taui": (10, "ms"), "Ee": (0, "mV"), "Ei": (-80, "mV"),
    "we": (6, "nS"), "wi": (67, "nS"),
    "refractory": (3, "ms"), "p": (0.02, "1"), "excitatory_fraction": (0.8, "1"),
}
COBAHH_EQUATIONS = """
dv/dt = (gl*(El - v) + ge*(Ee - v) + gi*(Ei - v) - g_na*(m*m*m)*h*(v - ENa) - g_kd*(n*n*n*n)*(v - EK))/Cm : volt
dm/dt = alpha_m*(1 - m) - beta_m*m : 1
dn/dt = alpha_n*(1 - n) - beta_n*n : 1
dh/dt = alpha_h*(1 - h) - beta_h*h : 1
dge/dt = -ge*(1./taue) : siemens
dgi/dt = -gi*(1./taui) : siemens
alpha_m = 0.32*(mV**-1)*4*mV/exprel((13*mV - v + VT)/(4*mV))/ms : Hz
beta_m = 0.28*(mV**-1)*5*mV/exprel((v - VT - 40*mV)/(5*mV))/ms : Hz
alpha_h = 0.128*exp((17*mV - v + VT)/(18*mV))/ms : Hz
beta_h = 4./(1 + exp((40*mV - v + VT)/(5*mV)))/ms : Hz
alpha_n = 0.032*(mV**-1)*5*mV/exprel((15*mV - v + VT)/(5*mV))/ms : Hz
beta_n = .5*exp((10*mV - v + VT)/(40*mV))/ms : Hz
"""
COBAHH_THRESHOLD = "v > -20*mV"
COBAHH_ON_PRE_E = "ge += we"
COBAHH_ON_PRE_I = "gi += wi"


def cobahh_initial_state(n, c):
    """v, ge, gi (SI floats) drawn as in Brian2's example, from a fixed numpy seed."""
    rng = np.random.default_rng(20240503)
    v = c["El"] + (rng.standard_normal(n) * 5 - 5) * 1e-3
    ge = (rng.standard_normal(n) * 1.5 + 4) * 10 * 1e-9
    gi = (rng.standard_normal(n) * 12 + 20) * 10 * 1e-9
    return v, ge, gi


def build_cobahh(sim, n):
    """HH network with conductance-based synapses, ``exponential_euler``, p = 0.02.

    Brian2's example connects the subgroups P[:3200] and P[3200:]; here the same connectivity is
    written as the conditions ``i < n_exc`` / ``i >= n_exc`` (brianjit has no subgroups yet).
    """
    ns = namespace(sim, COBAHH_CONSTANTS)
    ns["n_exc"] = int(n * COBAHH_CONSTANTS["excitatory_fraction"][0])
    group = sim.NeuronGroup(n, COBAHH_EQUATIONS, threshold=COBAHH_THRESHOLD,
                            refractory=ns["refractory"], method="exponential_euler", namespace=ns)
    v, ge, gi = cobahh_initial_state(n, si(COBAHH_CONSTANTS))
    group.v = v * sim.volt
    group.ge = ge * sim.siemens
    group.gi = gi * sim.siemens
    return excitatory_inhibitory(sim, group, ns, COBAHH_ON_PRE_E, COBAHH_ON_PRE_I)


# --- (5) STDP: Song, Miller & Abbott (2000), Brian2's STDP example ------------------------------

_GMAX = 0.01
STDP_CONSTANTS = {
    "taum": (10, "ms"), "taupre": (20, "ms"), "taupost": (20, "ms"), "Ee": (0, "mV"),
    "vt": (-54, "mV"), "vr": (-60, "mV"), "El": (-74, "mV"), "taue": (5, "ms"),
    "F": (15, "Hz"), "gmax": (_GMAX, "1"),
    "dApre": (0.01 * _GMAX, "1"),
    "dApost": (-0.01 * 1.05 * _GMAX, "1"),  # -dApre * taupre/taupost * 1.05, times gmax
}
STDP_INPUTS = 1000
STDP_NEURON_EQUATIONS = """
dv/dt = (ge * (Ee - v) + El - v) / taum : volt
dge/dt = -ge / taue : 1
"""
STDP_SYNAPSE_EQUATIONS = """
w : 1
dApre/dt = -Apre / taupre : 1 (event-driven)
dApost/dt = -Apost / taupost : 1 (event-driven)
"""
STDP_ON_PRE = """
ge += w
Apre += dApre
w = clip(w + Apost, 0, gmax)
"""
STDP_ON_POST = """
Apost += dApost
w = clip(w + Apre, 0, gmax)
"""


def build_stdp(sim, n):
    """1,000 Poisson inputs at 15 Hz, all-to-all onto ``n`` neurons through event-driven STDP.

    The spike count is the output neurons' (the inputs' count is fixed by the rate).  Weights start
    as ``rand() * gmax`` from each simulator's own generator, as in the example; its weight
    StateMonitor is left out (it measures recording, not plasticity).
    """
    ns = namespace(sim, STDP_CONSTANTS)
    inputs = sim.PoissonGroup(STDP_INPUTS, rates=ns["F"])
    neurons = sim.NeuronGroup(n, STDP_NEURON_EQUATIONS, threshold="v > vt", reset="v = vr",
                              method="euler", namespace=ns)
    neurons.v = ns["vr"]
    synapses = sim.Synapses(inputs, neurons, STDP_SYNAPSE_EQUATIONS, on_pre=STDP_ON_PRE,
                            on_post=STDP_ON_POST, namespace=ns)
    synapses.connect()
    synapses.w = "rand() * gmax"
    monitor = sim.SpikeMonitor(neurons)
    return Built(objects=(inputs, neurons, synapses, monitor), spikes=monitor)


# --- (6) synapse creation: connect(p=...) alone, n synapses expected ---------------------------

CREATION_NEURONS = 20_000
CREATION_SYNAPSE_EQUATIONS = "w : volt"
CREATION_ON_PRE = "v_post += w"


def build_creation(sim, n):
    """``connect(p=n/N**2)`` between two groups of 20,000 silent neurons: ~``n`` static synapses.

    Each synapse has what a static synapse needs: source, target and a weight ``w``, plus an
    ``on_pre`` pathway (so the simulators build their spike-propagation structures in the
    one-step run that follows).  The worker times ``connect()`` itself.
    """
    ns = {"p": n / CREATION_NEURONS ** 2}
    source = sim.NeuronGroup(CREATION_NEURONS, "v : volt", threshold="v > 1*volt")
    target = sim.NeuronGroup(CREATION_NEURONS, "v : volt")
    synapses = sim.Synapses(source, target, CREATION_SYNAPSE_EQUATIONS, on_pre=CREATION_ON_PRE)
    return Built(objects=(source, target, synapses),
                 connect=lambda: synapses.connect(p=ns["p"], namespace=ns), synapses=synapses)


# --- (7) multicompartment neurons: a Hodgkin-Huxley axon, a branched neuron from an SWC file ---

# Hodgkin & Huxley's squid axon with their voltage convention (rest at 0 mV), as in Brian2's
# example examples/compartmental/hh_with_spikes.py; the dendrites of the SWC neuron are passive
# (gNa = gK = 0, and El = 0 mV, so that they rest at 0 mV too)
AXON_CONSTANTS = {"El0": (10.613, "mV"), "ENa": (115, "mV"), "EK": (-12, "mV"),
                  "gl": (0.3, "mS/cm2"), "gNa0": (120, "mS/cm2"), "gK0": (36, "mS/cm2"),
                  "Es": (70, "mV"), "taus": (2, "ms")}
_UNIT_SCALE["mS/cm2"] = 10.0
MULTICOMPARTMENT_EQUATIONS = """
Im = gl * (El-v) + gNa * m**3 * h * (ENa-v) + gK * n**4 * (EK-v) : amp/meter**2
I : amp (point current)
I_syn = gs*(Es - v) : amp (point current)
dgs/dt = -gs/taus : siemens
dm/dt = alpham * (1-m) - betam * m : 1
dn/dt = alphan * (1-n) - betan * n : 1
dh/dt = alphah * (1-h) - betah * h : 1
alpham = (0.1/mV) * (-v+25*mV) / (exp((-v+25*mV) / (10*mV)) - 1)/ms : Hz
betam = 4 * exp(-v/(18*mV))/ms : Hz
alphah = 0.07 * exp(-v/(20*mV))/ms : Hz
betah = 1/(exp((-v+30*mV) / (10*mV)) + 1)/ms : Hz
alphan = (0.01/mV) * (-v+10*mV) / (exp((-v+10*mV) / (10*mV)) - 1)/ms : Hz
betan = 0.125*exp(-v/(80*mV))/ms : Hz
gNa : siemens/meter**2
gK : siemens/meter**2
El : volt
"""
MULTICOMPARTMENT_THRESHOLD = "v > 50*mV"


def _axon_neuron(sim, morphology, threshold_location, Ri):
    """The SpatialNeuron of both models, at rest (the gating variables' values at 0 mV)."""
    ns = namespace(sim, {k: v for k, v in AXON_CONSTANTS.items() if v[1] != "mS/cm2"})
    ns.update({k: v * sim.msiemens / sim.cm**2 for k, (v, unit) in AXON_CONSTANTS.items()
               if unit == "mS/cm2"})
    neuron = sim.SpatialNeuron(morphology, MULTICOMPARTMENT_EQUATIONS, method="exponential_euler",
                               threshold=MULTICOMPARTMENT_THRESHOLD,
                               threshold_location=threshold_location,
                               refractory=MULTICOMPARTMENT_THRESHOLD, Cm=1 * sim.uF / sim.cm**2,
                               Ri=Ri * sim.ohm * sim.cm, namespace=ns)
    neuron.v = 0 * sim.mV
    neuron.m, neuron.n, neuron.h = 0.0529324852572, 0.317676914061, 0.596120753508
    return neuron, ns


def build_hh_axon(sim, n):
    """Hodgkin & Huxley's squid axon (10 cm, 476 um) in ``n`` compartments, a constant 1.5 uA
    into one end: a train of action potentials travels along it (~12 m/s); spikes are counted
    at the far end. dt = 10 us."""
    morphology = sim.Cylinder(length=10 * sim.cm, diameter=2 * 238 * sim.um, n=n, type="axon")
    neuron, ns = _axon_neuron(sim, morphology, n - 1, Ri=35.4)
    neuron.gNa, neuron.gK, neuron.El = ns["gNa0"], ns["gK0"], ns["El0"]
    neuron.I[0] = 1.5 * sim.uA
    monitor = sim.SpikeMonitor(neuron)
    return Built(objects=(neuron, monitor), spikes=monitor)


def synthetic_swc(seed=20240508, dendrites=5, levels=2, step_um=8.0):
    """The text of a small but realistic SWC reconstruction, drawn from a fixed seed: a
    spherical soma (one point, radius 10 um), an axon (type 2, 60 points), and ``dendrites``
    basal dendrites (type 3) that branch in two ``levels`` times, thinning at each branch point
    (Rall's 3/2 power rule) and bending a little at every point. Points are ``step_um`` apart,
    so each becomes one compartment: 5 dendrites that branch twice give 35 dendritic sections,
    ~350 dendritic compartments and 15 branch points besides the soma."""
    rng = np.random.default_rng(seed)
    lines = ["# synthetic neuron: soma, axon, branched basal dendrites",
             "1 1 0.0 0.0 0.0 10.0 -1"]

    def add(kind, point, radius, parent):
        lines.append(f"{len(lines)} {kind} {point[0]:.4f} {point[1]:.4f} {point[2]:.4f} "
                     f"{radius:.4f} {parent}")
        return len(lines) - 1

    def grow(kind, start, direction, radius, parent, points):
        for _ in range(points):
            direction = direction + rng.normal(0, 0.15, 3)
            direction /= np.linalg.norm(direction)
            start = start + step_um * direction
            parent = add(kind, start, radius, parent)
        return start, direction, parent

    axon_direction = np.array([0.0, -1.0, 0.0])
    grow(2, 10 * axon_direction, axon_direction, 0.5, 1, 60)
    stack = []
    for k in range(dendrites):
        angle = 2 * np.pi * k / dendrites
        direction = np.array([np.cos(angle), 0.5 + rng.uniform(), np.sin(angle)])
        direction /= np.linalg.norm(direction)
        stack.append((10 * direction, direction, 1.2, 1, 0))
    while stack:
        start, direction, radius, parent, level = stack.pop()
        end, direction, last = grow(3, start, direction, radius, parent, int(rng.integers(6, 14)))
        if level < levels:
            child = radius / 2 ** (2 / 3)
            for side in (-1, 1):
                turn = np.cross(direction, [0.0, 0.0, 1.0]) * side * 0.5
                stack.append((end, direction + turn, child, last, level + 1))
    return "\n".join(lines) + "\n"


def build_swc_neuron(sim, n):
    """A branched neuron from :func:`synthetic_swc` (soma and axon active, dendrites passive)
    driven by ``n`` Poisson inputs at 2 Hz through excitatory conductance synapses (10 nS) onto
    dendritic compartments chosen from a fixed seed; spikes are counted at the soma (~20 Hz).
    dt = 25 us."""
    import os
    import tempfile
    handle, path = tempfile.mkstemp(suffix=".swc")
    try:
        with os.fdopen(handle, "w") as swc:
            swc.write(synthetic_swc())
        morphology = sim.Morphology.from_file(path)
    finally:
        os.remove(path)
    neuron, ns = _axon_neuron(sim, morphology, 0, Ri=100)
    for active in (neuron.main, neuron.axon):
        active.gNa, active.gK, active.El = ns["gNa0"], ns["gK0"], ns["El0"]
    # from the morphology (standalone devices cannot read state variables before the run)
    dendritic = np.setdiff1d(np.arange(morphology.total_compartments),
                             np.r_[morphology.indices[:], morphology.axon.indices[:]])
    inputs = sim.PoissonGroup(n, rates=2 * sim.Hz)
    synapses = sim.Synapses(inputs, neuron, "w : siemens", on_pre="gs += w")
    targets = np.random.default_rng(20240509).choice(dendritic, size=n)
    synapses.connect(i=np.arange(n), j=targets)
    synapses.w = 10 * sim.nS
    monitor = sim.SpikeMonitor(neuron)
    return Built(objects=(neuron, inputs, synapses, monitor), spikes=monitor)


MODELS = {
    model.name: model
    for model in (
        Model("lif", "10,000 noisy LIF neurons, refractory, euler", 10_000, build_lif),
        Model("hh", "4,000 Hodgkin-Huxley neurons, exponential_euler", 4_000, build_hh),
        Model("cuba-1s", "CUBA: 4,000 LIF, p = 0.02, exact, 1 s", 4_000, build_cuba, 1.0,
              CUBA_CONSTANTS),
        Model("cuba-10s", "CUBA: 4,000 LIF, p = 0.02, exact, 10 s", 4_000, build_cuba, 10.0,
              CUBA_CONSTANTS),
        Model("cobahh-1s", "COBAHH: 4,000 HH, p = 0.02, exponential_euler, 1 s", 4_000,
              build_cobahh, 1.0, COBAHH_CONSTANTS),
        Model("cobahh-10s", "COBAHH: 4,000 HH, p = 0.02, exponential_euler, 10 s", 4_000,
              build_cobahh, 10.0, COBAHH_CONSTANTS),
        Model("stdp-1", "STDP: 1,000 Poisson inputs -> 1 neuron, event-driven, 100 s", 1,
              build_stdp, 100.0),
        Model("stdp-1000", "STDP: 1,000 Poisson inputs -> 1,000 neurons (10^6 syn.), 10 s", 1000,
              build_stdp, 10.0),
        Model("create-1e6", "synapse creation: connect(p) -> 10^6 synapses, 1 step", 10**6,
              build_creation, 1e-4),
        Model("create-1e7", "synapse creation: connect(p) -> 10^7 synapses, 1 step", 10**7,
              build_creation, 1e-4),
        Model("create-1e8", "synapse creation: connect(p) -> 10^8 synapses, 1 step", 10**8,
              build_creation, 1e-4),
        Model("hh-axon", "Hodgkin-Huxley axon: 1,000 compartments, exponential_euler, 100 ms",
              1000, build_hh_axon, 0.1, AXON_CONSTANTS, dt=10e-6),
        Model("swc-neuron", "branched SWC neuron: 393 compartments, 200 Poisson synapses, 1 s",
              200, build_swc_neuron, 1.0, AXON_CONSTANTS, dt=25e-6),
    )
}
