"""PoissonGroup: neurons that spike independently with probability ``rates*dt`` in each step.

It is a NeuronGroup with the model ``rates : Hz`` (or ``rates = <expression> : Hz``) and the
threshold ``rand() < rates*dt`` (Brian2's definition), so spike space, subgroups, state access,
monitors and synapses work as for any NeuronGroup; the threshold runs at 'thresholds' with the
group's ``order`` whatever its ``when`` (Brian2's PoissonGroup keeps ``when`` only as an
attribute: its Thresholder has its own default), and is drawn as Bernoulli spikes with random
numbers only for candidates (the same distribution; far fewer random numbers when spikes are
rare).
"""
from __future__ import annotations

import dataclasses

from .. import kernel as K
from ..memory import DynamicArray
from ..units import Hz, fail_for_dimension_mismatch
from .neurongroup import NeuronGroup

__all__ = ["PoissonGroup"]


class PoissonGroup(NeuronGroup):
    """``PoissonGroup(N, rates)``: ``rates`` a rate, one rate per neuron, or a string expression
    (of ``t``, ``i``, TimedArrays...) evaluated every step."""

    def __init__(self, N, rates, dt=None, clock=None, when="thresholds", order=0, namespace=None,
                 name="poissongroup*", codeobj_class=None):
        if isinstance(rates, str):
            if "\n" in rates or ":" in rates:
                raise ValueError(f"the rates of a PoissonGroup must be one expression, "
                                 f"not {rates!r}")
            model = f"rates = {rates} : Hz"
        else:
            fail_for_dimension_mismatch(rates, Hz, "The rates of a PoissonGroup have to be "
                                                   "rates (Hz)")
            model = "rates : Hz"
        NeuronGroup.__init__(self, N, model, threshold="rand() < rates*dt", namespace=namespace,
                             dt=dt, clock=clock, order=order, name=name)
        if not (isinstance(when, str) and when.isidentifier()):
            raise ValueError(f"'when' must name a slot of the schedule, not {when!r}")
        self.when = when
        if not isinstance(rates, str):
            self.rates = rates
        self._probabilities = DynamicArray(int(N))

    def threshold_kernel(self, ctx, thresholder):
        """NeuronGroup's threshold ``rand() < rates*dt``, drawn as Bernoulli spikes: the same
        distribution, with random numbers only for candidates (K.BernoulliSpikes)."""
        from ..model.names import symbol
        kern = NeuronGroup.threshold_kernel(self, ctx, thresholder)
        probability = self._substitute_subexpressions(symbol("rates") * symbol("dt"))
        return dataclasses.replace(kern, shape=K.BernoulliSpikes(
            kern.shape.size, kern.shape.spikespace, probability,
            ctx.slots.slot(self._probabilities)))

    def front_key(self, keying):
        """A NeuronGroup's key (the rates are its model text); a subclass has none."""
        return self._front_key(keying) if type(self) is PoissonGroup else None

    def bindable_arrays(self):
        return {**NeuronGroup.bindable_arrays(self), "probabilities": self._probabilities}

    def schedule_entries(self):
        """Brian2's one part of a PoissonGroup is its thresholder (a contained object)."""
        return []

    def __repr__(self):
        return f"PoissonGroup({len(self)}, rates={self.equations['rates'].expr or '<array>'}, " \
               f"name={self.name!r})"
