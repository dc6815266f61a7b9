"""What every flow benchmark shares: a free port, and timing N flows on a thread pool."""
from __future__ import annotations

import socket
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def measure(one: Callable[[int], float], flows: int, concurrency: int, warmup: int,
            around: Callable[[], Any] | None = None) -> dict[str, Any]:
    """Run ``one(i)`` (returning its own latency in ms) ``flows`` times after ``warmup`` untimed runs.

    ``around`` is read just before and just after the timed runs (e.g. a server's CPU seconds);
    both readings come back as ``before`` and ``after``.
    """
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(one, range(warmup)))
        before = around() if around else None
        started = time.perf_counter()
        latencies = sorted(pool.map(one, range(flows)))
        elapsed = time.perf_counter() - started
        after = around() if around else None
    return {
        "flows": flows,
        "concurrency": concurrency,
        "seconds": round(elapsed, 3),
        "flows_per_s": round(flows / elapsed, 1),
        "median_ms": round(statistics.median(latencies), 2),
        "p95_ms": round(latencies[max(0, int(len(latencies) * 0.95) - 1)], 2),
        "before": before,
        "after": after,
    }
