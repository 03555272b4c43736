"""``codegen.declarations.declare_function``: one declaration per name and module, whichever
emitter asks first (the barrier, the DynamicArray runtime, the math functions, the driver)."""
import pytest
from llvmlite import ir

from brianjit.codegen.barrier import declare_barrier
from brianjit.codegen.declarations import declare_function
from brianjit.codegen.dynarray import declare_runtime

I32, PTR = ir.IntType(32), ir.PointerType()


def test_a_name_is_declared_once_and_returned_again():
    module = ir.Module()
    first = declare_function(module, "sched_yield", ir.FunctionType(I32, []))
    assert declare_function(module, "sched_yield", ir.FunctionType(I32, [])) is first
    assert str(module).count("declare i32 @\"sched_yield\"()") == 1


def test_emitters_share_the_declarations_of_one_module():
    """The barrier declares libc's functions that a second emitter may ask for too."""
    module = ir.Module()
    declare_barrier(module)
    declare_runtime(module)
    yield_ = declare_function(module, "sched_yield", ir.FunctionType(I32, []))
    assert yield_ is module.globals["sched_yield"]
    text = str(module)
    for name in ("sched_yield", "nanosleep", "malloc", "free"):
        assert sum(line.startswith("declare") and f'@"{name}"(' in line
                   for line in text.splitlines()) == 1


@pytest.mark.parametrize("existing", ["function", "global"])
def test_a_name_with_another_type_is_refused(existing):
    module = ir.Module()
    if existing == "function":
        declare_function(module, "free", ir.FunctionType(ir.VoidType(), [PTR]))
    else:
        ir.GlobalVariable(module, I32, "free")
    with pytest.raises(ValueError, match="'free'.*another type"):
        declare_function(module, "free", ir.FunctionType(I32, [PTR]))
