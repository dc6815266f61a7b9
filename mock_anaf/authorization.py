"""The authorization request (RFC 6749 §4.1.1) and the user's decision on the certificate prompt.

Errors about the client or its redirect_uri are shown to the user agent and never redirected;
once both are known good, every other error goes back to the redirect_uri (RFC 6749 §4.1.2.1).
No Flask here.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping

from mock_anaf import redirects
from mock_anaf.errors import AnafOAuthError, InvalidRequest, UnknownClient, UnsupportedResponseType, quoted
from mock_anaf.records import AppRecord, Identity

DECISIONS = ("allow", "deny")


@dataclass(frozen=True)
class AuthorizeRequest:
    """A checked authorization request: the app, where to send the answer, and what to echo back."""

    app: AppRecord
    redirect_uri: str
    state: str | None
    want_jwt: bool

    def hidden_fields(self) -> list[tuple[str, str]]:
        """The parameters the certificate page posts back with the user's choice."""
        fields = [("response_type", "code"), ("client_id", self.app.client_id), ("redirect_uri", self.redirect_uri)]
        if self.state is not None:
            fields.append(("state", self.state))
        if self.want_jwt:
            fields.append(("token_content_type", "jwt"))
        return fields


def _single(params: Mapping[str, list[str]], name: str) -> str | None:
    """One parameter's value; empty means omitted (RFC 6749 §3.1); repeated is invalid_request."""
    values = [v for v in params.get(name, []) if v != ""]
    if len(params.get(name, [])) > 1:
        raise InvalidRequest(f"Parameter ({quoted(name)}) is included more than once")
    return values[0] if values else None


def parse_authorize(
    params: Mapping[str, list[str]], find_app: Callable[[str], AppRecord | None]
) -> AuthorizeRequest:
    """Check an authorization request in RFC 6749 §4.1.2.1 order: client, redirect_uri, then the rest."""
    client_id = _single(params, "client_id")
    if client_id is None:
        raise InvalidRequest("Required parameter (client_id) is missing")
    app = find_app(client_id)
    if app is None:
        raise UnknownClient(f"Invalid client_id ({quoted(client_id)})")
    redirect_uri = _single(params, "redirect_uri")
    if redirect_uri is None:
        raise InvalidRequest("Required parameter (redirect_uri) is missing")
    if not redirects.is_registered(redirect_uri, app.callbacks):
        raise InvalidRequest(redirects.mismatch_description(redirect_uri))

    # From here on the client and its redirect_uri are trusted: errors go back to the client.
    state_values = params.get("state", [])
    state = state_values[0] if len(state_values) == 1 and state_values[0] != "" else None

    def back(error: AnafOAuthError) -> AnafOAuthError:
        error.redirect_uri = redirect_uri
        error.state = state
        return error

    try:
        for name, values in params.items():
            if len(values) > 1:
                raise InvalidRequest(f"Parameter ({quoted(name)}) is included more than once")
        response_type = _single(params, "response_type")
        if response_type is None:
            raise InvalidRequest("Required parameter (response_type) is missing")
        if response_type != "code":
            raise UnsupportedResponseType(f"Unsupported value for response_type ({quoted(response_type)})")
        content_type = _single(params, "token_content_type")
        if content_type not in (None, "jwt"):
            raise InvalidRequest(
                f"Unsupported value for token_content_type ({quoted(content_type)}); use jwt or omit it")
    except AnafOAuthError as error:
        raise back(error) from None
    return AuthorizeRequest(app, redirect_uri, state, content_type == "jwt")


def parse_decision(
    params: Mapping[str, list[str]], find_identity: Callable[[str], Identity | None]
) -> tuple[str, Identity | None]:
    """The user's answer on the certificate prompt: ("allow", identity) or ("deny", None).

    These fields come from the prompt, not from the client, so a bad one is shown, not redirected.
    """
    decision = _single(params, "decision")
    if decision not in DECISIONS:
        raise InvalidRequest("Parameter (decision) must be allow or deny")
    if decision == "deny":
        return "deny", None
    serial = _single(params, "identity")
    if serial is None:
        raise InvalidRequest("Required parameter (identity) is missing: the serial of a certificate")
    identity = find_identity(serial)
    if identity is None:
        raise InvalidRequest(f"Unknown identity ({quoted(serial)}): see GET /portal/api/identities")
    return "allow", identity
