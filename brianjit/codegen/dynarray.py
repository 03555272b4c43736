"""IR emitters through which generated kernels read and grow a DynamicArray.

Monitors, synapse creation and spike queues append rows from native code, many times inside one
call, so growth must happen natively too. This module is the only place that knows the header
layout on the IR side (docs/CONTRACTS.md; ``brianjit.memory`` is its Python twin): other generated
code reaches the header only through these emitters, never through hardcoded offsets.

Growth follows the contract: refuse a request past the array's row limit or the memory budget
(the process-wide room the header points to; see ``brianjit.memory_budget``), recording the rows
asked for in ``refused``; else ``new = malloc(newcap * rowbytes)``, copy the rows in use, free the
old buffer only if it is not the one Python wrapped (``pinned``), store the new ``data`` and
``capacity`` and update the room. It lives in one small out-of-line function per module
(``noinline cold``), so the hot path of an append is a load, a compare and a predicted branch.
Addresses are formed by GEP only.
"""
from __future__ import annotations

from llvmlite import ir

from .declarations import declare_function

__all__ = [
    "HEADER_TYPE", "declare_runtime", "emit_reserve", "emit_append_rows",
    "emit_load_data", "emit_load_size", "emit_load_ncols", "emit_store_size",
]

_PTR = ir.PointerType()
_I1 = ir.IntType(1)
_I8 = ir.IntType(8)
_I32 = ir.IntType(32)
_I64 = ir.IntType(64)
_F64 = ir.DoubleType()

#: The 80-byte header as an LLVM struct (every field 8 bytes, so offsets do not depend on the
#: data layout).
HEADER_TYPE = ir.LiteralStructType([_PTR, _I64, _I64, _PTR, _I64, _F64, _I64, _I64, _PTR, _I64])
_FIELD = {name: i for i, name in enumerate(
    ("data", "size", "capacity", "pinned", "rowbytes", "factor", "ncols", "max_rows", "budget",
     "refused"))}

# Same limits as brianjit.memory: larger requests fail instead of overflowing.
_MAX_ROWS = 1 << 62
_MAX_BYTES = 1 << 62

_GROW_NAME = "brianjit.dynarray.grow"


def _field_ptr(builder: ir.IRBuilder, header_ptr, name: str):
    return builder.gep(header_ptr, [_I32(0), _I32(_FIELD[name])], inbounds=True,
                       source_etype=HEADER_TYPE, name=f"h.{name}.addr")


def _load(builder, header_ptr, name, typ):
    return builder.load(_field_ptr(builder, header_ptr, name), name=f"h.{name}", align=8, typ=typ)


def emit_load_data(builder: ir.IRBuilder, header_ptr) -> ir.Value:
    """The header's current buffer (``ptr``). Reload it after any growth."""
    return _load(builder, header_ptr, "data", _PTR)


def emit_load_size(builder: ir.IRBuilder, header_ptr) -> ir.Value:
    """The number of rows in use (``i64``)."""
    return _load(builder, header_ptr, "size", _I64)


def emit_load_ncols(builder: ir.IRBuilder, header_ptr) -> ir.Value:
    """The number of columns (``i64``; 1 for a 1D array)."""
    return _load(builder, header_ptr, "ncols", _I64)


def emit_store_size(builder: ir.IRBuilder, header_ptr, size) -> None:
    """Set the number of rows in use; only to shrink (e.g. clear a queue): growing must go
    through :func:`emit_reserve` or :func:`emit_append_rows`."""
    builder.store(size, _field_ptr(builder, header_ptr, "size"), align=8)


def declare_runtime(module: ir.Module, malloc: str = "malloc", free: str = "free") -> ir.Function:
    """Declare what growth needs (``malloc``, ``free``, ``llvm.memcpy``; MCJIT resolves libc's
    symbols from the process) and define the out-of-line growth function, once per module.

    Returns the growth function ``i1 grow(ptr header, i64 rows_needed)``. ``malloc``/``free``
    name the allocator (tests pass counting wrappers); the first call fixes it for the module."""
    existing = module.globals.get(_GROW_NAME)
    if existing is not None:
        return existing
    fn_malloc = declare_function(module, malloc, ir.FunctionType(_PTR, [_I64]))
    fn_free = declare_function(module, free, ir.FunctionType(ir.VoidType(), [_PTR]))
    memcpy = module.declare_intrinsic("llvm.memcpy", [_PTR, _PTR, _I64])
    ceil = module.declare_intrinsic("llvm.ceil", [_F64])
    umul = declare_function(module, "llvm.umul.with.overflow.i64",
                    ir.FunctionType(ir.LiteralStructType([_I64, _I1]), [_I64, _I64]))

    grow = ir.Function(module, ir.FunctionType(_I1, [_PTR, _I64]), name=_GROW_NAME)
    grow.linkage = "internal"
    for attr in ("noinline", "cold", "nounwind"):
        grow.attributes.add(attr)
    header, needed = grow.args
    header.name, needed.name = "header", "needed"

    entry = grow.append_basic_block("entry")
    sized = grow.append_basic_block("sized")
    allocated = grow.append_basic_block("allocated")
    free_old = grow.append_basic_block("free_old")
    publish = grow.append_basic_block("publish")
    fail = grow.append_basic_block("fail")
    b = ir.IRBuilder(entry)

    rowbytes = _load(b, header, "rowbytes", _I64)
    max_rows = _load(b, header, "max_rows", _I64)
    room_ptr = _load(b, header, "budget", _PTR)
    room = b.load(room_ptr, name="room", align=8, typ=_I64)

    def fits(rows, name):
        """(i1: ``rows`` rows are allowed and fit in the room, i64: their bytes)."""
        product = b.call(umul, [rows, rowbytes])
        nbytes = b.extract_value(product, 0, name=name)
        too_big = b.or_(b.or_(b.icmp_unsigned(">", rows, _I64(_MAX_ROWS)),
                              b.icmp_unsigned(">", rows, max_rows)),
                        b.or_(b.extract_value(product, 1),
                              b.icmp_unsigned(">", nbytes, _I64(_MAX_BYTES))))
        # nbytes <= 2**62 wherever the signed comparison with the room decides the result
        return b.not_(b.or_(too_big, b.icmp_signed(">", nbytes, room))), nbytes

    ok_needed, needed_bytes = fits(needed, "needed_bytes")
    b.cbranch(ok_needed, sized, fail)

    # newcap = ceil(capacity * factor) if that is more than needed and allowed; if it is more
    # but not allowed, half of the rows that still fit beyond needed (not needed alone: near the
    # limit every append would copy the whole array); else needed (memory.py: _grown_capacity)
    b.position_at_end(sized)
    capacity = _load(b, header, "capacity", _I64)
    by_factor_f = b.call(ceil, [b.fmul(b.uitofp(capacity, _F64), _load(b, header, "factor", _F64))])
    sane = b.fcmp_ordered("<=", by_factor_f, _F64(float(_MAX_ROWS)))
    by_factor = b.select(sane, b.fptoui(by_factor_f, _I64), _I64(0))
    ok_factor, factor_bytes = fits(by_factor, "factor_bytes")
    beyond = b.icmp_unsigned(">", by_factor, needed)
    use_factor = b.and_(ok_factor, beyond)
    divisor = b.select(b.icmp_unsigned("==", rowbytes, _I64(0)), _I64(1), rowbytes)
    fitting = _umin(b, _umin(b, max_rows, _I64(_MAX_ROWS)),
                    _umin(b, b.udiv(_I64(_MAX_BYTES), divisor),
                          b.select(b.icmp_signed("<", room, _I64(0)), _I64(0),
                                   b.udiv(room, divisor))))
    spare = b.select(b.icmp_unsigned(">", fitting, needed),
                     b.udiv(b.sub(fitting, needed), _I64(2)), _I64(0))
    halfway = _umin(b, b.add(needed, spare), by_factor)
    limited = b.select(beyond, halfway, needed)
    newcap = b.select(use_factor, by_factor, limited, name="newcap")
    nbytes = b.select(use_factor, factor_bytes, b.mul(limited, rowbytes), name="nbytes")
    alloc_bytes = b.select(b.icmp_unsigned("==", nbytes, _I64(0)), _I64(1), nbytes)  # never null
    new = b.call(fn_malloc, [alloc_bytes], name="new")
    b.cbranch(b.icmp_unsigned("==", new, ir.Constant(_PTR, None)), fail, allocated)

    b.position_at_end(allocated)
    b.store(b.sub(room, nbytes), room_ptr, align=8)
    old = _load(b, header, "data", _PTR)
    used = b.mul(_load(b, header, "size", _I64), rowbytes, name="used")
    b.call(memcpy, [new, old, used, _I1(0)])
    pinned = _load(b, header, "pinned", _PTR)
    b.cbranch(b.icmp_unsigned("!=", old, pinned), free_old, publish)

    b.position_at_end(free_old)  # a buffer Python never wrapped: nobody else can see it
    b.call(fn_free, [old])
    b.store(b.add(b.load(room_ptr, typ=_I64, align=8), b.mul(capacity, rowbytes)), room_ptr,
            align=8)
    b.branch(publish)

    b.position_at_end(publish)
    b.store(new, _field_ptr(b, header, "data"), align=8)
    b.store(newcap, _field_ptr(b, header, "capacity"), align=8)
    b.ret(_I1(1))

    b.position_at_end(fail)  # the array is unchanged; Python reads what was asked for
    b.store(needed, _field_ptr(b, header, "refused"), align=8)
    b.ret(_I1(0))
    return grow


def _umin(b, x, y):
    return b.select(b.icmp_unsigned("<", x, y), x, y)


def _reserve_checked(builder: ir.IRBuilder, header_ptr, rows_needed, grow) -> ir.Value:
    capacity = _load(builder, header_ptr, "capacity", _I64)
    fits = builder.icmp_unsigned("<=", rows_needed, capacity, name="fits")
    before = builder.block
    slow = builder.append_basic_block("reserve.grow")
    done = builder.append_basic_block("reserve.done")
    builder.cbranch(fits, done, slow).set_weights([2000, 1])
    builder.position_at_end(slow)
    grown = builder.call(grow, [header_ptr, rows_needed], name="grown")
    builder.branch(done)
    builder.position_at_end(done)
    ok = builder.phi(_I1, name="reserved")
    ok.add_incoming(_I1(1), before)
    ok.add_incoming(grown, slow)
    return ok


def emit_reserve(builder: ir.IRBuilder, header_ptr, rows_needed) -> ir.Value:
    """Make room for ``rows_needed`` rows (``i64``, an absolute count) without changing the size.

    Returns ``i1`` true on success; false if the allocation failed or the request is absurd
    (the array is then unchanged). The buffer may move: reload it with :func:`emit_load_data`."""
    return _reserve_checked(builder, header_ptr, rows_needed, declare_runtime(builder.module))


def emit_append_rows(builder: ir.IRBuilder, header_ptr, n, zero: bool = True) -> ir.Value:
    """Add ``n`` rows (``i64``) at the end, growing if needed, and bump the size.

    Returns a ``ptr`` to the first new row (rows are ``rowbytes`` apart), or null on failure, in
    which case the array is unchanged. ``zero=False`` skips zero-filling the new rows, for
    callers that write every byte of them."""
    grow = declare_runtime(builder.module)
    size = emit_load_size(builder, header_ptr)
    needed = builder.add(size, n, name="needed")
    # A negative or wrapping n becomes an absurd request, which growth refuses.
    wraps = builder.icmp_unsigned("<", needed, size)
    needed = builder.select(wraps, _I64(-1), needed)
    ok = _reserve_checked(builder, header_ptr, needed, grow)
    before = builder.block
    append = builder.append_basic_block("append.rows")
    done = builder.append_basic_block("append.done")
    builder.cbranch(ok, append, done).set_weights([2000, 1])

    builder.position_at_end(append)
    rowbytes = _load(builder, header_ptr, "rowbytes", _I64)
    first = builder.gep(emit_load_data(builder, header_ptr), [builder.mul(size, rowbytes)],
                        inbounds=True, source_etype=_I8, name="first_new_row")
    if zero:
        memset = builder.module.declare_intrinsic("llvm.memset", [_PTR, _I64])
        builder.call(memset, [first, _I8(0), builder.mul(n, rowbytes), _I1(0)])
    emit_store_size(builder, header_ptr, needed)
    after_append = builder.block
    builder.branch(done)

    builder.position_at_end(done)
    result = builder.phi(_PTR, name="new_rows")
    result.add_incoming(first, after_append)
    result.add_incoming(ir.Constant(_PTR, None), before)
    return result
