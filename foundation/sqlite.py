"""SQLite access shared by the services' stores: one connection, one lock, atomic transactions, baselines.

A single serialized connection keeps every compare-and-set step (a code redeemed once, a state used
once) atomic in the database, for a file in the data dir (WAL) and for the in-memory database of tests.
"""
from __future__ import annotations

import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from foundation.private_files import make_private


class Database:
    """A SQLite database at ``path`` (None → private in-memory) with a schema applied at open."""

    def __init__(self, path: str | Path | None, schema: str) -> None:
        self.path = None if path is None else Path(path)
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            for own in (self.path, *_sidecars(self.path)):
                if own == self.path or own.exists():
                    make_private(own)
        target = ":memory:" if self.path is None else str(self.path)
        self._conn = sqlite3.connect(target, check_same_thread=False, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        self._lock = threading.RLock()
        self._schema = schema
        self._memory_baseline: sqlite3.Connection | None = None
        with self._lock:
            if self.path is not None:
                self._conn.execute("PRAGMA journal_mode=WAL")
                self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.execute("PRAGMA foreign_keys=ON")
            self._conn.executescript(schema)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run the block as one immediate transaction; rolled back if it raises."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def query(self, sql: str, params: tuple | dict = ()) -> list[sqlite3.Row]:
        """Rows of a read-only statement."""
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def query_one(self, sql: str, params: tuple | dict = ()) -> sqlite3.Row | None:
        with self._lock:
            return self._conn.execute(sql, params).fetchone()

    def snapshot(self, target: str | Path | None = None) -> sqlite3.Connection | None:
        """Copy the whole database to ``target`` (a file), or to a new in-memory copy that is returned."""
        dest = sqlite3.connect(":memory:" if target is None else str(target), check_same_thread=False)
        with self._lock:
            self._conn.backup(dest)
        if target is not None:
            dest.close()
            return None
        return dest

    def restore(self, source: str | Path | sqlite3.Connection) -> None:
        """Replace the whole database with a snapshot taken by ``snapshot``."""
        src = source if isinstance(source, sqlite3.Connection) else sqlite3.connect(str(source))
        with self._lock:
            src.backup(self._conn)
            # A snapshot from an older version may lack tables added since: create them (empty).
            self._conn.executescript(self._schema)
        if not isinstance(source, sqlite3.Connection):
            src.close()

    def tables(self) -> list[str]:
        """Every table of the schema, found in `sqlite_master`: a new table needs no list kept by hand."""
        rows = self.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                          "ORDER BY name")
        return [row["name"] for row in rows]

    def take_baseline(self, path: Path | None) -> None:
        """Make the current data the baseline: a file at ``path`` (survives restarts) or, without one, in memory.

        The file is written beside ``path`` and moved over it, so a crash never leaves half a baseline.
        """
        if path is None:
            self._memory_baseline = self.snapshot(None)
            return
        tmp = path.with_name(path.name + ".tmp")
        tmp.unlink(missing_ok=True)
        make_private(tmp)
        self.snapshot(tmp)
        tmp.replace(path)

    def restore_baseline(self, path: Path | None) -> bool:
        """Go back to the baseline at ``path`` or in memory, in one step; False when none was taken."""
        if path is not None and path.exists():
            self.restore(path)
            return True
        if self._memory_baseline is not None:
            self.restore(self._memory_baseline)
            return True
        return False

    def wipe(self, keep: tuple[str, ...] = ()) -> None:
        """Empty every table but ``keep`` in one transaction: the data of a fresh database."""
        with self.transaction() as conn:
            clear_tables(conn, self.tables(), keep)

    def close(self) -> None:
        with self._lock:
            self._conn.close()


def _sidecars(path: Path) -> tuple[Path, Path]:
    """The write-ahead log and shared-memory files SQLite keeps beside a WAL database."""
    return path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")


def clear_tables(conn: sqlite3.Connection, tables: list[str], keep: tuple[str, ...] = ()) -> None:
    """Delete every row of ``tables`` but ``keep`` inside the caller's transaction.

    Foreign keys are checked at commit, when every table is empty, so the order does not matter.
    """
    conn.execute("PRAGMA defer_foreign_keys = ON")
    for table in tables:
        if table not in keep:
            conn.execute(f'DELETE FROM "{table}"')  # noqa: S608 - names read from sqlite_master
