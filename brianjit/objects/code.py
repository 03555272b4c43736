"""``obj.code``: the kernels an object contributed to its network, at every stage of compilation.

``print(G.code)`` shows the kernels (our IR); ``G.code.ir``, ``G.code.optimized_ir`` and
``G.code.assembly`` show the LLVM IR before and after optimisation and the machine code, cut down
to this object's functions (the driver and other objects' kernels are left out).
"""
from __future__ import annotations

import re

__all__ = ["CodeView"]


def _functions(text: str, names, start_pattern: str, end_pattern: str) -> str:
    """The parts of ``text`` that define one of the functions ``names``."""
    pieces = []
    for name in names:
        match = re.search(start_pattern.format(name=re.escape(name)), text, re.M)
        if match:
            end = re.compile(end_pattern, re.M).search(text, match.end())
            pieces.append(text[match.start():end.end() if end else len(text)])
    return "\n".join(pieces)


class CodeView:
    """What one object compiled to in the most recent build of its network."""

    def __init__(self, kernels, function_names, compiled):
        self.kernels = kernels
        self._names = function_names
        self._compiled = compiled

    @property
    def ir(self) -> str:
        return _functions(self._compiled.ir, self._names, r"^define[^@]*@\"?{name}\"?\(", r"^}$")

    @property
    def optimized_ir(self) -> str:
        return _functions(self._compiled.optimized_ir, self._names,
                          r"^define[^@]*@\"?{name}\"?\(", r"^}$")

    @property
    def assembly(self) -> str:
        return _functions(self._compiled.assembly, self._names, r"^\"?{name}(__\w+)?\"?:",
                          r"^\s*\.cfi_endproc|^\.Lfunc_end")

    def __str__(self):
        return "\n\n".join(str(k) for k in self.kernels)

    def __repr__(self):
        return f"<CodeView of {len(self.kernels)} kernels: " + ", ".join(self._names) + ">"
