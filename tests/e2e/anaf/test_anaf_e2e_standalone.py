"""`python -m mock_anaf` runs alone, keeps its state in `--data-dir`, and stops on SIGTERM."""
from __future__ import annotations

import os
import signal
import subprocess
import sys

import requests


def test_python_m_mock_anaf(tmp_path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANAF_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "mock_anaf", "--port", "0", "--data-dir", str(tmp_path), "--strict-https"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env,
    )
    try:
        line = proc.stdout.readline()  # "mock_anaf listening on http://127.0.0.1:PORT (Ctrl-C to stop)"
        assert "listening on http://127.0.0.1:" in line, line
        url = line.split("listening on ")[1].split()[0]
        assert requests.get(f"{url}/healthz", timeout=10).json()["status"] == "ok"
        refused = requests.post(f"{url}/portal/api/apps", timeout=10, json={
            "name": "x", "callbacks": ["http://localhost/cb"], "services": ["EFACTURA"], "developer": "a@b.ro"})
        assert refused.status_code == 400 and "strict https" in refused.json()["error_description"]
        assert (tmp_path / "anaf.db").exists() and (tmp_path / "anaf-signing-key.pem").exists()
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0


def test_unreadable_signing_key_stops_the_start_in_one_line(tmp_path) -> None:
    key = tmp_path / "key.pem"
    key.write_text("not a key\n")
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("ANAF_")}, "ANAF_SIGNING_KEY_FILE": str(key)}
    done = subprocess.run([sys.executable, "-m", "mock_anaf", "--port", "0"], capture_output=True, text=True,
                          env=env, timeout=30, check=False)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith(f"mock_anaf: ANAF_SIGNING_KEY_FILE: cannot read the RSA signing key at {key}")
