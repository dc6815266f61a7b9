"""Redirect URI rules of the authorization endpoint (RFC 6749 §3.1.2, §4.1.2)."""
from __future__ import annotations

from typing import Iterable
from urllib.parse import urlencode

from mock_anaf.errors import quoted
from foundation.callbacks import MAX_URL_LENGTH


def is_registered(redirect_uri: str, registered: Iterable[str]) -> bool:
    """Exact string comparison with the app's callbacks, as ANAF does (no normalisation, no prefixes)."""
    return any(redirect_uri == url for url in registered)


def mismatch_description(redirect_uri: str) -> str:
    """ANAF's own wording for a redirect_uri the client app did not register.

    A URI longer than any callback the portal accepts is shortened, so the sentence still ends by
    saying what is wrong.
    """
    return f"Redirect-URI ({quoted(redirect_uri, MAX_URL_LENGTH)}) does not match with client app configuration."


def with_params(redirect_uri: str, params: Iterable[tuple[str, str | None]]) -> str:
    """``redirect_uri`` with ``params`` added to its query, keeping its own query string byte for byte.

    RFC 6749 §3.1.2: the endpoint URI may have a query component that MUST be retained when adding
    parameters. Parameters whose value is None are left out (e.g. no `state` when none was sent).
    """
    extra = urlencode([(k, v) for k, v in params if v is not None])
    if not extra:
        return redirect_uri
    base, hash_mark, fragment = redirect_uri.partition("#")
    if "?" not in base:
        joined = f"{base}?{extra}"
    elif base.endswith(("?", "&")):
        joined = base + extra
    else:
        joined = f"{base}&{extra}"
    return joined + hash_mark + fragment
