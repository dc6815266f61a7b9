"""The pure rules of brokering (SPEC §3.3): when a token is refreshed, the status a caller sees, ANAF's URLs.

No store, no clock of its own: time comes in as ``now``.
"""
from __future__ import annotations

import hashlib
from urllib.parse import urlencode

from foundation.anaf import AUTHORIZE_PATH, environment
from foundation.clock import iso

from mock_sbs.model import ACTIVE, NEEDS_REAUTHORIZATION, AnafScope, Authorization


def refresh_due(access_expires_at: float, now: float, margin: float) -> bool:
    """Refresh once the access token is within ``margin`` seconds of expiry (or past it)."""
    return now >= access_expires_at - margin


def state_hash(state: str) -> str:
    """Pending requests are found by a hash of their state, so the state itself is not stored."""
    return hashlib.sha256(state.encode("utf-8")).hexdigest()


def authorization_url(anaf_url: str, client_id: str, redirect_uri: str, state: str) -> str:
    """ANAF's authorize URL for the authorization code grant (RFC 6749 §4.1.1), asking for JWT tokens."""
    query = urlencode({"response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri,
                       "state": state, "token_content_type": "jwt"})
    return f"{anaf_url.rstrip('/')}{AUTHORIZE_PATH}?{query}"


def anaf_api_base(api_url: str, service: AnafScope, use_test_environment: bool) -> str:
    """The ANAF API root `roAnafXUseTestEnvironment` selects: `/test/...` or `/prod/...` as on api.anaf.ro."""
    return api_url.rstrip("/") + service.service.api_prefix(environment(use_test_environment))


def shown_status(auth: Authorization, now: float) -> tuple[str, str | None]:
    """The status a caller sees: a refresh token past its life also needs a new authorization."""
    if auth.status == ACTIVE and now >= auth.refresh_expires_at:
        return NEEDS_REAUTHORIZATION, f"The refresh token expired at {iso(auth.refresh_expires_at)}; authorize again."
    return auth.status, auth.status_message
