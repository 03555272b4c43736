"""``import brianjit`` loads numpy and the units only: sympy, llvmlite's engine, matplotlib and
the object model load when first needed, and the star imports still bind every name they bound
before the names became lazy (tests/star_import_names_main.json: the name sets of
``from brianjit import *`` without matplotlib and of ``from brianjit.only import *``, recorded
on main before this change, with the numpy version they were recorded with)."""
import json
import pathlib

import numpy as np
import pytest

from brianjit.lazy import lazy_module, lazy_names
from subprocess_script import run_script

_HEAVY = ("sympy", "llvmlite.binding", "matplotlib", "brianjit.objects", "brianjit.model",
          "brianjit.jit", "logging")
_MAIN = json.loads((pathlib.Path(__file__).parent / "star_import_names_main.json").read_text())


def _loaded_after(statement):
    return json.loads(run_script(f"""
        import sys, json
        {statement}
        print(json.dumps([m for m in {_HEAVY!r} if m in sys.modules]))
        """).splitlines()[-1])


@pytest.mark.parametrize("statement", ["import brianjit", "import brianjit.only",
                                       "from brianjit import ms, mV, array, exp, Quantity",
                                       "from brianjit import kernel"])
def test_import_loads_no_sympy_llvmlite_engine_matplotlib_or_object_model(statement):
    # (the IR holds sympy trees, but the front end makes them: the IR's module needs no sympy)
    assert _loaded_after(statement) == []


def test_first_model_then_imports_what_it_needs_and_runs():
    out = json.loads(run_script("""
        import sys, json
        import brianjit as b
        G = b.NeuronGroup(3, 'dv/dt = (2 - v)/(10*ms) : 1', method='exact')
        b.run(1 * b.ms)
        loaded = [m in sys.modules for m in ('sympy', 'llvmlite.binding', 'matplotlib')]
        print(json.dumps([loaded, list(G.v[:])]))
        """).splitlines()[-1])
    assert out[0] == [True, True, False]
    np.testing.assert_allclose(out[1], [2 * (1 - np.exp(-0.1))] * 3, rtol=1e-12)


@pytest.mark.parametrize("statement", ["from brianjit.only import *", "from brianjit import *"])
def test_star_imports_leave_sympy_and_llvm_to_the_first_use(statement):
    # a script whose models are all in the disk cache needs neither (issue 9, target 2)
    loaded = _loaded_after(statement)
    assert "llvmlite.binding" not in loaded and "sympy" not in loaded


def _star_names(module, hide_matplotlib):
    return json.loads(run_script(f"""
        import sys, json
        if {hide_matplotlib}:
            sys.modules['matplotlib'] = None
        import {module} as package
        namespace = {{}}
        exec('from {module} import *', namespace)
        del namespace['__builtins__']
        # every value is the module's own object (no stand-ins), found again by attribute
        same = all(value is getattr(package, name) for name, value in namespace.items()
                   if name not in ('np', 'numpy', 'logging'))
        print(json.dumps([sorted(namespace), same]))
        """).splitlines()[-1])


def test_only_star_import_binds_the_names_it_bound_on_main():
    names, same = _star_names("brianjit.only", hide_matplotlib=True)
    assert names == _MAIN["only"]
    assert same


def test_star_import_binds_the_names_it_bound_on_main():
    names, same = _star_names("brianjit", hide_matplotlib=True)
    assert same
    assert set(_MAIN["only"]) <= set(names)
    if np.__version__ == _MAIN["numpy"]:   # numpy's names are those of the numpy installed
        assert names == _MAIN["star_without_matplotlib"]


def test_star_import_with_matplotlib_adds_pylabs_names():
    pylab = pytest.importorskip("matplotlib.pylab")
    names, same = _star_names("brianjit", hide_matplotlib=False)
    assert same
    assert set(_MAIN["star_without_matplotlib"]) - {"ma"} <= set(names)
    assert {"plot", "figure", "xlabel", "show", "plt", "subplot"} <= set(names)
    assert {name for name in vars(pylab) if not name.startswith("_")} - set(names) <= {
        "x", "f", "rate", "abs", "bool", "bytes", "max", "min", "pow", "round"}


def test_lazy_names_finds_each_name_on_first_use_and_keeps_it():
    namespace = {"__name__": "brianjit.example", "__package__": "brianjit"}
    getattr_, dir_ = lazy_names(namespace, {".units": ("ms",), "json": ("dumps",)})
    assert "ms" in dir_() and "dumps" in dir_()
    assert getattr_("ms") is namespace["ms"] and str(namespace["ms"]) == "ms"
    assert getattr_("dumps") is json.dumps
    with pytest.raises(AttributeError, match="'brianjit.example' has no attribute 'nope'"):
        getattr_("nope")


def test_lazy_names_refuses_a_name_listed_twice():
    with pytest.raises(ValueError, match="'ms' is listed under both '.units' and '.other'"):
        lazy_names({"__name__": "brianjit.example"}, {".units": ("ms",), ".other": ("ms",)})


def test_lazy_module_imports_on_first_attribute_read():
    out = json.loads(run_script("""
        import sys, json
        from brianjit.lazy import lazy_module
        colorsys = lazy_module("colorsys")
        before = ["colorsys" in sys.modules, repr(colorsys)]
        value = colorsys.rgb_to_hsv(1.0, 0.0, 0.0)
        print(json.dumps([before, "colorsys" in sys.modules, value, repr(colorsys)]))
        """).splitlines()[-1])
    assert out == [[False, "<lazy module 'colorsys' (not imported yet)>"], True, [0.0, 1.0, 1.0],
                   "<lazy module 'colorsys' (imported)>"]
    with pytest.raises(AttributeError):
        lazy_module("json").no_such_attribute  # noqa: B018


def test_every_name_of_all_is_found_whatever_was_imported_before():
    """``core`` is pylab's (numpy's) and brianjit's subpackage: Brian2's star import binds its
    own package ``brian2.core``, and so does brianjit's, in whatever order modules loaded."""
    pytest.importorskip("matplotlib")
    out = json.loads(run_script("""
        import json, brianjit
        missing = [name for name in brianjit.__all__ if not hasattr(brianjit, name)]
        namespace = {}
        exec("from brianjit import *", namespace)
        print(json.dumps([missing, brianjit.core.__name__, namespace["core"].__name__]))
        """).splitlines()[-1])
    assert out == [[], "brianjit.core", "brianjit.core"]
