"""The callback URL rule ANAF's portal applies, and SBS applies "as ANAF" (SPEC §2.1, §3.1)."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1"})
MAX_URL_LENGTH = 2000
_CONTROL = re.compile(r"[\x00-\x20\x7f]")


def callback_problem(url: object, strict_https: bool = False) -> str | None:
    """Why ``url`` cannot be an OAuth callback URL, or None when it can.

    ANAF accepts only absolute `https://` URLs; learners run on their own machine, so plain
    `http://localhost` and `http://127.0.0.1` are accepted too unless ``strict_https``.
    A fragment is refused (RFC 6749 §3.1.2), and so are credentials in the URL.
    """
    if not isinstance(url, str) or not url:
        return "must be a non-empty string"
    if len(url) > MAX_URL_LENGTH:
        return f"must be at most {MAX_URL_LENGTH} characters"
    if _CONTROL.search(url):
        return "must not contain spaces or control characters"
    # Say what is accepted: http:// on the loopback names is, unless strict_https.
    absolute = "an absolute https:// URL" + ("" if strict_https else " (or http:// on localhost or 127.0.0.1)")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        return f"is not a valid URL: it must be {absolute}"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"must be {absolute}"
    if parts.scheme == "http":
        if strict_https:
            return "must be an https:// URL (this server runs with strict https)"
        if parts.hostname not in LOCAL_HOSTS:
            return "must be an https:// URL (http:// is accepted only for localhost and 127.0.0.1, as at ANAF)"
    if parts.username is not None or parts.password is not None:
        return "must not contain a user name or password"
    if parts.fragment or url.endswith("#"):
        return "must not contain a fragment (#...)"
    return None
