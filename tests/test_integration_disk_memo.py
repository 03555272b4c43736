"""A later process finds a model's integration in the disk cache (objects/frontend_memo.py): the
same right-hand sides, gated variables, method and locally constant functions give exactly the
expressions a cold integration gives, and anything that changes them misses."""
import json
import os
import subprocess
import sys

import pytest

from brianjit import ExplicitStateUpdater, StateUpdateMethod, diskcache, ms
from brianjit.model.exact import LinearStateUpdater
from brianjit.model.integration import StateUpdate
from brianjit.model.symbols import new_randn, symbol
from brianjit.objects import frontend_memo
from brianjit.objects.neurongroup import NeuronGroup

_SCRIPT = r"""
import json
from brianjit import *
from brianjit.kernel_key import canonical_text
import brianjit.objects.frontend_memo as memo
computed = []
integrate = memo.integrate_unless_refractory
memo.integrate_unless_refractory = lambda *args: computed.append(1) or integrate(*args)
seed(5)
G = NeuronGroup(50, '''dv/dt = (ge - (v - El))/taum : volt (unless refractory)
                       dge/dt = -ge/taue : volt''', threshold='v > -50*mV', reset='v = -60*mV',
                refractory=2*ms, method='exact',
                namespace=dict(taum=20*ms, taue=5*ms, El=-45*mV))
G.v = '-60*mV + rand()*10*mV'
G.ge = '1*mV * rand()'
# an object without a front key: the network makes its kernels (objects/front_network.py), so
# the integration is asked for (and found on disk) rather than skipped with the kernels
@network_operation(dt=10*ms)
def keyless():
    pass
run(20*ms)
print(json.dumps({"computed": len(computed), "v": G.v_[:].tolist(),
                  "update": canonical_text(list(G._integration))}))
"""


def _run(cache_dir):
    environment = dict(os.environ, BRIANJIT_CACHE_DIR=str(cache_dir))
    out = subprocess.run([sys.executable, "-c", _SCRIPT], env=environment, capture_output=True,
                         text=True, timeout=180)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_a_later_process_loads_the_integration_and_computes_the_same(tmp_path):
    first, second = _run(tmp_path), _run(tmp_path)
    assert (first["computed"], second["computed"]) == (1, 0)
    assert second["update"] == first["update"]
    assert second["v"] == first["v"]   # bit for bit


@pytest.fixture
def counted(tmp_path, monkeypatch):
    """Integrations computed (not found in memory or on disk), with an empty disk cache."""
    monkeypatch.setenv("BRIANJIT_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(frontend_memo, "_integrations", type(frontend_memo._integrations)())
    computed = []
    integrate = frontend_memo.integrate_unless_refractory
    monkeypatch.setattr(frontend_memo, "integrate_unless_refractory",
                        lambda *args: computed.append(args[3]) or integrate(*args))

    def integrate_group(model, method="exact", **kwargs):
        frontend_memo._integrations.clear()   # as a new process: memory forgets, disk remembers
        group = NeuronGroup(2, model, method=method, threshold="v > 1*mV", reset="v = 0*mV",
                            namespace={"tau": 10 * ms, "tau2": 20 * ms}, **kwargs)
        return group._integrated(frozenset())
    return computed, integrate_group


_MODEL = "dv/dt = -v/tau : volt (unless refractory)"


@pytest.mark.parametrize("changed, kwargs", [
    ("dv/dt = -v/tau2 : volt (unless refractory)", {}),                       # the text
    ("dv/dt = -v/tau : volt", {}),                                             # a flag
    (_MODEL, {"method": "euler"}),                                             # the method
    (_MODEL, {"method": ExplicitStateUpdater("x_new = x + dt*f(x, t)")}),      # a user's method
    ("dv/dt = -v/tau : volt (unless refractory)\ndw/dt = -w/tau : 1", {}),     # another variable
])
def test_what_changes_the_integration_misses(counted, changed, kwargs):
    computed, integrate_group = counted
    reference = integrate_group(_MODEL, refractory=1 * ms)
    again = integrate_group(_MODEL, refractory=1 * ms)
    assert len(computed) == 1 and list(again) == list(reference)
    integrate_group(changed, refractory=1 * ms, **kwargs)
    assert len(computed) == 2


def test_a_method_that_warns_when_used_is_never_stored(counted):
    computed, integrate_group = counted
    model = "dv/dt = -v/tau : volt"
    integrate_group(model, method="independent")
    integrate_group(model, method="independent")
    assert len(computed) == 2   # a later process gives the deprecation warning again


def test_locally_constant_functions_are_part_of_the_key():
    text = "canonical"
    method_key = frontend_memo._method_key("exact")
    assert frontend_memo._disk_key(text, method_key, ()) != \
        frontend_memo._disk_key(text, method_key, ("ta",))


def test_a_users_own_method_class_is_never_stored(counted):
    computed, integrate_group = counted

    class MyLinear(LinearStateUpdater):
        pass
    method = MyLinear()
    assert frontend_memo._disk_key("text", frontend_memo._method_key(method), ()) is None
    integrate_group(_MODEL, method=method)
    integrate_group(_MODEL, method=method)
    assert len(computed) == 2


def test_a_method_registered_under_a_name_is_another_key():
    own = frontend_memo._disk_key("text", frontend_memo._method_key(None), ())
    StateUpdateMethod.register("my_euler_for_the_memo_test",
                               ExplicitStateUpdater("x_new = x + dt*f(x, t)"))
    try:
        assert frontend_memo._disk_key("text", frontend_memo._method_key(None), ()) != own
    finally:
        del StateUpdateMethod.stateupdaters["my_euler_for_the_memo_test"]


def test_random_calls_are_never_stored(tmp_path, monkeypatch):
    monkeypatch.setenv("BRIANJIT_CACHE_DIR", str(tmp_path))
    euler = StateUpdateMethod.stateupdaters["euler"]
    key = "cd" * 32
    noisy = StateUpdate([("v", symbol("v") + new_randn())], "euler", euler, "euler")
    frontend_memo._store(key, noisy, [euler])
    assert diskcache.load(key) is None
    plain = StateUpdate([("v", 2 * symbol("v"))], "euler", euler, "euler")
    frontend_memo._store(key, plain, [euler])
    assert list(frontend_memo._load(key, [euler])) == list(plain)
