"""CSRF protection for the HTML forms: a per-session token in every form, checked on POST.

The certificate page's POST endpoint also serves scripts (SPEC §2.2). A browser always sends an
`Origin` header with a POST; scripts send none. So a POST that carries an `Origin` or a
`csrf_token` is treated as the browser form and must have both right; one with neither is a script.
"""
from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from flask import request, session

from mock_anaf.errors import PortalError

FIELD = "csrf_token"


def token() -> str:
    """This browser session's CSRF token, created on first use."""
    value = session.get(FIELD)
    if not isinstance(value, str):
        value = secrets.token_urlsafe(24)
        session[FIELD] = value
    return value


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def same_origin(public_url: str) -> bool:
    """True when the request's `Origin` is this server (as reached, or as configured)."""
    origin = request.headers.get("Origin")
    if origin is None:
        return False
    return origin.lower() in {_origin(request.host_url), _origin(public_url)}


def is_browser_post() -> bool:
    """A POST from our own HTML form rather than a script (see the module docstring)."""
    return "Origin" in request.headers or FIELD in request.form


def check(public_url: str) -> None:
    """Refuse a browser POST whose origin or CSRF token is wrong."""
    sent = request.form.get(FIELD, "")
    expected = session.get(FIELD)
    if "Origin" in request.headers and not same_origin(public_url):
        raise PortalError(FIELD, "This form was posted from another site; open the page again and retry.",
                          status_code=403, error="csrf")
    if not isinstance(expected, str) or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise PortalError(FIELD, "The form expired or was not sent by this site; open the page again and retry.",
                          status_code=403, error="csrf")
