"""``from brianjit import *`` binds what ``from brian2 import *`` binds; ``import brianjit``
stays free of matplotlib (and of Python's logging)."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

import brianjit
import brianjit.only


def _run(code, **env):
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=180, env={**os.environ, **env})
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


# what Brian2 2.9 binds (measured with ``from brian2 import *``), by where the object comes from
_BRIAN2_BINDINGS = """
import builtins, numpy, numpy.random, numpy.linalg, numpy.fft
from brianjit import *
import brianjit.objects.seed, brianjit.numpy_
checks = {
    'rand': rand is numpy.random.rand, 'randn': randn is numpy.random.randn,
    'normal': normal is numpy.random.normal, 'uniform': uniform is numpy.random.uniform,
    'randint': randint is numpy.random.randint, 'power': power is numpy.random.power,
    'random': random is numpy.random.random, 'fft': fft is numpy.fft.fft,
    'norm': norm is numpy.linalg.norm, 'inv': inv is numpy.linalg.inv,
    'seed': seed is brianjit.objects.seed.seed, 'np': np is brianjit.numpy_,
    'numpy': numpy is brianjit.numpy_,  # rebound by the star import, as in Brian2
    'sum': sum is numpy.sum, 'abs': abs is builtins.abs, 'max': max is builtins.max,
    'round': round is builtins.round, 'bool': bool is builtins.bool,
    'bytes': bytes is builtins.bytes, 'pi': pi == numpy.pi, 'e': e == numpy.e,
    'linspace': linspace is numpy.linspace, 'ms': str(ms) == 'ms',
    'logging': logging.getLogger is not None, 'BrianLogger': BrianLogger.__name__ == 'BrianLogger',
    'datetime': datetime.date is not None, 'f deleted': 'f' not in dir(),
    'codegen': codegen.__name__ == 'brianjit.codegen',  # Brian2's example Fig3AB sets .target
}
"""


def test_star_import_binds_brian2s_names_with_matplotlib(tmp_path):
    pytest.importorskip("matplotlib")
    result = _run(_BRIAN2_BINDINGS + f"""
import matplotlib.pyplot, numpy.ma, pickle
figure(); subplot(2, 1, 1); plot(arange(0, 10)*ms / ms, rand(10)); xlabel('t'); ylabel('v')
savefig({str(tmp_path / 'plot.png')!r}); show()
# pylab's names are stand-ins for matplotlib's objects (docs/differences.md): they forward
checks['plot'] = (plt.plot is matplotlib.pyplot.plot and plt.gcf() is matplotlib.pyplot.gcf()
                  and pickle.loads(pickle.dumps(plot)) is matplotlib.pyplot.plot)
checks['ma'] = ma.masked_array is numpy.ma.masked_array
print(json.dumps(checks)) if (json := __import__('json')) else None
""", MPLBACKEND="Agg")
    assert all(result.values()), {k: v for k, v in result.items() if not v}
    assert (tmp_path / "plot.png").stat().st_size > 1000


def test_star_import_without_matplotlib_binds_the_rest():
    result = _run("import sys; sys.modules['matplotlib'] = None\n" + _BRIAN2_BINDINGS + """
checks['no plot'] = 'plot' not in dir()
import json; print(json.dumps(checks))
""")
    assert all(result.values()), {k: v for k, v in result.items() if not v}


def test_import_brianjit_is_lazy_about_matplotlib_and_logging():
    """matplotlib (0.3-1.2 s) loads with the first use of a plotting name (brianjit.plot is a
    stand-in: brianjit/pylab_names.py), logging with the first message or logging name;
    nothing is set up (no log file) before."""
    result = _run("""
import sys, json, brianjit
brianjit.NeuronGroup, brianjit.ms, brianjit.array
loaded = [m for m in ('matplotlib', 'pylab', 'logging') if m in sys.modules]
logger = brianjit.BrianLogger
loaded += ['initialized'] if logger.initialized or logger.tmp_log else []
try:
    plot = brianjit.plot
    loaded += ['matplotlib.pyplot' in sys.modules, plot.__name__,
               'matplotlib.pyplot' in sys.modules]
except AttributeError:  # no matplotlib
    loaded += [False, 'plot', True]
print(json.dumps(loaded))
""", MPLBACKEND="Agg")
    assert result == [False, "plot", True]


def test_only_has_brianjits_names_without_numpys_or_pylabs():
    names = set(brianjit.only.__all__)
    assert {"NeuronGroup", "run", "ms", "mV", "prefs", "BrianLogger", "seed", "exp"} <= names
    assert not names & {"array", "zeros", "rand", "plot", "np", "numpy", "linspace_", "pi"}
    with pytest.raises(AttributeError):
        brianjit.not_a_name  # noqa: B018


def test_seed_fixes_numpys_random_numbers_as_brian2s_does():
    brianjit.seed(42)
    drawn = brianjit.rand(3), brianjit.randn(2), brianjit.randint(0, 100, 4)
    reference = np.random.RandomState(42)
    np.testing.assert_array_equal(drawn[0], reference.rand(3))
    np.testing.assert_array_equal(drawn[1], reference.randn(2))
    np.testing.assert_array_equal(drawn[2], reference.randint(0, 100, 4))


def test_np_is_numpy_with_brian2s_unit_aware_functions():
    from brianjit import ms, np as bnp
    np.testing.assert_allclose(bnp.arange(0 * ms, 1 * ms, 0.25 * ms) / ms, [0, 0.25, 0.5, 0.75])
    assert type(bnp.ones_like(3 * ms)) is np.ndarray  # unitless, as Brian2's
    assert bnp.float is float and bnp.bool is bool
    assert bnp.random is np.random and bnp.pi == np.pi and bnp.__version__ == np.__version__
    assert bnp.testing is np.testing  # numpy's lazy submodules, looked up when used
    with pytest.raises(AttributeError):
        bnp.__path__  # noqa: B018  (not a package)


def test_brian2_module_paths_scripts_import_from():
    from brianjit.core.functions import DEFAULT_FUNCTIONS, Function, timestep
    from brianjit import DEFAULT_FUNCTIONS as exported, Function as exported_function
    assert DEFAULT_FUNCTIONS is exported and Function is exported_function
    assert callable(timestep)
