"""docker-compose.yml checked against the services (no Docker engine here), then run as plain processes."""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import fields
from importlib import import_module
from pathlib import Path

import pytest
import requests
import yaml

from sandbox.harness import SandboxHandle

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
SERVICES = COMPOSE["services"]
# compose service -> (package, SPEC §1 port, environment prefix)
LONG_RUNNING = {
    "anaf": ("mock_anaf", 8001, "ANAF_"),
    "sbs": ("mock_sbs", 8002, "SBS_"),
    "demo": ("demo_app", 8000, "DEMO_"),
}
INTERPOLATION = re.compile(r"\$\{(\w+)(?::-([^}]*))?\}")


def interpolate(text: str, env: dict[str, str]) -> str:
    """Compose's `${VAR:-default}`."""
    return INTERPOLATION.sub(lambda m: env.get(m.group(1)) or (m.group(2) or ""), text)


def environment(name: str) -> dict[str, str]:
    return {k: interpolate(str(v), {}) for k, v in (SERVICES[name].get("environment") or {}).items()}


def argument(name: str, flag: str) -> str:
    command = SERVICES[name]["command"]
    return interpolate(command[command.index(flag) + 1], {})


def start_order() -> list[str]:
    """The services in an order that satisfies every depends_on (fails on a cycle)."""
    order: list[str] = []
    pending = dict(SERVICES)
    while pending:
        ready = [n for n, s in pending.items() if all(d in order for d in (s.get("depends_on") or {}))]
        assert ready, f"depends_on has a cycle among {sorted(pending)}"
        for name in sorted(ready):
            order.append(name)
            del pending[name]
    return order


@pytest.mark.parametrize("name", sorted(LONG_RUNNING))
def test_each_service_runs_its_package_on_its_spec_port(name: str) -> None:
    package, port, _ = LONG_RUNNING[name]
    assert SERVICES[name]["command"] == ["python", "-m", package, "--host", "0.0.0.0", "--port", str(port)]
    probe = SERVICES[name]["healthcheck"]["test"]
    assert probe[:3] == ["CMD", "python", "-c"] and f"'http://127.0.0.1:{port}/healthz'" in probe[3]
    assert SERVICES[name]["restart"] == "unless-stopped"


def test_one_namespace_publishes_every_port_on_loopback() -> None:
    assert sorted(SERVICES["anaf"]["ports"]) == sorted(f"127.0.0.1:{p}:{p}" for _, p, _ in LONG_RUNNING.values())
    for name in ("sbs", "seed", "demo"):
        assert SERVICES[name]["network_mode"] == "service:anaf"
        assert "ports" not in SERVICES[name]


def test_services_start_in_order_of_health() -> None:
    conditions = {name: {dep: spec["condition"] for dep, spec in (svc.get("depends_on") or {}).items()}
                  for name, svc in SERVICES.items()}
    assert conditions == {
        "anaf": {},
        "sbs": {"anaf": "service_healthy"},
        "seed": {"anaf": "service_healthy", "sbs": "service_healthy"},
        "demo": {"anaf": "service_healthy", "sbs": "service_healthy", "seed": "service_completed_successfully"},
    }
    assert start_order() == ["anaf", "sbs", "seed", "demo"]
    assert SERVICES["seed"]["restart"] == "no"


def test_state_lives_in_one_named_volume() -> None:
    assert "sandbox-data" in COMPOSE["volumes"]
    for name, svc in SERVICES.items():
        assert svc["volumes"] == ["sandbox-data:/data"], name
    for name, (_, _, prefix) in LONG_RUNNING.items():
        assert environment(name)[f"{prefix}DATA_DIR"] == "/data"
    assert argument("seed", "--data-dir") == "/data"
    assert environment("demo")["DEMO_MANIFEST"] == "/data/sandbox.json"


def test_every_url_is_the_one_a_browser_uses() -> None:
    urls = {name: f"http://127.0.0.1:{port}" for name, (_, port, _) in LONG_RUNNING.items()}
    assert environment("anaf")["ANAF_PUBLIC_URL"] == urls["anaf"]
    assert environment("sbs")["SBS_PUBLIC_URL"] == urls["sbs"]
    assert environment("sbs")["SBS_ANAF_URL"] == urls["anaf"]
    assert environment("demo")["DEMO_PUBLIC_URL"] == urls["demo"]
    for name in ("anaf", "sbs", "demo"):
        assert argument("seed", f"--{name}-url") == urls[name]
    assert argument("seed", "--account-key") == environment("sbs")["SBS_BOOTSTRAP_ACCOUNT_KEY"]


@pytest.mark.parametrize("name", sorted(LONG_RUNNING))
def test_every_variable_is_read_by_the_services_config(name: str, tmp_path: Path) -> None:
    package, _, prefix = LONG_RUNNING[name]
    config = import_module(f"{package}.config").Config
    known = {f.name for f in fields(config)}
    for variable, value in environment(name).items():
        assert variable.startswith(prefix), variable
        if variable == "DEMO_MANIFEST":
            (tmp_path / "sandbox.json").write_text(json.dumps({"sbs": {"appId": "app_1"}}), encoding="utf-8")
            assert config.from_env({variable: str(tmp_path / "sandbox.json")}).app_id == "app_1"
            continue
        field = variable[len(prefix):].lower()
        assert field in known, f"{variable}: {package}.config.Config has no field {field}"
        assert getattr(config.from_env({variable: value}), field) == value, f"{variable} is not read by from_env"


def test_the_image_holds_every_package() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    packages = re.findall(r'"(\w+)\*"', re.search(r"include = \[(.*?)\]", pyproject).group(1))
    assert sorted(packages) == ["demo_app", "foundation", "mock_anaf", "mock_sbs", "sandbox"]
    for package in packages:
        assert f"COPY {package} ./{package}" in dockerfile and package not in ignored
    assert "COPY pyproject.toml README.md ./" in dockerfile and "RUN pip install ." in dockerfile


def free_ports(count: int) -> list[int]:
    import socket

    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def test_the_compose_file_runs_without_docker(tmp_path: Path) -> None:
    """Each service's command, environment and healthcheck run as local processes in depends_on order.

    Only what Docker adds is replaced: `python` by this interpreter, the volume by a temp dir, and
    the fixed ports by free ones (every container shares one loopback, as processes here do).
    """
    mapping = dict(zip(("8000", "8001", "8002"), map(str, free_ports(3))))

    def local(text: str) -> str:
        text = re.sub(r"\b800[012]\b", lambda m: mapping[m.group(0)], interpolate(text, {}))
        return re.sub(r"(?<![\w/])/data\b", str(tmp_path), text)

    def argv(command: list[str]) -> list[str]:
        return [sys.executable if part == "python" else local(part) for part in command]

    procs: list[subprocess.Popen[bytes]] = []
    try:
        for name in start_order():
            svc = SERVICES[name]
            env = {**os.environ, **{k: local(str(v)) for k, v in (svc.get("environment") or {}).items()}}
            proc = subprocess.Popen(argv(svc["command"]), env=env, cwd=ROOT, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT)
            procs.append(proc)
            if "healthcheck" in svc:
                wait_healthy(name, argv(svc["healthcheck"]["test"][1:]), proc)
            else:
                out, _ = proc.communicate(timeout=60)
                assert proc.returncode == 0, f"{name} failed:\n{out.decode()}"

        manifest = json.loads((tmp_path / "sandbox.json").read_text(encoding="utf-8"))
        assert manifest["demo"]["url"] == f"http://127.0.0.1:{mapping['8000']}"
        sandbox = SandboxHandle.from_manifest(manifest)
        assert requests.get(manifest["demo"]["url"] + "/", timeout=10).status_code == 200
        flows = [sandbox.sbs.authorize("EFACTURA"), sandbox.sbs.authorize("ETRANSPORT")]
        assert [f.authorization["secretSource"] for f in flows] == ["MAIN", "IMPLICIT"]
        assert flows[1].authorization["clientId"] == manifest["anaf"]["apps"]["implicit"]["clientId"]
        assert sandbox.sbs.test_authorization(flows[1].authorization["id"])["httpStatus"] == 200
        sandbox.reset()  # back to what seed left: the snapshot it took
        assert sandbox.sbs.authorizations() == [] and sandbox.sbs.app()["id"] == manifest["sbs"]["appId"]
        names = {p.name for p in tmp_path.iterdir()}
        again = subprocess.run(argv(SERVICES["seed"]["command"]), cwd=ROOT, capture_output=True, timeout=60)
        assert again.returncode == 0, again.stderr.decode()  # `docker compose up` again: nothing new is created
        again_manifest = json.loads((tmp_path / "sandbox.json").read_text(encoding="utf-8"))
        assert again_manifest == manifest
        assert {"anaf.db", "sbs.db", "demo.db", "anaf.baseline.db", "sbs.baseline.db"} <= names
    finally:
        for proc in reversed(procs):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def wait_healthy(name: str, probe: list[str], proc: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"{name} exited with {proc.returncode}:\n{proc.stdout.read().decode()}")
        if subprocess.run(probe, capture_output=True, timeout=10).returncode == 0:
            return
        time.sleep(0.1)
    raise AssertionError(f"{name} was not healthy within {timeout:.0f} s")
