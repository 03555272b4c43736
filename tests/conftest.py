"""Test configuration: a reproducible hypothesis profile for CI, a roomier one for local digging."""
import atexit
import logging
import os
import shutil
import tempfile

import pytest
from hypothesis import HealthCheck, settings

# compiled code goes to a cache of this test session, not the user's (subprocesses inherit it)
if "BRIANJIT_CACHE_DIR" not in os.environ:
    os.environ["BRIANJIT_CACHE_DIR"] = tempfile.mkdtemp(prefix="brianjit-test-cache-")
    atexit.register(shutil.rmtree, os.environ["BRIANJIT_CACHE_DIR"], ignore_errors=True)

settings.register_profile(
    "ci", derandomize=True, max_examples=60, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=200, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def brian_logs():
    """What brianjit logs during the test (Brian2's and brianjit's own logger names, every
    level), as ``(level, logger name, message)`` tuples. The ``brian2`` logger does not
    propagate to the root logger (as in Brian2), so pytest's ``caplog`` does not see it."""
    import gc

    from brianjit.utils.logger import catch_logs
    # objects of earlier tests give Brian2's unused_brian_object warning when the collector
    # finds them: collect now, so that they do not end up among this test's last messages
    gc.collect()
    with catch_logs(log_level=logging.DEBUG, only_from=("brian2", "brianjit")) as logs:
        yield logs
