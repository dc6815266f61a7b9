"""What every service's HTTP surface shares: which Host headers it answers, its security headers, its favicon.

A browser page can reach 127.0.0.1 through DNS rebinding: attacker.example resolves to 127.0.0.1 and the
page's requests carry `Host: attacker.example`. Answering only the host names the service is configured
for (its public URL's host, 127.0.0.1, localhost and the address it binds) closes that door. A literal
IP address is always the host it names, never a rebound name, so one is accepted when the service binds
every interface (`--host 0.0.0.0`) and people reach it by the machine's address.
"""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Iterable
from urllib.parse import urlsplit

from flask import Flask, Response, request

LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})
WILDCARD_HOSTS = frozenset({"0.0.0.0", "::", ""})

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    # No page of the sandbox is meant to be framed; a framed certificate page would invite clickjacking.
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'",
}

_ICON = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" '
         'fill="{color}"/><text x="16" y="23" font-family="sans-serif" font-size="20" font-weight="700" '
         'text-anchor="middle" fill="#fff">{letter}</text></svg>')


def host_name(host_header: str) -> str:
    """The host name of a `Host` header value: no port, no IPv6 brackets, lower case."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1:host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def allowed_hosts(public_url: str | None, bind_host: str | None, extra: Iterable[str] = ()) -> frozenset[str]:
    """The host names a service answers: its public URL's, the loopback names, the bound address, ``extra``."""
    names = set(LOOPBACK_NAMES) | {h.lower() for h in extra}
    if public_url:
        hostname = urlsplit(public_url).hostname
        if hostname:
            names.add(hostname.lower())
    if bind_host and bind_host not in WILDCARD_HOSTS:
        names.add(host_name(bind_host))
    return frozenset(names)


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def host_allowed(host_header: str | None, allowed: frozenset[str], any_ip: bool) -> bool:
    """Whether a request with this `Host` header is for this service (no header: an HTTP/1.0 script, allowed)."""
    if not host_header:
        return True
    name = host_name(host_header)
    return name in allowed or (any_ip and _is_ip(name))


@dataclass(frozen=True)
class HostPolicy:
    """The host names one service answers (see the module docstring)."""

    allowed: frozenset[str]
    any_ip: bool

    def allows(self, host_header: str | None) -> bool:
        return host_allowed(host_header, self.allowed, self.any_ip)

    def refusal(self) -> str:
        """What a request for another host name is told."""
        listed = ", ".join(sorted(self.allowed)) + (", or this machine's IP address" if self.any_ip else "")
        return f"This server does not answer to that host name (it answers to {listed}).\n"


def install(app: Flask, *, public_url: str | None, bind_host: str | None, icon_letter: str, icon_color: str,
            extra_hosts: Iterable[str] = ()) -> HostPolicy:
    """Refuse foreign Host headers, add the security headers to every response, answer `/favicon.ico`.

    Returns the host policy, for a layer beneath Flask that answers some requests itself.
    """
    hosts = HostPolicy(allowed_hosts(public_url, bind_host, extra_hosts), bind_host in WILDCARD_HOSTS)
    icon = _ICON.format(letter=icon_letter, color=icon_color)

    @app.before_request
    def _check_host() -> Response | None:
        if hosts.allows(request.headers.get("Host")):
            return None
        return Response(hosts.refusal(), status=421, mimetype="text/plain")

    @app.after_request
    def _security_headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    def favicon() -> Response:
        """The service's icon (an SVG letter), so no browser tab asks for a missing file."""
        response = Response(icon, mimetype="image/svg+xml")
        response.headers["Cache-Control"] = "max-age=86400"
        return response

    app.add_url_rule("/favicon.ico", "favicon_ico", favicon)
    app.add_url_rule("/favicon.svg", "favicon_svg", favicon)
    return hosts
