"""``at_default_dt_of_0_1_ms``: an autouse fixture for test modules that compare with values
measured in Brian2 scripts run at ``defaultclock.dt = 0.1*ms``; it sets that dt before each
test and puts back the dt it found afterwards (``defaultclock`` is shared by the whole test
session). A module uses it with ``from default_dt import at_default_dt_of_0_1_ms  # noqa: F401``.
"""
import pytest

from brianjit import defaultclock, ms


@pytest.fixture(autouse=True)
def at_default_dt_of_0_1_ms():
    found = defaultclock.dt
    defaultclock.dt = 0.1 * ms
    yield
    defaultclock.dt = found
