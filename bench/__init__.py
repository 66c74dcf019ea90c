"""`make bench`: the probe engine against monitoring-plugins and a bare-asyncio ceiling."""
