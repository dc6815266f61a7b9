"""What every flow benchmark shares: a free port, timing N flows on a thread pool, interleaved rounds."""
from __future__ import annotations

import itertools
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


def interleave(contenders: dict[str, Callable[[int], float]], rounds: int, flows: int,
               warmup: int = 30) -> dict[str, dict[str, Any]]:
    """Time each contender's ``one(i)`` in alternating rounds of ``flows`` flows, one client thread.

    Rounds alternate which contender goes first, so a burst of load from elsewhere on the machine
    falls on both alike. Per contender: flows/s over all its rounds, median and p95 latency, and
    the flows/s of each round.
    """
    for one in contenders.values():
        for i in range(warmup):
            one(-1 - i)
    names = list(contenders)
    latencies: dict[str, list[float]] = {name: [] for name in names}
    seconds = dict.fromkeys(names, 0.0)
    per_round: dict[str, list[float]] = {name: [] for name in names}
    numbers = itertools.count()
    for r in range(rounds):
        for name in names if r % 2 == 0 else reversed(names):
            one = contenders[name]
            started = time.perf_counter()
            batch = [one(next(numbers)) for _ in range(flows)]
            elapsed = time.perf_counter() - started
            latencies[name] += batch
            seconds[name] += elapsed
            per_round[name].append(round(flows / elapsed, 1))
    out = {}
    for name in names:
        ordered = sorted(latencies[name])
        out[name] = {
            "flows": len(ordered),
            "rounds": rounds,
            "flows_per_s": round(len(ordered) / seconds[name], 1),
            "median_ms": round(statistics.median(ordered), 2),
            "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 2),
            "per_round": per_round[name],
        }
    return out
