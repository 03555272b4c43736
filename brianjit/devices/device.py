"""Brian2's devices, as far as scripts use them (``brian2.devices.device``): ``set_device``,
``device``, ``get_device``, ``reset_device``, ``all_devices``.

brianjit has one way to run: every ``run()`` compiles and runs natively at once, with Brian2's
runtime semantics. A script written for C++ standalone runs unchanged, because standalone mode
computes the same thing, only later: ``set_device('cpp_standalone', build_on_run=False)`` is
recorded, ``run()`` runs, and ``device.build(...)`` finds the results already there. What scripts
read back is Brian2's: ``device.build_on_run``, ``device.build_options`` (the keyword arguments
given to ``set_device``), ``get_device()``, ``reset_device()`` going back through the devices set
before; a device class of one's own (``class MyDevice(Device)``, registered in ``all_devices``)
can be set. Standalone mode's re-runs with other initial values (``device.run(run_args=...)``)
replay the recorded runs natively (``replay.py``).
"""
from __future__ import annotations

from .replay import Recording, resolve_run_args

__all__ = ["Device", "RuntimeDevice", "CPPStandaloneDevice", "all_devices", "runtime_device",
           "device", "get_device", "set_device", "reset_device"]


class Device:
    """What every Brian2 device offers scripts; ``activate`` records the options."""

    name = "device"

    def __init__(self):
        self.build_on_run = True
        self.build_options = {}
        #: the one schedule a device supports (Brian2's ``Network.run`` warns when the network's
        #: differs, 'schedule_conflict'), or None for any schedule
        self.network_schedule = None

    def activate(self, build_on_run=True, **kwargs):
        """Called by ``set_device``: remember ``build_on_run`` and the build options."""
        self.build_on_run = build_on_run
        self.build_options = dict(kwargs)

    def build(self, direct_call=True, run_args=None, **kwargs):
        """Brian2's standalone build: here the simulation already ran when ``run`` was called."""
        if run_args:
            raise NotImplementedError(
                f"device.build(run_args=...) re-runs a standalone project with other initial "
                f"values; the active device, {self.name!r}, has none: use "
                "set_device('cpp_standalone', build_on_run=False)")

    def network_run(self, call):
        """Every ``Network.run`` goes through here (``call``: a ``RunCall``): run it now."""
        return call.execute()

    def reinit(self):
        """Brian2 clears a standalone project here; brianjit keeps no project to clear."""

    def delete(self, data=True, code=True, directory=True, force=False):
        """Brian2 deletes a standalone project's files; brianjit writes none."""

    def program_target(self):
        """What compiles and runs networks on this device: None for the CPU back-end, or an
        object with ``build(scheduled, slots, partial, profile, lowering_context) -> (driver,
        compiled)`` (the GPU target), also part of the network's structural key."""
        return None

    def seed(self, seed=None):
        from ..objects.seed import seed as set_seed
        set_seed(seed)

    def get_random_state(self):
        """Brian2's runtime device returns numpy's generator state; brianjit's random numbers
        are a function of (seed, stream, element, time step), so a state taken here could not
        make a later run repeat an earlier one's numbers."""
        raise NotImplementedError(
            "brianjit has no random generator state to get or set: its random numbers depend on "
            "the seed and the time step. To repeat a simulation's random numbers, use "
            "store()/restore(restore_random_state=True), or seed(k) before it.")

    def set_random_state(self, state):
        self.get_random_state()

    def insert_code(self, slot, code):
        """C++ code for a standalone project: nothing can run it here (Brian2's runtime device
        ignores it the same way, with this warning)."""
        from ..utils import warn
        warn("brian2.devices.device", f"Ignoring device code, unknown slot: {slot}, code: {code}")

    def __repr__(self):
        return f"<{type(self).__name__} {self.name!r} (brianjit runs it natively at run time)>"


class RuntimeDevice(Device):
    """Brian2's default device: simulations run when ``run`` is called. So does brianjit."""

    name = "runtime"


class CPPStandaloneDevice(Device):
    """C++ standalone: Brian2 builds a project and runs it at ``device.build()`` (or at the
    first ``run`` with ``build_on_run=True``); brianjit runs each ``run`` at once and records it
    (``replay.Recording``), so that ``device.run(run_args=...)`` and
    ``device.build(run_args=...)`` simulate the script again with other initial values, as the
    standalone binary does, without compiling anything."""

    name = "cpp_standalone"

    def __init__(self):
        super().__init__()
        self.recording = Recording()

    def reinit(self):
        """Forget the recorded simulation (Brian2 starts a new project)."""
        self.recording = Recording()

    def network_run(self, call):
        if self.recording.replaying:
            return call.execute()
        first = not self.recording.initial
        result = self.recording.record(call)
        if first and self.build_on_run:
            # Brian2 builds and runs the project at the first run, with the build options
            self.build(direct_call=False, **self.build_options)
        return result

    def build(self, direct_call=True, run_args=None, run=True, **kwargs):
        if self.build_on_run and direct_call:
            raise RuntimeError(
                "You used set_device with build_on_run=True (the default option), which builds "
                "the simulation at the first run call: do not call device.build manually in "
                "this case. To call it yourself, use set_device with build_on_run=False.")
        if run and run_args:
            self.run(run_args=run_args)

    def run(self, directory=None, results_directory=None, with_output=True, run_args=None):
        """Simulate the recorded script again from its initial state, with ``run_args`` (a dict
        ``{G.tau: 5*ms, G.v: array}`` or strings ``'G.tau=0.005'``, SI units) replacing the
        initial values where ``apply_run_args()`` was called (by default before the first
        run). Monitors and state afterwards are those of this run."""
        values = resolve_run_args(run_args, self.recording)
        self.recording.replay(values)

    def apply_run_args(self):
        """Where ``run_args`` apply: here, rather than just before the first run."""
        from ..objects.magic import collect
        self.recording.apply_here(collect())


runtime_device = RuntimeDevice()
all_devices = {"runtime": runtime_device, "cpp_standalone": CPPStandaloneDevice()}
_active = {"device": runtime_device}
#: the devices set before the current one: (device, build_on_run, build_options)
previous_devices = []


def get_device():
    """The active device."""
    return _active["device"]


def set_device(device, build_on_run=True, **kwargs):
    """Make ``device`` (a device or a name in ``all_devices``) the active device;
    ``reset_device()`` goes back to the one before."""
    device = _resolve(device)
    current = get_device()
    _activate(device, build_on_run, kwargs)  # a device that cannot start changes nothing
    previous_devices.append((current, current.build_on_run, current.build_options))


def reset_device(device=None):
    """Go back to ``device``, or to the device set before the current one (the runtime device
    when there is none), with the options it had."""
    if device is not None:
        device = _resolve(device)
    if device is None and not previous_devices:
        device, build_on_run, options = runtime_device, True, {}
    elif device is None:
        device, build_on_run, options = previous_devices.pop()
    else:
        build_on_run, options = device.build_on_run, device.build_options
    _activate(device, build_on_run, options)


#: devices whose module is imported when first named (the GPU's loads the GPU target)
_LATER = {"cuda_standalone": ("brianjit.gpu.device", "CUDAStandaloneDevice")}


def _resolve(device):
    if isinstance(device, str) and device not in all_devices and device in _LATER:
        import importlib
        module, cls = _LATER[device]
        all_devices[device] = getattr(importlib.import_module(module), cls)()
    if isinstance(device, str):
        try:
            return all_devices[device]
        except KeyError:
            raise KeyError(f"no device named {device!r}; brianjit knows "
                           f"{', '.join(repr(n) for n in all_devices)}") from None
    if not isinstance(device, Device):
        raise TypeError(f"set_device takes a device or its name, such as 'cpp_standalone', "
                        f"not {device!r}")
    return device


def _activate(device, build_on_run, options):
    device.activate(build_on_run=build_on_run, **options)
    _active["device"] = device


class _Ignored:
    """What ``device.<name>`` gives for a name the active device does not have (a method of
    another device): calling it, or anything on it, does nothing."""

    def __getattr__(self, name):
        return _Ignored()

    def __call__(self, *args, **kwargs):
        return _Ignored()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return False

    def __getitem__(self, key):
        return _Ignored()

    def __setitem__(self, key, value):
        pass


class _ActiveDevice:
    """``device``: the active device's attributes. A public name it lacks is, as in Brian2, a
    warning and an object that ignores what is done with it, so scripts that call another
    device's methods still run."""

    def __getattr__(self, name):
        active = get_device()
        if hasattr(active, name):
            return getattr(active, name)
        if name.startswith("_") or name == "shape":
            raise AttributeError(f"Active device does not have an attribute '{name}'.")
        from ..utils import warn
        warn("brian2.devices.device",
             f"Active device does not have an attribute '{name}', ignoring this.")
        return _Ignored()

    def __setattr__(self, name, value):
        setattr(get_device(), name, value)

    def __repr__(self):
        return repr(get_device())


device = _ActiveDevice()

