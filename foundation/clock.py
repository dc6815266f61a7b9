"""Clocks the services read time from, so tests can move time forward (SPEC §2.3 `/__admin/clock`)."""
from __future__ import annotations

import threading
import time
from datetime import datetime, timezone
from typing import Protocol


def iso(epoch: float, timespec: str = "seconds") -> str:
    """An epoch as UTC ISO 8601 with a `Z`, e.g. `2025-06-15T15:16:40Z`."""
    return datetime.fromtimestamp(epoch, tz=timezone.utc).isoformat(timespec=timespec).replace("+00:00", "Z")


class Clock(Protocol):
    """Anything that tells the current time in seconds since the epoch."""

    def now(self) -> float: ...


class SystemClock:
    """The machine's wall clock."""

    def now(self) -> float:
        return time.time()


class FixedClock:
    """A clock that only moves when told to; for unit tests."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self._now = start

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        self._now += seconds


class OffsetClock:
    """A base clock plus an offset that the control plane can push forward."""

    def __init__(self, base: Clock | None = None) -> None:
        self._base = base or SystemClock()
        self._offset = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        return self._base.now() + self._offset

    @property
    def offset(self) -> float:
        return self._offset

    def advance(self, seconds: float) -> None:
        """Move time forward; time never goes back, so negative values are refused."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._offset += seconds

    def reset(self) -> None:
        with self._lock:
            self._offset = 0.0
