"""Integers are exact where Brian2 is exact and an error where Brian2 raises; nothing wraps
silently and nothing traps (SIGFPE): see docs/CONTRACTS.md, 'Integers'."""
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from brianjit import Network, NeuronGroup, SpikeMonitor, ms
from brianjit.objects.seed import seed


def _group():
    G = NeuronGroup(3, "v : 1\nn : integer\nx : 1\nm : integer", threshold="False")
    G.x = [np.inf, np.nan, -np.inf]
    return G


def test_integer_constants_beyond_64_bits_are_exact():
    G = _group()
    G.v = "2**64"
    assert list(G.v[:]) == [float(2**64)] * 3
    G.v = "2**64 - 2**64 + i"
    assert list(G.v[:]) == [0, 1, 2]
    G.v = "2**64 / 2**62"
    assert list(G.v[:]) == [4.0] * 3
    assert len(G.v["i == 2**64"]) == 0
    assert len(G.v["i != 2**64"]) == 3
    assert len(G.v["i < 2**64"]) == 3 and len(G.v["2**64 > i"]) == 3
    assert len(G.v["i > -2**64"]) == 3 and len(G.v["i <= -2**64"]) == 0
    assert len(G.v["i == 2**63"]) == 0


def test_threshold_with_a_huge_integer_never_fires():
    G = NeuronGroup(3, "v : 1", threshold="i == 2**64")
    mon = SpikeMonitor(G)
    Network(G, mon).run(1 * ms)
    assert mon.num_spikes == 0


def test_huge_integer_in_integer_arithmetic_is_an_overflow_error():
    G = _group()
    with pytest.raises(OverflowError, match="18446744073709551616"):
        G.v = "i + 2**64"


@pytest.mark.parametrize("value", [2**40, 2.0**40, 2**31, -2**31 - 1, 2**64, [0, 2**31]])
def test_integer_variable_refuses_values_out_of_range(value):
    G = _group()
    with pytest.raises(OverflowError, match="'n'"):
        G.n = value
    assert list(G.n[:]) == [0, 0, 0]


@pytest.mark.parametrize("text", ["2**31", "-2**31 - 1", "2**40", "2**64", "1e10"])
def test_integer_variable_refuses_constant_expressions_out_of_range(text):
    G = _group()
    with pytest.raises(OverflowError, match="'n'"):
        G.n = text
    G.n = "2**31 - 1"
    assert list(G.n[:]) == [2**31 - 1] * 3


def test_int_of_non_finite_values_is_brian2s_integer_indefinite():
    """Brian2 (numpy): int(inf), int(nan), int(-inf) stored in an integer variable: -2**31."""
    G = _group()
    G.n = "int(x)"
    assert list(G.n[:]) == [-2**31] * 3
    G.x = [1e12, -1e12, -2.7]
    G.n = "int(x)"                        # beyond int32: saturated, never wrapped
    assert list(G.n[:]) == [2**31 - 1, -2**31, -2]
    G.n = "x"
    assert list(G.n[:]) == [2**31 - 1, -2**31, -2]


@pytest.mark.parametrize("value, error", [(2**64, ValueError), (2**32, ValueError),
                                          (-1, ValueError), (1.5, TypeError), ("3", TypeError)])
def test_seed_out_of_range_is_an_error(value, error):
    with pytest.raises(error):
        seed(value)


def test_seeds_are_distinct():
    def draws(k):
        seed(k)
        G = NeuronGroup(5, "v : 1")
        G.v = "rand()"
        return G.v[:]
    assert not np.array_equal(draws(0), draws(2**32 - 1))
    assert np.array_equal(draws(2**32 - 1), draws(2**32 - 1))


_DIVISION = textwrap.dedent("""
    from brianjit import *
    G = NeuronGroup(4, 'n : integer\\nm : integer\\nv : 1\\nk : integer\\nf : 1')
    G.n = [7, -7, 0, 5]
    G.f = [7, -7, 0, 5]
    G.m = 0
    G.k = 'n // m'; print('intdiv0', G.k[:].tolist())
    G.k = 'n % m'; print('intmod0', G.k[:].tolist())
    G.v = 'n // m'; print('intdiv0f', G.v[:].tolist())
    G.m = -1
    G.v = '(-2**63 + n - n) // m'; print('minint', G.v[:].tolist())
    G.k = '(-2**63 + n - n) % m'; print('minmod', G.k[:].tolist())
    G.v = 'f // (m + 1)'; print('floatdiv0', G.v[:].tolist())
    G.v = 'f % (m + 1)'; print('floatmod0', G.v[:].tolist())
    print('ALIVE')
""")


def test_integer_division_by_zero_never_traps():
    """numpy's results (Brian2's numpy target): x // 0 and x % 0 are 0 for integers; INT64_MIN //
    -1 wraps to INT64_MIN (numpy int64), % -1 is 0; floats: x // 0 = x / 0, x % 0 = nan."""
    result = subprocess.run([sys.executable, "-c", _DIVISION], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    out = dict(line.partition(" ")[::2] for line in result.stdout.splitlines())
    assert out["intdiv0"] == "[0, 0, 0, 0]" and out["intmod0"] == "[0, 0, 0, 0]"
    assert out["intdiv0f"] == "[0.0, 0.0, 0.0, 0.0]"
    assert out["minint"] == str([float(-2**63)] * 4) and out["minmod"] == "[0, 0, 0, 0]"
    assert out["floatdiv0"] == "[inf, -inf, nan, inf]"
    assert out["floatmod0"] == "[nan, nan, nan, nan]"
    assert "ALIVE" in out
