"""`anaf-sandbox up` as a user starts it: seconds until `sandbox.json` is written, and resident memory.

`python -m bench.startup [--runs N]`. Each run starts the command as a subprocess on free ports
with a fresh temporary data dir and times it from the spawn to the manifest appearing (so Python's
start-up and imports count, as they do for a user).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass
class RunningSandbox:
    """One `anaf-sandbox up` subprocess and what it wrote."""

    proc: subprocess.Popen[bytes]
    data_dir: Path
    manifest: dict[str, Any]
    ready_seconds: float

    def memory_mb(self) -> dict[str, float]:
        """Peak (VmHWM) and current (VmRSS) resident memory of the whole sandbox process, in MB."""
        values: dict[str, float] = {}
        for line in Path(f"/proc/{self.proc.pid}/status").read_text(encoding="ascii").splitlines():
            key, _, rest = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                values[key] = round(int(rest.split()[0]) / 1024, 1)
        return values

    def stop(self) -> None:
        """SIGTERM, as Ctrl-C would; the data dir goes with it."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.data_dir, ignore_errors=True)


def command() -> list[str]:
    """The installed `anaf-sandbox` script next to this interpreter, else the module."""
    script = Path(sys.executable).with_name("anaf-sandbox")
    return [str(script)] if script.exists() else [sys.executable, "-m", "sandbox.cli"]


def start(timeout: float = 60.0) -> RunningSandbox:
    """Start `anaf-sandbox up --fresh` on free ports and wait for its manifest."""
    data_dir = Path(tempfile.mkdtemp(prefix="anaf-sandbox-bench-"))
    manifest_path = data_dir / "sandbox.json"
    started = time.perf_counter()
    # The log goes to a file: a pipe nobody reads fills up and then blocks every thread that logs.
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(
        [*command(), "up", "--anaf-port", "0", "--sbs-port", "0", "--demo-port", "0", "--data-dir", str(data_dir),
         "--fresh"],
        stdout=subprocess.DEVNULL, stderr=log, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    log.close()  # the child keeps its own descriptor
    deadline = started + timeout
    while not manifest_path.exists():
        if proc.poll() is not None:
            shutil.rmtree(data_dir, ignore_errors=True)
            raise RuntimeError(f"anaf-sandbox up exited with {proc.returncode} (run it by hand to see why)")
        if time.perf_counter() > deadline:
            proc.kill()
            shutil.rmtree(data_dir, ignore_errors=True)
            raise TimeoutError(f"no sandbox.json within {timeout:.0f} s")
        time.sleep(0.005)
    ready = time.perf_counter() - started
    return RunningSandbox(proc, data_dir, json.loads(manifest_path.read_text(encoding="utf-8")), ready)


def ready_times(runs: int) -> list[float]:
    """Seconds to `sandbox.json` for ``runs`` fresh starts, one after the other."""
    times = []
    for _ in range(runs):
        sandbox = start()
        sandbox.stop()
        times.append(round(sandbox.ready_seconds, 3))
    return times


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.startup", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    times = ready_times(args.runs)
    print(f"anaf-sandbox up -> sandbox.json: median {statistics.median(times):.3f} s over {times}")


if __name__ == "__main__":
    main()
