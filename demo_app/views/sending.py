"""Sending documents through SBS with an authorization (SPEC §4, last bullet): a sample or broken invoice, a sample
declaration; the result page with ANAF's states as they change, the client id whose token carried the call, the
download and the trail; and the inbox of invoices suppliers sent to the organization."""
from __future__ import annotations

import base64
import time
from datetime import datetime, timezone
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for

from demo_app.sbs_client import SbsError
from demo_app.sends import KINDS, Send, Sending
from demo_app.services import Services
from demo_app.trail import LANE_TITLES, LANES, api_calls, build_trail
from foundation.journal import note
from foundation.samples import broken_invoice, sample_declaration, sample_invoice

FINAL = {"OK", "NOK", "XML_ERRORS", "FAILED"}
SHOWN_TEXT = 20_000  # characters of a downloaded file shown on the page


def create_blueprint(demo: Services, sending: Sending) -> Blueprint:
    """The send, result and inbox pages over ``demo``'s collaborators and ``sending`` (SBS's API services)."""
    bp = Blueprint("sending", __name__)

    @bp.post("/authorizations/<authorization_id>/send/<kind>")
    def send(authorization_id: str, kind: str) -> Response:
        """Build a sample document for the organization, send it through SBS, and show what happens to it."""
        if kind not in KINDS:
            abort(404, description="The demo sends a sample invoice, a broken invoice or a sample declaration.")
        d, s = demo, sending
        scope = KINDS[kind][0]
        try:
            authorization = d.sbs.authorization(authorization_id)
        except SbsError as exc:
            if exc.code != "NOT_FOUND":
                raise
            authorization = None
        if authorization is None or authorization.get("scope") != scope:
            abort(409, description=f"This needs an {scope} authorization of the organization; the one on the page is "
                                   "gone or of the other service. Go back to Authorizations.")
        tin = _organization_tin()
        marks = d.journals.marks()
        today = datetime.fromtimestamp(d.clock.now(), tz=timezone.utc).date()
        note(scope=scope, operation=f"send {kind}")
        record_id, error, states = None, None, ()
        try:
            if kind == "declaration":
                record = s.api.upload_declaration(sample_declaration(tin, f"DEMO-{d.new_id()[:6]}", today))
            elif kind == "broken":
                record = s.api.upload_invoice(broken_invoice(tin, today))
            else:
                record = s.api.upload_invoice(sample_invoice(tin, f"SBX-{today:%Y%m%d}-{d.new_id()[:6]}", today))
            record_id, states = record["id"], ((_now_iso(), str(record["status"])),)
        except SbsError as exc:
            extensions = exc.errors[0].extensions if exc.errors else {}
            record_id = extensions.get("invoiceId") or extensions.get("declarationId")
            error = {"code": exc.code, "message": exc.message, "anaf": extensions.get("anaf")}
        sent = Send(d.new_id(), kind, scope, authorization_id, record_id, error, states, marks, d.clock.now(), time.time())
        s.sends.add(sent)
        return redirect(url_for("sending.result", send_id=sent.id), 303)  # type: ignore[return-value]


    @bp.get("/sends/<send_id>")
    def result(send_id: str) -> str:
        """ANAF's states as they change (the page reloads itself while PENDING), the token's client id, the download,
        and the trail of calls across the three services."""
        d, s = demo, sending
        sent = _send(send_id)
        record, read_error = None, None
        if sent.record_id:
            try:
                record = (s.api.declaration if sent.scope == "ETRANSPORT" else s.api.invoice)(sent.record_id)
            except SbsError as exc:
                read_error = f"{exc.code}: {exc.message}"
        states = s.sends.saw(sent.id, str(record["status"]), _now_iso()) if record else sent.states
        download, download_error = None, None
        if record is not None and sent.scope == "EFACTURA" and record.get("downloadId"):
            try:
                download = s.api.download_invoice(sent.record_id or "")
            except SbsError as exc:
                download_error = f"{exc.code}: {exc.message}"
        journals, missing = d.journals.since(sent.marks)
        status = str(record["status"]) if record else ("FAILED" if sent.error else "UNKNOWN")
        return render_template(
            "send.html", send=sent, record=record or {}, status=status, states=states, read_error=read_error,
            pending=status == "PENDING", download=_shown(download), download_error=download_error,
            carried=api_calls(journals), steps=build_trail(journals), missing=missing, trail_of="send",
            lanes=[(lane, LANE_TITLES[lane]) for lane in LANES])


    @bp.post("/sends/<send_id>/check")
    def check(send_id: str) -> Response:
        """Ask SBS to ask ANAF's `stareMesaj` now (SBS keeps within ANAF's daily quota)."""
        s, sent = sending, _send(send_id)
        if sent.record_id:
            try:
                if sent.scope == "ETRANSPORT":
                    s.api.refresh_declaration_status(sent.record_id)
                else:
                    s.api.refresh_invoice_status(sent.record_id)
            except SbsError as exc:
                flash(f"SBS did not check: {exc.message} ({exc.code})", "error")
        return redirect(url_for("sending.result", send_id=sent.id), 303)  # type: ignore[return-value]


    @bp.get("/sends/<send_id>/zip")
    def send_zip(send_id: str) -> Response:
        """The ZIP ANAF gave for the invoice (SBS keeps it after the first download)."""
        sent = _send(send_id)
        if sent.scope != "EFACTURA" or not sent.record_id:
            abort(404, description="Only a sent invoice has a download.")
        return _zip(sent.record_id)


    @bp.get("/inbox")
    def inbox() -> str:
        """Invoices suppliers sent to the organization, as SBS recorded them from ANAF's message list."""
        try:
            invoices, error = sending.api.invoices("INBOUND"), None
        except SbsError as exc:
            invoices, error = [], f"{exc.code}: {exc.message}"
        return render_template("inbox.html", invoices=invoices, error=error, tin=_organization_tin())


    @bp.post("/inbox/supplier-invoice")
    def supplier_invoice() -> Response:
        """Ask mock ANAF's control plane for a supplier's invoice to the organization, then sync SBS with ANAF's list."""
        d, s = demo, sending
        environment = "test" if d.sbs.app().get("roAnafEfacturaUseTestEnvironment") else "prod"
        try:
            s.api.request_supplier_invoice(environment, _organization_tin())
        except SbsError as exc:
            flash(f"Mock ANAF did not make a supplier's invoice: {exc.message}", "error")
            return redirect(url_for("sending.inbox"), 303)  # type: ignore[return-value]
        return _sync()


    @bp.post("/inbox/sync")
    def sync() -> Response:
        """Let SBS read ANAF's message list and record what is new."""
        return _sync()


    @bp.get("/inbox/<invoice_id>/zip")
    def inbox_zip(invoice_id: str) -> Response:
        """The ZIP of an inbound invoice."""
        return _zip(invoice_id)

    def _sync() -> Response:
        try:
            found = sending.api.sync_invoices()
        except SbsError as exc:
            flash(f"SBS did not sync: {exc.message} ({exc.code})", "error")
        else:
            added = found.get("added") or []
            flash(f"SBS read ANAF's message list ({found.get('environment')}, last {found.get('days')} days): "
                  f"{found.get('messages')} messages, {len(added)} new.", "ok")
        return redirect(url_for("sending.inbox"), 303)  # type: ignore[return-value]

    def _zip(invoice_id: str) -> Response:
        try:
            download = sending.api.download_invoice(invoice_id)
        except SbsError as exc:
            abort(409, description=f"SBS did not give the download: {exc.message} ({exc.code})")
        body = base64.b64decode(str(download.get("zipBase64") or ""))
        name = str(download.get("fileName") or "invoice.zip")
        return Response(body, mimetype="application/zip",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    def _send(send_id: str) -> Send:
        sent = sending.sends.get(send_id)
        if sent is None:
            abort(404, description="There is no such send. Send a document from an authorization on the "
                                   "Authorizations page.")
        return sent

    def _organization_tin() -> str:
        found = next((o for o in demo.sbs.organizations() if o.get("id") == demo.config.organization_id), None)
        if found is None:
            abort(409, description="SBS holds no organization with the demo's DEMO_ORGANIZATION_ID.")
        tin = str(found.get("tin") or "").upper()
        return tin[2:] if tin.startswith("RO") else tin

    def _now_iso() -> str:
        return datetime.fromtimestamp(demo.clock.now(), tz=timezone.utc).isoformat(timespec="seconds").replace(
            "+00:00", "Z")

    def _shown(download: dict[str, Any] | None) -> dict[str, Any] | None:
        if download is None:
            return None
        files = [{"name": f.get("name"), "size": f.get("size"), "text": str(f.get("text") or "")[:SHOWN_TEXT],
                  "cut": len(str(f.get("text") or "")) > SHOWN_TEXT} for f in download.get("files") or []]
        return {**download, "files": files}

    return bp
