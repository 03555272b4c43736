"""Unit declarations and default-function names read without sympy (issue 9, target 2): the
plain reader answers exactly what the sympy path answers, and every text it does not accept
goes the sympy path, so errors are unchanged."""
import subprocess
import sys

import pytest

import brianjit.model.equations as equations_module
from brianjit.model.equations import EquationError, dimensions_and_type_from_string
from brianjit.model.functions import DEFAULT_FUNCTIONS
from brianjit.model.parse import parse_expression
from brianjit.model.plain_units import DEFAULT_FUNCTION_NAMES, plain_unit
from brianjit.units import DIMENSIONLESS

ACCEPTED = ["volt", "1", "siemens/metre**2", "amp/meter**2", "metre**-1.5", "Hz", "second",
            "volt**2", "volt/volt", "1/second", "kilogram*metre**2/second**2", "msecond*kHz",
            "metre ** +2", "farad/meter**2", "ohm*metre", "mole/metre**3", "2*volt/2"]
REFUSED = ["mV", "2*volt", "1.0*volt", "foo", "volt +", "volt + volt", "sin(volt)",
           "volt**(1/2)", "volt**x", "0", "10**400", "0**-1", "volt[0]", "True", "'volt'",
           "volt**2**2", "volt/0", "__class__", "notaunit"]


def sympy_path(text):
    """(scale, dimensions) as the equation parser computed them with sympy."""
    return equations_module._evaluate_unit(parse_expression(text), text, text)


@pytest.mark.parametrize("text", ACCEPTED)
def test_plain_reading_equals_the_sympy_path(text):
    scale, dim = plain_unit(text)
    expected_scale, expected_dim = sympy_path(text)
    assert scale == pytest.approx(expected_scale, rel=1e-12)
    assert dim == expected_dim
    assert dimensions_and_type_from_string(text) == (expected_dim, "float")


def test_dimensionless_is_the_shared_object():
    """``dim is DIMENSIONLESS`` decides how an equation prints its unit."""
    assert plain_unit("1")[1] is DIMENSIONLESS
    assert dimensions_and_type_from_string("volt/volt")[0] is DIMENSIONLESS


@pytest.mark.parametrize("text", REFUSED)
def test_other_texts_answer_as_the_sympy_path(text, monkeypatch):
    """Texts the plain reader does not accept (or whose scale is not 1) give what the sympy
    path gives: the same error message, or (``volt**(1/2)``) the same dimensions."""
    def outcome():
        try:
            return dimensions_and_type_from_string(text)
        except EquationError as err:
            return str(err)
    found = outcome()
    monkeypatch.setattr(equations_module, "plain_unit", lambda text: None)
    assert found == outcome()


def test_function_names_are_the_tables():
    assert DEFAULT_FUNCTION_NAMES == {name for name, spec in DEFAULT_FUNCTIONS.items()
                                      if spec.name is not None}


def test_equation_structure_needs_no_sympy_for_units_and_names():
    """Declarations and identifier checks alone import no sympy (the right-hand sides still do)."""
    code = ("import sys\n"
            "from brianjit.model.equations import (dimensions_and_type_from_string, "
            "check_identifier)\n"
            "dimensions_and_type_from_string('siemens/metre**2')\n"
            "check_identifier('v'); check_identifier('gNa')\n"
            "assert 'sympy' not in sys.modules, 'sympy imported'\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
