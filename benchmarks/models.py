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
from typing import Callable

import numpy as np


@dataclass(frozen=True)
class Built:
    """What a model's build function hands back to the worker."""

    objects: tuple  # everything that goes into Network(...), monitors included
    spikes: object  # the SpikeMonitor whose count is compared across simulators


@dataclass(frozen=True)
class Model:
    name: str
    description: str
    n: int  # number of neurons in the full-size benchmark
    build: Callable  # build(sim, n) -> Built


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


MODELS = {
    model.name: model
    for model in (
        Model("lif", "10,000 noisy LIF neurons, refractory, euler", 10_000, build_lif),
        Model("hh", "4,000 Hodgkin-Huxley neurons, exponential_euler", 4_000, build_hh),
    )
}
