"""The support app's models (none yet)."""
