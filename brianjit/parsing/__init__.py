"""Brian2's ``brian2.parsing`` module paths that scripts import from (``from
brian2.parsing.sympytools import str_to_sympy``); brianjit's parser is
:mod:`brianjit.model.parse`."""
