from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.probes.servers import acquire_servers, release_servers


@pytest.fixture(scope="session")
def servers() -> Iterator[None]:
    """Start every loopback server once per worker and stop them after the last worker.

    scripts/servers is idempotent and takes a file lock, so the two xdist workers can
    both ask; it counts them, and the last one out stops the servers.
    """
    acquire_servers()
    yield
    release_servers()
