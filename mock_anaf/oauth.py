"""OAuth 2.0 endpoints at logincert.anaf.ro's paths: authorize, token, revoke, plus JWKS and metadata."""
from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, Response, jsonify, redirect, render_template, request

from mock_anaf import csrf, params, redirects
from mock_anaf.authorization import AuthorizeRequest, parse_authorize, parse_decision
from mock_anaf.errors import InvalidClient, InvalidRequest, UnsupportedGrantType, quoted
from mock_anaf.grants import TokenPair
from mock_anaf.services import Services
from mock_anaf.store import AppRecord
from mock_anaf.tokens import ALGORITHM
from mock_anaf.validation import SERVICE_LABELS
from foundation import anaf
from foundation import journal

log = logging.getLogger(__name__)

GRANT_TYPES = ("authorization_code", "refresh_token")


def no_store(response: Response) -> Response:
    """Token responses and anything carrying a code must not be cached (RFC 6749 §5.1)."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


def create_oauth_blueprint(services: Services) -> Blueprint:
    """The authorization server, path-compatible with the real host."""
    bp = Blueprint("oauth", __name__)
    config = services.config

    def authorize_request(values: dict[str, list[str]]) -> AuthorizeRequest:
        client_id = values.get("client_id", [None])[0]
        if client_id:
            journal.note(client_id=client_id[:200])
        return parse_authorize(values, services.store.get_app)

    @bp.get(anaf.AUTHORIZE_PATH)
    def authorize_page() -> Response:
        """The certificate prompt: pick a simulated certificate, or cancel."""
        services.apply_fault("authorize")
        req = authorize_request(request.args.to_dict(flat=False))
        page = render_template(
            "authorize.html",
            req=req,
            services=[SERVICE_LABELS[s] for s in req.app.services],
            identities=services.registry.identities(),
            csrf_token=csrf.token(),
            redirect_target=journal.strip_query(req.redirect_uri),
        )
        response = no_store(Response(page, mimetype="text/html"))
        response.headers["X-Frame-Options"] = "DENY"
        return response

    @bp.post(anaf.AUTHORIZE_PATH)
    def authorize_decision() -> Response:
        """The user's choice (the page's form, or a script): 302 to the redirect_uri with a code or an error."""
        services.apply_fault("authorize")
        values = request.form.to_dict(flat=False)
        if csrf.is_browser_post():
            csrf.check(config.base_url)
        values.pop(csrf.FIELD, None)
        decision_fields = {k: values.pop(k) for k in ("decision", "identity") if k in values}
        req = authorize_request(values)
        decision, identity = parse_decision(decision_fields, services.store.get_identity)
        if decision == "deny" or identity is None:
            target = redirects.with_params(req.redirect_uri, [("error", "access_denied"), ("state", req.state)])
            journal.note(error="access_denied")
        else:
            code = services.grants.issue_code(req.app, req.redirect_uri, identity, req.want_jwt)
            target = redirects.with_params(req.redirect_uri, [("code", code), ("state", req.state)])
            log.info("authorization code issued to client %s for certificate %s", req.app.client_id, identity.serial)
        return no_store(redirect(target, code=302))

    def authenticate(form: dict[str, str]) -> AppRecord:
        creds = params.client_credentials(
            request.headers.get("Authorization"), form, allow_body=not config.strict_client_auth
        )
        journal.note(client_id=creds.client_id[:200])
        app = services.registry.authenticate(creds.client_id, creds.client_secret)
        if app is None:
            if services.store.get_app(creds.client_id) is None:
                raise InvalidClient(f"Invalid client_id ({quoted(creds.client_id)})")
            raise InvalidClient("Client authentication (client_secret) failed")
        return app

    def read_form() -> dict[str, str]:
        form = params.parse_form(request.get_data(cache=True), request.mimetype)
        if "grant_type" in form:
            journal.note(grant_type=form["grant_type"][:50])
        return form

    @bp.post(anaf.TOKEN_PATH)
    def token() -> Response:
        """Exchange a code, or rotate a refresh token; client auth by HTTP Basic (or body unless strict)."""
        services.apply_fault("token")
        form = read_form()
        app = authenticate(form)
        grant_type = form.get("grant_type")
        want_jwt = token_content_type(form)
        if grant_type is None:
            raise InvalidRequest("Required parameter (grant_type) is missing")
        if grant_type == "authorization_code":
            code = form.get("code")
            if code is None:
                raise InvalidRequest("Required parameter (code) is missing")
            redirect_uri = form.get("redirect_uri")
            if redirect_uri is None:  # always sent to authorize here, so required (RFC 6749 §4.1.3)
                raise InvalidRequest("Required parameter (redirect_uri) is missing")
            pair = services.grants.exchange_code(app, code, redirect_uri, want_jwt)
        elif grant_type == "refresh_token":
            refresh_token = form.get("refresh_token")
            if refresh_token is None:
                raise InvalidRequest("Required parameter (refresh_token) is missing")
            pair = services.grants.refresh(app, refresh_token, want_jwt)
        else:
            raise UnsupportedGrantType(
                f"Unsupported grant_type ({quoted(grant_type)}); use authorization_code or refresh_token")
        log.info("tokens issued to client %s (grant_type=%s)", app.client_id, grant_type)
        return no_store(jsonify(token_body(pair)))

    @bp.post(anaf.REVOKE_PATH)
    def revoke() -> Response:
        """RFC 7009: 200 whether or not the token was known; the token stops working."""
        services.apply_fault("revoke")
        form = read_form()
        app = authenticate(form)
        value = form.get("token")
        if value is None:
            raise InvalidRequest("Required parameter (token) is missing")
        services.grants.revoke(app, value)
        return no_store(Response("", status=200))

    @bp.get(anaf.JWKS_PATH)
    def jwks() -> Response:
        """The public key that verifies JWT tokens (sandbox extra)."""
        return jsonify({"keys": [services.key.public_jwk()]})

    @bp.get(anaf.METADATA_PATH)
    def metadata() -> Response:
        """RFC 8414 metadata (sandbox extra); `issuer` is ANAF's, the endpoints are this server's."""
        return jsonify(server_metadata(services))

    return bp


def token_content_type(form: dict[str, str]) -> bool:
    value = form.get("token_content_type")
    if value not in (None, "jwt"):
        raise InvalidRequest(f"Unsupported value for token_content_type ({quoted(str(value))}); use jwt or omit it")
    return value == "jwt"


def token_body(pair: TokenPair) -> dict[str, Any]:
    """RFC 6749 §5.1, as ANAF answers: Bearer tokens, `expires_in` = the access token's lifetime."""
    return {
        "access_token": pair.access.value,
        "refresh_token": pair.refresh.value,
        "token_type": "Bearer",
        "expires_in": pair.expires_in,
    }


def server_metadata(services: Services) -> dict[str, Any]:
    config = services.config
    base = config.base_url
    auth_methods = ["client_secret_basic"] if config.strict_client_auth else ["client_secret_basic", "client_secret_post"]
    return {
        "issuer": config.issuer,
        "authorization_endpoint": base + anaf.AUTHORIZE_PATH,
        "token_endpoint": base + anaf.TOKEN_PATH,
        "revocation_endpoint": base + anaf.REVOKE_PATH,
        "jwks_uri": base + anaf.JWKS_PATH,
        "response_types_supported": ["code"],
        "grant_types_supported": list(GRANT_TYPES),
        "token_endpoint_auth_methods_supported": auth_methods,
        "revocation_endpoint_auth_methods_supported": auth_methods,
        "token_signing_alg_values_supported": [ALGORITHM],
        "token_content_types_supported": ["jwt", "opaque"],
        "service_documentation": f"{base}/portal/",
    }
