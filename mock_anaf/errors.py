"""Mock ANAF's errors: RFC 6749 OAuth errors (on Authlib's classes) and portal input errors.

Every error has an ``error`` code and a ``status_code``; the one error handler in ``__init__`` turns
them into JSON (OAuth: RFC 6749 §5.2 with `Cache-Control: no-store`) or an HTML page.
"""
from __future__ import annotations

from authlib.oauth2.base import OAuth2Error, invalid_error_characters
from authlib.oauth2.rfc6749 import errors as rfc6749

# Room for the longest callback URL the portal accepts (2000 characters) inside ANAF's sentence.
DESCRIPTION_LIMIT = 2200


def quoted(value: str, limit: int = 100) -> str:
    """Client input as quoted inside an error message: a long value keeps its start and end around "...".

    Shortening the value rather than the whole message keeps the words that say what is wrong.
    """
    if len(value) <= limit:
        return value
    head = (limit - 3) * 2 // 3
    return value[:head] + "..." + value[len(value) - (limit - 3 - head):]


def ascii_description(text: str, limit: int = DESCRIPTION_LIMIT) -> str:
    """Text allowed in `error_description` (RFC 6749 §5.2: printable ASCII without `"` and `\\`)."""
    cleaned = "".join("?" if invalid_error_characters(ch) else ch for ch in text)
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 3] + "..."


class AnafOAuthError(OAuth2Error):
    """An OAuth error whose description may quote client input (a URI, a client id) safely."""

    def __init__(self, description: str = "", **kwargs: object) -> None:
        super().__init__(description=ascii_description(description) or None, **kwargs)  # type: ignore[arg-type]


class InvalidRequest(AnafOAuthError, rfc6749.InvalidRequestError):
    """Missing, repeated or malformed parameter (RFC 6749 §5.2)."""


class InvalidClient(AnafOAuthError, rfc6749.InvalidClientError):
    """Client authentication failed: 401 with `WWW-Authenticate: Basic` (RFC 6749 §5.2)."""

    status_code = 401

    def get_headers(self) -> list[tuple[str, str]]:
        headers = [h for h in super().get_headers() if h[0] != "WWW-Authenticate"]
        if self.status_code == 401:
            headers.append(("WWW-Authenticate", 'Basic realm="anaf-oauth2", error="invalid_client"'))
        return headers


class UnknownClient(InvalidClient):
    """`client_id` unknown at the authorization endpoint: 400, the user agent has no credentials to retry."""

    status_code = 400


class InvalidGrant(AnafOAuthError, rfc6749.InvalidGrantError):
    """Code or refresh token invalid, expired, used, revoked or issued to another client."""


class UnsupportedGrantType(AnafOAuthError):
    """A grant type this server does not issue tokens for."""

    error = "unsupported_grant_type"


class UnsupportedResponseType(AnafOAuthError):
    """Only `response_type=code` is supported, as at ANAF."""

    error = "unsupported_response_type"


class AccessDenied(AnafOAuthError, rfc6749.AccessDeniedError):
    """The user chose "no USB token / cancel" on the certificate prompt."""


class ServerError(AnafOAuthError):
    """Injected or unexpected failure: 500 in OAuth's JSON shape."""

    error = "server_error"
    status_code = 500


class TemporarilyUnavailable(AnafOAuthError):
    """Injected outage: 503."""

    error = "temporarily_unavailable"
    status_code = 503


class TooLarge(AnafOAuthError):
    """A body larger than `max_body_bytes`: 413 in OAuth's JSON shape."""

    error = "invalid_request"
    status_code = 413


class PortalError(Exception):
    """Bad input to the developer portal: 400 naming the ``field`` (or 404/409)."""

    def __init__(self, field: str | None, message: str, status_code: int = 400, error: str = "invalid_request"):
        super().__init__(message)
        self.field = field
        self.message = message
        self.status_code = status_code
        self.error = error

    def as_json(self) -> dict[str, object]:
        body: dict[str, object] = {"error": self.error, "error_description": self.message}
        if self.field is not None:
            body["field"] = self.field
        return body


class NotFound(PortalError):
    """An app or identity that does not exist."""

    def __init__(self, message: str) -> None:
        super().__init__(None, message, status_code=404, error="not_found")


class Conflict(PortalError):
    """A value that must be unique already exists."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(field, message, status_code=409, error="conflict")
