"""The monitoring app's models (none yet)."""
