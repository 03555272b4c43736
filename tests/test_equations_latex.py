"""Equations show as LaTeX in notebooks, as Brian2's do (``_repr_latex_``; ``sympy.latex(eqs)``)."""
import sympy

from brianjit import Equations


EQS = Equations("""dv/dt = (g_L*(E_L - v) + I)/C : volt (unless refractory)
                   I = I0*sin(2*pi*f*t) : amp
                   g_L : siemens
                   n : integer""")


def test_one_aligned_row_per_definition_with_its_unit_and_flags():
    latex = EQS._repr_latex_()
    assert latex.startswith(r"\begin{align*}") and latex.endswith(r"\end{align*}")
    rows = latex[len(r"\begin{align*}"):-len(r"\end{align*}")].split("\\\\\n")
    assert rows == [
        r"\frac{\mathrm{d}v}{\mathrm{d}t} &= \frac{I + g_{L} \left(E_{L} - v\right)}{C} "
        r"&& (\mathrm{V}, \text{flags: unless refractory})",
        r"I &= I_{0} \sin{\left(2 f \pi t \right)} && (\mathrm{A})",
        r"g_{L} &&& (\mathrm{S})",
        r"n &&& (\text{integer})",
    ]


def test_sympy_printer_and_single_definitions():
    assert sympy.latex(EQS) == EQS._repr_latex_()
    assert EQS["v"]._repr_latex_() == (
        r"$\frac{\mathrm{d}v}{\mathrm{d}t} = \frac{I + g_{L} \left(E_{L} - v\right)}{C}$")
    assert sympy.latex(EQS["I"]) == r"I = I_{0} \sin{\left(2 f \pi t \right)}"
    assert sympy.latex(EQS["g_L"]) == "g_{L}"
