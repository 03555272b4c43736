"""Shared by the Ctrl-C tests: run a script in a subprocess, interrupt it once it is running."""
import signal
import subprocess
import sys
import time


def run_and_interrupt(script: str, after: float = 1.0) -> str:
    """Start ``script`` (it prints READY when its long run starts), send SIGINT ``after`` seconds
    later, and return its output; the script must exit cleanly (status 0)."""
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "READY"
        time.sleep(after)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    return out
