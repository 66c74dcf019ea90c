"""The embedded default's data folder and the private files in it.

`var/` holds the SQLite database, the generated keys and stored documents: only the
account that runs Clausier may read it (700), and files holding data or keys are
created 600 whatever the umask, before anything writes into them.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def private_dir(path: Path) -> Path:
    """Create the folder 700, or tighten an existing one that we own."""
    path.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    # A folder made by an older version (or another umask) may be 755: tighten it.
    with contextlib.suppress(PermissionError):
        if path.stat().st_mode & 0o777 != PRIVATE_DIR_MODE:
            path.chmod(PRIVATE_DIR_MODE)
    return path


def private_file(path: Path) -> Path:
    """Create an empty file 600 if it does not exist yet; tighten it if it does.

    SQLite creates a missing database with the umask's mode (644 by default) and gives
    its -wal and -shm files the database file's mode, so creating the file first is
    what keeps the whole database private.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    except FileExistsError:
        with contextlib.suppress(PermissionError):
            if path.stat().st_mode & 0o777 != PRIVATE_FILE_MODE:
                path.chmod(PRIVATE_FILE_MODE)
        return path
    os.close(fd)
    return path
