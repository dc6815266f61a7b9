"""Home and the settings editor: the app's ANAF settings as SBS holds them, and `updateApp` to change them."""
from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from demo_app.services import Services
from demo_app.rules import connect_cards
from demo_app.sbs_client import SbsError
from demo_app.settings import (
    SERVICES, SecretRow, Service, SettingsForm, form_from_settings, mask_secrets, place_errors, plan_update, read_form,
    service_named, service_view, whole_number,
)
from demo_app.store import SavedExchange

MORE_ROWS = 2  # empty additional-secret rows folded under the visible one


def create_blueprint(demo: Services) -> Blueprint:
    """The pages, reading the demo's collaborators from ``demo``."""
    bp = Blueprint("pages", __name__)

    @bp.get("/")
    def home() -> str:
        """What this is, the seeded organization, the settings per service and a Connect card per rule."""
        app = demo.sbs.app()
        organization, org_error = None, None
        try:
            wanted = demo.config.organization_id
            organization = next((o for o in demo.sbs.organizations() if o.get("id") == wanted), None)
        except SbsError as exc:
            org_error = f"{exc.code}: {exc.message}"
        services = [
            {
                "service": s,
                "settings": _pretty(service_view(s, app)),
                "implicit": bool(app.get(s.implicit_field)),
                "cards": connect_cards(s, app, demo.config.url),
            }
            for s in SERVICES
        ]
        return render_template("home.html", app=app, organization=organization, org_error=org_error,
                               services=services, config=demo.config, recent=demo.store.recent_flows(5))

    @bp.get("/settings/<slug>")
    def settings(slug: str) -> str:
        """The editor for one service, pre-filled from SBS; `?sent=<id>` shows the last `updateApp` exchange."""
        service = _service(slug)
        app = demo.sbs.app()
        extra = _int_arg("extra", 1, 0, 10)
        sent = demo.store.exchange(request.args.get("sent", "")) if request.args.get("sent") else None
        form = form_from_settings(service, app, extra + MORE_ROWS)
        return render_template("settings.html", service=service, form=form, **_rows(form, extra),
                               current=_pretty(service_view(service, app)), sent=_shown(sent), errors={}, general=[],
                               implicit_main=_implicit_main(service, app))

    @bp.post("/settings/<slug>")
    def update_settings(slug: str) -> Response | tuple[str, int]:
        """Send the form's changes with `updateApp`; on SBS's refusal show its errors by field (nothing changed)."""
        service = _service(slug)
        app = demo.sbs.app()
        form = read_form(request.form)
        plan = plan_update(service, form, app)
        if not plan.changes:
            flash("Nothing to send: the form matches the settings SBS holds.", "info")
            return redirect(url_for("pages.settings", slug=slug))
        exchange = demo.sbs.update_app(plan.changes)
        saved = SavedExchange(demo.new_id(), service.scope, exchange.document, mask_secrets(exchange.variables),
                              mask_secrets(exchange.answer), not exchange.errors, demo.clock.now())
        demo.store.add_exchange(saved)
        if not exchange.errors:
            flash(f"SBS accepted the update of {service.title}'s settings.", "ok")
            return redirect(url_for("pages.settings", slug=slug, sent=saved.id))
        errors, general = place_errors(service, [(e.message, e.extensions) for e in exchange.errors], plan, form)
        unchanged = demo.sbs.app()
        page = render_template("settings.html", service=service, form=form, **_rows(form, 0),
                               current=_pretty(service_view(service, unchanged)), sent=_shown(saved), errors=errors,
                               general=general, implicit_main=_implicit_main(service, unchanged))
        return page, 422

    return bp


def _service(slug: str) -> Service:
    service = service_named(slug)
    if service is None or service.slug != slug:
        abort(404, description=f"There is no service {slug!r}: the demo knows e-Factura and e-Transport.")
    return service


def _rows(form: SettingsForm, empty_shown: int) -> dict[str, list[SecretRow]]:
    """The additional-secret rows to show (stored, filled in, and ``empty_shown`` empty ones), and the empty rows
    kept folded below them: more rows without a reload, so nothing typed is lost."""
    shown: list[SecretRow] = []
    more: list[SecretRow] = []
    for row in form.additional:
        if row.original is not None or not row.blank or empty_shown > 0:
            empty_shown -= row.original is None and row.blank
            shown.append(row)
        else:
            more.append(row)
    return {"rows_shown": shown, "rows_more": more}


def _implicit_main(service: Service, app: dict[str, Any]) -> dict[str, Any] | None:
    """SBS's own main secret as the Account API shows it while the implicit flag is on; None otherwise."""
    return (app.get(service.main_field) or {}) if app.get(service.implicit_field) else None


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    number = whole_number(request.args.get(name, ""))
    return default if number is None else max(low, min(high, number))


def _pretty(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


def _shown(saved: SavedExchange | None) -> dict[str, Any] | None:
    if saved is None:
        return None
    return {"document": saved.document, "variables": _pretty(saved.variables), "answer": _pretty(saved.answer),
            "ok": saved.ok}
