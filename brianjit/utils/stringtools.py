"""``brian2.utils.stringtools``: the text helpers Brian2 scripts and extensions use to build
and inspect model code (names in a code string, whole-word substitution, indentation)."""
from __future__ import annotations

import re

from ..model.codestrings import get_identifiers

__all__ = ["get_identifiers", "word_substitute", "indent", "deindent", "strip_empty_lines"]


def word_substitute(expr: str, substitutions: dict) -> str:
    """``expr`` with every whole word ``w`` (``\\bw\\b``) of ``substitutions`` replaced by
    ``str(substitutions[w])``: ``word_substitute('a*b + ab', {'a': 'x'})`` is ``'x*b + ab'``."""
    for word, replacement in substitutions.items():
        expr = re.sub(rf"\b{re.escape(word)}\b", lambda _: str(replacement), expr)
    return expr


def indent(text: str, numtabs: int = 1, spacespertab: int = 4, tab: str | None = None) -> str:
    """Every line of ``text`` indented by ``numtabs`` tabs (``spacespertab`` spaces each, or
    the string ``tab``)."""
    prefix = (" " * spacespertab if tab is None else tab) * numtabs
    return "\n".join(prefix + line for line in text.split("\n"))


def deindent(text: str, numtabs: int | None = None, spacespertab: int = 4,
             docstring: bool = False) -> str:
    """``text`` (tabs as ``spacespertab`` spaces) without its common indentation, or without
    ``numtabs`` tabs of it; with ``docstring`` the first line is left as it is and not
    counted."""
    lines = text.replace("\t", " " * spacespertab).split("\n")
    head, body = (lines[:1], lines[1:]) if docstring else ([], lines)
    if numtabs is None:
        widths = [len(line) - len(line.lstrip()) for line in body if line.strip()]
        remove = min(widths, default=0)
    else:
        remove = numtabs * spacespertab
    body = [line[min(remove, len(line) - len(line.lstrip())):] for line in body]
    return "\n".join(head + body)


def strip_empty_lines(text: str) -> str:
    """``text`` without its blank lines."""
    return "\n".join(line for line in text.split("\n") if line.strip())
