"""The coaching app's models (none yet)."""
