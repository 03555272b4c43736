"""Bit-for-bit golden trace of a branched HH neuron (soma, axon, dendrites branching twice):
compile-time changes to the cable kernel (loop hints, a cheaper pipeline) must not change a bit.

The values were recorded from main before those changes (commit d6ab5b1), and again when divisions
of shared values became exact (Brian2 computes them once, exactly: 33 of the 140 values moved by
at most 1.4e-17 V, the last bit); the trace covers the
cable solver's every stage (linearisation, the section sweeps, the branch-point system) and the
vectorised channel update with its ``exp`` calls."""
import numpy as np

from brianjit import (Cylinder, Network, Soma, SpatialNeuron, StateMonitor, cm, ms, mV, msiemens,
                      nA, ohm, uF, um)

_HH = """
Im = gl*(El - v) + gNa*m**3*h*(ENa - v) + gK*n**4*(EK - v) : amp/meter**2
I : amp (point current)
dm/dt = alpham*(1 - m) - betam*m : 1
dn/dt = alphan*(1 - n) - betan*n : 1
dh/dt = alphah*(1 - h) - betah*h : 1
alpham = (0.1/mV)*10*mV/exprel((-v + 25*mV - El)/(10*mV))/ms : Hz
betam = 4*exp((El - v)/(18*mV))/ms : Hz
alphah = 0.07*exp((El - v)/(20*mV))/ms : Hz
betah = 1/(exp((-v + 30*mV + El)/(10*mV)) + 1)/ms : Hz
alphan = (0.01/mV)*10*mV/exprel((-v + 10*mV + El)/(10*mV))/ms : Hz
betan = 0.125*exp((El - v)/(80*mV))/ms : Hz
gNa : siemens/meter**2
gK : siemens/meter**2
gl = 0.3*msiemens/cm**2 : siemens/meter**2
El = -60*mV : volt
ENa = 55*mV : volt
EK = -72*mV : volt
"""


def _morphology():
    soma = Soma(diameter=20 * um)
    soma.axon = Cylinder(diameter=1 * um, length=200 * um, n=20)
    for k in range(3):
        dendrite = Cylinder(diameter=2 * um, length=80 * um, n=8)
        dendrite.L = Cylinder(diameter=1.3 * um, length=60 * um, n=6)
        dendrite.R = Cylinder(diameter=1.2 * um, length=50 * um, n=5 + k)
        dendrite.L.L = Cylinder(diameter=0.8 * um, length=40 * um, n=4)
        setattr(soma, f"dend{k}", dendrite)
    return soma


def test_branched_hh_neuron_trace_is_bit_identical_to_recorded():
    neuron = SpatialNeuron(_morphology(), _HH, Cm=1 * uF / cm ** 2, Ri=100 * ohm * cm,
                           method="exponential_euler", dt=0.025 * ms)
    neuron.v = -60 * mV
    neuron.h, neuron.m, neuron.n = 1, 0, 0.5
    neuron.gNa, neuron.gK = 0 * msiemens / cm ** 2, 0 * msiemens / cm ** 2
    neuron.main.gNa, neuron.main.gK = 100 * msiemens / cm ** 2, 30 * msiemens / cm ** 2
    neuron.axon.gNa, neuron.axon.gK = 100 * msiemens / cm ** 2, 30 * msiemens / cm ** 2
    neuron.I[0] = 2 * nA
    probe = [0, 5, 20, 30, 45, 60, neuron.N - 1]
    monitor = StateMonitor(neuron, ["v", "m"], record=probe, dt=0.025 * ms)
    net = Network(neuron, monitor)
    net.run(10 * ms)
    v = np.asarray(monitor.v)[:, ::40]
    m = np.asarray(monitor.m)[:, ::40]
    assert v.tolist() == GOLDEN_V
    assert m.tolist() == GOLDEN_M
    assert float(np.asarray(neuron.v).sum()).hex() == GOLDEN_SUM


GOLDEN_V = [[-0.06,
             -0.03581474157687048,
             -0.03314328385770221,
             -0.036699879908696276,
             -0.03955959866854456,
             -0.04079707744096988,
             -0.04114495100251669,
             -0.041169907469394265,
             -0.0411255533116288,
             -0.041090674115544235],
            [-0.06,
             -0.04729837953381765,
             -0.04440445445114172,
             -0.04670491047261242,
             -0.04869016577514782,
             -0.049450730832395096,
             -0.04953228755304759,
             -0.049392551866544405,
             -0.04923827792849812,
             -0.04912792970969634],
            [-0.06,
             -0.060215632125453826,
             -0.05633603880048411,
             -0.056486840123298784,
             -0.057271516121445536,
             -0.05746081334576783,
             -0.057230447589953576,
             -0.056885482605316076,
             -0.05658352172668715,
             -0.056366373634259934],
            [-0.06,
             -0.040264178549721905,
             -0.034865190869092316,
             -0.037467364906079985,
             -0.040425319297799835,
             -0.04188014302556036,
             -0.04234817948963661,
             -0.04241795077821964,
             -0.04238374779181832,
             -0.04234780707535261],
            [-0.06,
             -0.036696351112577436,
             -0.03347898254555605,
             -0.036854270906019816,
             -0.03973754545568965,
             -0.041018835880189154,
             -0.041390433518964785,
             -0.04142410759274424,
             -0.04138166377279583,
             -0.041346530351739436],
            [-0.06,
             -0.04221050384060493,
             -0.035645943100543254,
             -0.037793992671231125,
             -0.04077487938944192,
             -0.04232108819233554,
             -0.04284210855274679,
             -0.042932276814638036,
             -0.04290300642933186,
             -0.04286681448690151],
            [-0.06,
             -0.04035809396012418,
             -0.03489485814549937,
             -0.03748502167866595,
             -0.04044975899975739,
             -0.04191004604643031,
             -0.04238051747071834,
             -0.04245104747784116,
             -0.042416943623069546,
             -0.042380930928374284]]

GOLDEN_M = [[0.0,
             2.400204593777354e-05,
             6.638409006880217e-05,
             7.078809022847659e-05,
             5.2142073550425505e-05,
             3.8287316127916726e-05,
             3.2285483274691255e-05,
             3.0377303942075275e-05,
             3.000222441107472e-05,
             3.00470303683641e-05],
            [0.0,
             6.932977173212751e-06,
             1.5702609709467484e-05,
             1.523765541622013e-05,
             1.1294913025455473e-05,
             9.248799650656864e-06,
             8.70486164786125e-06,
             8.748828935291343e-06,
             8.937614554925503e-06,
             9.108767997161133e-06],
            [0.0,
             1.4491245054306975e-06,
             2.8232760544400013e-06,
             3.1545749179337736e-06,
             2.828041551366063e-06,
             2.674608914681129e-06,
             2.725340299300519e-06,
             2.859218792771851e-06,
             2.9975504979653306e-06,
             3.1074477451019916e-06],
            [0.0,
             1.3284325731659812e-05,
             4.653687642500071e-05,
             5.710691201616316e-05,
             4.428946026688998e-05,
             3.2528610620515344e-05,
             2.70996784629247e-05,
             2.530860360324746e-05,
             2.4931550208471244e-05,
             2.4958934517207515e-05],
            [0.0,
             2.1331472619774496e-05,
             6.178813242547099e-05,
             6.771809844738842e-05,
             5.039892264246583e-05,
             3.7020048163340105e-05,
             3.114924562891468e-05,
             2.9267891758118757e-05,
             2.88926304963043e-05,
             2.8933771322633767e-05],
            [0.0,
             1.029377948582431e-05,
             4.000641636247916e-05,
             5.229224863542736e-05,
             4.1491911817372854e-05,
             3.0461573588250425e-05,
             2.522835087181203e-05,
             2.347655039275338e-05,
             2.30977458449195e-05,
             2.3118155864772848e-05],
            [0.0,
             1.3093584369254468e-05,
             4.622127274030875e-05,
             5.6883620171847664e-05,
             4.4128776416498336e-05,
             3.2390942973952815e-05,
             2.6972372014441274e-05,
             2.5185433395605188e-05,
             2.4809502436645768e-05,
             2.4836992574151476e-05]]
GOLDEN_SUM = '-0x1.07eb8b4805b00p+2'
