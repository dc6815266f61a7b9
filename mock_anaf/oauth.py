"""OAuth 2.0 endpoints at logincert.anaf.ro's paths: authorize, token, revoke, plus JWKS and metadata."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request

from mock_anaf import csrf, params
from mock_anaf.authorization import AuthorizeRequest, parse_authorize
from mock_anaf.oauth_calls import NO_STORE, Answer
from mock_anaf.services import Services
from mock_anaf.tokens import ALGORITHM
from mock_anaf.validation import SERVICE_LABELS
from foundation import anaf
from foundation import journal

GRANT_TYPES = ("authorization_code", "refresh_token")


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
        response = Response(page, mimetype="text/html", headers=NO_STORE)
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
        return as_response(services.oauth.decide(values, journal.note))

    def read_form() -> dict[str, str]:
        return params.parse_form(request.get_data(cache=True), request.mimetype)

    @bp.post(anaf.TOKEN_PATH)
    def token() -> Response:
        """Exchange a code, or rotate a refresh token; client auth by HTTP Basic (or body unless strict)."""
        services.apply_fault("token")
        return as_response(services.oauth.token(read_form(), request.headers.get("Authorization"), journal.note))

    @bp.post(anaf.REVOKE_PATH)
    def revoke() -> Response:
        """RFC 7009: 200 whether or not the token was known; the token stops working."""
        services.apply_fault("revoke")
        return as_response(services.oauth.revoke(read_form(), request.headers.get("Authorization"), journal.note))

    @bp.get(anaf.JWKS_PATH)
    def jwks() -> Response:
        """The public key that verifies JWT tokens (sandbox extra)."""
        return jsonify({"keys": [services.key.public_jwk()]})

    @bp.get(anaf.METADATA_PATH)
    def metadata() -> Response:
        """RFC 8414 metadata (sandbox extra); `issuer` is ANAF's, the endpoints are this server's."""
        return jsonify(server_metadata(services))

    return bp


def as_response(answer: Answer) -> Response:
    """An ``Answer`` of ``oauth_calls`` as a Flask response."""
    response = Response(answer.body, status=answer.status, headers=answer.headers)
    if answer.after is not None:
        response.call_on_close(answer.after)
    return response


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
