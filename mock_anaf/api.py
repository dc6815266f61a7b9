"""api.anaf.ro's TestOauth service: the endpoint that shows whether an access token works.

Served at `/TestOauth/jaxrs/hello` and, for clients that choose ANAF's test or production API
paths (SBS's `roAnafXUseTestEnvironment`), also at `/test/TestOauth/...` and `/prod/TestOauth/...`;
the three behave the same here.
"""
from __future__ import annotations

import logging

from flask import Blueprint, Response, jsonify, request

from mock_anaf.services import Services
from foundation import anaf, journal

log = logging.getLogger(__name__)

HELLO_PATHS = anaf.hello_paths()


def bearer_token(header: str | None) -> str | None:
    """The token of `Authorization: Bearer <token>`, or None when missing or malformed."""
    if not header:
        return None
    scheme, _, value = header.strip().partition(" ")
    value = value.strip()
    if scheme.lower() != "bearer" or not value or " " in value:
        return None
    return value


def forbidden(reason: str, token_sent: bool) -> Response:
    """403 as api.anaf.ro answers an unusable token, with the reason for a learner to read."""
    response = jsonify({"status": 403, "error": "Forbidden", "message": f"Access denied: {reason}"})
    response.status_code = 403
    if token_sent:
        response.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    else:
        response.headers["WWW-Authenticate"] = "Bearer"
    return response


def create_api_blueprint(services: Services) -> Blueprint:
    """The TestOauth hello endpoint under its three paths."""
    bp = Blueprint("api", __name__)

    def hello() -> Response:
        """`Hello, "<name>"` for a live access token; 403 for a missing, bad, expired or revoked one."""
        services.apply_fault("hello")
        value = bearer_token(request.headers.get("Authorization"))
        if value is None:
            return forbidden("send Authorization: Bearer <access token>", token_sent=False)
        record, problem = services.grants.access_token(value)
        if record is not None:
            journal.note(client_id=record.client_id)
        if problem is not None:
            return forbidden(problem, token_sent=True)
        name = request.args.get("name", "")
        return Response(f'Hello, "{name}"', mimetype="text/plain")

    for path in HELLO_PATHS:
        bp.add_url_rule(path, endpoint=f"hello{HELLO_PATHS.index(path)}", view_func=hello, methods=["GET"])
    return bp
