"""codegen layer of brianjit."""
