"""Brian2's GSL integration methods ('gsl', 'gsl_rk2', 'gsl_rkf45' ...) need a compiler and the
GNU Scientific Library; brianjit refuses them with NotImplementedError naming the method (Brian2's
advanced/compare_GSL_to_conventional example uses method='gsl_rk2'); other unknown names stay
ValueError, as in Brian2."""
import pytest

from brianjit import NeuronGroup, ms, run, start_scope


@pytest.mark.parametrize("method", ["gsl", "gsl_rk2", "GSL_RKF45"])
def test_gsl_method_is_not_implemented_error_naming_it(method):
    start_scope()
    group = NeuronGroup(1, "dv/dt = -v/(10*ms) : 1", method=method)
    with pytest.raises(Exception) as info:
        run(0 * ms)
    chain = [info.value, info.value.__cause__]
    error = next(e for e in chain if isinstance(e, NotImplementedError))
    assert repr(method) in str(error) and "GNU Scientific Library" in str(error)
    assert "euler" in str(error)
    del group


def test_unknown_method_is_still_value_error():
    start_scope()
    group = NeuronGroup(1, "dv/dt = -v/(10*ms) : 1", method="rk5")
    with pytest.raises(Exception) as info:
        run(0 * ms)
    assert isinstance(info.value.__cause__ or info.value, ValueError)
    del group
