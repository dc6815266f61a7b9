"""Flows per second with ANAF answered in-process: `intercept_anaf()`, `requests` in, WSGI app, no sockets.

`python -m bench.inprocess [--flows N]`. One flow is what a client does to sign a user in: the
certificate prompt answered (authorize POST, 302 with a code) and the code exchanged at the token
endpoint for a JWT access and refresh token. Beside it, the same flows from an httpx client through
`sandbox.httpx_transport.AnafTransport` (when httpx is installed). Two breakdowns say where the time
goes: the same flows handed straight to the app through the interception's WSGI transport (no
`requests` at all), and the RS512 signatures alone.
"""
from __future__ import annotations

import argparse
import base64
import time
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from foundation.anaf import AUTHORIZE_PATH, OAUTH_HOST, TOKEN_PATH

CALLBACK = "https://erp.example.test/anaf/callback"
AUTHORIZE = OAUTH_HOST + AUTHORIZE_PATH
TOKEN = OAUTH_HOST + TOKEN_PATH


def run(flows: int = 2000, warmup: int = 50) -> dict[str, Any]:
    """Run ``flows`` sign-ins back to back on one thread, then the two breakdowns."""
    from sandbox.interception import WsgiTransport, intercept_anaf

    with intercept_anaf() as anaf:
        app = anaf.register_app([CALLBACK], name="bench-inprocess")
        serial = anaf.identities()[0]["serial"]

        def through_requests(i: int) -> None:
            answer = anaf.authorize(app, CALLBACK, identity=serial, state=f"s{i}")
            if answer.code is None:
                raise RuntimeError(f"authorize gave no code: {answer}")
            anaf.exchange_code(app, answer.code, CALLBACK)

        elapsed, cpu = _timed(through_requests, flows, warmup)
        with_httpx = httpx_flows_per_s(anaf.app, app.client_id, app.client_secret, serial, max(200, flows // 2),
                                       warmup)

        transport = WsgiTransport(anaf.app)
        form = {"response_type": "code", "client_id": app.client_id, "redirect_uri": CALLBACK,
                "token_content_type": "jwt", "identity": serial, "decision": "allow"}
        basic = "Basic " + base64.b64encode(f"{app.client_id}:{app.client_secret}".encode()).decode()

        def app_only(i: int) -> None:
            status, headers, _ = transport(_Call(AUTHORIZE, {**form, "state": f"a{i}"}))
            location = dict(headers)["Location"]
            code = parse_qs(urlsplit(location).query)["code"][0]
            token = _Call(TOKEN, {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK},
                          Authorization=basic)
            if transport(token)[0] != 200 or status != 302:
                raise RuntimeError("the app refused a bench flow")

        app_seconds, _ = _timed(app_only, max(200, flows // 4), warmup)
        key = anaf.app.extensions["mock_anaf"].key
        sign_seconds, _ = _timed(lambda i: key.sign({"iat": i, "sub": "bench"}), 400, 20)
    return {
        "flows": flows,
        "seconds": round(elapsed, 3),
        "flows_per_s": round(flows / elapsed, 1),
        "ms_per_flow": round(elapsed / flows * 1000, 3),
        "flows_per_cpu_s": round(flows / cpu, 1),
        "httpx_flows_per_s": with_httpx,
        "app_ms_per_flow": round(app_seconds / max(200, flows // 4) * 1000, 3),
        "signing_ms_per_flow": round(2 * sign_seconds / 400 * 1000, 3),
    }


class _Call:
    """The little of a `requests.PreparedRequest` that the WSGI transport reads: a form POST, built by hand."""

    method = "POST"

    def __init__(self, url: str, form: dict[str, str], **headers: str) -> None:
        self.url = url
        self.body = urlencode(form).encode()
        self.headers = {"Content-Type": "application/x-www-form-urlencoded", **headers}


def httpx_flows_per_s(anaf_app: Any, client_id: str, secret: str, serial: str, flows: int,
                      warmup: int) -> float | None:
    """The same sign-ins from an httpx client through `AnafTransport` on the same app; None without httpx."""
    try:
        import httpx

        from sandbox.httpx_transport import AnafTransport
    except ImportError:
        return None
    form = {"response_type": "code", "client_id": client_id, "redirect_uri": CALLBACK,
            "token_content_type": "jwt", "identity": serial, "decision": "allow"}
    with httpx.Client(transport=AnafTransport(anaf_app)) as client:

        def through_httpx(i: int) -> None:
            answer = client.post(AUTHORIZE, data={**form, "state": f"h{i}"})
            code = parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]
            token = client.post(TOKEN, auth=(client_id, secret), data={
                "grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK,
                "token_content_type": "jwt"})
            if answer.status_code != 302 or token.status_code != 200:
                raise RuntimeError("the app refused a bench flow")

        seconds, _ = _timed(through_httpx, flows, warmup)
    return round(flows / seconds, 1)


def _timed(work: Any, count: int, warmup: int) -> tuple[float, float]:
    """Wall-clock and CPU seconds of ``count`` calls, after ``warmup`` untimed ones."""
    for i in range(warmup):
        work(-1 - i)
    started, cpu_started = time.perf_counter(), time.process_time()
    for i in range(count):
        work(i)
    return time.perf_counter() - started, time.process_time() - cpu_started


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.inprocess", description=__doc__.splitlines()[0])
    parser.add_argument("--flows", type=int, default=2000)
    result = run(parser.parse_args(argv).flows)
    print(f"in-process: {result['flows_per_s']} flows/s ({result['ms_per_flow']} ms a flow; the app alone "
          f"{result['app_ms_per_flow']} ms, of which RS512 signing {result['signing_ms_per_flow']} ms)")
    if result["httpx_flows_per_s"] is not None:
        print(f"  with httpx through AnafTransport: {result['httpx_flows_per_s']} flows/s")


if __name__ == "__main__":
    main()
