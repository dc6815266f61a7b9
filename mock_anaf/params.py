"""Reading OAuth requests strictly: form bodies and client credentials (RFC 6749 §2.3.1, §3.2).

Anything malformed becomes the OAuth error a client library understands (`invalid_request`,
`invalid_client`), never an exception that would turn into a 500. No Flask here.
"""
from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Iterable, Mapping
from urllib.parse import parse_qsl, unquote

from mock_anaf.errors import InvalidClient, InvalidRequest, quoted

FORM_TYPE = "application/x-www-form-urlencoded"


def parse_form(body: bytes, mimetype: str) -> dict[str, str]:
    """A form-encoded body as a dict; refuses other content types, bad UTF-8 and repeated parameters.

    RFC 6749 §3.2: parameters sent without a value are treated as omitted, and request parameters
    MUST NOT be included more than once.
    """
    if mimetype != FORM_TYPE:
        raise InvalidRequest(f"The request body must be {FORM_TYPE}")
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise InvalidRequest("The request body is not valid UTF-8 form data") from None
    return unique_params(pairs)


def unique_params(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Pairs as a dict without empty values; a name given twice is `invalid_request` naming it."""
    params: dict[str, str] = {}
    for name, value in pairs:
        if name in params:
            raise InvalidRequest(f"Parameter ({quoted(name)}) is included more than once")
        params[name] = value
    return {k: v for k, v in params.items() if v != ""}


@dataclass(frozen=True)
class ClientCredentials:
    """What a client presented, and how (`client_secret_basic` or `client_secret_post`)."""

    client_id: str
    client_secret: str
    method: str


def parse_basic(header: str) -> tuple[str, str]:
    """`Basic base64(urlencode(id):urlencode(secret))` → (id, secret), or invalid_client (RFC 6749 §2.3.1)."""
    scheme, _, encoded = header.strip().partition(" ")
    if scheme.lower() != "basic":
        raise InvalidClient("Client authentication must use the HTTP Basic scheme")
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        raise InvalidClient("Malformed HTTP Basic authorization header") from None
    if ":" not in decoded:
        raise InvalidClient("Malformed HTTP Basic authorization header: expected client_id:client_secret")
    client_id, _, secret = decoded.partition(":")
    return unquote(client_id, errors="strict"), unquote(secret, errors="strict")


def client_credentials(
    authorization: str | None, form: Mapping[str, str], allow_body: bool
) -> ClientCredentials:
    """The client's credentials from the Basic header or, unless ``allow_body`` is off, the body.

    RFC 6749 §2.3: a client MUST NOT use more than one authentication method in a request.
    """
    body_secret = form.get("client_secret")
    if authorization is not None:
        if body_secret is not None:
            raise InvalidRequest("Use one client authentication method: HTTP Basic or client_secret, not both")
        try:
            client_id, secret = parse_basic(authorization)
        except UnicodeDecodeError:
            raise InvalidClient("Malformed HTTP Basic authorization header: not UTF-8") from None
        body_id = form.get("client_id")
        if body_id is not None and body_id != client_id:
            raise InvalidRequest("client_id in the body differs from the one in the Authorization header")
        return ClientCredentials(client_id, secret, "client_secret_basic")
    if body_secret is not None:
        if not allow_body:
            raise InvalidClient("Client credentials must be sent with HTTP Basic authentication")
        client_id = form.get("client_id")
        if client_id is None:
            raise InvalidRequest("Required parameter (client_id) is missing")
        return ClientCredentials(client_id, body_secret, "client_secret_post")
    raise InvalidClient("Client authentication is required (HTTP Basic with client_id and client_secret)")
