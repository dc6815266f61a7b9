"""Authorization-code flows per second against mock ANAF over HTTP.

`python -m bench.anaf_flows [--url URL] [--flows N] [--concurrency C]`. One flow is what a client
does to sign a user in: the certificate prompt answered (authorize POST → 302 with a code) and the
code exchanged at the token endpoint (HTTP Basic) for a JWT access and refresh token. Without
`--url`, mock ANAF is started in a separate process on a free port and stopped afterwards.
"""
from __future__ import annotations

import argparse
import base64
import http.client
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable
from urllib.parse import parse_qs, urlencode, urlsplit

import requests

from bench.timing import free_port, measure
from foundation.anaf import AUTHORIZE_PATH, TOKEN_PATH
from foundation.serving import wait_healthy

CALLBACK = "http://127.0.0.1:9/bench/callback"


def _setup(url: str) -> tuple[str, str, str]:
    """Register a bench app and pick a certificate: (client_id, Basic header, serial)."""
    created = requests.post(f"{url}/portal/api/apps", timeout=10, json={
        "name": "bench-anaf-flows", "callbacks": [CALLBACK], "services": ["EFACTURA", "ETRANSPORT"],
        "developer": "bench@anaf-sandbox.example",
    })
    created.raise_for_status()
    app = created.json()
    basic = base64.b64encode(f"{app['clientId']}:{app['clientSecret']}".encode()).decode()
    serial = requests.get(f"{url}/portal/api/identities", timeout=10).json()[0]["serial"]
    return app["clientId"], f"Basic {basic}", serial


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of process ``pid`` so far (Linux `/proc`), or None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def flow(url: str) -> Callable[[int], float]:
    """One sign-in against mock ANAF at ``url`` as a function of its number, returning its latency in ms.

    A bench app is registered first. Each calling thread keeps one keep-alive connection
    (`http.client`, lighter than `requests`, so the numbers measure the server rather than the
    client on a small machine).
    """
    client_id, basic, serial = _setup(url)
    post = keep_alive_poster(url)

    def one(i: int) -> float:
        started = time.perf_counter()
        answer = post(AUTHORIZE_PATH, {
            "response_type": "code", "client_id": client_id, "redirect_uri": CALLBACK, "state": f"s{i}",
            "token_content_type": "jwt", "identity": serial, "decision": "allow",
        }, {})
        code = parse_qs(urlsplit(answer.getheader("Location", "")).query).get("code", [None])[0]
        if answer.status != 302 or code is None:
            raise RuntimeError(f"authorize answered {answer.status}")
        token = post(TOKEN_PATH, {
            "grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK, "token_content_type": "jwt",
        }, {"Authorization": basic})
        if token.status != 200:
            raise RuntimeError(f"token answered {token.status}")
        return (time.perf_counter() - started) * 1000

    return one


def keep_alive_poster(url: str) -> Callable[..., http.client.HTTPResponse]:
    """``request(path, fields, headers, method="POST")`` over one keep-alive connection per thread; body read."""
    parts = urlsplit(url)
    local = threading.local()
    form = {"Content-Type": "application/x-www-form-urlencoded"}

    def request(path: str, fields: dict[str, str], headers: dict[str, str],
                method: str = "POST") -> http.client.HTTPResponse:
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = local.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        if method == "GET":
            conn.request("GET", f"{path}?{urlencode(fields)}", headers=headers)
        else:
            conn.request(method, path, urlencode(fields), {**form, **headers})
        response = conn.getresponse()
        response.read()
        return response

    return request


def run(url: str, flows: int = 1000, concurrency: int = 1, warmup: int = 30,
        server_pid: int | None = None) -> dict[str, Any]:
    """Run ``flows`` flows from ``concurrency`` threads; flows/s, median and p95 latency of a flow."""
    result = measure(flow(url), flows, concurrency, warmup,
                     around=None if server_pid is None else (lambda: cpu_seconds(server_pid)))
    before, after = result.pop("before"), result.pop("after")
    server_cpu = None if before is None or after is None else (after - before) / flows * 1000
    result["server_cpu_ms_per_flow"] = None if server_cpu is None else round(server_cpu, 2)
    return result


def start_server() -> tuple[subprocess.Popen[bytes], str]:
    """`python -m mock_anaf` on a free port, in memory, in its own process."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANAF_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "mock_anaf", "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, timeout=20)
    except TimeoutError:
        proc.terminate()
        raise
    return proc, url


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.anaf_flows", description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running mock ANAF; default: start one")
    parser.add_argument("--flows", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=1,
                        help="client threads; above 1 the server saturates and latency grows with the queue")
    args = parser.parse_args(argv)
    proc = None
    url = args.url
    if url is None:
        proc, url = start_server()
    try:
        result = run(url.rstrip("/"), args.flows, args.concurrency, server_pid=None if proc is None else proc.pid)
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=10)
    print(f"mock ANAF authorization-code flows (JWT) at {url}: {result['flows']} flows, "
          f"concurrency {result['concurrency']}")
    print(f"  {result['flows_per_s']} flows/s   median {result['median_ms']} ms   p95 {result['p95_ms']} ms")
    if result["server_cpu_ms_per_flow"] is not None:
        print(f"  server CPU {result['server_cpu_ms_per_flow']} ms per flow (load on the machine does not change it)")


if __name__ == "__main__":
    main()
