"""DynamicArray in C memory: a stateful model test (1D and 2D), growth from native code, errors."""
import ctypes
import gc
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (RuleBasedStateMachine, initialize, invariant, precondition,
                                 rule)
from llvmlite import ir

from brianjit import memory_budget
from brianjit.codegen import dynarray
from brianjit.jit import compile_ir
from brianjit.memory import DynamicArray, live_buffers

# --- the stateful machine against a Python list model --------------------------------------------


@pytest.fixture(autouse=True, scope="module")
def _earlier_objects_frozen():
    """Each example of the machines collects garbage before it counts live buffers. Earlier
    tests' garbage is collected once here and everything alive is frozen (``gc.freeze``), so an
    example's collection scans only what was made since: a full collection per example over
    the whole suite's heap cost ~35 s of the suite's 11 minutes. Frozen objects are never
    collected, so they cannot move a baseline either."""
    gc.collect()
    gc.freeze()
    yield
    gc.unfreeze()


values = st.integers(-1000, 1000)


def _address(arr: DynamicArray) -> int:
    return arr.data.__array_interface__["data"][0]


class DynamicArrayMachine(RuleBasedStateMachine):
    """Mirror every operation on a list; views taken along the way must keep reading what they saw
    (while their buffer is current: the live rows; once retired: the rows at retirement). An array
    may have a row limit, and some resizes run under a tight memory budget: what passes a limit
    is refused (ValueError, MemoryError) and changes nothing."""

    ncols = None  # 1D; subclasses set a column count for 2D
    dtype = np.float64

    def __init__(self):
        super().__init__()
        # Exact counts need a baseline that cannot move: other tests' cyclic garbage (a group is a
        # cycle) is collected first, and no collection may run until the count is checked.
        # (Counting that garbage in the baseline made teardown fail whenever an allocation after
        # gc.enable() triggered a collection: 54 == 64 on Python 3.12.)
        gc.collect()
        gc.disable()
        self.baseline = live_buffers()
        self.views = []  # dicts: view, frozen (None or the rows the retired buffer must still hold)

    @initialize(size=st.integers(0, 6), max_rows=st.one_of(st.none(), st.integers(6, 30)))
    def create(self, size, max_rows):
        shape = size if self.ncols is None else (size, self.ncols)
        self.arr = DynamicArray(shape, dtype=self.dtype, max_rows=max_rows)
        self.max_rows = 2**62 if max_rows is None else max_rows
        self.model = [self._zero() for _ in range(size)]

    def _refused(self, rows, operation):
        """True (and checked: refused, nothing changed) if ``rows`` rows pass the row limit."""
        if rows <= self.max_rows:
            return False
        address, shape = _address(self.arr), self.arr.shape
        with pytest.raises(ValueError, match="limit"):
            operation()
        assert _address(self.arr) == address and self.arr.shape == shape
        return True

    def _zero(self):
        return 0 if self.ncols is None else [0] * self.ncols

    def _row(self, draw_value):
        return draw_value if self.ncols is None else [draw_value + j for j in range(self.ncols)]

    def _expected(self, rows=None):
        rows = self.model if rows is None else rows
        width = () if self.ncols is None else (self.ncols,)
        return np.array(rows, dtype=self.dtype).reshape((len(rows),) + width)

    def _mutate(self, operation):
        """Run ``operation``; if it moved the buffer, freeze the views of the old one."""
        before = [list(r) if isinstance(r, list) else r for r in self.model]
        address = _address(self.arr)
        operation()
        if _address(self.arr) != address:
            for v in self.views:
                if v["frozen"] is None:
                    k = min(len(v["view"]), len(before))
                    v["frozen"] = self._expected(before[:k])

    @rule(value=values)
    def append(self, value):
        if self._refused(len(self.model) + 1, lambda: self.arr.append(self._row(value))):
            return
        self._mutate(lambda: self.arr.append(self._row(value)))
        self.model.append(self._row(value))

    @rule(new=st.lists(values, max_size=6))
    def extend(self, new):
        rows = [self._row(v) for v in new]
        width = () if self.ncols is None else (self.ncols,)
        new_rows = np.array(rows, dtype=self.dtype).reshape((len(rows),) + width)
        if self._refused(len(self.model) + len(rows), lambda: self.arr.extend(new_rows)):
            return
        self._mutate(lambda: self.arr.extend(new_rows))
        self.model.extend(rows)

    @rule(n=st.integers(0, 40))
    def resize(self, n):
        if self._refused(n, lambda: self.arr.resize(n)):
            return
        self._mutate(lambda: self.arr.resize(n))
        self.model = self.model[:n] + [self._zero() for _ in range(n - len(self.model))]

    @rule(n=st.integers(0, 40), room=st.integers(0, 400))
    def resize_under_a_tight_budget(self, n, room):
        """Only ``room`` bytes may be allocated: a resize that needs a bigger buffer is refused
        (MemoryError) and changes nothing; growth near the limit takes just what it needs."""
        rowbytes = (self.ncols or 1) * np.dtype(self.dtype).itemsize
        needs_bytes = n > self.arr.capacity and n * rowbytes > room
        memory_budget.set_memory_limit(memory_budget._State.live_bytes + room)
        try:
            if n <= self.max_rows and needs_bytes:
                address, shape = _address(self.arr), self.arr.shape
                with pytest.raises(MemoryError, match="do not fit"):
                    self.arr.resize(n)
                assert _address(self.arr) == address and self.arr.shape == shape
            else:
                self.resize(n)
        finally:
            memory_budget.set_memory_limit(None)

    @rule(n=st.integers(0, 40))
    def shrink(self, n):
        n = min(n, len(self.model))
        self._mutate(lambda: self.arr.shrink(n))
        del self.model[n:]
        assert self.arr.capacity == n

    @precondition(lambda self: self.model)
    @rule(index=st.integers(0, 10**6), value=values)
    def set_item(self, index, value):
        index %= len(self.model)
        self.arr[index] = self._row(value)
        self.model[index] = self._row(value)
        assert np.array_equal(self.arr[index], self._expected()[index])

    @rule()
    def take_view(self):
        self.views.append({"view": self.arr.data, "frozen": None})

    @precondition(lambda self: self.views)
    @rule(index=st.integers(0, 10**6))
    def drop_view(self, index):
        del self.views[index % len(self.views)]

    @invariant()
    def contents_match(self):
        if not hasattr(self, "arr"):
            return
        assert len(self.arr) == len(self.model)
        assert self.arr.capacity >= len(self.arr)
        assert self.arr.shape == self._expected().shape
        assert np.array_equal(self.arr.data, self._expected())

    @invariant()
    def views_read_what_they_saw(self):
        for v in self.views:
            if v["frozen"] is None:
                k = min(len(v["view"]), len(self.model))
                assert np.array_equal(v["view"][:k], self._expected()[:k])
            else:
                assert np.array_equal(v["view"][:len(v["frozen"])], v["frozen"])

    @invariant()
    def no_leaks(self):
        if not hasattr(self, "arr"):
            return
        current = _address(self.arr)
        retired = {v["view"].__array_interface__["data"][0] for v in self.views} - {current}
        # header + current buffer + every retired buffer a view still holds
        assert live_buffers() == self.baseline + 2 + len(retired)

    def teardown(self):
        try:
            self.views.clear()
            if hasattr(self, "arr"):
                del self.arr
            assert live_buffers() == self.baseline
        finally:
            gc.enable()


class DynamicArray2DMachine(DynamicArrayMachine):
    ncols = 3
    dtype = np.int32

    @rule(rows=st.integers(0, 12), cols=st.integers(0, 5))
    def change_columns(self, rows, cols):
        if self._refused(rows, lambda: self.arr.resize((rows, cols))):
            return
        self._mutate(lambda: self.arr.resize((rows, cols)))
        kept = [r[:cols] + [0] * (cols - len(r)) for r in self.model[:rows]]
        self.model = kept + [[0] * cols for _ in range(rows - len(kept))]
        self.ncols = cols


_machine_settings = settings(max_examples=40, stateful_step_count=30)
TestDynamicArray1D = DynamicArrayMachine.TestCase
TestDynamicArray1D.settings = _machine_settings
TestDynamicArray2D = DynamicArray2DMachine.TestCase
TestDynamicArray2D.settings = _machine_settings


# --- plain Python behaviour ----------------------------------------------------------------------

class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena ordblks smblks hblks hblkhd usmblks fsmblks uordblks fordblks keepcost".split())]


def _malloc_in_use() -> int:
    """Bytes libc's malloc has handed out and not had back (glibc's mallinfo2)."""
    mallinfo2 = getattr(ctypes.CDLL(None), "mallinfo2", None)
    if mallinfo2 is None:
        pytest.skip("needs glibc's mallinfo2")
    mallinfo2.restype = _MallInfo2
    info = mallinfo2()
    return info.uordblks + info.hblkhd


BIG = 4_000_000  # float64 elements: 32 MB, far above the noise of the interpreter's own mallocs
SLACK = 4_000_000


def test_buffers_really_return_to_malloc():
    before = _malloc_in_use()
    arr = DynamicArray(BIG)
    view = arr.data
    arr.resize(BIG + 1)  # the 32 MB buffer is retired, kept by the view
    del arr
    assert _malloc_in_use() > before + 8 * BIG - SLACK
    del view
    assert _malloc_in_use() < before + SLACK

def test_zero_size_arrays_have_a_real_buffer():
    for shape in (0, (0, 4), (0, 0), (5, 0)):
        arr = DynamicArray(shape)
        header = (ctypes.c_uint64 * 8).from_address(arr.header_address)
        assert header[0] != 0 and header[0] == header[3]  # data == pinned, never null
        assert arr.data.shape == ((shape, ) if isinstance(shape, int) else shape)


def test_growth_is_by_the_factor_and_shrinking_by_resize_keeps_capacity():
    arr = DynamicArray(10, factor=2.0)
    arr.resize(11)
    assert arr.capacity == 20
    arr.resize(3)
    assert arr.capacity == 20 and len(arr) == 3
    arr.resize(25)
    assert arr.capacity == 40


def test_numpy_sees_a_zero_copy_writable_view():
    arr = DynamicArray((2, 3), dtype=np.int32)
    arr.data[1, 2] = 7
    assert np.asarray(arr)[1, 2] == 7 and arr[1, 2] == 7
    assert arr.data.flags.writeable and arr.dtype == np.int32 and arr.ndim == 2
    assert "DynamicArray" in repr(arr)


def test_view_outlives_its_array():
    before = live_buffers()
    arr = DynamicArray(4)
    arr[:] = [1, 2, 3, 4]
    view = arr.data
    del arr
    assert live_buffers() == before + 1  # the header is gone, the buffer lives on in the view
    assert list(view) == [1, 2, 3, 4]
    del view
    assert live_buffers() == before


@pytest.mark.parametrize("shape, error", [
    (-1, ValueError), ((2, -1), ValueError), ((1, 2, 3), ValueError), (2.5, TypeError),
    ("3", TypeError), (2**61, ValueError), ((2**40, 2**40), ValueError), (2**63, ValueError),
])
def test_bad_shapes_are_refused(shape, error):
    with pytest.raises(error, match="DynamicArray"):
        DynamicArray(shape)


@pytest.mark.parametrize("dtype", [object, str, np.complex128, [("a", "f8")], "U3", "f8,f8"])
def test_unsupported_dtypes_are_refused(dtype):
    with pytest.raises(TypeError, match="dtype"):
        DynamicArray(3, dtype=dtype)


@pytest.mark.parametrize("factor", [1.0, 0.5, float("nan"), float("inf"), 100])
def test_bad_factors_are_refused(factor):
    with pytest.raises(ValueError, match="factor"):
        DynamicArray(3, factor=factor)


def test_failed_allocation_is_a_memory_error_and_leaves_the_array_intact():
    before = live_buffers()
    with pytest.raises(MemoryError):
        DynamicArray(2**58)  # 2**61 bytes: within the limits, beyond any address space
    assert live_buffers() == before
    arr = DynamicArray(3)
    arr[:] = [1, 2, 3]
    with pytest.raises(MemoryError):
        arr.resize(2**58)
    assert list(arr.data) == [1, 2, 3] and arr.capacity == 3


def test_bad_resizes_and_values_leave_the_array_intact():
    arr = DynamicArray((2, 3))
    for bad, error in [(-1, ValueError), ((2,), ValueError), ((2, 3, 4), ValueError),
                       (1.5, TypeError), (2**62 + 1, ValueError)]:
        with pytest.raises(error):
            arr.resize(bad)
    with pytest.raises(ValueError, match="more than"):
        arr.shrink(3)
    with pytest.raises(ValueError, match="columns"):
        arr.shrink((1, 2))
    with pytest.raises(ValueError, match="do not fit"):
        arr.append([1, 2])
    with pytest.raises(ValueError, match="2D"):
        arr.extend([1, 2, 3])
    with pytest.raises(ValueError):
        DynamicArray(3).resize((3, 1))
    assert arr.shape == (2, 3) and not arr.data.any()


def test_a_corrupted_header_is_reported_not_followed():
    arr = DynamicArray(3)
    header = (ctypes.c_int64 * 8).from_address(arr.header_address)
    header[1] = 10  # size > capacity
    with pytest.raises(RuntimeError, match="inconsistent header"):
        arr.data
    header[1] = 3
    assert len(arr) == 3


# --- growth from native code ---------------------------------------------------------------------

PTR, F64 = ir.PointerType(), ir.DoubleType()
I1, I32, I64 = ir.IntType(1), ir.IntType(32), ir.IntType(64)


def _counting_allocator(module):
    """count_malloc/count_free wrap libc's and count successful allocations and frees in module
    globals, read back by the functions mallocs() and frees()."""
    counters = {}
    for name in ("mallocs", "frees"):
        g = ir.GlobalVariable(module, I64, name=f"test_memory.{name}")
        g.linkage, g.initializer = "internal", I64(0)
        counters[name] = g
        getter = ir.Function(module, ir.FunctionType(I64, []), name)
        b = ir.IRBuilder(getter.append_basic_block())
        b.ret(b.load(g, typ=I64))

    def bump(b, name, by):
        g = counters[name]
        b.store(b.add(b.load(g, typ=I64), by), g)

    malloc = ir.Function(module, ir.FunctionType(PTR, [I64]), "malloc")
    fn = ir.Function(module, malloc.function_type, "count_malloc")
    b = ir.IRBuilder(fn.append_basic_block())
    result = b.call(malloc, list(fn.args))
    bump(b, "mallocs", b.zext(b.icmp_unsigned("!=", result, ir.Constant(PTR, None)), I64))
    b.ret(result)

    free = ir.Function(module, ir.FunctionType(ir.VoidType(), [PTR]), "free")
    fn = ir.Function(module, free.function_type, "count_free")
    b = ir.IRBuilder(fn.append_basic_block())
    b.call(free, list(fn.args))
    bump(b, "frees", I64(1))
    b.ret_void()


def _loop(fn, n, body):
    """for i in range(n): body(builder, i); then return n. ``body`` may return early."""
    entry = fn.append_basic_block("entry")
    head, step, done = (fn.append_basic_block(x) for x in ("head", "step", "done"))
    b = ir.IRBuilder(entry)
    b.branch(head)
    b.position_at_end(head)
    i = b.phi(I64, name="i")
    i.add_incoming(I64(0), entry)
    b.cbranch(b.icmp_signed("<", i, n), step, done)
    b.position_at_end(step)
    body(b, i)
    i.add_incoming(b.add(i, I64(1)), b.block)
    b.branch(head)
    b.position_at_end(done)
    b.ret(n)


def _build_test_module() -> str:
    m = ir.Module(name="test_memory")
    _counting_allocator(m)
    dynarray.declare_runtime(m, malloc="count_malloc", free="count_free")

    # i64 append_f64(header, n): append 0.0, 1.0, ..., n-1 one at a time; returns how many fit.
    fn = ir.Function(m, ir.FunctionType(I64, [PTR, I64]), "append_f64")

    def append_one(b, i):
        row = dynarray.emit_append_rows(b, fn.args[0], I64(1), zero=False)
        with b.if_then(b.icmp_unsigned("==", row, ir.Constant(PTR, None)), likely=False):
            b.ret(i)
        b.store(b.sitofp(i, F64), row)
    _loop(fn, fn.args[1], append_one)

    # i64 append_pairs_i32(header, n): n times append 2 zeroed rows, write k into column 0.
    fn2 = ir.Function(m, ir.FunctionType(I64, [PTR, I64]), "append_pairs_i32")

    def append_pair(b, i):
        row = dynarray.emit_append_rows(b, fn2.args[0], I64(2))
        with b.if_then(b.icmp_unsigned("==", row, ir.Constant(PTR, None)), likely=False):
            b.ret(i)
        ncols_field = b.gep(fn2.args[0], [I32(0), I32(6)], source_etype=dynarray.HEADER_TYPE)
        ncols = b.load(ncols_field, typ=I64)
        for k in range(2):
            cell = b.gep(row, [b.mul(I64(k), ncols)], source_etype=I32)
            b.store(b.trunc(b.add(b.mul(i, I64(2)), I64(k)), I32), cell)
    _loop(fn2, fn2.args[1], append_pair)

    # ptr append_raw(header, n): one append of n (possibly absurd) rows.
    fn3 = ir.Function(m, ir.FunctionType(PTR, [PTR, I64]), "append_raw")
    b = ir.IRBuilder(fn3.append_basic_block())
    b.ret(dynarray.emit_append_rows(b, *fn3.args))

    # i1 reserve(header, rows)
    fn4 = ir.Function(m, ir.FunctionType(I1, [PTR, I64]), "reserve")
    b = ir.IRBuilder(fn4.append_basic_block())
    b.ret(dynarray.emit_reserve(b, *fn4.args))

    # ptr load_data(header), i64 load_size(header), void store_size(header, n)
    fn5 = ir.Function(m, ir.FunctionType(PTR, [PTR]), "load_data")
    b = ir.IRBuilder(fn5.append_basic_block())
    b.ret(dynarray.emit_load_data(b, fn5.args[0]))
    fn6 = ir.Function(m, ir.FunctionType(I64, [PTR]), "load_size")
    b = ir.IRBuilder(fn6.append_basic_block())
    b.ret(dynarray.emit_load_size(b, fn6.args[0]))
    fn7 = ir.Function(m, ir.FunctionType(ir.VoidType(), [PTR, I64]), "store_size")
    b = ir.IRBuilder(fn7.append_basic_block())
    dynarray.emit_store_size(b, *fn7.args)
    b.ret_void()
    return str(m)


class Native:
    def __init__(self):
        cm = compile_ir(_build_test_module())
        self.compiled = cm
        c_ptr, c_i64 = ctypes.c_void_p, ctypes.c_int64
        self.append_f64 = cm.cfunc("append_f64", c_i64, c_ptr, c_i64)
        self.append_pairs_i32 = cm.cfunc("append_pairs_i32", c_i64, c_ptr, c_i64)
        self.append_raw = cm.cfunc("append_raw", c_ptr, c_ptr, c_i64)
        self.reserve = cm.cfunc("reserve", ctypes.c_bool, c_ptr, c_i64)
        self.load_data = cm.cfunc("load_data", c_ptr, c_ptr)
        self.load_size = cm.cfunc("load_size", c_i64, c_ptr)
        self.store_size = cm.cfunc("store_size", None, c_ptr, c_i64)
        self.mallocs = cm.cfunc("mallocs", c_i64)
        self.frees = cm.cfunc("frees", c_i64)

    def outstanding(self):
        return self.mallocs() - self.frees()


@pytest.fixture(scope="module")
def native():
    return Native()


def test_growth_path_is_out_of_line(native):
    ir_text = native.compiled.optimized_ir
    assert re.search(r"define internal .*@brianjit\.dynarray\.grow\(", ir_text)
    assert re.search(r"call .*@brianjit\.dynarray\.grow\(", ir_text)
    assert "inttoptr" not in native.compiled.ir and "ptrtoint" not in native.compiled.ir


def test_native_append_grows_many_times_in_one_call(native):
    gc.collect()
    baseline = live_buffers()
    arr = DynamicArray(3)
    arr[:] = [-1, -2, -3]
    old_view = arr.data
    mallocs, outstanding = native.mallocs(), native.outstanding()
    n = 50_000
    assert native.append_f64(arr.header_address, n) == n
    growths = native.mallocs() - mallocs
    assert growths >= 20  # 3 * 1.5**20 < 50_003
    # every intermediate buffer was freed natively; the pinned one was not (a view holds it)
    assert native.outstanding() - outstanding == 1
    arr.sync()
    assert len(arr) == n + 3 and arr.capacity < 1.5 * (n + 3) + 1
    assert np.array_equal(arr.data, np.r_[-1, -2, -3, np.arange(n)])
    assert list(old_view) == [-1, -2, -3]
    assert live_buffers() == baseline + 3  # header, adopted buffer, retired buffer
    del old_view
    assert live_buffers() == baseline + 2
    del arr
    assert live_buffers() == baseline


def test_array_dropped_before_sync_frees_the_native_buffer(native):
    gc.collect()
    baseline = live_buffers()
    arr = DynamicArray(0)
    assert native.append_f64(arr.header_address, 100) == 100
    del arr  # no sync: the buffer Python never wrapped is freed with the array
    assert live_buffers() == baseline
    before = _malloc_in_use()
    arr = DynamicArray(0)
    assert native.append_f64(arr.header_address, BIG) == BIG
    assert _malloc_in_use() > before + 8 * BIG - SLACK
    del arr
    assert _malloc_in_use() < before + SLACK


def test_native_rows_are_zeroed_2d(native):
    arr = DynamicArray((1, 4), dtype=np.int32)
    arr[0] = [9, 9, 9, 9]
    assert native.append_pairs_i32(arr.header_address, 1000) == 1000
    expected = np.zeros((2001, 4), dtype=np.int32)
    expected[0] = 9
    expected[1:, 0] = np.arange(2000)
    assert np.array_equal(arr.data, expected)


@given(st.lists(st.integers(0, 50), max_size=12), st.sampled_from([1.1, 1.5, 2.0, 3.7]))
@settings(max_examples=30)
def test_native_and_python_growth_agree(native, counts, factor):
    by_python, by_native = DynamicArray(1, factor=factor), DynamicArray(1, factor=factor)
    for k in counts:
        by_python.resize(len(by_python) + k)
        assert native.append_raw(by_native.header_address, k)
        assert (len(by_native), by_native.capacity) == (len(by_python), by_python.capacity)


def test_reserve_load_and_store_size(native):
    arr = DynamicArray(5)
    arr[:] = np.arange(5)
    assert native.load_size(arr.header_address) == 5
    assert native.load_data(arr.header_address) == arr.data.__array_interface__["data"][0]
    assert native.reserve(arr.header_address, 1000)
    assert arr.capacity == 1000 and list(arr.data) == [0, 1, 2, 3, 4]
    native.store_size(arr.header_address, 0)
    assert len(arr) == 0
    arr.resize(2)
    assert list(arr.data) == [0, 0]  # rows past the size are zeroed when Python grows into them


@pytest.mark.parametrize("rows", [-1, 2**62 + 1, 2**58, 2**63 - 1])
def test_native_refuses_absurd_or_failing_growth(native, rows):
    arr = DynamicArray(3)
    arr[:] = [1, 2, 3]
    outstanding = native.outstanding()
    assert not native.reserve(arr.header_address, rows)
    assert not native.append_raw(arr.header_address, rows)
    assert native.outstanding() == outstanding
    assert list(arr.data) == [1, 2, 3] and arr.capacity == 3


def test_native_append_to_zero_column_array(native):
    arr = DynamicArray((0, 0))
    assert native.append_raw(arr.header_address, 7)
    assert arr.shape == (7, 0)
    assert not native.append_raw(arr.header_address, 2**62)


def test_runtime_is_declared_once_and_refuses_clashing_symbols():
    m = ir.Module()
    grow = dynarray.declare_runtime(m)
    assert dynarray.declare_runtime(m) is grow and grow.linkage == "internal"
    clash = ir.Module()
    ir.Function(clash, ir.FunctionType(I32, [I32]), "malloc")
    with pytest.raises(ValueError, match="malloc"):
        dynarray.declare_runtime(clash)


def test_reserve_makes_room_without_changing_the_contents():
    array = DynamicArray(3)
    array.data[:] = [1.0, 2.0, 3.0]
    view = array.data
    array.reserve(1000)
    assert array.capacity >= 1000 and len(array) == 3
    assert list(array.data) == [1.0, 2.0, 3.0] and list(view) == [1.0, 2.0, 3.0]
    capacity = array.capacity
    array.reserve(10)  # never shrinks
    array.resize(1000)  # no growth needed any more
    assert array.capacity == capacity and list(array.data[:4]) == [1.0, 2.0, 3.0, 0.0]
    with pytest.raises(ValueError):
        array.reserve(-1)
