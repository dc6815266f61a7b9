"""Mock SBS's HTTP surface: the three GraphQL endpoints, SBS's own OAuth callback, the console, health."""
from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import Blueprint, Response, jsonify, redirect, render_template, request
from werkzeug.exceptions import RequestEntityTooLarge

from foundation import anaf
from foundation import journal as journaling

from mock_sbs.access import (
    ACCOUNT_API,
    ORGANIZATIONS_API,
    RO_ANAF_OAUTH_API,
    RO_EFACTURA_API,
    RO_ETRANSPORT_API,
    authenticate,
)
from mock_sbs.console import examples
from mock_sbs.errors import BadUserInput, PayloadTooLarge, SbsError
from mock_sbs.graphql_api import error_body, execute, read_operation
from mock_sbs.resolvers import Context
from mock_sbs.services import Services

TITLES = {ACCOUNT_API: ("Account API", "account access key"),
          ORGANIZATIONS_API: ("Organizations service", "service access key"),
          RO_ANAF_OAUTH_API: ("RO ANAF OAuth service", "service access key"),
          RO_EFACTURA_API: ("RO e-Factura service", "service access key"),
          RO_ETRANSPORT_API: ("RO e-Transport service", "service access key")}


def with_query(url: str, **params: str) -> str:
    """``url`` with ``params`` added to its query string (keeping what it had)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True) + list(params.items())
    return urlunsplit(parts._replace(query=urlencode(query)))


def create_blueprint(services: Services) -> Blueprint:
    """Mock SBS's own routes (the control plane is the shared admin blueprint)."""
    bp = Blueprint("sbs", __name__)

    def graphql_endpoint(endpoint: str) -> tuple[Response, int]:
        """`POST /<service>/graphql`: size, key, body checks, then the operation."""
        try:
            try:
                raw = request.get_data(cache=False)
            except RequestEntityTooLarge:
                limit = services.config.max_body_bytes
                raise PayloadTooLarge(f"The request body is larger than {limit} bytes.") from None
            caller = authenticate(services.store, request.headers.get("x-api-key"), endpoint)
            data = read_operation(raw)
        except SbsError as exc:
            journaling.note(error=exc.code)
            return jsonify(error_body(exc)), exc.status_code
        context = Context(caller, services.domain, journaling.note)
        result, status = execute(services.documents[endpoint], data, context, journaling.note)
        if result.get("errors"):
            journaling.note(error=result["errors"][0].get("extensions", {}).get("code"))
        return jsonify(result), status

    def endpoint_page(endpoint: str) -> str:
        """`GET /<service>/graphql`: a short page pointing to the console."""
        title, key_kind = TITLES[endpoint]
        return render_template("endpoint.html", endpoint=endpoint, title=f"SBS {title} (mock)", key_kind=key_kind,
                                path=f"{request.host_url.rstrip('/')}/{endpoint}/graphql")

    for name in TITLES:
        bp.add_url_rule(f"/{name}/graphql", f"{name}_post", graphql_endpoint, methods=["POST"],
                        defaults={"endpoint": name})
        bp.add_url_rule(f"/{name}/graphql", f"{name}_get", endpoint_page, methods=["GET"],
                        defaults={"endpoint": name})

    @bp.get(anaf.SBS_CALLBACK_PATH)
    def oauth_callback() -> Any:
        """SBS's own callback: complete the flow, then go to the returnUrl or show which rule applied."""
        brokering = services.domain.brokering
        code, error = request.args.get("code"), request.args.get("error")
        try:
            if not code and not error:
                raise BadUserInput("ANAF's answer has neither a code nor an error.")
            pending = brokering.claim(request.args.get("state", ""), None, landed_on=services.config.callback_url)
        except SbsError as exc:
            journaling.note(error=exc.code)
            return render_template("callback_result.html", ok=False, title="This authorization cannot be completed",
                                   message=exc.message, pending=None), 400
        journaling.note(client_id=pending.client_id, scope=pending.scope.value,
                        secret_source=pending.secret_source.value, rule=pending.secret_source.value)
        try:
            auth = brokering.finish(pending, code, error)
        except SbsError as exc:
            journaling.note(error=exc.code)
            if pending.return_url:
                return redirect(with_query(pending.return_url, error=exc.code.lower(), error_description=exc.message,
                                           authorizationRequestId=pending.id), 302)
            return render_template("callback_result.html", ok=False, title="ANAF authorization failed",
                                   message=exc.message, pending=pending), exc.status_code
        if pending.return_url:
            return redirect(with_query(pending.return_url, authorizationId=auth.id, authorizationRequestId=pending.id),
                            302)
        return render_template("callback_result.html", ok=True, title="ANAF authorization complete",
                               message=f"SBS stored ANAF tokens for {pending.scope.label} "
                                       f"(rule {pending.secret_source.value}).", pending=pending, authorization=auth)

    @bp.get("/console")
    def console() -> str:
        """The offline GraphQL console, preloaded with the seed's documents."""
        return render_template("console.html", examples=examples())

    @bp.get("/console/")
    def console_slash() -> Response:
        """`/console/` is the console too (a browser keeps the `#accountKey=...` fragment across the redirect)."""
        return redirect("/console", 308)  # type: ignore[return-value]

    @bp.get("/")
    def index() -> str:
        """What mock SBS is, its endpoints and a way to the console."""
        return render_template("index.html", endpoints=TITLES.items(), callback_path=anaf.SBS_CALLBACK_PATH)

    @bp.get("/healthz")
    def healthz() -> Response:
        """Liveness for the launcher and tests."""
        return jsonify({"status": "ok", "service": "mock-sbs"})

    @bp.post("/__admin/refresh-sweep")
    def refresh_sweep() -> Response:
        """Run the refresh sweep now (sandbox extra): `{"refreshed": n, "failed": m}`."""
        return jsonify(services.sweep())

    return bp
