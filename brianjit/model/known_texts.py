"""Model texts that were parsed and checked successfully before, remembered on disk, so that
a later process may defer their sympy work until something needs it.

Why: a script whose kernels are all in the disk cache should reach its first step without
importing sympy (issue 9, target 2; sympy's import alone is 0.35-0.7 s). Parsing a text into
sympy also *checks* it (syntax, refused constructs, constants without a number, noise that does
not enter linearly...), and those errors must be raised where the text is written, so a parse
can only be deferred when its outcome is known to be a success. Parsing is a pure function of
the text and of the code that parses (brianjit's source and sympy's version), so a record
"this text, of this kind, passed" under a key of exactly those inputs is that knowledge: a
text that never passed is parsed at once, as before, and every error stays what and where it
was.

A record is an empty entry of the disk cache (:mod:`brianjit.diskcache`: authenticated,
written atomically) under a SHA-256 of the kind, the text, ``diskcache.code_fingerprint()``
and the text of sympy's ``release.py`` (its version, read without importing sympy). A record
that is missing, damaged or forged is no record: the text is parsed. Records found or written
in this process are also kept in a set, so a loop meets the disk once per text.
"""
from __future__ import annotations

import hashlib
import importlib.util
import pathlib

from .. import diskcache

__all__ = ["sympy_release", "passed_before", "remember_passed", "DeferredParse",
           "parse_unless_passed"]

_KNOWN: set[str] = set()
_SYMPY_RELEASE: list[str] = []


def sympy_release() -> str:
    """The text of sympy's ``release.py`` (its version), found without importing sympy."""
    if not _SYMPY_RELEASE:
        spec = importlib.util.find_spec("sympy")
        text = ""
        if spec is not None and spec.origin:
            try:
                text = (pathlib.Path(spec.origin).parent / "release.py").read_text()
            except OSError:
                pass
        _SYMPY_RELEASE.append(text)
    return _SYMPY_RELEASE[0]


def _usable(text: str) -> bool:
    """Whether records can be used at all (the disk cache is on, sympy is installed) and
    ``text`` can be stored (an entry's texts are UTF-8)."""
    if not diskcache.enabled() or not sympy_release():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _key(kind: str, text: str) -> str:
    digest = hashlib.sha256()
    for part in ("known-text-v1", kind, text, diskcache.code_fingerprint(), sympy_release()):
        digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()


def passed_before(kind: str, text: str) -> bool:
    """Whether ``text`` (of ``kind``, e.g. ``'equations'``) passed its parse and checks before,
    in this process or in one whose record is in the disk cache."""
    if not _usable(text):
        return False
    key = _key(kind, text)
    if key in _KNOWN:
        return True
    entry = diskcache.load(key)
    if entry is None or tuple(entry[1:]) != (kind, text):
        return False
    _KNOWN.add(key)
    return True


def remember_passed(kind: str, text: str) -> None:
    """Record that ``text`` (of ``kind``) passed its parse and checks."""
    if not _usable(text):
        return
    key = _key(kind, text)
    if key not in _KNOWN:
        diskcache.store(key, b"", kind, text)
        _KNOWN.add(key)


class DeferredParse:
    """``parse(text)``, computed when :attr:`value` is first read."""

    __slots__ = ("_parse", "_text", "_value")

    def __init__(self, parse, text: str):
        self._parse, self._text, self._value = parse, text, None

    @property
    def parsed(self) -> bool:
        """Whether the text has been parsed (in this process)."""
        return self._parse is None

    @property
    def value(self):
        if self._parse is not None:
            self._value = self._parse(self._text)
            self._parse = None
        return self._value


def parse_unless_passed(kind: str, text: str, parse) -> DeferredParse:
    """``parse(text)`` as a :class:`DeferredParse`: parsed now (errors are raised here, where
    the text is written) unless ``text`` passed ``parse`` before (``kind`` names ``parse``:
    ``'expression'``, ``'statements'``), in which case it is parsed when first needed."""
    result = DeferredParse(parse, text)
    if not passed_before(kind, text):
        result.value
        remember_passed(kind, text)
    return result
