"""SpatialNeuron simulations against cable theory (the cases and tolerances of Brian2's own tests)
and against Brian2's measured results (a Hodgkin-Huxley axon)."""
import numpy as np
from numpy.testing import assert_allclose

from brianjit import (Cylinder, Network, Soma, SpatialNeuron, SpikeMonitor, StateMonitor, amp,
                      cm, meter, ms, msiemens, mV, nA, ohm, second, siemens, uA, uF, um)

PASSIVE = """
Im = gL*(EL - v) : amp/meter**2
I : amp (point current)
"""


def test_infinite_cable_response_to_a_current_pulse():
    """A pulse into the middle of a long cable spreads as the cable's Green's function
    (wrong near the ends only; Brian2's tolerance)."""
    N, diameter, Cm, Ri, gL = 500, 1 * um, 1 * uF / cm**2, 100 * ohm * cm, 1e-4 * siemens / cm**2
    dt = 0.001 * ms
    neuron = SpatialNeuron(Cylinder(diameter=diameter, length=3e-3 * meter, n=N),
                           "Im = -gL*v : amp/meter**2\nI : amp (point current)", Cm=Cm, Ri=Ri,
                           dt=dt, namespace={"gL": gL})
    monitor = StateMonitor(neuron, "v", record=N // 2 - 20)
    net = Network(neuron, monitor)
    neuron.I[N // 2] = 1 * nA
    net.run(0.02 * ms)
    neuron.I = 0 * amp
    net.run(3 * ms)
    t = monitor.t_ + float(dt / second)
    x = 20 * float(neuron.length_[0])
    la = float(neuron.space_constant_[0])
    taum = float(Cm / gL / second)
    theory = (1 / (la * 0.01 * np.pi * 1e-6) * np.sqrt(taum / (4 * np.pi * t))
              * np.exp(-t / taum - taum / (4 * t) * (x / la)**2)) * 1e-9 * 0.02e-3
    late = monitor.t_ > 0.5e-3
    assert_allclose(monitor.v_[0][late], theory[late], atol=6.32e-6)


def _sealed_cable_theory(neuron, EL, I, length, diameter, Ri):
    x, la = neuron.distance_, float(neuron.space_constant_[0])
    ra = la * 4 * Ri / (np.pi * diameter**2)
    return EL + ra * I * np.cosh((length - x) / la) / np.sinh(length / la)


def test_finite_sealed_cable_steady_state():
    """A constant current into one end of a sealed cable: the steady state is a cosh profile."""
    Ri, diameter, length = 1.5, 1e-6, 300e-6   # ohm*m, m, m
    neuron = SpatialNeuron(Cylinder(diameter=diameter * meter, length=length * meter, n=200),
                           PASSIVE, Cm=1 * uF / cm**2, Ri=Ri * ohm * meter, dt=0.01 * ms,
                           namespace={"gL": 1e-4 * siemens / cm**2, "EL": -70 * mV})
    neuron.v = -70 * mV
    neuron.I[0] = 0.02 * nA
    Network(neuron).run(100 * ms)
    theory = _sealed_cable_theory(neuron, -0.07, 0.02e-9, length, diameter, Ri)
    assert_allclose(neuron.v_, theory, atol=1e-6)


def test_rall_branches_behave_as_the_equivalent_cylinder():
    """A cylinder with two branches whose diameters follow Rall's 3/2 rule and whose electrotonic
    lengths are equal responds as one cylinder of the summed electrotonic length."""
    gL, Ri, diameter, length = 1e-4 * siemens / cm**2, 150 * ohm * cm, 1 * um, 300 * um

    def space_length(d):
        return np.sqrt((1 / (gL * np.pi * d)) / (4 * Ri / (np.pi * d**2)))
    morpho = Cylinder(diameter=diameter, length=length, n=500)
    d1, L1 = 0.5 * um, 200 * um
    d2 = (diameter**1.5 - d1**1.5)**(1 / 1.5)
    L2 = (L1 / space_length(d1)) * space_length(d2)
    morpho.L = Cylinder(diameter=d1, length=L1, n=500)
    morpho.R = Cylinder(diameter=d2, length=L2, n=500)
    neuron = SpatialNeuron(morpho, PASSIVE, Cm=1 * uF / cm**2, Ri=Ri, dt=0.01 * ms,
                           namespace={"gL": gL, "EL": -70 * mV})
    neuron.v = -70 * mV
    neuron.I[0] = 0.02 * nA
    Network(neuron).run(100 * ms)
    la, l1, l2 = space_length(diameter), space_length(d1), space_length(d2)
    assert_allclose(la, neuron.space_constant[0])
    assert_allclose(l1, neuron.L.space_constant[0])
    assert_allclose(l2, neuron.R.space_constant[0])
    la, l1, l2 = float(la / meter), float(l1 / meter), float(l2 / meter)
    ra = la * 4 * 1.5 / (np.pi * 1e-12)
    total = 300e-6 / la + 200e-6 / l1
    main_end = neuron.main.distance_[-1]
    assert_allclose(neuron.main.v_ + 0.07,
                    ra * 0.02e-9 * np.cosh(total - neuron.main.distance_ / la) / np.sinh(total),
                    atol=2e-6)
    for branch, lb in ((neuron.L, l1), (neuron.R, l2)):
        theory = ra * 0.02e-9 * np.cosh(total - main_end / la
                                        - (branch.distance_ - main_end) / lb) / np.sinh(total)
        assert_allclose(branch.v_ + 0.07, theory, atol=2e-6)


HH = """
Im = gl * (El-v) + gNa * m**3 * h * (ENa-v) + gK * n**4 * (EK-v) : amp/meter**2
I : amp (point current)
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
"""


def test_hodgkin_huxley_axon_propagation_speed():
    """Brian2's Hodgkin-Huxley axon example (10 cm, 476 um, 1000 compartments): the action
    potential travels at 13.01 m/s, and every compartment spikes when Brian2's does (Brian2
    2.9.0, numpy target, measured with this protocol: settle 10 ms, 1 uA for 3 ms, 20 ms)."""
    neuron = SpatialNeuron(Cylinder(length=10 * cm, diameter=2 * 238 * um, n=1000, type="axon"),
                           HH, method="exponential_euler", refractory="m > 0.4",
                           threshold="m > 0.5", Cm=1 * uF / cm**2, Ri=35.4 * ohm * cm,
                           dt=0.01 * ms,
                           namespace=dict(El=10.613 * mV, ENa=115 * mV, EK=-12 * mV,
                                          gl=0.3 * msiemens / cm**2, gK=36 * msiemens / cm**2))
    neuron.v, neuron.h, neuron.m, neuron.n = 0 * mV, 1, 0, 0.5
    neuron.gNa = 120 * msiemens / cm**2
    spikes = SpikeMonitor(neuron)
    net = Network(neuron, spikes)
    net.run(10 * ms)
    neuron.I[0] = 1 * uA
    net.run(3 * ms)
    neuron.I = 0 * amp
    net.run(20 * ms)
    i, t = spikes.i, spikes.t_
    assert np.array_equal(i, np.arange(1000))     # one spike per compartment, in order
    distance = neuron.distance_[i]
    middle = (distance > 0.02) & (distance < 0.08)
    speed = np.polyfit(t[middle], distance[middle], 1)[0]
    assert abs(speed - 13.010745367007555) < 1e-9
    assert_allclose(t[[0, 250, 500, 750, 999]], [0.0116, 0.01334, 0.01524, 0.01718, 0.01899],
                    rtol=0, atol=1e-9)


def test_capacitive_current_balances_the_membrane_current():
    """Charge is conserved: the axial currents only move charge between compartments, so over
    the sealed tree the capacitive currents sum to the membrane currents (per area times area),
    and in an isolated soma they are equal. (Equal to about 6 digits: a soma is joined to its
    sealed-end nodes by a tiny axial resistance, r_length = 1 m, as in Brian2, and the scheme
    loses the digits of that stiffness in v - v_previous.)"""
    morpho = Soma(diameter=20 * um)
    morpho.dend = Cylinder(diameter=2 * um, length=100 * um, n=10)
    morpho.dend.a = Cylinder(diameter=1 * um, length=50 * um, n=5)
    morpho.dend.b = Cylinder(diameter=1 * um, length=70 * um, n=7)
    morpho.axon = Cylinder(diameter=1 * um, length=200 * um, n=20)
    neuron = SpatialNeuron(morpho, PASSIVE, dt=0.025 * ms,
                           namespace={"gL": 1e-4 * siemens / cm**2, "EL": -70 * mV})
    soma = SpatialNeuron(Soma(diameter=20 * um), PASSIVE, dt=0.025 * ms,
                         namespace={"gL": 1e-4 * siemens / cm**2, "EL": -70 * mV})
    neuron.v = "-70*mV + 30*mV*(i % 3)"
    soma.v = -40 * mV
    neuron.I[3] = 0.1 * nA
    monitors = [StateMonitor(g, ["Im", "Ic"], record=True, when="end") for g in (neuron, soma)]
    Network(neuron, soma, *monitors).run(2 * ms)
    net_current = ((monitors[0].Ic_ - monitors[0].Im_) * neuron.area_[:, None]).sum(axis=0)
    typical = np.abs(monitors[0].Ic_ * neuron.area_[:, None]).max()
    assert np.all(np.abs(net_current) < 1e-9 * typical)
    assert_allclose(monitors[1].Ic_, monitors[1].Im_, rtol=1e-6)
