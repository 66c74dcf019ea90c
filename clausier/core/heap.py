"""Long-running processes keep their start-up heap out of the garbage collector's way.

A web process holds ~125,000 objects once Django, the apps, the URLconf and every view are
loaded, and keeps them for its life. CPython's full (oldest-generation) collections walk
all of them: ~80 ms each on this 2-core machine, landing in whichever request happens to
cross the threshold (every dozen free-slot searches in `bench/coaching.py`: p50 43 ms, p99
130 ms). `gc.freeze()` after start-up moves those objects to a permanent generation the
collector no longer walks; what requests allocate is collected as before (the same bench:
p99 56 ms). The technique is Instagram's (Python's `gc.freeze` documentation).
"""

from __future__ import annotations

import gc

from django.urls import get_resolver


def settle() -> int:
    """Load what the first request would (the URLconf, hence every view and API module),
    collect, and freeze what is alive: call once at the end of a process's start-up.
    Returns the number of objects frozen."""
    get_resolver().url_patterns  # noqa: B018 -- imports every view module
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
