"""`anaf-sandbox` arguments: ports are checked before anything binds."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest

from sandbox.cli import build_parser
from foundation.serving import ServerThread


def test_defaults_are_the_spec_ports() -> None:
    args = build_parser().parse_args(["up"])
    assert (args.host, args.anaf_port, args.sbs_port, args.demo_port) == ("127.0.0.1", 8001, 8002, 8000)
    assert args.data_dir == Path(".sandbox") and args.fresh is False


@pytest.mark.parametrize(
    "argv, message",
    [
        pytest.param(["up", "--anaf-port", "70000"], "70000 is not a port", id="too-high"),
        pytest.param(["up", "--sbs-port", "-1"], "-1 is not a port", id="negative"),
        pytest.param(["up", "--demo-port", "web"], "'web' is not a port number", id="not-a-number"),
        pytest.param(["seed"], "--account-key", id="seed-needs-the-account-key"),
    ],
)
def test_bad_arguments_are_refused_with_the_reason(argv: list[str], message: str, capsys) -> None:
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args(argv)
    assert exited.value.code == 2
    assert message in capsys.readouterr().err


def test_port_zero_is_a_free_port_and_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError, match="0 to 65535"):
        ServerThread("127.0.0.1", 70000)
    server = ServerThread("127.0.0.1", 0)
    try:
        assert server.port > 0 and server.url == f"http://127.0.0.1:{server.port}"
    finally:
        server.stop()


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20"])
def test_serving_the_network_is_announced_loudly_before_starting(host, monkeypatch, capsys) -> None:
    from sandbox import cli

    def refuse(options):  # stop before anything binds: only the warning is under test
        raise OSError("not starting in a unit test")

    monkeypatch.setattr(cli.Sandbox, "start", refuse)
    monkeypatch.setattr(cli, "stop_requested", threading.Event)  # pytest keeps its own Ctrl-C
    assert cli.main(["up", "--host", host]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"WARNING: --host {host} serves the sandbox to the network.")
    assert "/__admin/" in err and "seeded SBS keys" in err


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1"])
def test_loopback_starts_without_a_warning(host, monkeypatch, capsys) -> None:
    from sandbox import cli

    monkeypatch.setattr(cli.Sandbox, "start", lambda options: (_ for _ in ()).throw(OSError("no")))
    monkeypatch.setattr(cli, "stop_requested", threading.Event)
    cli.main(["up", "--host", host])
    assert "WARNING" not in capsys.readouterr().err
