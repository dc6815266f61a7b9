"""The npm `oauth2-mock-server` beside mock ANAF: the same sign-in flow, the same client, interleaved rounds.

`python -m bench.oauth2_mock_server [--url URL] [--rounds R] [--flows N]`. `oauth2-mock-server` is
the most used OAuth 2.0 mock on npm; it is installed on first use into a cache directory
(``~/.cache/anaf-sandbox-bench/``, ``npm install --prefix``) and run with `node` on a free port.
Its endpoints differ from ANAF's, so its flow is the equivalent one: `GET /authorize` (302 with a
code: it has no certificate prompt to answer) and `POST /token` with HTTP Basic, which signs two
RS256 JWTs (access and id token) as mock ANAF signs two RS512 ones (access and refresh token).
Without `--url`, mock ANAF is started in its own process on a free port.
"""
from __future__ import annotations

import argparse
import base64
import json
import os
import re
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable
from urllib.parse import parse_qs, urlsplit

from bench import anaf_flows
from bench.timing import interleave

PACKAGE = "oauth2-mock-server"
VERSION = "8.2.3"
CALLBACK = "http://127.0.0.1:9/bench/callback"
LISTENING = re.compile(r"listening on (http://\S+)")


class Skipped(Exception):
    """The peer cannot run here; the message says why (e.g. "no node")."""


def cache_dir() -> Path:
    """Where the npm package is installed: ``$XDG_CACHE_HOME`` or ``~/.cache``, then ``anaf-sandbox-bench``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "anaf-sandbox-bench"


def install() -> Path:
    """The server's script, installed into the cache directory with npm the first time."""
    if shutil.which("node") is None:
        raise Skipped("no node")
    root = cache_dir()
    package = root / "node_modules" / PACKAGE
    manifest = package / "package.json"
    if not (manifest.exists() and json.loads(manifest.read_text(encoding="utf-8")).get("version") == VERSION):
        npm = shutil.which("npm")
        if npm is None:
            raise Skipped("no npm")
        root.mkdir(parents=True, exist_ok=True)
        try:
            done = subprocess.run([npm, "install", "--prefix", str(root), f"{PACKAGE}@{VERSION}", "--no-audit",
                                   "--no-fund", "--loglevel=error", "--fetch-retries=1"],
                                  capture_output=True, text=True, timeout=300)
        except subprocess.TimeoutExpired:
            raise Skipped(f"npm install {PACKAGE}@{VERSION} took over 5 minutes (no registry?)") from None
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["?"])[-1]
            raise Skipped(f"npm install {PACKAGE}@{VERSION} failed: {last}")
    bin_name = json.loads(manifest.read_text(encoding="utf-8"))["bin"][PACKAGE]
    return package / bin_name


@dataclass
class Peer:
    """A running `oauth2-mock-server`."""

    proc: subprocess.Popen[str]
    url: str

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def start(timeout: float = 30.0) -> Peer:
    """Install if needed, start on 127.0.0.1 and a free port, and wait for its "listening on" line."""
    script = install()
    proc = subprocess.Popen([shutil.which("node") or "node", str(script), "-a", "127.0.0.1", "-p", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert proc.stdout is not None
    timer = threading.Timer(timeout, proc.kill)  # readline() below cannot time out by itself
    timer.start()
    try:
        for line in proc.stdout:
            found = LISTENING.search(line)
            if found:
                break
        else:
            raise Skipped(f"{PACKAGE} exited with {proc.wait()} before listening")
    finally:
        timer.cancel()
    # Keep reading what it prints, so a full pipe never blocks it.
    threading.Thread(target=proc.stdout.read, daemon=True).start()
    return Peer(proc, found.group(1).rstrip("/"))


def flow(url: str) -> Callable[[int], float]:
    """One sign-in against `oauth2-mock-server` at ``url``, returning its latency in ms."""
    request = anaf_flows.keep_alive_poster(url)
    basic = "Basic " + base64.b64encode(b"bench-client:bench-secret").decode()

    def one(i: int) -> float:
        started = time.perf_counter()
        answer = request("/authorize", {"response_type": "code", "client_id": "bench-client",
                                        "redirect_uri": CALLBACK, "scope": "openid", "state": f"s{i}"}, {},
                         method="GET")
        code = parse_qs(urlsplit(answer.getheader("Location", "")).query).get("code", [None])[0]
        if answer.status != 302 or code is None:
            raise RuntimeError(f"{PACKAGE} authorize answered {answer.status}")
        token = request("/token", {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK},
                        {"Authorization": basic})
        if token.status != 200:
            raise RuntimeError(f"{PACKAGE} token answered {token.status}")
        return (time.perf_counter() - started) * 1000

    return one


def compare(anaf_url: str, rounds: int = 5, flows: int = 300) -> dict[str, Any]:
    """Mock ANAF at ``anaf_url`` and a fresh `oauth2-mock-server`, interleaved; ours / theirs flows/s.

    Raises Skipped when the peer cannot run here.
    """
    peer = start()
    try:
        result = interleave({"ours": anaf_flows.flow(anaf_url), "theirs": flow(peer.url)}, rounds, flows)
    finally:
        peer.stop()
    result["ratio"] = round(result["ours"]["flows_per_s"] / result["theirs"]["flows_per_s"], 2)
    result["peer"] = f"{PACKAGE} {VERSION}"
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.oauth2_mock_server", description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running mock ANAF; default: start one")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--flows", type=int, default=300, help="flows per round and server")
    args = parser.parse_args(argv)
    proc = None
    url = args.url
    if url is None:
        proc, url = anaf_flows.start_server()
    try:
        result = compare(url.rstrip("/"), args.rounds, args.flows)
    except Skipped as skipped:
        print(f"{PACKAGE}: skipped: {skipped}")
        return
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=10)
    for name, label in (("ours", f"mock ANAF at {url}"), ("theirs", result["peer"])):
        r = result[name]
        print(f"{label}: {r['flows_per_s']} flows/s, median {r['median_ms']} ms, p95 {r['p95_ms']} ms "
              f"(rounds: {', '.join(map(str, r['per_round']))})")
    print(f"ours / theirs: {result['ratio']}x ({args.rounds} interleaved rounds of {args.flows} flows, 1 thread)")


if __name__ == "__main__":
    main()
