"""brianjit: Brian2's model language, compiled to native code with llvmlite."""
