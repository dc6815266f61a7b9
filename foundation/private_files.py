"""Files in the data dir that hold secrets (client secrets, keys, tokens) belong to their owner alone: mode 0600."""
from __future__ import annotations

import os
from pathlib import Path

PRIVATE_MODE = 0o600


def make_private(path: Path) -> None:
    """Create ``path`` empty if it is missing, and make it readable and writable by its owner only.

    A file left by an older version with a wider mode is narrowed too. SQLite creates a database's
    `-wal` and `-shm` files with the database file's mode, so narrowing the database first covers them.
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, PRIVATE_MODE)
    os.close(fd)
    os.chmod(path, PRIVATE_MODE)


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically (beside it, then moved over it), owner-only from the first byte."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_MODE)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(tmp, PRIVATE_MODE)  # an existing .tmp kept its old mode through O_CREAT
    os.replace(tmp, path)
