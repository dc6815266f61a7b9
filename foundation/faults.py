"""One-shot failures a test arms through `POST /__admin/faults` (SPEC §2.3)."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Mapping, Sequence

FAULT_KINDS = ("invalid_grant", "server_error", "delay", "invalid_client", "temporarily_unavailable")


@dataclass(frozen=True)
class Fault:
    """What the next call of ``endpoint`` should do instead of its normal work."""

    endpoint: str
    error: str
    seconds: float = 0.0


class FaultInjector:
    """Armed faults per endpoint, each consumed by one call."""

    def __init__(self, endpoints: tuple[str, ...], kinds: Mapping[str, Sequence[str]] | None = None) -> None:
        """``kinds`` names the fault kinds an endpoint accepts when they differ from FAULT_KINDS."""
        self.endpoints = endpoints
        self.kinds = dict(kinds or {})
        self._armed: dict[str, list[Fault]] = {}
        self._lock = threading.Lock()

    def arm(self, endpoint: str, error: str, times: int = 1, seconds: float = 0.0) -> None:
        """Queue ``times`` faults for ``endpoint``; raises ValueError naming the bad field."""
        if endpoint not in self.endpoints:
            raise ValueError(f"endpoint must be one of {', '.join(self.endpoints)}")
        allowed = self.kinds.get(endpoint, FAULT_KINDS)
        if error not in allowed:
            raise ValueError(f"error must be one of {', '.join(allowed)}")
        if isinstance(times, bool) or not isinstance(times, int) or not 1 <= times <= 1000:
            raise ValueError("times must be a whole number from 1 to 1000")
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not 0 <= seconds <= 60:
            raise ValueError("seconds must be a number from 0 to 60")
        with self._lock:
            self._armed.setdefault(endpoint, []).extend([Fault(endpoint, error, float(seconds))] * times)

    def armed(self, endpoint: str) -> bool:
        """Whether a fault waits for ``endpoint`` (a look only: nothing is consumed)."""
        with self._lock:
            return bool(self._armed.get(endpoint))

    def take(self, endpoint: str) -> Fault | None:
        """The next armed fault for ``endpoint``, removing it, or None."""
        with self._lock:
            queue = self._armed.get(endpoint)
            if not queue:
                return None
            return queue.pop(0)

    def pending(self) -> list[dict[str, object]]:
        with self._lock:
            return [
                {"endpoint": f.endpoint, "error": f.error, "seconds": f.seconds}
                for queue in self._armed.values()
                for f in queue
            ]

    def clear(self) -> None:
        with self._lock:
            self._armed.clear()
