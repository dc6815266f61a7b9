"""`anaf-sandbox desktop-demo` against a running sandbox: a person approves at ANAF as a browser would (a form POST),
SBS finishes the flow on its own callback, and the program's invoice reaches OK; Ctrl-C and a timeout end cleanly."""
from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from sandbox.launcher import Options, Sandbox


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    started = Sandbox.start(Options(anaf_port=0, sbs_port=0, demo_port=0, fresh=True,
                                    data_dir=tmp_path_factory.mktemp("desktop")))
    try:
        requests.put(f"{started.manifest['anaf']['url']}/__admin/api-settings", json={"processing_seconds": 0},
                     timeout=10).raise_for_status()
        yield started
    finally:
        started.stop()


class Program:
    """The command in a subprocess, its output read line by line in a thread."""

    def __init__(self, data_dir: Path, *extra: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "sandbox.cli", "desktop-demo", "--data-dir", str(data_dir), "--no-browser",
             "--poll", "0.2", *extra], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"})
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def line_with(self, text: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.1)
            except queue.Empty:
                continue
            self.seen.append(line)
            if text in line:
                return line
        raise AssertionError(f"no line with {text!r}; output so far:\n" + "\n".join(self.seen))

    def finish(self, timeout: float = 30.0) -> tuple[int, str]:
        code = self.proc.wait(timeout=timeout)
        self.reader.join(timeout=5)  # the output ends with the process
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return code, "\n".join(self.seen)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()


def approve_as_a_browser(anaf_url: str, serial: str, authorization_url: str) -> None:
    """ANAF's certificate page answered with a form POST, then the redirect followed to SBS's callback."""
    query = {k: v[0] for k, v in parse_qs(urlsplit(authorization_url).query).items()}
    hop = requests.post(f"{anaf_url}/anaf-oauth2/v1/authorize", allow_redirects=False, timeout=10,
                        data={**query, "identity": serial, "decision": "allow"})
    assert hop.status_code == 302, hop.text
    landed = requests.get(hop.headers["Location"], allow_redirects=False, timeout=10)
    assert landed.status_code == 200 and "ANAF authorization complete" in landed.text


def test_desktop_demo_authorizes_through_sbs_callback_and_sends_an_invoice(running: Sandbox) -> None:
    manifest, data_dir = running.manifest, running.options.data_dir
    program = Program(data_dir, "--timeout", "30")
    try:
        program.line_with("Authorize at ANAF")
        url = program.line_with("/anaf-oauth2/v1/authorize?").strip()
        assert f"redirect_uri={manifest['sbs']['url'].replace(':', '%3A').replace('/', '%2F')}" in url
        approve_as_a_browser(manifest["anaf"]["url"], manifest["anaf"]["identities"][0]["serial"], url)
        code, out = program.finish()
    finally:
        program.kill()
    assert code == 0, out
    state = json.loads((data_dir / "desktop-demo.json").read_text())
    client_id = state["anaf_client_id"]
    assert f"SBS holds an e-Factura authorization: client id {client_id} (rule MAIN)" in out
    assert f"carried by the token of client id {client_id}" in out and "ANAF: OK" in out
    assert "waiting for the authorization at SBS" in out
    index = next(line for line in out.splitlines() if "upload index" in line).split("upload index ")[1].split(",")[0]
    assert f"{index}.xml, semnatura_{index}.xml" in out
    anaf_journal = requests.get(f"{manifest['anaf']['url']}/__admin/requests", timeout=10).json()
    assert ("/test/FCTEL/rest/upload", client_id) in [(e["path"], e["client_id"]) for e in anaf_journal]
    assert state["anaf_client_secret"] not in out


def test_ctrl_c_leaves_it_reusable_and_a_timeout_says_what_to_do(running: Sandbox) -> None:
    data_dir = running.options.data_dir
    program = Program(data_dir, "--timeout", "30")
    try:
        program.line_with("/anaf-oauth2/v1/authorize?")
        program.proc.send_signal(signal.SIGINT)
        code, out = program.finish()
    finally:
        program.kill()
    assert code == 130 and "Nothing is left half-done" in out, out
    state = json.loads((data_dir / "desktop-demo.json").read_text())
    assert all(state[k] for k in ("anaf_client_id", "app_id", "tenant_id", "service_key", "organization_id"))

    again = Program(data_dir, "--timeout", "0.5")
    try:
        code, out = again.finish()
    finally:
        again.kill()
    assert code == 2, out
    assert f"Reusing the desktop app: ANAF client id {state['anaf_client_id']}" in out
    assert "No authorization reached SBS within 0.5 s. Open the URL above" in out
