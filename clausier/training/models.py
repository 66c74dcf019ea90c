"""The training app's models (none yet)."""
