"""The symbols an ELF object file needs from elsewhere, read from its symbol table.

MCJIT links an object whose calls it cannot resolve anyway: the call then jumps to address 0 and
the interpreter dies. The functions an object calls are not all visible in the IR (the back-end
adds ``memset``, ``memcpy``, ``fmod``, vector math variants, ...), so the engine reads them from
the object itself before linking it (``jit._check_external_symbols``). Only what that needs is
read: 64-bit little-endian ELF (x86-64, AArch64, POWER little-endian, RISC-V), the section headers,
and the global undefined entries of the symbol tables.
"""
from __future__ import annotations

import struct

__all__ = ["undefined_symbols"]

_SECTION = struct.Struct("<IIQQQQIIQQ")  # name, type, flags, addr, offset, size, link, info, ...
_SYMBOL = struct.Struct("<IBBHQQ")       # name, info, other, section index, value, size
_SHT_SYMTAB = 2
_STB_GLOBAL = 1
_SHN_UNDEF = 0


def undefined_symbols(obj: bytes) -> list[str] | None:
    """Names of the global symbols ``obj`` uses but does not define (weak ones may stay
    undefined and are left out); None if ``obj`` is not a 64-bit little-endian ELF object.
    Raises ValueError for a truncated or inconsistent file."""
    if obj[:4] != b"\x7fELF" or obj[4:6] != b"\x02\x01":
        return None
    try:
        (section_table,) = struct.unpack_from("<Q", obj, 0x28)
        entry_size, count = struct.unpack_from("<HH", obj, 0x3A)
        sections = [_SECTION.unpack_from(obj, section_table + k * entry_size)
                    for k in range(count)]
        names = []
        for _, kind, _, _, offset, size, link, _, _, symbol_size in sections:
            if kind != _SHT_SYMTAB or symbol_size < _SYMBOL.size:
                continue
            strings = sections[link][4]
            for at in range(offset + symbol_size, offset + size, symbol_size):  # 0: null symbol
                name, info, _, section, _, _ = _SYMBOL.unpack_from(obj, at)
                if section == _SHN_UNDEF and info >> 4 == _STB_GLOBAL and name:
                    start = strings + name
                    names.append(obj[start:obj.index(b"\0", start)].decode("utf-8"))
        return names
    except (struct.error, IndexError, UnicodeDecodeError) as exc:
        raise ValueError(f"malformed ELF object: {exc}") from exc
