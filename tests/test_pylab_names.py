"""pylab's names in ``from brianjit import *`` are stand-ins that import matplotlib on first use
(brianjit/pylab_names.py): the star import leaves matplotlib unloaded, and using a name gives
what pylab's own name gives (calls, attributes, items, isinstance, subclassing, pickling)."""
import json
import pathlib
import pickle

import pytest

from brianjit.pylab_names import PylabName
from subprocess_script import run_script


def test_star_import_leaves_matplotlib_unloaded_and_first_use_loads_it():
    pytest.importorskip("matplotlib")
    out = json.loads(run_script("""
        import json, os, sys
        os.environ["MPLBACKEND"] = "Agg"
        from brianjit import *
        before = [m for m in ("matplotlib", "dateutil.rrule") if m in sys.modules]
        lazy_repr = repr(plot)
        fig = figure()
        import matplotlib.pylab as pylab
        from matplotlib.figure import Figure as RealFigure

        class MyFigure(Figure):
            pass

        lines = plot([0, 1], [2, 3])
        print(json.dumps({
            "before": before, "lazy_repr": lazy_repr,
            "loaded": "matplotlib" in sys.modules,
            "isinstance": isinstance(fig, Figure), "real_figure": type(fig) is RealFigure,
            "subclass": issubclass(MyFigure, RealFigure) and issubclass(MyFigure, Figure),
            "plot_data": list(map(float, lines[0].get_ydata())),
            "rc": rcParams["lines.linewidth"] == pylab.rcParams["lines.linewidth"],
            "rc_in": "lines.linewidth" in rcParams,
            "module_attr": plt.gcf() is fig and mpl.__version__ == pylab.mpl.__version__,
            "real_repr": repr(plt) == repr(pylab.plt),
            "yearly": YEARLY == pylab.YEARLY and rrule is pylab.rrule,
            "core": core.__name__}))
        """).splitlines()[-1])
    assert out["before"] == ["dateutil.rrule"]
    assert out["lazy_repr"] == "<matplotlib.pylab.plot (imported on first use)>"
    assert out["loaded"] and out["isinstance"] and out["real_figure"] and out["subclass"]
    assert out["plot_data"] == [2.0, 3.0]
    assert out["rc"] and out["rc_in"] and out["module_attr"] and out["real_repr"]
    assert out["yearly"] and out["core"] == "brianjit.core"


def test_stand_in_forwards_and_pickles_as_the_real_object():
    import collections
    counter = PylabName("collections", "Counter")
    assert counter("abca")["a"] == 2 and isinstance(collections.Counter(), counter)
    assert issubclass(collections.Counter, counter)

    class Sub(counter):
        pass
    assert Sub.__mro__[1] is collections.Counter
    assert pickle.loads(pickle.dumps(counter)) is collections.Counter
    assert repr(counter) == repr(collections.Counter)
    table = PylabName("os", "environ")
    table["BRIANJIT_TEST_PYLAB_NAME"] = "1"
    assert "BRIANJIT_TEST_PYLAB_NAME" in table and table["BRIANJIT_TEST_PYLAB_NAME"] == "1"
    del table["BRIANJIT_TEST_PYLAB_NAME"]
    assert "BRIANJIT_TEST_PYLAB_NAME" not in table and len(table) == len(__import__("os").environ)
    module = PylabName("json", None)
    assert module.dumps([1]) == "[1]"


def test_stand_in_of_a_missing_name_fails_on_use_with_the_name():
    missing = PylabName("json", "no_such_function")
    assert "json.no_such_function" in repr(missing)
    with pytest.raises(AttributeError, match="no_such_function"):
        missing()


def test_table_matches_the_installed_matplotlib():
    matplotlib = pytest.importorskip("matplotlib")
    from brianjit.pylab_table import MATPLOTLIB_VERSION, SOURCES
    tools = pathlib.Path(__file__).resolve().parent.parent / "tools"
    out = json.loads(run_script("""
        import json, sys
        sys.path.insert(0, sys.argv[1])
        from pylab_table import table
        print(json.dumps(table()))
        """, str(tools)).splitlines()[-1])
    assert out == [MATPLOTLIB_VERSION, SOURCES], (
        f"brianjit/pylab_table.py was written for matplotlib {MATPLOTLIB_VERSION}, "
        f"{matplotlib.__version__} is installed: run 'python tools/pylab_table.py'")


def test_no_pylab_names_without_matplotlib():
    out = run_script("""
        import sys
        sys.modules["matplotlib"] = None
        import brianjit
        print("plot" in brianjit.__all__, hasattr(brianjit, "plot"))
        """)
    assert out.split() == ["False", "False"]


def test_a_script_that_plots_nothing_never_loads_matplotlib():
    pytest.importorskip("matplotlib")
    out = run_script("""
        import sys
        from brianjit import *
        G = NeuronGroup(5, 'dv/dt = -v/(10*ms) : 1', threshold='v > 1', reset='v = 0',
                        method='exact')
        G.v = 'rand()'
        M = SpikeMonitor(G)
        run(1*ms)
        print("matplotlib" in sys.modules)
        """)
    assert out.split()[-1] == "False"
