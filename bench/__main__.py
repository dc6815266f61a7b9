"""`make bench` / `python -m bench`: every benchmark of the sandbox, printed as one table.

Against one `anaf-sandbox up` subprocess (free ports, fresh temp data dir): seconds until
`sandbox.json`, ANAF flows over HTTP (`bench.anaf_flows`), the same flows beside the npm
`oauth2-mock-server` in interleaved rounds (`bench.oauth2_mock_server`, when `node` is there),
e-Factura cycles over HTTP (`bench.efactura_cycle`), brokered SBS flows (`bench.sbs_flows`), then
the sandbox's peak resident memory. Then more cold starts for a median, and flows per second
in-process (`bench.inprocess`: ANAF's real URLs intercepted, no sockets). Aims from the issue are
shown beside each number; `--quick` runs fewer flows.
"""
from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from bench import anaf_flows, efactura_cycle, inprocess, oauth2_mock_server, sbs_flows, startup

Row = tuple[str, str, str, str]  # metric, value, aim, verdict


def machine() -> str:
    """`nproc`, the CPU model and the Python version, for reading the numbers."""
    import os

    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    load = " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return (f"{os.cpu_count()} CPUs ({model}), Python {platform.python_version()} "
            f"({platform.python_implementation()}), {platform.system()} {platform.release()}, load {load}")


def verdict(ok: bool | None) -> str:
    return "" if ok is None else ("ok" if ok else "MISSED")


def flow_rows(label: str, result: dict[str, Any]) -> list[Row]:
    what = f"{label}: {result.get('flows')} flows"
    if result.get("concurrency") is not None:
        what += f", {result['concurrency']} threads"
    rows: list[Row] = [(what, f"{result['flows_per_s']} flows/s", "", "")]
    if "median_ms" in result:
        rows.append((f"{label}: latency median / p95", f"{result['median_ms']} / {result.get('p95_ms')} ms", "", ""))
    if result.get("server_cpu_ms_per_flow") is not None:
        rows.append((f"{label}: server CPU per flow", f"{result['server_cpu_ms_per_flow']} ms", "", ""))
    return rows


def peer_rows(anaf_url: str, rounds: int, flows: int) -> list[Row]:
    """Mock ANAF beside `oauth2-mock-server` (npm), interleaved, one client thread; ours / theirs."""
    label = f"ANAF vs {oauth2_mock_server.PACKAGE} (npm), 1 thread"
    try:
        both = oauth2_mock_server.compare(anaf_url, rounds=rounds, flows=flows)
    except oauth2_mock_server.Skipped as skipped:
        return [(label, f"skipped: {skipped}", ">= 2.0x", "")]
    ours, theirs = both["ours"], both["theirs"]
    return [
        (f"{label}, {rounds} interleaved rounds of {flows}", f"{both['ratio']}x", ">= 2.0x",
         verdict(both["ratio"] >= 2.0)),
        ("  ours: flows/s, median / p95", f"{ours['flows_per_s']}, {ours['median_ms']} / {ours['p95_ms']} ms",
         "", ""),
        (f"  theirs ({both['peer']}): flows/s, median / p95",
         f"{theirs['flows_per_s']}, {theirs['median_ms']} / {theirs['p95_ms']} ms", "", ""),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer flows and starts (a smoke run)")
    parser.add_argument("--starts", type=int, default=None, help="cold starts for the ready-time median (default 5)")
    args = parser.parse_args(argv)
    flows = 200 if args.quick else 1000
    starts = args.starts or (2 if args.quick else 5)
    began = time.perf_counter()
    rows: list[Row] = []

    sandbox = startup.start()
    try:
        m = sandbox.manifest
        # One client thread is where the aims are set: flows/s and the latency of an unqueued flow.
        single = anaf_flows.run(m["anaf"]["url"], flows=flows, concurrency=1, server_pid=sandbox.proc.pid)
        rows += [
            (f"ANAF over HTTP: {single['flows']} flows, 1 thread", f"{single['flows_per_s']} flows/s", "", ""),
            ("ANAF over HTTP: latency median / p95", f"{single['median_ms']} / {single['p95_ms']} ms",
             "median < 2.2 ms", verdict(single["median_ms"] < 2.2)),
        ]
        rows += peer_rows(m["anaf"]["url"], rounds=2 if args.quick else 5, flows=100 if args.quick else 300)
        rows += flow_rows("ANAF over HTTP", anaf_flows.run(m["anaf"]["url"], flows=flows, concurrency=4,
                                                           server_pid=sandbox.proc.pid))
        cycle = efactura_cycle.run(m["anaf"]["url"], cycles=flows, server_pid=sandbox.proc.pid)
        rows += [
            (f"e-Factura over HTTP: {cycle['cycles']} cycles, 1 thread", f"{cycle['cycles_per_s']} cycles/s",
             ">= 150 cycles/s", verdict(cycle["cycles_per_s"] >= 150)),
            ("e-Factura over HTTP: cycle median / p95", f"{cycle['median_ms']} / {cycle['p95_ms']} ms", "", ""),
            ("e-Factura over HTTP: server CPU per cycle", f"{cycle['server_cpu_ms_per_cycle']} ms", "", ""),
        ]
        rows += flow_rows("SBS brokered over HTTP", sbs_flows.run(
            flows=max(50, flows // 4), concurrency=4, anaf_url=m["anaf"]["url"], sbs_url=m["sbs"]["url"],
            account_key=m["sbs"]["accountKey"]))
        memory = sandbox.memory_mb()
    finally:
        sandbox.stop()
    ready = [round(sandbox.ready_seconds, 3)] + startup.ready_times(starts - 1)
    median_ready = statistics.median(ready)
    peak = memory.get("VmHWM", 0.0)
    rows.insert(0, (f"anaf-sandbox up -> sandbox.json (median of {len(ready)})", f"{median_ready:.3f} s",
                    "< 1.0 s", verdict(median_ready < 1.0)))
    rows.insert(1, ("  each start", ", ".join(f"{t:.2f}" for t in ready) + " s", "", ""))
    rows.append(("peak resident memory, all three, after the flows", f"{peak:.1f} MB (now {memory.get('VmRSS')} MB)",
                 "< 120 MB", verdict(peak < 120)))

    local = inprocess.run(flows=flows * 2)
    rows.append((f"in-process (intercepted ANAF URLs): {local['flows']} flows, 1 thread",
                 f"{local['flows_per_s']} flows/s", ">= 500 flows/s", verdict(local["flows_per_s"] >= 500)))
    with_httpx = local["httpx_flows_per_s"]
    rows.append(("  the same flows from httpx (AnafTransport)",
                 "skipped: no httpx" if with_httpx is None else f"{with_httpx} flows/s", "", ""))
    rows.append(("  per CPU-second (what load on the machine does not change)",
                 f"{local['flows_per_cpu_s']} flows/s", "", ""))
    rows.append(("  of which mock ANAF app alone (WSGI, no requests)",
                 f"{local['app_ms_per_flow']} ms/flow", "", ""))
    rows.append(("  of which RS512 signing (2 JWTs a flow)", f"{local['signing_ms_per_flow']} ms/flow", "", ""))

    print_table(rows)
    print(f"\nmachine: {machine()}")
    print("one flow = authorize (allow, 302 with a code) + code exchanged for JWT access and refresh tokens")
    print("one e-Factura cycle = upload (sample invoice, new number) + stareMesaj (ok) + descarcare (signed ZIP)")
    print(f"bench took {time.perf_counter() - began:.0f} s")
    return 0


def print_table(rows: list[Row]) -> None:
    headers: Row = ("metric", "value", "aim", "")
    widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(4)]
    line = "  ".join("-" * w for w in widths)
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip())
    print(line)
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())


if __name__ == "__main__":
    sys.exit(main())
