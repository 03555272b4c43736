"""What the disk cache of machine code trusts: only entries authenticated with the user's own key,
in a folder and files only the user can write, read as regular files of bounded size."""
import hashlib
import os
import subprocess
import sys
import threading

import pytest

from brianjit import diskcache

KEY = "ab" * 32
OTHER_KEY = "cd" * 32
ENTRY = (b"\x7fELF-object", "define void @f() { ret void }")
as_root = pytest.mark.skipif(os.geteuid() != 0, reason="giving a file away needs root")


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A private cache folder and key folder for this test."""
    monkeypatch.setenv("BRIANJIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("BRIANJIT_CACHE", raising=False)
    return tmp_path


def _entry(tmp_path, key=KEY):
    return tmp_path / "cache" / f"{key}.bjo"


def _key_file(tmp_path):
    return tmp_path / "config" / "brianjit" / "cache-key"


def _untrusted(logs):
    return [message for _, name, message in logs if name == "brianjit.diskcache.untrusted"]


def test_an_entry_round_trips_and_the_key_is_private(cache):
    diskcache.store(KEY, *ENTRY)
    assert diskcache.load(KEY) == ENTRY
    key_file = _key_file(cache)
    assert key_file.stat().st_mode & 0o777 == 0o600 and key_file.stat().st_size == 32
    assert key_file.parent.stat().st_mode & 0o777 == 0o700
    assert (cache / "cache").stat().st_mode & 0o777 == 0o700
    assert not any(p.name.endswith(".tmp") for p in (cache / "cache").iterdir())


def test_an_entry_with_a_recomputed_checksum_is_not_loaded(cache):
    """The forgery of the issue: new payload, checksum recomputed as the old format had it."""
    diskcache.store(KEY, *ENTRY)
    magic, header, body = _entry(cache).read_bytes().split(b"\n", 2)
    forged_body = b"\x7fELF-evil!!" + body[len(ENTRY[0]):]
    digest = hashlib.sha256(forged_body).hexdigest().encode()
    _entry(cache).write_bytes(b"\n".join([magic, digest + b" " + header.split()[1], forged_body]))
    assert diskcache.load(KEY) is None


def test_an_entry_made_with_another_key_is_not_loaded(cache, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(cache / "attacker"))
    diskcache.store(KEY, *ENTRY)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(cache / "config"))
    assert diskcache.load(KEY) is None


def test_an_entry_moved_to_another_cache_key_is_not_loaded(cache):
    diskcache.store(KEY, *ENTRY)
    _entry(cache).rename(_entry(cache, OTHER_KEY))
    assert diskcache.load(OTHER_KEY) is None


def test_keys_that_are_not_hashes_are_refused(cache):
    diskcache.store("../escape" + "0" * 55, *ENTRY)
    assert not (cache / "escape").exists() and diskcache.load("../x") is None


@pytest.mark.parametrize("mode", [0o777, 0o770, 0o722])
def test_a_folder_others_can_write_is_not_used(cache, brian_logs, mode):
    diskcache.store(KEY, *ENTRY)
    (cache / "cache").chmod(mode)
    assert diskcache.load(KEY) is None
    diskcache.store(OTHER_KEY, *ENTRY)
    assert not _entry(cache, OTHER_KEY).exists()
    assert any("others may write" in m for m in _untrusted(brian_logs))


@as_root
def test_a_folder_of_another_user_is_not_used(cache, brian_logs):
    diskcache.store(KEY, *ENTRY)
    os.chown(cache / "cache", 12345, 12345)
    assert diskcache.load(KEY) is None
    diskcache.store(OTHER_KEY, *ENTRY)
    assert not _entry(cache, OTHER_KEY).exists()
    assert any("owned by another user" in m for m in _untrusted(brian_logs))


@as_root
def test_an_entry_of_another_user_is_not_loaded(cache):
    diskcache.store(KEY, *ENTRY)
    os.chown(_entry(cache), 12345, 12345)
    assert diskcache.load(KEY) is None


def test_an_entry_others_can_write_is_not_loaded(cache):
    diskcache.store(KEY, *ENTRY)
    _entry(cache).chmod(0o666)
    assert diskcache.load(KEY) is None


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660])
def test_a_key_file_others_can_read_turns_the_cache_off(cache, brian_logs, mode):
    diskcache.store(KEY, *ENTRY)
    _key_file(cache).chmod(mode)
    assert diskcache.load(KEY) is None
    diskcache.store(OTHER_KEY, *ENTRY)
    assert not _entry(cache, OTHER_KEY).exists()
    assert any("key file" in m and "others may access" in m for m in _untrusted(brian_logs))


def test_a_key_file_that_is_a_link_turns_the_cache_off(cache):
    diskcache.store(KEY, *ENTRY)
    key_file = _key_file(cache)
    real = cache / "elsewhere"
    real.write_bytes(key_file.read_bytes())
    real.chmod(0o600)
    key_file.unlink()
    key_file.symlink_to(real)
    assert diskcache.load(KEY) is None


def test_a_key_folder_others_can_write_turns_the_cache_off(cache):
    diskcache.store(KEY, *ENTRY)
    _key_file(cache).parent.chmod(0o777)
    assert diskcache.load(KEY) is None


def test_a_key_that_cannot_be_created_turns_the_cache_off(cache, monkeypatch):
    blocker = cache / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(blocker))
    diskcache.store(KEY, *ENTRY)  # no exception, nothing written
    assert diskcache.load(KEY) is None
    assert not (cache / "cache").exists() or not any((cache / "cache").iterdir())


def test_concurrent_first_uses_agree_on_one_key(cache):
    barrier = threading.Barrier(8)
    keys = []

    def first_use():
        barrier.wait()
        keys.append(diskcache._secret())

    threads = [threading.Thread(target=first_use) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(keys) == 8 and len(set(keys)) == 1
    assert sorted(p.name for p in _key_file(cache).parent.iterdir()) == ["cache-key"]


def test_an_entry_larger_than_the_limit_is_neither_written_nor_read(cache, monkeypatch):
    diskcache.store(KEY, *ENTRY)
    monkeypatch.setattr(diskcache, "MAX_ENTRY_BYTES", 40)
    assert diskcache.load(KEY) is None
    diskcache.store(OTHER_KEY, b"x" * 100, "")
    assert not _entry(cache, OTHER_KEY).exists()


_SPECIAL_FILE = r"""
import os, sys, time
from brianjit import diskcache
key = "ab" * 32
path = os.path.join(os.environ["BRIANJIT_CACHE_DIR"], key + ".bjo")
os.makedirs(os.environ["BRIANJIT_CACHE_DIR"], mode=0o700, exist_ok=True)
if sys.argv[1] == "fifo":
    os.mkfifo(path, 0o600)
else:
    os.symlink(sys.argv[1], path)
t0 = time.perf_counter()
print(diskcache.load(key), round(time.perf_counter() - t0, 3))
"""


@pytest.mark.parametrize("target", ["/dev/zero", "/dev/urandom", "fifo", "/etc/hostname"])
def test_an_entry_that_is_a_device_fifo_or_link_is_refused_at_once(cache, target):
    env = dict(os.environ, BRIANJIT_CACHE_DIR=str(cache / "cache"),
               XDG_CONFIG_HOME=str(cache / "config"))
    out = subprocess.run([sys.executable, "-c", _SPECIAL_FILE, target], env=env,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    loaded, seconds = out.stdout.split()
    assert loaded == "None" and float(seconds) < 5


_WRITER = r"""
import sys
from brianjit import diskcache
n = int(sys.argv[1])
for k in range(150):
    diskcache.store("ab" * 32, bytes([n]) * 200_000, f"writer {n} round {k}")
"""


def test_concurrent_writers_never_show_half_an_entry(cache):
    env = dict(os.environ, BRIANJIT_CACHE_DIR=str(cache / "cache"),
               XDG_CONFIG_HOME=str(cache / "config"))
    diskcache.store(KEY, b"\0" * 200_000, "first")
    writers = [subprocess.Popen([sys.executable, "-c", _WRITER, str(n)], env=env)
               for n in (1, 2)]
    seen = set()
    try:
        while any(w.poll() is None for w in writers):
            entry = diskcache.load(KEY)
            assert entry is not None
            object_code, text = entry
            assert len(object_code) == 200_000 and len(set(object_code)) == 1
            assert text == "first" or text.startswith(f"writer {object_code[0]} ")
            seen.add(object_code[0])
    finally:
        for w in writers:
            w.wait(timeout=120)
    assert all(w.returncode == 0 for w in writers)
    assert not any(p.name.endswith(".tmp") for p in (cache / "cache").iterdir())
