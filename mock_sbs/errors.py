"""Mock SBS's errors: each carries a stable GraphQL `extensions.code` and a message a person can act on."""
from __future__ import annotations

from typing import Any


class SbsError(Exception):
    """An error a caller should see as-is; ``status_code`` is used when it ends a whole request."""

    code = "INTERNAL_SERVER_ERROR"
    status_code = 500

    def __init__(self, message: str, **extensions: Any) -> None:
        super().__init__(message)
        self.message = message
        self.extensions = extensions


class BadRequest(SbsError):
    """The HTTP request itself is unusable: not JSON, no query string, wrong variables type."""

    code = "BAD_REQUEST"
    status_code = 400


class PayloadTooLarge(SbsError):
    """The body is larger than `max_body_bytes`."""
    code = "PAYLOAD_TOO_LARGE"
    status_code = 413


class Unauthenticated(SbsError):
    """No key, an unknown key, or a key of the wrong kind for this endpoint."""

    code = "UNAUTHENTICATED"
    status_code = 401


class Forbidden(SbsError):
    """A valid key that may not do this (its scope leaves out this service, or its app is inactive)."""

    code = "FORBIDDEN"
    status_code = 403


class BadUserInput(SbsError):
    """Input that breaks a rule; the message names the field."""
    code = "BAD_USER_INPUT"
    status_code = 400


class NotFound(SbsError):
    """Unknown id, or one that belongs to another account or tenant (the two look the same on purpose)."""

    code = "NOT_FOUND"
    status_code = 404


class AnafError(SbsError):
    """Mock ANAF refused a call or could not be reached; ANAF's own error and description are passed on."""

    code = "ANAF_ERROR"
    status_code = 502


class AccessDenied(SbsError):
    """The person at ANAF's certificate prompt declined (`error=access_denied`)."""

    code = "ACCESS_DENIED"
    status_code = 403


class RequestAlreadyUsed(SbsError):
    """An authorization request's state completes one flow only."""

    code = "AUTHORIZATION_REQUEST_USED"
    status_code = 400


class RequestExpired(SbsError):
    """Pending authorization requests live `SBS_PENDING_REQUEST_TTL` seconds (10 minutes by default)."""

    code = "AUTHORIZATION_REQUEST_EXPIRED"
    status_code = 400


class NeedsReauthorization(SbsError):
    """An authorization can no longer be refreshed with the secret set that obtained it."""

    code = "NEEDS_REAUTHORIZATION"
    status_code = 409


class AuthorizationRequired(SbsError):
    """An organization has no usable ANAF authorization for a scope: none, or one that needs a new authorization."""

    code = "AUTHORIZATION_REQUIRED"
    status_code = 409


class QuotaExceeded(SbsError):
    """SBS did not call ANAF because that would go over one of ANAF's daily quotas (SPEC-ANAF-API §6.2)."""

    code = "QUOTA_EXCEEDED"
    status_code = 429
