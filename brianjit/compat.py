"""Brian2's configuration of code generation and devices, accepted so scripts run unchanged.

brianjit has one way to run (LLVM, JIT, runtime semantics), so ``prefs.codegen.target = 'cython'``,
``set_device('cpp_standalone')`` and ``device.build()`` have nothing to switch. Scripts written for
Brian2 set them all the time, so they are accepted: preferences are remembered (and can be read
back), devices are recorded, and ``device.build()`` does nothing (the run already happened).
docs/differences.md says so.
"""
from __future__ import annotations

__all__ = ["prefs", "set_device", "get_device", "device", "reset_device"]


class _Preferences:
    """A tree of preferences: ``prefs.codegen.target = 'numpy'`` creates the path as it goes;
    ``prefs['codegen.target']`` reads and writes by dotted name."""

    def __init__(self, path=""):
        object.__setattr__(self, "_path", path)
        object.__setattr__(self, "_values", {})

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        values = object.__getattribute__(self, "_values")
        if name not in values:
            values[name] = _Preferences(f"{self._path}{name}.")
        return values[name]

    def __setattr__(self, name, value):
        self._values[name] = value

    def __getitem__(self, dotted):
        node = self
        for part in dotted.split("."):
            node = getattr(node, part)
        return node

    def __setitem__(self, dotted, value):
        *parents, last = dotted.split(".")
        node = self
        for part in parents:
            node = getattr(node, part)
        setattr(node, last, value)

    def reset_to_defaults(self):
        self._values.clear()

    def __repr__(self):
        set_values = {k: v for k, v in self._values.items() if not isinstance(v, _Preferences)}
        return f"<preferences {self._path or '(root)'}: {set_values}>"


prefs = _Preferences()


class _Device:
    """What ``set_device`` selected; brianjit always runs at once, natively."""

    def __init__(self, name="runtime"):
        self.name = name
        self.options = {}
        #: Brian2's keyword arguments for ``build`` (scripts pass ``**device.build_options``)
        self.build_options = {}

    def build(self, *args, **kwargs):
        """Brian2's standalone build: the simulation already ran when ``run`` was called."""
        return None

    def reinit(self):
        pass

    def activate(self, *args, **kwargs):
        pass

    def __repr__(self):
        return f"<device {self.name!r} (brianjit runs every device's code natively, at run time)>"


device = _Device()


def set_device(name, build_on_run=True, **options):
    """Record Brian2's device choice; brianjit runs the same way whatever it is."""
    if not isinstance(name, str) and not isinstance(name, _Device):
        raise TypeError(f"set_device takes a device name such as 'cpp_standalone', not {name!r}")
    device.name = name if isinstance(name, str) else name.name
    device.options = dict(options, build_on_run=build_on_run)


def get_device():
    return device


def reset_device(name=None):
    device.name = name or "runtime"
    device.options = {}
