"""Fuzzing the model language: generated model text, near-valid and hostile (equations, flags,
units, threshold/reset, refractoriness, on_pre/on_post, connect() conditions and generators, string
assignments ``G.v = '...'`` and ``G.v['cond'] = ...``, reads ``G.v['cond']``) either runs or is
refused with a user-facing error (docs/CONTRACTS.md, "Errors": a documented type, raised by
brianjit, naming the object or quoting the text), within 20 s a case. Each batch runs in a fresh
process (tests/model_fuzz.py), so a crash or a hang is a finding rather than the end of the run.

Here: a bounded, derandomized sample (the "ci" profile's seed; two batches of ten cases).
The long run, outside CI (about 20 minutes on two cores for 20,000 cases)::

    python tests/model_fuzz.py --cases 20000 --workers 2 --seed 0

prints ``cases: N; crashes: C; hangs: H; non-user-facing exceptions: B; ...`` and each finding
with its input; it exits with status 1 if there is any.
"""
import json

from hypothesis import HealthCheck, given, settings, strategies as st

from model_fuzz import CASES, findings, run_batch


@settings(max_examples=2, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(CASES, min_size=10, max_size=10))
def test_model_text_runs_or_is_refused_clearly(cases):
    results = run_batch(cases, timeout=120)
    assert len(results) == len(cases)
    found = findings(cases, results)
    assert not found, json.dumps(found, indent=1)[:6000]
