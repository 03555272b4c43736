"""objects layer of brianjit."""
