"""Compiled machine code kept on disk between processes, keyed like the in-process JIT cache.

Re-running a script, restarting a notebook kernel or a benchmark's fresh process otherwise pays
LLVM's optimisation and code generation again for the very same IR. An entry is the object code
MCJIT produced plus the optimised IR (for ``obj.code``), stored under the key ``jit.compile_ir``
computes (a hash of the IR text, the CPU name and features, and the llvmlite/LLVM versions).

Object code is handed to LLVM as it is, so an entry is only trusted when its checksum matches:
a truncated or corrupted file is ignored (and replaced), never loaded. Writes go to a temporary
file that is renamed into place, so concurrent processes never see half an entry.

``BRIANJIT_CACHE_DIR`` chooses the folder (default: ``$XDG_CACHE_HOME/brianjit`` or
``~/.cache/brianjit``); ``BRIANJIT_CACHE=0`` turns the disk cache off.
"""
from __future__ import annotations

import hashlib
import os
import pathlib
import tempfile

__all__ = ["enabled", "cache_dir", "load", "store"]

_MAGIC = b"brianjit-object-v1\n"


def enabled() -> bool:
    return os.environ.get("BRIANJIT_CACHE", "1") != "0"


def cache_dir() -> pathlib.Path:
    explicit = os.environ.get("BRIANJIT_CACHE_DIR")
    if explicit:
        return pathlib.Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return pathlib.Path(base) / "brianjit"


def _path(key: str) -> pathlib.Path:
    return cache_dir() / f"{key}.bjo"


def load(key: str) -> tuple[bytes, str] | None:
    """(object code, optimised IR) stored under ``key``, or None (missing, unreadable, corrupt)."""
    if not enabled():
        return None
    try:
        blob = _path(key).read_bytes()
    except OSError:
        return None
    if not blob.startswith(_MAGIC):
        return None
    header_end = blob.find(b"\n", len(_MAGIC))
    if header_end < 0:
        return None
    try:
        digest, object_size = blob[len(_MAGIC):header_end].decode("ascii").split()
        object_size = int(object_size)
    except ValueError:
        return None
    body = blob[header_end + 1:]
    if hashlib.sha256(body).hexdigest() != digest or object_size > len(body):
        return None
    try:
        optimized_ir = body[object_size:].decode("utf-8")
    except UnicodeDecodeError:
        return None
    return body[:object_size], optimized_ir


def store(key: str, object_code: bytes, optimized_ir: str) -> None:
    """Keep an entry; failing to write (read-only home, full disk) only costs the next process a
    compilation, so errors are swallowed."""
    if not enabled():
        return
    body = bytes(object_code) + optimized_ir.encode("utf-8")
    header = f"{hashlib.sha256(body).hexdigest()} {len(object_code)}\n".encode("ascii")
    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, delete=False, suffix=".tmp") as handle:
            handle.write(_MAGIC + header + body)
            temporary = handle.name
        os.replace(temporary, _path(key))
    except OSError:
        pass
