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
