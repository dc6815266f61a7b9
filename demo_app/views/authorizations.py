"""The organization's authorizations per service, with refresh, test and delete buttons (SPEC §3.3)."""
from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Blueprint, flash, redirect, render_template, session, url_for
from werkzeug.wrappers import Response

from demo_app.services import Services
from demo_app.sbs_client import SbsError
from demo_app.settings import SERVICES

NEEDS_REAUTHORIZATION = "NEEDS_REAUTHORIZATION"
NEEDS_NEW = "it needs a new authorization (NEEDS_REAUTHORIZATION)."


def create_blueprint(demo: Services) -> Blueprint:
    """The authorizations pages, reading the demo's collaborators from ``demo``."""
    bp = Blueprint("authorizations", __name__)

    @bp.get("/authorizations")
    def listing() -> str:
        """Every authorization SBS holds for the organization, by service, never with a token."""
        groups: list[dict[str, Any]] = []
        for service in SERVICES:
            try:
                items, error = demo.sbs.authorizations(service.scope), None
            except SbsError as exc:
                if exc.code in ("UNAUTHENTICATED", "NOT_CONFIGURED"):
                    raise
                items, error = [], f"{exc.code}: {exc.message}"
            groups.append({"service": service, "items": items, "error": error})
        outcome = session.pop("authorization_outcome", None)
        if not isinstance(outcome, dict):
            outcome = None
        listed = {a.get("id") for g in groups for a in g["items"]}
        return render_template("authorizations.html", groups=groups, organization_id=demo.config.organization_id,
                               outcome=outcome, outcome_on_top=outcome is not None and outcome.get("id") not in listed)

    @bp.post("/authorizations/<authorization_id>/refresh")
    def refresh(authorization_id: str) -> Response:
        """Ask SBS to refresh now, with the secret set that authorized."""
        try:
            updated = demo.sbs.refresh_authorization(authorization_id)
        except SbsError as exc:
            if exc.code == NEEDS_REAUTHORIZATION:
                return _back(authorization_id, "error", f"SBS could not refresh it: {NEEDS_NEW}", detail=exc.message)
            return _back(authorization_id, "error", f"SBS did not refresh it: {exc.message} ({exc.code})")
        if updated.get("status") == NEEDS_REAUTHORIZATION:
            return _back(authorization_id, "error", f"SBS could not refresh it: {NEEDS_NEW}",
                         detail=updated.get("statusMessage"))
        return _back(authorization_id, "ok",
                     f"Refreshed with client id {updated.get('clientId')}: the access token now "
                     f"expires at {updated.get('accessTokenExpiresAt')}.")

    @bp.post("/authorizations/<authorization_id>/test")
    def test(authorization_id: str) -> Response:
        """Let SBS call ANAF's TestOauth hello with the stored token, and show ANAF's answer."""
        try:
            result = demo.sbs.test_authorization(authorization_id)
        except SbsError as exc:
            if exc.code == NEEDS_REAUTHORIZATION:
                return _back(authorization_id, "error", f"The token could not be tested: {NEEDS_NEW}",
                             detail=exc.message)
            return _back(authorization_id, "error", f"The token did not work: {exc.message} ({exc.code})")
        refreshed = " (SBS refreshed the token first)" if result.get("refreshed") else ""
        message = (f"ANAF answered HTTP {result.get('httpStatus')}: {result.get('answer')} "
                   f"\u2014 from {result.get('endpoint')}, {result.get('environment')} environment{refreshed}.")
        auth = result.get("authorization") or {}
        if auth.get("status") == NEEDS_REAUTHORIZATION:
            message += (f" The access token works until {auth.get('accessTokenExpiresAt')}, but SBS can no longer "
                        "refresh it: connect again before then.")
        return _back(authorization_id, "ok", message)

    @bp.post("/authorizations/<authorization_id>/delete")
    def delete(authorization_id: str) -> Response:
        """Delete it at SBS, which revokes the tokens at ANAF."""
        try:
            deleted = demo.sbs.delete_authorization(authorization_id)
        except SbsError as exc:
            flash(f"SBS did not delete it: {exc.message} ({exc.code})", "error")
        else:
            revoked = ("SBS revoked its tokens at ANAF" if deleted.get("revoked")
                       else f"ANAF did not confirm the revocation ({deleted.get('revokeError')})")
            flash(f"Deleted: {revoked}. Connect again from the home page to get a new one.", "ok")
        return redirect(url_for("authorizations.listing"), 303)

    return bp


def _back(authorization_id: str, category: str, message: str, detail: str | None = None) -> Response:
    """Back to the list, scrolled to the authorization acted on, with the outcome shown inside it (a message at
    the top of the page would be out of sight there). ``detail`` is SBS's status message: the authorization
    shows it under its status, so it is repeated only when the outcome stands apart at the top."""
    session["authorization_outcome"] = {"id": authorization_id, "category": category, "message": message,
                                        "detail": detail}
    return redirect(url_for("authorizations.listing") + f"#auth-{quote(authorization_id, safe='')}", 303)
