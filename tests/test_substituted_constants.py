"""A constant that only appears when subexpressions are substituted follows the parser's rule for
constants (docs/differences.md, "size of model expressions"): one without a real value is a
ParseError quoting the line or the expression and naming what was substituted, never sympy's
TypeError or a failure in the lowering (a fuzz finding: ``tan(ge) < n`` with ``ge =
arccos(0.0)``, which sympy folds to ``tan(pi/2)``, complex infinity)."""
import numpy as np
import pytest

from brianjit import Network, NeuronGroup, Synapses, ms
from brianjit.model.parse import ParseError

tau = 10 * ms


@pytest.mark.parametrize("model, quoted", [
    ("a = arccos(0.0) : 1\ndv/dt = int(tan(a) < 1)/tau : 1", "'dv/dt = int(tan(a) < 1)/tau : 1'"),
    ("a = 0.0 : 1\ndv/dt = log(a)/tau : 1", "'dv/dt = log(a)/tau : 1'"),
    ("a = 0 : 1\ndv/dt = 1/a/tau : 1", "'dv/dt = 1/a/tau : 1'"),
    ("a = -1 : 1\ndv/dt = sqrt(a)/tau : 1", "'dv/dt = sqrt(a)/tau : 1'"),
    ("a = 0 : 1\nb = 1/a : 1\ndv/dt = b/tau : 1", "'b = 1/a : 1'"),
])
def test_equations_quote_the_line(model, quoted):
    with pytest.raises(ParseError) as err:
        NeuronGroup(2, model)
    assert "the subexpressions (a) substituted" in str(err.value)
    assert str(err.value).endswith(quoted)


def test_string_expressions_name_the_group():
    G = NeuronGroup(2, "a = 0 : 1\nv : 1", name="substituted_group")
    with pytest.raises(ParseError, match=r"subexpressions of substituted_group \(a\) .* 'v \+ 1/a'"):
        G.v = "v + 1/a"
    with pytest.raises(ParseError, match="substituted_group"):
        G.v["log(a) > 0"] = 1


def test_synaptic_code_names_the_synapses():
    G = NeuronGroup(2, "a = 0 : 1\nv : 1", threshold="v > 1")
    S = Synapses(G, G, "w : 1", on_pre="w += tan(2*arccos(0.0)*a_pre + arccos(0.0)) < 1",
                 name="substituted_synapses")
    S.connect()
    with pytest.raises(ParseError, match="substituted_synapses"):
        Network(G, S).run(0.1 * ms)


def test_finite_constants_still_fold_and_run():
    G = NeuronGroup(2, "a = 1000 : 1\ndv/dt = exp(exp(exp(a)))/tau : 1")
    H = NeuronGroup(2, "b = 0.5 : 1\ndv/dt = log(b)/tau : 1", method="euler")
    Network(G, H).run(0.2 * ms)
    assert list(G.v[:]) == [float("inf")] * 2
    assert H.v[:] == pytest.approx([np.log(0.5) * 0.02] * 2, rel=1e-12)
