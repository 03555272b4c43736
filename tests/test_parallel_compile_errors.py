"""Errors of a module compiled in parts (``codegen.module_split``) reach the user as the same
``JITError`` text as when the part is compiled whole, whichever part fails, and leave nothing
behind: the same parts, fixed, compile afterwards."""
import ctypes

import pytest

from brianjit import jit
from brianjit.codegen.module_split import ModuleParts

_GOOD = 'define i64 @"good"(i64 %x) {\n  %y = call i64 @"other"(i64 %x)\n  ret i64 %y\n}\n' \
        'declare i64 @"other"(i64)\n'
_OTHER = 'define i64 @"other"(i64 %x) {\n  %y = add i64 %x, 1\n  ret i64 %y\n}\n'
_UNVERIFIED = 'define i64 @"other"(i64 %x) {\n  %y = add i64 %x, 1\n}\n'        # no terminator
_UNPARSED = 'define i64 @"other"(i64 %x) {\n  %y = add i64 %x, %nothing\n  ret i64 %y\n}\n'
_MISSING = ('define i64 @"other"(i64 %x) {\n  %y = call i64 @"brianjit_no_such_function"(i64 %x)'
            '\n  ret i64 %y\n}\ndeclare i64 @"brianjit_no_such_function"(i64)\n')


def _error(make):
    with pytest.raises(jit.JITError) as caught:
        jit.compile_structure(None, make)
    return str(caught.value)


@pytest.mark.parametrize("bad", [_UNVERIFIED, _UNPARSED, _MISSING])
@pytest.mark.parametrize("position", [0, 1])
def test_a_failing_part_gives_the_error_of_the_same_text_compiled_whole(bad, position):
    whole = _error(lambda: bad)
    texts = [_GOOD, bad] if position else [bad, _GOOD]
    split = _error(lambda: ModuleParts(tuple(texts), frozenset({"good", "other"}), "".join(texts)))
    assert split == whole
    assert "LLVM refused the IR" in whole or "brianjit_no_such_function" in whole


def test_parts_compile_after_a_failed_attempt():
    _error(lambda: ModuleParts((_GOOD, _UNVERIFIED), frozenset({"good", "other"}), _GOOD + _UNVERIFIED))
    module = jit.compile_structure(
        None, lambda: ModuleParts((_GOOD, _OTHER), frozenset({"good", "other"}), _GOOD + _OTHER)).module
    assert module.cfunc("good", ctypes.c_int64, ctypes.c_int64)(41) == 42
