"""Run a test script in a fresh interpreter, so that a crash (segfault, SIGFPE, abort) fails the
test instead of killing the test run."""
import subprocess
import sys
import textwrap


def run_script(script: str, *args: str, timeout: float = 180) -> str:
    """Run ``script`` (dedented) with this interpreter and ``args`` (its ``sys.argv[1:]``); it
    must exit with status 0. Returns its standard output."""
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(script), *args],
                            capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, (f"exit status {result.returncode}\n--- stdout\n"
                                    f"{result.stdout}\n--- stderr\n{result.stderr}")
    return result.stdout
