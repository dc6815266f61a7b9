"""The authorization flows: a Connect card starts one, ANAF (or SBS) brings the browser back, a result page
shows which rule applied and the trail of calls (SPEC §4)."""
from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from demo_app import sessions
from demo_app.services import Services
from demo_app.rules import RETURN_PATH, connect_cards, explain
from demo_app.sbs_client import SbsError
from demo_app.settings import service_named
from demo_app.store import Flow
from demo_app.trail import LANE_TITLES, LANES, build_trail
from foundation.journal import note


OUTCOMES = {
    "pending": ("Waiting for ANAF", "The browser has not come back from ANAF's certificate page yet."),
    "done": ("Connected", "SBS holds a fresh authorization for this organization and service."),
    "denied": ("Access denied", "On ANAF's certificate page the person pressed \u201cNu am token USB / Anulare\u201d "
               "(No USB token / cancel), so ANAF sent error=access_denied instead of a code. No token was issued; "
               "nothing changed at SBS."),
    "failed": ("Refused by SBS", "SBS did not complete this flow; its answer is below."),
}
MAX_RETURNED_MESSAGE = 1000  # SBS's error_description comes back in the address; a page shows this much of it
SHOWN_REQUEST = ("id", "clientId", "oauthCallback", "secretSource", "reason", "expiresAt")
SHOWN_AUTHORIZATION = ("id", "scope", "secretSource", "clientId", "oauthCallback", "reason", "status",
                       "statusMessage", "accessTokenExpiresAt", "refreshTokenExpiresAt")


def create_blueprint(demo: Services) -> Blueprint:
    """The flows pages, reading the demo's collaborators from ``demo``."""
    bp = Blueprint("flows", __name__)

    @bp.post("/connect")
    def connect() -> Response:
        """Start a flow from a card: ask SBS for an authorization request, keep its `state`, go to ANAF."""
        service = service_named(request.form.get("service", ""))
        if service is None:
            abort(400, description="Pick a Connect card on the home page: the form named no known service.")
        app = demo.sbs.app()
        cards = connect_cards(service, app, demo.config.url)
        card = next((c for c in cards if c.key == request.form.get("card")), None)
        if card is None or card.oauth_callback != (request.form.get("callback") or None):
            abort(409, description="The app's settings changed since this page was shown, so this card is gone or "
                                   "different now. Go back home; the cards there follow the current settings.")
        if card.blocked:
            abort(409, description=card.blocked)
        marks = demo.journals.marks()
        flow = Flow(demo.new_id(), service.scope, card.key, f"{service.title}: {card.title}", card.oauth_callback,
                    card.expect, "pending", {}, {}, marks, demo.clock.now(), time.time(), None)
        note(scope=service.scope)
        try:
            made = demo.sbs.generate_authorization_request(
                service.scope, card.oauth_callback, demo.config.url + RETURN_PATH if card.via_sbs else None)
        except SbsError as exc:
            note(error=exc.code)
            demo.store.add_flow(flow)
            demo.store.finish_flow(flow.id, "failed", {"error": _error(exc)}, time.time())
            return redirect(url_for("flows.result", flow_id=flow.id), 303)
        request_facts = {k: made.get(k) for k in SHOWN_REQUEST}
        note(secret_source=made.get("secretSource"), client_id=made.get("clientId"))
        demo.store.add_flow(replace(flow, request=request_facts))
        sessions.remember_flow(str(made["state"]), flow.id, card.via_sbs)
        return redirect(str(made["authorizationUrl"]), 303)

    @bp.get("/anaf/callback/<name>")
    def callback(name: str) -> Response | tuple[str, int]:
        """ANAF's redirect to one of the demo's callbacks: check `state`, then let SBS finish with the code."""
        state = request.args.get("state")
        flow_id = sessions.take_flow_by_state(state)
        flow = demo.store.flow(flow_id) if flow_id else None
        if flow is None:
            note(error="state_missing" if not state else "state_mismatch")
            return _refused(state is None)
        code, error = request.args.get("code"), request.args.get("error")
        if error:
            note(error=error)
            result: dict[str, Any] = {"anafError": error}
            try:
                demo.sbs.process_authorization_response(str(state), None, error)
            except SbsError as exc:
                result["error"] = _error(exc)
            demo.store.finish_flow(flow.id, "denied" if error == "access_denied" else "failed", result, time.time())
        elif code:
            try:
                authorization = demo.sbs.process_authorization_response(str(state), code, None)
            except SbsError as exc:
                note(error=exc.code)
                demo.store.finish_flow(flow.id, "failed", {"error": _error(exc)}, time.time())
            else:
                note(secret_source=authorization.get("secretSource"), client_id=authorization.get("clientId"))
                demo.store.finish_flow(flow.id, "done", {"authorization": _authorization(authorization)}, time.time())
        else:
            demo.store.finish_flow(flow.id, "failed", {"error": {"code": "INVALID_RESPONSE", "message":
                                "ANAF's redirect carried neither a code nor an error."}}, time.time())
        return redirect(url_for("flows.result", flow_id=flow.id), 303)

    @bp.get(RETURN_PATH)
    def sbs_return() -> Response | tuple[str, int]:
        """Where SBS sends the browser after finishing a flow on its own callback (the implicit rule)."""
        request_id = request.args.get("authorizationRequestId")
        waiting = [f for flow_id in sessions.flows_via_sbs() if (f := demo.store.flow(flow_id)) is not None]
        flow = next((f for f in waiting if request_id is None or f.request.get("id") == request_id), None)
        if flow is None:
            reason = ("This browser has no flow in progress that SBS was to finish (or SBS named another one). "
                      "Start one from an implicit Connect card on the home page.")
            return render_template("refused.html", title="No flow is waiting for SBS", reason=reason), 400
        sessions.forget_flow(flow.id)
        error, authorization_id = request.args.get("error"), request.args.get("authorizationId")
        if error:
            note(error=error)
            # SBS sends its error code in lower case and its message as error_description (SPEC §3.3 returnUrl).
            message = (request.args.get("error_description") or error)[:MAX_RETURNED_MESSAGE]
            outcome = {"anafError": error, "error": {"code": error.upper()[:64], "message": message}}
            demo.store.finish_flow(flow.id, "denied" if error == "access_denied" else "failed", outcome, time.time())
            return redirect(url_for("flows.result", flow_id=flow.id), 303)
        try:
            found = demo.sbs.authorization(authorization_id) if authorization_id else None
        except SbsError as exc:
            demo.store.finish_flow(flow.id, "failed", {"error": _error(exc)}, time.time())
            return redirect(url_for("flows.result", flow_id=flow.id), 303)
        if found is None:
            demo.store.finish_flow(flow.id, "failed", {"error": {"code": "NOT_FOUND", "message": "SBS sent the browser "
                                "back without an authorization this tenant can see."}}, time.time())
        else:
            note(secret_source=found.get("secretSource"), client_id=found.get("clientId"))
            demo.store.finish_flow(flow.id, "done", {"authorization": _authorization(found)}, time.time())
        return redirect(url_for("flows.result", flow_id=flow.id), 303)

    @bp.get("/flows")
    def recent() -> str:
        """The flows started lately, newest first."""
        return render_template("flows.html", flows=demo.store.recent_flows())

    @bp.get("/flows/<flow_id>")
    def result(flow_id: str) -> str:
        """The rule that applied and why, and the trail of calls across the three services."""
        flow = demo.store.flow(flow_id)
        if flow is None:
            abort(404, description="There is no such flow (a reset forgets them). Start one from the home page.")
        service = service_named(flow.scope)
        assert service is not None
        used = flow.result.get("authorization") or flow.request
        journals, missing = demo.journals.since(flow.marks)
        steps = build_trail(journals, until=flow.finished_epoch)
        why = explain(service, used.get("secretSource") if used else None, flow.sent_callback,
                      used.get("oauthCallback") if used else None, used.get("clientId") if used else None,
                      status=flow.status)
        title, summary = OUTCOMES.get(flow.status, (flow.status, ""))
        return render_template("flow.html", flow=flow, service=service, used=used or {}, why=why, title=title,
                               summary=summary, steps=steps, lanes=[(lane, LANE_TITLES[lane]) for lane in LANES],
                               missing=missing, shown=SHOWN_AUTHORIZATION)

    return bp


def _refused(missing: bool) -> tuple[str, int]:
    reason = (
        "ANAF's answer came back without a state, so there is no way to tell it belongs to a flow this browser "
        "started." if missing else
        "The state in the address is not the one SBS issued when this browser started the flow (or that flow was "
        "already finished). It may be a forged or replayed answer: another site trying to attach its own ANAF "
        "account to this session."
    )
    return render_template("refused.html", title="This answer from ANAF was refused",
                           reason=reason + " Nothing was sent to SBS."), 400


def _error(exc: SbsError) -> dict[str, str]:
    return {"code": exc.code, "message": exc.message, "operation": exc.operation}


def _authorization(raw: dict[str, Any]) -> dict[str, Any]:
    return {k: raw.get(k) for k in SHOWN_AUTHORIZATION if raw.get(k) is not None}
