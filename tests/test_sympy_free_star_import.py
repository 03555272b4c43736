"""``from brianjit import *`` loads no sympy (issue 9, target 2: a script whose models are all in
the disk cache should never pay for it): every module the star import loads reaches sympy
through ``lazy.lazy_module(..., rebind=globals())`` or imports it inside the functions that
parse, and that stand-in turns into the module itself with the first use, so the parser and the
lowering read ``sympy.X`` at full speed afterwards."""
import json

import numpy as np

from brianjit.lazy import lazy_module
from subprocess_script import run_script


def test_star_import_and_brianjits_names_leave_sympy_unloaded():
    out = json.loads(run_script("""
        import sys, json
        from brianjit import *
        import brianjit.only
        names = [getattr(brianjit.only, name) for name in brianjit.only.__all__]
        print(json.dumps(["sympy" in sys.modules, len(names)]))
        """).splitlines()[-1])
    assert out[0] is False and out[1] > 100


def test_the_first_model_still_parses_checks_and_integrates():
    out = json.loads(run_script("""
        import sys, json
        from brianjit import *
        G = NeuronGroup(2, 'dv/dt = (1 - v)/(10*ms) : 1', threshold='v > 2', reset='v = 0',
                        method='euler')
        try:
            NeuronGroup(1, 'dv/dt = -v/(10*ms) : volt + 1')
        except Exception as error:
            message = f"{type(error).__name__}: {error}"
        run(1 * ms)
        print(json.dumps(["sympy" in sys.modules, list(G.v[:]), message]))
        """).splitlines()[-1])
    loaded, values, message = out
    assert loaded is True
    np.testing.assert_allclose(values, [1 - 0.99**10] * 2, rtol=1e-12)   # ten Euler steps
    assert message == ("EquationError: Invalid unit 'volt + 1': only products, quotients and "
                       "numeric powers of unit names are allowed in "
                       "'dv/dt = -v/(10*ms) : volt + 1'")


def test_lazy_module_rebinds_its_holders_name_to_the_module_at_first_use():
    namespace = {}
    namespace["colorsys"] = stand_in = lazy_module("colorsys", rebind=namespace)
    copy = stand_in
    assert stand_in.rgb_to_hsv(1.0, 0.0, 0.0) == (0.0, 1.0, 1.0)
    import colorsys
    assert namespace["colorsys"] is colorsys          # the holder reads the module itself now
    assert copy.hls_to_rgb is colorsys.hls_to_rgb     # a copy elsewhere still answers


def test_parser_module_holds_sympy_itself_after_its_first_parse():
    out = json.loads(run_script("""
        import json
        import brianjit.model.parse as parse
        before = type(parse.sympy).__name__
        parse.parse_expression('a + b')
        print(json.dumps([before, type(parse.sympy).__name__]))
        """).splitlines()[-1])
    assert out == ["lazy_module", "module"]
