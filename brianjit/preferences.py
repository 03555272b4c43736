"""Brian2's preferences: ``prefs``, with every preference Brian2 registers and its default.

Scripts read and write preferences by attribute (``prefs.codegen.target = 'cython'``) or by dotted
name (``prefs['core.default_float_dtype']``), and expect Brian2's defaults back when they read one
they never set. So the registry below is Brian2's (2.9) list of preferences; a value is checked
when it is set (same type as the default, or the preference's own rule), and a name Brian2 does
not know is a ``PreferenceError`` ("Spelling error?"), as in Brian2.

Most preferences select among Brian2's code generation targets and compilers, which brianjit does
not have: they are remembered and read back, nothing more. The ones that act here: ``logging.*``
(brianjit.utils.logger watches them, so a change takes effect at once), ``core.default_float_dtype``
(float32 or float64: the dtype of float variables made from then on, objects/dtypes.py; anything
else is refused) and ``core.default_integer_dtype`` (brianjit's integers are int32: another value
is accepted with a warning, see docs/differences.md). ``load_preferences()`` reads Brian2's preference files
(``~/.brian/user_preferences``, ``./brian_preferences``) as Brian2 does when it is imported;
brianjit reads them when ``prefs`` is first used, and evaluates their values without ``eval``.
"""
from __future__ import annotations

import ast
import os
from collections.abc import MutableMapping

import numpy as np

__all__ = ["prefs", "BrianPreference", "PreferenceError", "brian_prefs"]

LOG_LEVEL_NAMES = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG", "DIAGNOSTIC")


class PreferenceError(Exception):
    """A preference that does not exist, or a value it does not accept."""


class BrianPreference:
    """One preference: its default, its documentation and the check of a new value (by default:
    an instance of the default's class, and for quantities the same dimensions)."""

    def __init__(self, default, docs, validator=None, representor=repr):
        self.default = default
        self.docs = docs
        self.validator = validator if validator is not None else _same_kind_as(default)
        self.representor = representor


def _same_kind_as(default):
    from .units import Quantity, have_same_dimensions

    def check(value):
        if not isinstance(value, type(default)):
            return False
        return not isinstance(default, Quantity) or have_same_dimensions(default, value)
    return check


def _none_or(*types):
    return lambda value: value is None or isinstance(value, types)


def _is_float_dtype(value):
    """float32 or float64 (a numpy type, dtype or name); anything else is refused with a
    message that says so (Brian2 accepts these two only)."""
    try:
        if np.dtype(value) in (np.dtype(np.float32), np.dtype(np.float64)):
            return True
    except TypeError:
        pass
    raise PreferenceError(f"Value {value!r} for preference 'core.default_float_dtype' is invalid: "
                          "the float dtype is float32 or float64")


def _is_integer_dtype(value):
    try:
        return np.dtype(value).kind in "iu"
    except TypeError:
        return False


def _is_log_level(value):
    return isinstance(value, str) and value.upper() in LOG_LEVEL_NAMES


def _p(default, docs="", validator=None, representor=repr):
    return BrianPreference(default, docs, validator, representor)


def _dtype_name(value):
    return np.dtype(value).name


_SCHEDULE = ["start", "groups", "thresholds", "synapses", "resets", "end"]

# Brian2 2.9's preferences, by category: name -> (default, validator or None for "same kind")
BRIAN2_PREFERENCES = {
    "GSL": ("GSL library (not used by brianjit)", {
        "directory": _p(None, validator=_none_or(str))}),
    "codegen": ("Code generation (brianjit has one target: LLVM at run time)", {
        "target": _p("auto", validator=lambda v: isinstance(v, (str, type))),
        "string_expression_target": _p("numpy", validator=lambda v: isinstance(v, (str, type))),
        "loop_invariant_optimisations": _p(True),
        "max_cache_dir_size": _p(1000)}),
    "codegen.cpp": ("C++ compilation (not used by brianjit)", {
        "compiler": _p(""),
        "extra_compile_args": _p(None, validator=_none_or(list)),
        "extra_compile_args_gcc": _p(["-w", "-O3", "-ffast-math", "-fno-finite-math-only",
                                      "-march=native", "-std=c++11"]),
        "extra_compile_args_msvc": _p(["/Ox", "/w", "", "/MP"]),
        "extra_link_args": _p([]), "include_dirs": _p([]), "library_dirs": _p([]),
        "runtime_library_dirs": _p([]), "libraries": _p([]), "headers": _p([]),
        "define_macros": _p([]), "msvc_vars_location": _p(""), "msvc_architecture": _p("")}),
    "codegen.generators": ("Code generators (not used by brianjit)", {}),
    "codegen.generators.cpp": ("C++ code generator (not used by brianjit)", {
        "restrict_keyword": _p("__restrict"), "flush_denormals": _p(False)}),
    "codegen.runtime": ("Runtime code generation targets (not used by brianjit)", {}),
    "codegen.runtime.cython": ("Cython (not used by brianjit)", {
        "multiprocess_safe": _p(True), "cache_dir": _p(None, validator=_none_or(str)),
        "delete_source_files": _p(True)}),
    "codegen.runtime.numpy": ("numpy target (not used by brianjit)", {
        "discard_units": _p(False)}),
    "core": ("Core preferences", {
        "default_float_dtype": _p(np.float64, "Default dtype for all arrays of scalars (state "
                                  "variables, weights, etc.): float32 or float64",
                                  _is_float_dtype, _dtype_name),
        "default_integer_dtype": _p(np.int32, "int32 only in brianjit", _is_integer_dtype,
                                    _dtype_name),
        "outdated_dependency_error": _p(True),
        "stop_on_keyboard_interrupt": _p(True)}),
    "core.network": ("Network preferences", {
        "default_schedule": _p(list(_SCHEDULE))}),
    "devices": ("Devices (brianjit runs every device's script at run time)", {}),
    "devices.cpp_standalone": ("C++ standalone (not used by brianjit)", {
        "openmp_threads": _p(0),
        "openmp_spatialneuron_strategy": _p(
            None, validator=lambda v: v in (None, "branches", "systems")),
        "make_cmd_unix": _p("make"),
        "run_cmd_unix": _p("./main", validator=lambda v: isinstance(v, (str, list))),
        "extra_make_args_unix": _p(["-j"]), "extra_make_args_windows": _p([]),
        "run_environment_variables": _p({"LD_BIND_NOW": "1"})}),
    "legacy": ("Legacy behaviour", {"refractory_timing": _p(False)}),
    "logging": ("Logging (see brianjit.utils.logger)", {
        "delete_log_on_exit": _p(True),
        "file_log_level": _p("DEBUG", validator=_is_log_level),
        "console_log_level": _p("INFO", validator=_is_log_level),
        "file_log": _p(True),
        "file_log_max_size": _p(10_000_000),
        "save_script": _p(True),
        "std_redirection": _p(True),
        "std_redirection_to_file": _p(True),
        "display_brian_error_message": _p(True)}),
}


def _is_math_mode(value):
    from .codegen.mathfuncs import MATH_MODES  # llvmlite only when the preference is set
    return value in MATH_MODES


# brianjit's own preferences (Brian2 has no such category)
BRIANJIT_PREFERENCES = {
    "codegen.brianjit": ("brianjit's code generation", {
        "math": _p("auto", "how math functions are lowered: 'auto', 'libmvec' (libm and glibc's "
                   "vector variants), 'libm+ir' (libm and vector variants written in IR) or "
                   "'ir' (no external symbol); see docs/architecture.md, 'Math lowering'",
                   _is_math_mode)}),
    "brianjit": ("brianjit's own preferences", {
        "threads": _p(None, "Threads of a run (None: BRIANJIT_THREADS, else Brian2's "
                      "devices.cpp_standalone.openmp_threads when above 0, else the physical "
                      "cores available; see brianjit.parallel)", _none_or(int)),
        "gpu": _p(None, "Where set_device('cuda_standalone') runs networks: 'cuda' (an NVIDIA "
                  "GPU through the CUDA driver), 'host' (the same device runtime with host "
                  "memory, to check a model without a GPU), 'emulate' (the GPU kernels run on "
                  "the CPU by a native driver); None: BRIANJIT_GPU, else 'cuda'",
                  lambda v: v in (None, "cuda", "host", "emulate")),
        "gpu_graphs": _p(True, "Whether the GPU replays a run's steps as CUDA graphs (a host "
                         "call per 64 steps) where the driver has them, rather than one launch "
                         "per kernel per step; see brianjit.gpu.replay",
                         lambda v: isinstance(v, bool))}),
}


class BrianGlobalPreferences(MutableMapping):
    """``prefs``: a mapping from dotted names to values, with attribute access by category.

    ``watch(prefix, callback)`` calls ``callback(name, value)`` after every successful change of
    a preference whose name starts with ``prefix`` (the logging system uses it).
    """

    def __init__(self):
        object.__setattr__(self, "pref_register", {})   # category -> ({name: pref}, docs)
        object.__setattr__(self, "_values", {})
        object.__setattr__(self, "_watchers", [])
        object.__setattr__(self, "_files_loaded", False)
        for category, (docs, preferences) in (*BRIAN2_PREFERENCES.items(),
                                              *BRIANJIT_PREFERENCES.items()):
            self.register_preferences(category, docs, **preferences)

    # --- the mapping: full dotted names -------------------------------------------------
    def __getitem__(self, name):
        self._load_files_once()
        if name in self.pref_register:
            return _CategoryView(name, self)
        try:
            return self._values[name]
        except KeyError:
            raise KeyError(f"no preference named {name!r}") from None

    def __setitem__(self, name, value):
        self._load_files_once()
        preference = self._registered(name)
        if not preference.validator(value):
            raise PreferenceError(f"Value {value!r} for preference '{name}' is invalid.")
        self._values[name] = value
        for prefix, callback in self._watchers:
            if name.startswith(prefix):
                callback(name, value)

    def __delitem__(self, name):
        raise PreferenceError("Preferences cannot be deleted.")

    def __iter__(self):
        return iter(self._values)

    def __len__(self):
        return len(self._values)

    def __contains__(self, name):
        return name in self._values

    # --- attribute access: prefs.codegen.target -----------------------------------------
    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return self._lookup(name)

    def __setattr__(self, name, value):
        self._assign(name, value)

    def _lookup(self, dotted):
        if dotted in self.pref_register:
            return _CategoryView(dotted, self)
        if dotted in self._values:
            return self[dotted]
        raise AttributeError(f"there is no preference or preference category '{dotted}'")

    def _assign(self, dotted, value):
        if dotted in self.pref_register:
            raise PreferenceError("Cannot set a preference category.")
        self[dotted] = value

    def _registered(self, name) -> BrianPreference:
        category, _, leaf = name.rpartition(".")
        if category not in self.pref_register:
            raise PreferenceError(
                f"Preference category '{category or name}' is unregistered. Spelling error?")
        preferences = self.pref_register[category][0]
        if leaf not in preferences:
            raise PreferenceError(f"Preference '{name}' is unregistered. Spelling error?")
        return preferences[leaf]

    # --- Brian2's methods -----------------------------------------------------------------
    def register_preferences(self, prefbasename, prefbasedoc, **preferences):
        """Add a category of preferences (``BrianPreference`` objects), set to their defaults."""
        if self.pref_register.get(prefbasename, ({}, None))[0]:
            raise PreferenceError(f"Base name {prefbasename} already registered.")
        self.pref_register[prefbasename] = (preferences, prefbasedoc)
        for name, preference in preferences.items():
            self._values[f"{prefbasename}.{name}"] = _copy(preference.default)

    def reset_to_defaults(self):
        """Every preference back to its default."""
        for category, (preferences, _) in self.pref_register.items():
            for name, preference in preferences.items():
                self[f"{category}.{name}"] = _copy(preference.default)

    def watch(self, prefix, callback):
        """Call ``callback(name, value)`` whenever a preference under ``prefix`` changes."""
        self._watchers.append((prefix, callback))

    @property
    def toplevel_categories(self):
        return [category for category in self.pref_register if "." not in category]

    def do_validation(self):
        """Brian2 validates preferences read before their category existed; here every
        preference is checked when it is set, so there is nothing left to do."""

    def check_all_validated(self):
        """See ``do_validation``: nothing is ever left unvalidated."""

    def get_documentation(self, basename=None, link_targets=True):
        categories = [basename] if basename else sorted(self.pref_register)
        lines = []
        for category in categories:
            preferences, docs = self.pref_register[category]
            lines.append(f"{category}: {docs}")
            lines += [f"    {category}.{name} = {p.representor(p.default)}  {p.docs}".rstrip()
                      for name, p in preferences.items()]
        return "\n".join(lines)

    def _as_pref_file(self, value_of):
        lines = []
        for category, (preferences, docs) in sorted(self.pref_register.items()):
            if preferences:
                lines += ["", f"[{category}]", f"# {docs}"]
                lines += [f"{name} = {p.representor(value_of(f'{category}.{name}', p))}"
                          for name, p in preferences.items()]
        return "\n".join(lines).lstrip() + "\n"

    @property
    def as_file(self):
        """The current values, in the format of a preference file."""
        return self._as_pref_file(lambda name, p: self._values[name])

    @property
    def defaults_as_file(self):
        """The defaults, in the format of a preference file."""
        return self._as_pref_file(lambda name, p: p.default)

    def read_preference_file(self, file):
        """Set preferences from a Brian2 preference file (a path or an open file):
        ``[category]`` lines, then ``name = value`` lines; ``#`` starts a comment."""
        if isinstance(file, (str, os.PathLike)):
            with open(file, encoding="utf-8") as f:
                return self.read_preference_file(f)
        category = ""
        for number, raw in enumerate(file, 1):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            if line.startswith("[") and line.endswith("]"):
                category = line[1:-1].strip()
                continue
            name, sep, text = line.partition("=")
            if not sep:
                raise PreferenceError(
                    f"Parsing error in preference file, line {number}: {raw.strip()!r}")
            full = f"{category}.{name.strip()}" if category else name.strip()
            self[full] = _literal(text.strip(), full)

    def load_preferences(self):
        """Read ``~/.brian/user_preferences`` then ``./brian_preferences``, where they exist."""
        for path in (os.path.join(os.path.expanduser("~"), ".brian", "user_preferences"),
                     os.path.join(os.getcwd(), "brian_preferences")):
            if os.path.isfile(path):
                self.read_preference_file(path)

    def _load_files_once(self):
        if not self._files_loaded:
            object.__setattr__(self, "_files_loaded", True)
            self.load_preferences()

    def __dir__(self):
        return [*super().__dir__(), *self.toplevel_categories]

    def __repr__(self):
        names = ", ".join(f'"{c}"' for c in self.toplevel_categories)
        return f"<BrianGlobalPreferences with top-level categories: {names}>"


class _CategoryView:
    """``prefs.codegen``: the preferences (and subcategories) of one category."""

    def __init__(self, basename, all_prefs):
        object.__setattr__(self, "_basename", basename)
        object.__setattr__(self, "_all", all_prefs)

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return self._all._lookup(f"{self._basename}.{name}")

    def __setattr__(self, name, value):
        self._all._assign(f"{self._basename}.{name}", value)

    def __getitem__(self, name):
        return self._all[f"{self._basename}.{name}"]

    def __setitem__(self, name, value):
        self._all[f"{self._basename}.{name}"] = value

    def __iter__(self):
        prefix = self._basename + "."
        return iter([name[len(prefix):] for name in self._all if name.startswith(prefix)])

    def __contains__(self, name):
        return f"{self._basename}.{name}" in self._all

    def __len__(self):
        return len(list(iter(self)))

    def __dir__(self):
        return [*object.__dir__(self), *iter(self)]

    def __repr__(self):
        return f'<BrianGlobalPreferencesView for preference category "{self._basename}">'


def _copy(value):
    return list(value) if isinstance(value, list) else dict(value) if isinstance(value, dict) \
        else value


def _literal(text, name):
    """The value of a preference file entry: a Python literal, or a name or a product/quotient
    of names and numbers from numpy and brianjit's units (``float32``, ``10*ms``). No eval."""
    from . import units
    namespace = {**{k: getattr(np, k) for k in ("float32", "float64", "int8", "int16", "int32",
                                                "int64", "uint8", "uint16", "uint32", "uint64")},
                 **{k: getattr(units, k) for k in units.__all__}}

    def value(node):
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, (ast.List, ast.Tuple)):
            items = [value(e) for e in node.elts]
            return items if isinstance(node, ast.List) else tuple(items)
        if isinstance(node, ast.Dict):
            return {value(k): value(v) for k, v in zip(node.keys, node.values)}
        if isinstance(node, ast.Name) and node.id in namespace:
            return namespace[node.id]
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                and node.value.id in ("np", "numpy") and node.attr in namespace:
            return namespace[node.attr]
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -value(node.operand)
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mult, ast.Div)):
            left, right = value(node.left), value(node.right)
            return left * right if isinstance(node.op, ast.Mult) else left / right
        raise PreferenceError(f"cannot read the value of preference '{name}': {text!r}")

    from .model.parse import locked_ast_parse   # not at import: preferences load first
    try:
        tree = locked_ast_parse(text, "eval")
    except SyntaxError:
        raise PreferenceError(f"cannot read the value of preference '{name}': {text!r}") from None
    return value(tree.body)


class _RenamedPreferences:
    """``brian_prefs``: Brian2's old name for ``prefs``, an error that says so."""

    def __getattr__(self, item):
        raise AttributeError("The global preferences object has been renamed from "
                             "'brian_prefs' to 'prefs'")

    __getitem__ = __getattr__


prefs = BrianGlobalPreferences()
brian_prefs = _RenamedPreferences()


def _warn_unsupported_dtype(name, value):
    if np.dtype(value) != np.dtype(np.int32):
        from .utils import warn
        warn("brianjit.preferences.unsupported_dtype",
             f"prefs['{name}'] = {np.dtype(value).name}: brianjit stores and computes integer "
             "variables as int32 only; this preference is remembered but has no effect.",
             once=True)


prefs.watch("core.default_integer_dtype", _warn_unsupported_dtype)
