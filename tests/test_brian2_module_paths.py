"""Brian2's module paths that scripts import internals from, working as in Brian2:
``brian2.core.namespace.DEFAULT_UNITS``, ``brian2.parsing.sympytools`` (``str_to_sympy``,
``sympy_to_str``), ``brian2.utils.stringtools`` and ``brian2.units.fundamentalunits`` with its
``unit_checking`` switch."""
import subprocess
import sys

import numpy as np
import pytest
import sympy

from brianjit.units import DimensionMismatchError, Unit, have_same_dimensions, ms, second, volt


def test_default_units_are_the_units_model_strings_resolve():
    from brianjit.core.namespace import DEFAULT_CONSTANTS, DEFAULT_UNITS
    assert DEFAULT_UNITS["ms"] is ms and DEFAULT_UNITS["ms"] is DEFAULT_UNITS["msecond"]
    assert all(isinstance(unit, Unit) for unit in DEFAULT_UNITS.values())
    for prefix, factor in [("y", 1e-24), ("n", 1e-9), ("", 1.0), ("k", 1e3), ("Y", 1e24)]:
        assert float(DEFAULT_UNITS[f"{prefix}meter3"]) == pytest.approx(factor**3)
        assert float(DEFAULT_UNITS[f"{prefix}molar"]) == pytest.approx(factor * 1e3)
    assert "hvolt" not in DEFAULT_UNITS      # Brian2 has c, d, da, h only for litres
    assert DEFAULT_CONSTANTS["-inf"] == -np.inf


@pytest.mark.parametrize("text, printed", [
    ("1.0/inf", "0"), ("sin(pi)", "0"), ("log(e)", "1"), ("randn()", "randn()"),
    ("c * userfun(t + x)", "c*userfun(t + x)"), ("abs(x) + ceil(y)", "abs(x) + ceil(y)"),
    ("inf", "inf"), ("-inf", "-inf"), ("not(b)", "not(b)"), ("a % (b + 1)", "a % (b + 1)"),
    ("v > 3 and w < 2", "v > 3 and w < 2"), ("x == y", "x == y"), ("arcsin(x)", "arcsin(x)"),
])
def test_sympytools_round_trip(text, printed):
    from brianjit.model.parse import parse_expression
    from brianjit.parsing.sympytools import str_to_sympy, sympy_to_str
    assert sympy_to_str(str_to_sympy(text)) == printed
    parse_expression(printed)   # what is printed is model language


def test_str_to_sympy_uses_sympys_constants():
    from brianjit.parsing.sympytools import str_to_sympy
    assert str_to_sympy("2*pi*x") == 2 * sympy.pi * sympy.Symbol("x", real=True)


def test_stringtools():
    from brianjit.utils.stringtools import deindent, get_identifiers, indent, word_substitute
    text = "3-a*_b+c5+8+f(A - .3e-10, tau_2)*17 and not True"
    assert get_identifiers(text) == {"A", "_b", "a", "c5", "f", "tau_2"}
    assert get_identifiers(text, include_numbers=True) == \
        {"A", "_b", "a", "c5", "f", "tau_2", ".3e-10", "17", "3", "8"}
    assert word_substitute("a*_b+c5+8+f(A)", {"a": "banana", "f": "func"}) == \
        "banana*_b+c5+8+func(A)"
    assert deindent("    def f(x):\n         return x**2") == "def f(x):\n     return x**2"
    assert deindent("    def f(x):\n         return x**2", docstring=True) == \
        "    def f(x):\nreturn x**2"
    assert indent("a\n  b", numtabs=2, spacespertab=2) == "    a\n      b"


def test_unit_checking_switch():
    # in a subprocess: the switch is process-wide
    code = """if True:
        import numpy as np
        import brianjit.units.fundamentalunits as fundamentalunits
        from brianjit.units import DimensionMismatchError, have_same_dimensions, second, volt
        x, y = 3 * second, 5 * volt
        try:
            x + y
            raise SystemExit("no error")
        except DimensionMismatchError:
            pass
        fundamentalunits.unit_checking = False
        assert np.asarray(x + y) == 8 and have_same_dimensions(x, y) and x.has_same_dimensions(y)
        fundamentalunits.fail_for_dimension_mismatch(x, y)
        fundamentalunits.unit_checking = True
        assert not have_same_dimensions(x, y)
        print("ok")
    """
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_fundamentalunits_has_brian2s_names():
    import brianjit.units.fundamentalunits as fundamentalunits
    assert fundamentalunits.unit_checking is True
    for name in fundamentalunits.__all__ + ["DIMENSIONLESS", "Dimension",
                                            "fail_for_dimension_mismatch"]:
        assert hasattr(fundamentalunits, name)
    assert have_same_dimensions(second, second) and not have_same_dimensions(second, volt)
    with pytest.raises(DimensionMismatchError):
        second + volt
