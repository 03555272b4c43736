"""``brianjit.__version__`` is brianjit's own version (what pip and ``importlib.metadata`` say),
and ``__version_tuple__`` its parts, as Brian2 offers both (docs/differences.md: not Brian2's
version number)."""
from importlib import metadata

import brianjit


def test_version_tuple_is_the_version_split_with_integers():
    parts = brianjit.__version__.split(".")
    assert brianjit.__version_tuple__ == tuple(int(p) if p.isdigit() else p for p in parts)
    assert all(isinstance(p, int) for p in brianjit.__version_tuple__[:3])


def test_version_is_the_installed_package_version():
    assert brianjit.__version__ == metadata.version("brianjit")
