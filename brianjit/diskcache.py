"""Compiled machine code (and the front end's results) kept on disk between processes, keyed
like the in-process caches.

Re-running a script, restarting a notebook kernel or a benchmark's fresh process otherwise pays
LLVM's optimisation and code generation again for the very same IR. An entry is the object code
the engine links plus texts (``jit`` keeps the optimised IR and the IR, for ``obj.code``, and the
names of the functions), stored under the key ``jit`` computes (a hash of the IR text or of the
kernels' structure, the CPU name and features, and the versions). ``objects.frontend_memo``
keeps integrations the same way (one binary part: a pickle, under a key of its own inputs).

An entry is machine code that this process will execute, so the cache trusts nothing it did not
write itself:

* Every entry carries an HMAC-SHA256 of its cache key and contents under a secret key of the user
  (32 random bytes in ``$XDG_CONFIG_HOME/brianjit/cache-key``, default ``~/.config/brianjit``,
  outside the cache folder). Only an entry written by a process holding that key is loaded: a
  damaged, truncated, renamed or forged entry is ignored and replaced. The key file is created
  once, atomically (written under a temporary name with mode 0600, then hard-linked into place, so
  concurrent first runs agree on one key), and is refused unless it is a regular file owned by
  the user that nobody else may read or write, in a folder nobody else may write.
* The cache folder must be owned by the user and not writable by group or others (it is created
  with mode 0700); entries must be regular files (opened without following symbolic links and
  without blocking, so a link to ``/dev/zero`` or a FIFO is refused, not read) owned by the user,
  not writable by others, and at most :data:`MAX_ENTRY_BYTES` long.
* Entries are written to a temporary file that is renamed into place, so a concurrent process sees
  a whole entry or none.

Whenever one of these conditions fails the disk cache is simply off for that lookup or write
(with a warning, once, when something looks tampered with): compilation then takes its ordinary
time, never shortcuts through untrusted code.

``BRIANJIT_CACHE_DIR`` chooses the folder (default: ``$XDG_CACHE_HOME/brianjit`` or
``~/.cache/brianjit``); ``BRIANJIT_CACHE=0`` turns the disk cache off.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import pathlib
import re
import secrets
import stat
import threading
from collections import OrderedDict
from collections.abc import Callable

from .utils import debug, warn

__all__ = ["MAX_ENTRY_BYTES", "RememberedEntries", "enabled", "cache_dir", "code_fingerprint",
           "key_file", "load", "store"]

_MAGIC = b"brianjit-object-v3\n"
#: entries larger than this are neither written nor read (a network's entry is ~0.1-1 MB)
MAX_ENTRY_BYTES = 64 * 2**20
_KEY_BYTES = 32
_CACHE_KEY = re.compile(r"[0-9a-f]{64}")
_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


class _Untrusted(Exception):
    """A file or folder the cache must not rely on; the message says which and why."""


_fingerprint: list[str] = []


def code_fingerprint() -> str:
    """SHA-256 of brianjit's own source files: a key that stands for what *this* version of
    brianjit makes (machine code of a structure, an integration) must not find an older
    version's entry. (About 1 MB of text, hashed once per process, when first needed.)"""
    if not _fingerprint:
        package = pathlib.Path(__file__).resolve().parent
        digest = hashlib.sha256()
        for path in sorted(package.rglob("*.py")):
            digest.update(str(path.relative_to(package)).encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
        _fingerprint.append(digest.hexdigest())
    return _fingerprint[0]


def enabled() -> bool:
    """Whether the disk cache is on (the platform must open files relative to a folder)."""
    return os.environ.get("BRIANJIT_CACHE", "1") != "0" and os.open in os.supports_dir_fd


def cache_dir() -> pathlib.Path:
    explicit = os.environ.get("BRIANJIT_CACHE_DIR")
    if explicit:
        return pathlib.Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return pathlib.Path(base) / "brianjit"


def key_file() -> pathlib.Path:
    """Where the user's secret key for authenticating entries lives."""
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return pathlib.Path(base) / "brianjit" / "cache-key"


def _check_owned(st, what, *, private=False):
    """Refuse ``what`` unless the user owns it and nobody else may write it (nor, if ``private``,
    read it)."""
    if st.st_uid != os.geteuid():
        raise _Untrusted(f"{what} is owned by another user (uid {st.st_uid})")
    loose = st.st_mode & (0o077 if private else 0o022)
    if loose:
        fix = "chmod go-rwx" if private else "chmod go-w"
        raise _Untrusted(f"{what} has permissions {stat.filemode(st.st_mode)}: others may "
                         f"{'access' if private else 'write to'} it ('{fix}' it if only you "
                         f"should)")


def _open_folder(folder: pathlib.Path, create: bool) -> int:
    """A descriptor of ``folder`` (made with mode 0700 if ``create``), after checking it."""
    if create:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | _O_CLOEXEC)
    try:
        _check_owned(os.fstat(fd), f"the folder {folder}")
    except BaseException:
        os.close(fd)
        raise
    return fd


def _read_regular(name: str, folder_fd: int, what: str, limit: int, *, private=False) -> bytes:
    """The contents of the regular file ``name`` in the folder ``folder_fd``, refusing symbolic
    links, devices, FIFOs and files of another user or larger than ``limit``."""
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | _O_CLOEXEC,
                     dir_fd=folder_fd)
    except OSError as exc:
        if isinstance(exc, FileNotFoundError):
            raise
        raise _Untrusted(f"{what} cannot be opened as a plain file ({exc.strerror})") from exc
    with os.fdopen(fd, "rb") as handle:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise _Untrusted(f"{what} is not a regular file")
        _check_owned(st, what, private=private)
        if st.st_size > limit:
            raise _Untrusted(f"{what} is larger than {limit} bytes")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise _Untrusted(f"{what} is larger than {limit} bytes")
    return data


def _publish(folder_fd: int, name: str, data: bytes, *, replace: bool) -> None:
    """Write ``data`` to a private temporary file in the folder, then give it the name ``name``
    atomically: by renaming (``replace``: a newer entry wins) or by a hard link, which never
    replaces (the first writer wins, and its file is flushed to disk first)."""
    temporary = f".{name}.{os.getpid()}.{secrets.token_hex(8)}.tmp"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | _O_CLOEXEC,
                 0o600, dir_fd=folder_fd)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if not replace:
                handle.flush()
                os.fsync(handle.fileno())
        if replace:
            os.replace(temporary, name, src_dir_fd=folder_fd, dst_dir_fd=folder_fd)
        else:
            try:
                os.link(temporary, name, src_dir_fd=folder_fd, dst_dir_fd=folder_fd)
            except FileExistsError:
                pass
    finally:
        try:
            os.unlink(temporary, dir_fd=folder_fd)
        except FileNotFoundError:
            pass


def _secret() -> bytes:
    """The user's key, created on first use; raises _Untrusted or OSError when there is none."""
    path = key_file()
    folder_fd = _open_folder(path.parent, create=True)
    try:
        try:
            key = _read_regular(path.name, folder_fd, f"the key file {path}", _KEY_BYTES,
                                private=True)
        except FileNotFoundError:
            _publish(folder_fd, path.name, secrets.token_bytes(_KEY_BYTES), replace=False)
            key = _read_regular(path.name, folder_fd, f"the key file {path}", _KEY_BYTES,
                                private=True)
    finally:
        os.close(folder_fd)
    if len(key) != _KEY_BYTES:
        raise _Untrusted(f"the key file {path} does not hold a key of {_KEY_BYTES} bytes "
                         f"(delete it and a new key is made)")
    return key


def _mac(secret: bytes, key: str, body: bytes) -> str:
    return hmac.new(secret, key.encode("ascii") + b"\0" + body, hashlib.sha256).hexdigest()


def _off(exc: Exception) -> None:
    """Report why the cache is not used: a warning for what looks tampered with, a debug note
    for an ordinary failure (read-only home, full disk)."""
    if isinstance(exc, _Untrusted):
        warn("brianjit.diskcache.untrusted", f"the disk cache of compiled code is not used: {exc}",
             once=True)
    else:
        debug("brianjit.diskcache", f"the disk cache of compiled code is not used: {exc}", once=True)


def load(key: str) -> tuple | None:
    """(object code, *texts) stored under ``key``, or None (missing, unreadable, damaged, not
    authenticated, or in a place the cache does not trust)."""
    if not enabled() or not _CACHE_KEY.fullmatch(key):
        return None
    try:
        secret = _secret()
        folder_fd = _open_folder(cache_dir(), create=False)
        try:
            blob = _read_regular(f"{key}.bjo", folder_fd, f"the cache entry {key}.bjo",
                                 MAX_ENTRY_BYTES)
        finally:
            os.close(folder_fd)
    except FileNotFoundError:
        return None
    except (_Untrusted, OSError) as exc:
        _off(exc)
        return None
    header_end = blob.find(b"\n", len(_MAGIC))
    if not blob.startswith(_MAGIC) or header_end < 0:
        return None
    try:
        mac, *sizes = blob[len(_MAGIC):header_end].decode("ascii").split()
        sizes = [int(size) for size in sizes]
    except (UnicodeDecodeError, ValueError):
        return None
    body = blob[header_end + 1:]
    if not hmac.compare_digest(_mac(secret, key, body), mac) or not sizes \
            or min(sizes) < 0 or sum(sizes) != len(body):
        return None
    parts, start = [], 0
    for size in sizes:
        parts.append(body[start:start + size])
        start += size
    try:
        return (parts[0], *(part.decode("utf-8") for part in parts[1:]))
    except UnicodeDecodeError:
        return None


def store(key: str, object_code: bytes, *texts: str) -> None:
    """Keep an entry: the object code and any texts (``jit`` keeps the optimised IR, the IR and
    the function names). Failing to write (read-only home, full disk, untrusted folder) only
    costs the next process a compilation, so it is reported, never raised."""
    if not enabled() or not _CACHE_KEY.fullmatch(key):
        return
    parts = [bytes(object_code)] + [text.encode("utf-8") for text in texts]
    body = b"".join(parts)
    try:
        secret = _secret()
        sizes = " ".join(str(len(part)) for part in parts)
        blob = _MAGIC + f"{_mac(secret, key, body)} {sizes}\n".encode("ascii") + body
        if len(blob) > MAX_ENTRY_BYTES:
            return
        folder_fd = _open_folder(cache_dir(), create=True)
        try:
            _publish(folder_fd, f"{key}.bjo", blob, replace=True)
        finally:
            os.close(folder_fd)
    except (_Untrusted, OSError) as exc:
        _off(exc)


class RememberedEntries:
    """Entries of one kind (the front end's answers: one-off kernels, network builds) kept in
    this process in front of the disk: the ``capacity`` most recently used, so a loop meets the
    disk once per entry. ``decode`` turns what :func:`load` gave into an entry, or None when it
    is not one (damaged, another layout): no entry. Used from several threads (groups and
    networks may be built in several), so the memory is read and changed under a lock."""

    def __init__(self, capacity: int, decode: Callable[[tuple], object | None]):
        self._capacity, self._decode = capacity, decode
        self._entries: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def get(self, key: str):
        """The entry under ``key``: this process's, else the disk's; None when there is none."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
                return entry
        stored = load(key)
        entry = None if stored is None else self._decode(stored)
        if entry is not None:
            self._remember(key, entry)
        return entry

    def put(self, key: str, entry, object_code: bytes, *texts: str) -> None:
        """Keep ``entry`` here and, as ``object_code`` and ``texts``, on disk."""
        self._remember(key, entry)
        store(key, object_code, *texts)

    def forget(self, key: str) -> None:
        """Drop this process's entry under ``key`` (the disk's is replaced by the next put)."""
        with self._lock:
            self._entries.pop(key, None)

    def _remember(self, key, entry):
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self._capacity:
                self._entries.popitem(last=False)
