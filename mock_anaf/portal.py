"""The developer portal's pages (seed: "Creating an ANAF API developer account", "Registering an OAuth app").

Server-rendered, in Romanian like ANAF's own. Logging in takes an e-mail and then the access code
ANAF would e-mail; the sandbox sends no e-mail and shows the code on the page instead.
"""
from __future__ import annotations

import hmac
import secrets
from typing import Any, Callable

from flask import Blueprint, Response, flash, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response as BaseResponse

from mock_anaf import csrf
from mock_anaf.errors import NotFound, PortalError
from mock_anaf.registry import identity_json
from mock_anaf.services import Services
from mock_anaf.records import AppRecord
from mock_anaf.validation import SERVICE_LABELS, SERVICES

PageResult = str | BaseResponse | tuple[str, int]


def form_app_fields() -> dict[str, Any]:
    """The "Editare profil OAuth" form as API fields: empty callback boxes are ignored."""
    return {
        "name": request.form.get("name", "").strip(),
        "callbacks": [c.strip() for c in request.form.getlist("callback") if c.strip()],
        "services": [s for s in request.form.getlist("service") if s],
    }


def blank_form(app: AppRecord | None = None) -> dict[str, Any]:
    if app is None:
        return {"name": "", "callbacks": ["", ""], "services": []}
    return {"name": app.name, "callbacks": list(app.callbacks) + [""], "services": list(app.services)}


def create_portal_blueprint(services: Services) -> Blueprint:
    """Pages under `/portal/`."""
    bp = Blueprint("portal", __name__, url_prefix="/portal")
    registry = services.registry
    public_url = services.config.base_url

    @bp.before_request
    def protect_forms() -> None:
        if request.method == "POST":
            csrf.check(public_url)

    @bp.context_processor
    def page_globals() -> dict[str, Any]:
        return {"csrf_token": csrf.token(), "developer": session.get("developer"),
                "service_labels": SERVICE_LABELS, "all_services": SERVICES}

    def login_required(view: Callable[..., PageResult]) -> Callable[..., PageResult]:
        def wrapper(*args: Any, **kwargs: Any) -> PageResult:
            email = session.get("developer")
            if not isinstance(email, str) or not services.store.developer_exists(email):
                session.pop("developer", None)
                flash("Autentificați-vă pentru a continua.")
                return redirect(url_for("portal.login"))
            return view(email, *args, **kwargs)

        wrapper.__name__ = view.__name__
        wrapper.__doc__ = view.__doc__
        return wrapper

    def own_app(email: str, client_id: str) -> AppRecord:
        app = registry.get_app(client_id)
        if app.developer != email:
            raise NotFound("Aplicația nu există sau aparține altui cont.")
        return app

    @bp.get("/")
    def index() -> PageResult:
        """Start page: the steps, in the order ANAF's site has them."""
        return render_template("portal/index.html")

    @bp.route("/inregistrare", methods=["GET", "POST"])
    def register() -> PageResult:
        """Înregistrare pentru API-uri: create a developer account from an e-mail address."""
        if request.method == "GET":
            return render_template("portal/register.html", email="", error=None)
        email = request.form.get("email", "")
        try:
            clean = registry.ensure_developer(email)
        except PortalError as exc:
            return render_template("portal/register.html", email=email, error=exc.message), 400
        flash(f"Contul {clean} este activ. (În sandbox nu se trimite e-mail de activare.)")
        return redirect(url_for("portal.login", email=clean))

    @bp.route("/autentificare", methods=["GET", "POST"])
    def login() -> PageResult:
        """Autentificare utilizator, step 1: the account's e-mail address."""
        if request.method == "GET":
            return render_template("portal/login.html", email=request.args.get("email", ""), error=None)
        email = request.form.get("email", "").strip().lower()
        if not services.store.developer_exists(email):
            error = "Nu există un cont pentru această adresă. Creați-l la „Înregistrare pentru API-uri”."
            return render_template("portal/login.html", email=email, error=error), 400
        session["pending_email"] = email
        session["pending_code"] = f"{secrets.randbelow(1_000_000):06d}"
        return redirect(url_for("portal.login_code"))

    @bp.route("/autentificare/cod", methods=["GET", "POST"])
    def login_code() -> PageResult:
        """Step 2: the access code ANAF e-mails; the sandbox shows it on this page."""
        email, expected = session.get("pending_email"), session.get("pending_code")
        if not isinstance(email, str) or not isinstance(expected, str):
            return redirect(url_for("portal.login"))
        if request.method == "GET":
            return render_template("portal/login_code.html", email=email, code=expected, error=None)
        sent = request.form.get("code", "").strip()
        if not hmac.compare_digest(sent.encode(), expected.encode()):
            return render_template("portal/login_code.html", email=email, code=expected,
                                   error="Cod de acces greșit."), 400
        session.pop("pending_email")
        session.pop("pending_code")
        session["developer"] = email
        session[csrf.FIELD] = secrets.token_urlsafe(24)  # a new token after login
        return redirect(url_for("portal.profile"))

    @bp.post("/iesire")
    def logout() -> PageResult:
        """Ieșire: forget the session."""
        session.clear()
        flash("V-ați deconectat.")
        return redirect(url_for("portal.index"))

    @bp.route("/profil-oauth", methods=["GET", "POST"])
    @login_required
    def profile(email: str) -> PageResult:
        """Editare profil OAuth: the account's apps and the form that registers a new one."""
        apps = services.store.list_apps(email)
        if request.method == "GET":
            return render_template("portal/profile.html", apps=apps, form=blank_form(), error=None, field=None)
        fields = form_app_fields()
        if request.form.get("action") == "add_callback":
            fields["callbacks"] = (fields["callbacks"] or [""]) + [""]
            return render_template("portal/profile.html", apps=apps, form=fields, error=None, field=None)
        try:
            app, secret = registry.create_app(fields["name"], fields["callbacks"], fields["services"], email)
        except PortalError as exc:
            fields["callbacks"] = fields["callbacks"] or ["", ""]
            return render_template("portal/profile.html", apps=apps, form=fields, error=exc.message,
                                   field=exc.field), 400
        response = Response(render_template("portal/app_created.html", app=app, secret=secret))
        response.headers["Cache-Control"] = "no-store"
        return response

    @bp.route("/profil-oauth/<client_id>", methods=["GET", "POST"])
    @login_required
    def edit_app(email: str, client_id: str) -> PageResult:
        """Change an app's name, callback URLs and services."""
        app = own_app(email, client_id)
        if request.method == "GET":
            return render_template("portal/edit_app.html", app=app, form=blank_form(app), error=None, field=None)
        fields = form_app_fields()
        if request.form.get("action") == "add_callback":
            fields["callbacks"] = fields["callbacks"] + [""]
            return render_template("portal/edit_app.html", app=app, form=fields, error=None, field=None)
        try:
            registry.update_app(client_id, fields)
        except PortalError as exc:
            fields["callbacks"] = fields["callbacks"] or [""]
            return render_template("portal/edit_app.html", app=app, form=fields, error=exc.message,
                                   field=exc.field), 400
        flash(f"Aplicația {fields['name']} a fost actualizată.")
        return redirect(url_for("portal.profile"))

    @bp.post("/profil-oauth/<client_id>/renuntare")
    @login_required
    def delete_app(email: str, client_id: str) -> PageResult:
        """Renunțare OAuth: the app and every token issued to it stop existing."""
        app = own_app(email, client_id)
        registry.delete_app(app.client_id)
        flash(f"Ați renunțat la OAuth pentru aplicația {app.name}; tokenurile ei nu mai sunt valabile.")
        return redirect(url_for("portal.profile"))

    @bp.route("/identitati", methods=["GET", "POST"])
    def identities() -> PageResult:
        """The simulated certificates (the USB tokens of the sandbox), and a form to add one."""
        if request.method == "GET":
            return render_template("portal/identities.html", identities=registry.identities(), error=None,
                                   form={"name": "", "cifs": ""})
        form = {"name": request.form.get("name", ""), "cifs": request.form.get("cifs", "")}
        cifs = [c.strip() for c in form["cifs"].replace(";", ",").split(",") if c.strip()]
        try:
            identity = registry.add_identity({"name": form["name"], "cifs": cifs})
        except PortalError as exc:
            return render_template("portal/identities.html", identities=registry.identities(), form=form,
                                   error=f"{exc.field}: {exc.message}"), 400
        flash(f"Certificatul {identity_json(identity)['serial']} a fost adăugat.")
        return redirect(url_for("portal.identities"))

    return bp
