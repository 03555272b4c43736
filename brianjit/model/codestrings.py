"""Brian2's code strings (``brian2.equations.codestrings``): :class:`Expression` and
:class:`Statements`, a piece of model text together with what Brian2 scripts ask of it.

A definition of :class:`~brianjit.model.equations.Equations` holds its right-hand side as an
:class:`Expression` (``eqs['v'].expr``), as in Brian2: ``.code`` is the text (after the
substitutions of ``Equations(..., x='y')``), ``.identifiers`` the names in it, read from the text
as Brian2 reads them (functions and units included), ``str()`` the text, and two expressions are
equal when their texts are. brianjit's stages work on the parsed tree, ``.sympy_expr``: an
expression is parsed once, when it is made, so a syntax error is raised where the text was
written (a ``SyntaxError`` quoting it) -- unless the same text passed before
(:meth:`Expression.deferred`: then when first needed) --, and an expression made from a tree
(``Expression(sympy_expression=...)``, the parts of :meth:`Expression.split_stochastic`) keeps
that tree exactly (its text, printed in the model language, is for reading).

Brian2's expressions have no arithmetic; neither do these.
"""
from __future__ import annotations

import re

__all__ = ["CodeString", "Expression", "Statements", "get_identifiers"]

_KEYWORDS = frozenset({"and", "or", "not", "True", "False"})
_IDENTIFIER = re.compile(r"\b[A-Za-z_][A-Za-z0-9_]*\b")
_NUMBER = re.compile(r"(?<=[^A-Za-z_0-9.])[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?"
                     r"|^[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?")


def get_identifiers(expr: str, include_numbers: bool = False) -> set[str]:
    """Brian2's ``brian2.utils.stringtools.get_identifiers``: every word of ``expr`` that looks
    like a name (``and``, ``or``, ``not``, ``True``, ``False`` excepted), and with
    ``include_numbers`` its number literals as written (``'.3e-10'``, ``'17'``)."""
    names = set(_IDENTIFIER.findall(expr)) - _KEYWORDS
    if include_numbers:
        names |= set(_NUMBER.findall(expr))
    return names


class CodeString:
    """Model text, stripped of surrounding white space; equal (to one of its own kind) and
    hashed by its text."""

    def __init__(self, code: str):
        if not isinstance(code, str):
            raise TypeError(f"code must be a string, not {type(code).__name__}")
        self._code = code.strip()
        #: the names the text uses (see :func:`get_identifiers`)
        self.identifiers = get_identifiers(self._code)

    @property
    def code(self) -> str:
        """The text."""
        return self._code

    def __str__(self):
        return self._code

    def __repr__(self):
        return f"{type(self).__name__}({self._code!r})"

    def __eq__(self, other):
        if not isinstance(other, CodeString):
            return NotImplemented
        return type(self) is type(other) and self._code == other._code

    def __hash__(self):
        return hash(self._code)


class Statements(CodeString):
    """Code statements (``'v += w'``; several as lines or separated by ``;``), as Brian2's
    ``Statements``: the text and its names. Groups parse statements themselves
    (:func:`brianjit.model.statements.parse_statements`)."""


class Expression(CodeString):
    """One model expression: ``Expression('-v/tau')`` or ``Expression(sympy_expression=e)``
    (one of the two). ``.sympy_expr`` is the parsed tree (see the module docstring)."""

    def __init__(self, code: str | None = None, sympy_expression=None):
        if (code is None) == (sympy_expression is None):
            raise TypeError("Expression takes either a string or a sympy expression "
                            "(sympy_expression=...), exactly one of them")
        if code is None:
            from .abstract_code import code_string
            self._sympy, self._text_to_parse = sympy_expression, None
            super().__init__(code_string(sympy_expression))
        else:
            from .parse import parse_expression
            super().__init__(code)
            self._sympy, self._text_to_parse = parse_expression(code), code

    @classmethod
    def parsed(cls, code: str, sympy_expr) -> "Expression":
        """An expression whose text ``code`` the caller has already parsed into ``sympy_expr``
        (the equation parser), or whose tree it built together with its text."""
        self = cls.__new__(cls)
        CodeString.__init__(self, code)
        self._sympy, self._text_to_parse = sympy_expr, None
        return self

    @classmethod
    def deferred(cls, code: str, text_to_parse: str) -> "Expression":
        """An expression whose text ``code`` is parsed (as ``text_to_parse``) when its tree is
        first needed: only for texts known to parse (see :mod:`brianjit.model.known_texts`),
        so no error can move from where the text was written."""
        self = cls.__new__(cls)
        CodeString.__init__(self, code)
        self._sympy, self._text_to_parse = None, text_to_parse
        return self

    @property
    def tree_from_text(self) -> bool:
        """Whether the tree is (or will be) the parse of a text, not one a caller built: only
        then does a record that the text passed speak for the tree."""
        return self._text_to_parse is not None

    @property
    def sympy_expr(self):
        """The parsed expression (brianjit's sympy vocabulary, :mod:`brianjit.model.symbols`)."""
        if self._sympy is None:
            from .parse import parse_expression
            self._sympy = parse_expression(self._text_to_parse)
        return self._sympy

    @property
    def stochastic_variables(self) -> set[str]:
        """The noise names (``xi``, ``xi_*``) the expression uses."""
        from .names import is_noise_name
        return {name for name in self.identifiers if is_noise_name(name)}

    def split_stochastic(self):
        """Brian2's split of ``f + g1*xi_1 + g2*xi_2`` into ``(f, {'xi_1': g1, 'xi_2': g2})``,
        all Expressions; ``(self, None)`` without noise, and ``f`` is ``0`` when there is no
        deterministic part. A ValueError when a noise does not enter linearly (``1/xi``)."""
        if not self.stochastic_variables:
            return self, None
        from .equations import split_stochastic
        deterministic, noise = split_stochastic(self.sympy_expr)
        return (Expression(sympy_expression=deterministic),
                {name: Expression(sympy_expression=g) for name, g in noise.items()})
