"""Which Host headers a service answers (foundation.web): its own names, never a rebound one."""
from __future__ import annotations

import pytest

from foundation.web import allowed_hosts, host_allowed, host_name


@pytest.mark.parametrize(
    ("header", "name"),
    [
        pytest.param("127.0.0.1:8001", "127.0.0.1", id="ipv4-with-port"),
        pytest.param("LocalHost", "localhost", id="case"),
        pytest.param("[::1]:8002", "::1", id="ipv6-with-port"),
        pytest.param("[::1]", "::1", id="ipv6"),
        pytest.param("sbs.example:443", "sbs.example", id="name-with-port"),
    ],
)
def test_host_name(header, name) -> None:
    assert host_name(header) == name


SANDBOX = allowed_hosts("http://127.0.0.1:8002", "127.0.0.1")


@pytest.mark.parametrize(
    ("header", "allowed", "any_ip", "ok"),
    [
        pytest.param("127.0.0.1:8002", SANDBOX, False, True, id="loopback-ip"),
        pytest.param("localhost:8002", SANDBOX, False, True, id="localhost"),
        pytest.param("[::1]:8002", SANDBOX, False, True, id="ipv6-loopback"),
        pytest.param("attacker.example", SANDBOX, False, False, id="rebound-name-refused"),
        pytest.param("localhost.attacker.example", SANDBOX, False, False, id="look-alike-refused"),
        pytest.param("192.168.1.20:8002", SANDBOX, False, False, id="lan-ip-refused-on-loopback"),
        pytest.param("192.168.1.20:8002", allowed_hosts(None, "0.0.0.0"), True, True,
                     id="lan-ip-accepted-when-binding-everything"),
        pytest.param("attacker.example", allowed_hosts(None, "0.0.0.0"), True, False,
                     id="names-still-refused-when-binding-everything"),
        pytest.param("sbs.test", allowed_hosts("http://sbs.test", "127.0.0.1"), False, True, id="public-url-host"),
        pytest.param("myhost.lan", allowed_hosts(None, "myhost.lan"), False, True, id="bound-name"),
        pytest.param("api.anaf.ro", allowed_hosts(None, None, ["api.anaf.ro"]), False, True, id="extra"),
        pytest.param("", SANDBOX, False, True, id="no-host-header"),
    ],
)
def test_host_allowed(header, allowed, any_ip, ok) -> None:
    assert host_allowed(header, allowed, any_ip) is ok
