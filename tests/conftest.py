"""Test configuration: a reproducible hypothesis profile for CI, a roomier one for local digging."""
import atexit
import os
import shutil
import tempfile

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
