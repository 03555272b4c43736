"""The errors of the object model: ``BrianObjectException`` and ``MagicError`` (Brian2's).

An error raised while a network prepares an object for a run (resolving its names, checking its
units, integrating its equations, building its kernels, its ``before_run``) reaches the user as a
``BrianObjectException`` that names the object and the line of user code that created it, raised
*from* the original error as in Brian2 (``exc.__cause__``; Brian2's tests look there). Unlike
Brian2's, the exception is also an instance of the original error's class and repeats its message:
code that catches ``KeyError`` or ``DimensionMismatchError`` around ``run()`` still catches it,
and ``str(exc)`` says what went wrong, not only where.
"""
from __future__ import annotations

__all__ = ["BrianObjectException", "MagicError", "brian_object_exception"]


class BrianObjectException(Exception):
    """An error with the object that caused it and where that object was created."""

    def __init__(self, message, brianobj, original_exception=None):
        super().__init__(message)
        self._describe(message, brianobj, original_exception)

    def _describe(self, message, brianobj, original):
        self._brian_message = message
        self._brian_objname = brianobj.name
        self._brian_objcreate = ("Object was created here (most recent call only):\n"
                                 + getattr(brianobj, "_creation_stack", ""))
        self._brian_original = original

    def __reduce__(self):
        # rebuilt from its parts (the classes made for an original kind take other arguments)
        return (_rebuild, (self._brian_message, self._brian_objname, self._brian_objcreate,
                           self._brian_original))

    def __str__(self):
        original = self._brian_original
        cause = f" {type(original).__name__}: {original}" if original is not None else ""
        return (f"Error encountered with object named '{self._brian_objname}'.\n"
                f"{self._brian_objcreate}\n\n{self._brian_message}{cause} (See above for "
                f"original error message and traceback.)")


class _Named:
    """What a rebuilt (unpickled) exception knows of its object."""

    def __init__(self, name, creation):
        self.name, self._creation_stack = name, creation


def _rebuild(message, objname, objcreate, original):
    stub = _Named(objname, "")
    exc = (brian_object_exception(message, stub, original) if original is not None
           else BrianObjectException(message, stub))
    exc._brian_objcreate = objcreate
    return exc


class MagicError(Exception):
    """``run()`` cannot tell which simulation the collected objects belong to (Brian2's rules:
    see ``MagicNetwork``)."""


_combined: dict = {}


def brian_object_exception(message, brianobj, original) -> BrianObjectException:
    """A BrianObjectException for ``original`` raised while handling ``brianobj``, also an
    instance of ``type(original)`` where Python allows such a class (raise it ``from original``)."""
    kind = type(original)
    if kind not in _combined:
        try:
            _combined[kind] = type("BrianObjectException", (BrianObjectException, kind),
                                   {"__module__": __name__,
                                    "__qualname__": f"BrianObjectException[{kind.__name__}]"})
        except TypeError:  # a class that refuses subclasses (e.g. a final builtin)
            _combined[kind] = None
    combined = _combined[kind]
    if combined is not None:
        try:
            exc = combined.__new__(combined, *original.args)
            try:
                kind.__init__(exc, *original.args)
            except Exception:  # noqa: BLE001 - args that its __init__ does not take back
                BaseException.__init__(exc, *original.args)
            exc.__dict__.update({k: v for k, v in getattr(original, "__dict__", {}).items()
                                 if not k.startswith("__")})
            exc._describe(message, brianobj, original)
            return exc
        except Exception:  # noqa: BLE001 - a constructor with other needs: the plain kind
            pass
    return BrianObjectException(message, brianobj, original)
