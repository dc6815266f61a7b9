"""The browser session: CSRF tokens for the demo's own forms, and the `state` of flows this browser started.

The session is Flask's signed cookie. It holds the `state` SBS issued for each pending flow, which the
callback must match (RFC 6749 §10.12), and a CSRF token every POST form of the demo must echo back.
"""
from __future__ import annotations

import hmac
import secrets
from typing import Any

from flask import Flask, abort, request, session

MAX_PENDING = 5
EXEMPT_PREFIXES = ("/__admin/",)


def csrf_token() -> str:
    """This session's CSRF token, made on first use."""
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(24)
    return token


def install(app: Flask, generation: Any) -> None:
    """Check the CSRF token of every POST form, and forget sessions older than the last reset."""

    @app.before_request
    def _guard() -> None:
        current = generation()
        if session.get("generation", 0) != current:
            session.clear()
            session["generation"] = current
        if request.method == "POST" and not request.path.startswith(EXEMPT_PREFIXES):
            if request.mimetype == "application/x-www-form-urlencoded" and not _is_utf8(request.get_data()):
                # werkzeug drops a form it cannot decode, which would otherwise read as a missing CSRF token.
                abort(400, description="The form did not arrive as UTF-8 text, so the demo cannot read it. Reload "
                                       "the page and send the form again from the browser.")
            sent = request.form.get("csrf_token", "")
            expected = session.get("csrf", "")
            if not sent or not expected or not hmac.compare_digest(sent, expected):
                abort(400, description="This form has expired or did not come from this demo (its CSRF token "
                                       "does not match). Go back, reload the page and try again.")

    app.jinja_env.globals["csrf_token"] = csrf_token


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def remember_flow(state: str, flow_id: str, via_sbs: bool) -> None:
    """Keep a pending flow's `state`; the oldest is dropped beyond MAX_PENDING."""
    pending = [p for p in session.get("pending", []) if p.get("flow") != flow_id]
    pending.append({"state": state, "flow": flow_id, "sbs": via_sbs})
    session["pending"] = pending[-MAX_PENDING:]


def take_flow_by_state(state: str | None) -> str | None:
    """The flow this browser started with ``state``, forgotten once taken; None when none matches."""
    if not state:
        return None
    pending = list(session.get("pending", []))
    for item in pending:
        if hmac.compare_digest(str(item.get("state", "")).encode(), state.encode()):
            pending.remove(item)
            session["pending"] = pending
            return str(item["flow"])
    return None


def flows_via_sbs() -> list[str]:
    """The pending flows SBS finishes on its own callback (the implicit rule), newest first."""
    return [str(item["flow"]) for item in reversed(session.get("pending", [])) if item.get("sbs")]


def forget_flow(flow_id: str) -> None:
    """Drop a pending flow once its answer came back."""
    session["pending"] = [item for item in session.get("pending", []) if item.get("flow") != flow_id]
