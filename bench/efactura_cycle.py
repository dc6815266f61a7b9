"""e-Factura cycles per second against mock ANAF over HTTP: upload → stareMesaj `ok` → descarcare.

`python -m bench.efactura_cycle [--url URL] [--cycles N]`. One client thread, one keep-alive connection
(`http.client`). The invoice is the sample `ubl_invoice_ok.xml` with a fresh number per cycle (the same
number twice would end `nok` as a duplicate). Processing is set to 0 s and the per-minute limit lifted
through `/__admin/api-settings` for the run, then restored. Without `--url`, mock ANAF is started in
its own process on a free port.
"""
from __future__ import annotations

import argparse
import http.client
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import requests

from bench.anaf_flows import cpu_seconds, start_server
from foundation import anaf
from bench.timing import measure

CALLBACK = "http://127.0.0.1:9/bench/efactura"
SAMPLE = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "anaf_api" / "ubl_invoice_ok.xml"
SERIAL, CIF = "4F1A9C2E7B3D5A60", "12345674"


def access_token(url: str) -> str:
    """Register a bench app and sign in as the seeded certificate that holds 12345674."""
    app = requests.post(f"{url}/portal/api/apps", timeout=10, json={
        "name": "bench-efactura", "callbacks": [CALLBACK], "services": ["EFACTURA"],
        "developer": "bench@anaf-sandbox.example"}).json()
    hop = requests.post(f"{url}{anaf.AUTHORIZE_PATH}", allow_redirects=False, timeout=10, data={
        "response_type": "code", "client_id": app["clientId"], "redirect_uri": CALLBACK, "token_content_type": "jwt",
        "identity": SERIAL, "decision": "allow"})
    code = hop.headers["Location"].split("code=")[1].split("&")[0]
    tokens = requests.post(f"{url}{anaf.TOKEN_PATH}", auth=(app["clientId"], app["clientSecret"]), timeout=10,
                           data={"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK})
    return str(tokens.json()["access_token"])


def run(url: str, cycles: int = 1000, warmup: int = 30, server_pid: int | None = None) -> dict[str, Any]:
    """Time ``cycles`` cycles at one client thread: cycles/s, median and p95 of a cycle."""
    token = access_token(url)
    before = requests.get(f"{url}/__admin/api-settings", timeout=10).json()
    requests.put(f"{url}/__admin/api-settings", json={"processing_seconds": 0, "per_minute": 10_000_000},
                 timeout=10).raise_for_status()
    sample = SAMPLE.read_bytes()
    # measure() numbers the warm-up and the timed runs from 0 each: a counter keeps every invoice number new.
    bodies = iter([sample.replace(b"SBX-2025-0001", f"BENCH-{time.time_ns()}-{n}".encode())
                   for n in range(cycles + warmup)])
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    auth = {"Authorization": f"Bearer {token}"}
    base = anaf.EFACTURA.api_prefix("test")
    upload_path = f"{base}/{anaf.EFACTURA_UPLOAD}?" + urlencode({"standard": "UBL", "cif": CIF})

    def call(method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        headers = {**auth, "Content-Type": "application/xml"} if body is not None else auth
        conn.request(method, path, body, headers)
        response = conn.getresponse()
        return response.status, response.read()

    def one(i: int) -> float:
        started = time.perf_counter()
        _, sent = call("POST", upload_path, next(bodies))
        index = sent.split(b'index_incarcare="')[1].split(b'"')[0].decode()
        _, state = call("GET", f"{base}/{anaf.EFACTURA_STATUS}?id_incarcare={index}")
        if b'stare="ok"' not in state:
            raise RuntimeError(f"stareMesaj for {index}: {state[:200]!r}")
        download_id = state.split(b'id_descarcare="')[1].split(b'"')[0].decode()
        status, archive = call("GET", f"{base}/{anaf.EFACTURA_DOWNLOAD}?id={download_id}")
        if status != 200 or not archive.startswith(b"PK"):
            raise RuntimeError(f"descarcare {download_id}: HTTP {status}")
        return (time.perf_counter() - started) * 1000

    try:
        result = measure(one, cycles, 1, warmup,
                         around=None if server_pid is None else (lambda: cpu_seconds(server_pid)))
    finally:
        conn.close()
        requests.put(f"{url}/__admin/api-settings", json={k: before[k] for k in ("processing_seconds", "per_minute")},
                     timeout=10)
    start_cpu, end_cpu = result.pop("before"), result.pop("after")
    result["cycles"] = result.pop("flows")
    result["cycles_per_s"] = result.pop("flows_per_s")
    result["server_cpu_ms_per_cycle"] = (None if start_cpu is None or end_cpu is None
                                         else round((end_cpu - start_cpu) / cycles * 1000, 2))
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.efactura_cycle", description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running mock ANAF; default: start one")
    parser.add_argument("--cycles", type=int, default=1000)
    args = parser.parse_args(argv)
    proc, url = (None, args.url.rstrip("/")) if args.url else start_server()
    try:
        result = run(url, args.cycles, server_pid=None if proc is None else proc.pid)
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=10)
    print(f"e-Factura cycles (upload → stareMesaj ok → descarcare) at {url}: {result['cycles']} cycles, 1 thread")
    print(f"  {result['cycles_per_s']} cycles/s   median {result['median_ms']} ms   p95 {result['p95_ms']} ms")
    if result["server_cpu_ms_per_cycle"] is not None:
        print(f"  server CPU {result['server_cpu_ms_per_cycle']} ms per cycle")


if __name__ == "__main__":
    main()
