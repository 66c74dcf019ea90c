"""The content app's models (none yet)."""
