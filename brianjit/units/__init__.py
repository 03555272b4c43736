"""units layer of brianjit."""
