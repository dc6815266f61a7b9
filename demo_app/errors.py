"""The demo's one error handler: every error becomes a page that says what happened and what to do next."""
from __future__ import annotations

import logging

from flask import Flask, render_template
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from demo_app.sbs_client import SbsError, SbsUnavailable

log = logging.getLogger(__name__)


def install(app: Flask) -> None:
    """Register the handler for every exception."""

    @app.errorhandler(Exception)
    def _page(exc: Exception) -> tuple[str, int]:
        if isinstance(exc, RequestEntityTooLarge):
            limit = app.config.get("MAX_CONTENT_LENGTH") or 0
            return _render(413, "Too much data", f"The form sent is larger than the {limit // 1024} KB this demo "
                           "accepts. Remove some rows or shorten the values and try again.")
        if isinstance(exc, HTTPException):
            code = exc.code or 500
            title = {400: "This request was refused", 404: "Nothing here", 405: "Not allowed here"}.get(
                code, exc.name)
            return _render(code, title, exc.description or exc.name)
        if isinstance(exc, SbsUnavailable):
            return _render(502, "SBS is not answering", f"The demo could not reach mock SBS at {exc.url}: it "
                           f"{exc.reason}. Start the whole sandbox with `anaf-sandbox up` (or `make run`), or point "
                           "the demo at SBS with DEMO_SBS_URL, then reload this page.")
        if isinstance(exc, SbsError):
            if exc.code == "NOT_CONFIGURED":
                return _render(503, "The demo is not configured", exc.message)
            if exc.code == "UNAUTHENTICATED":
                return _render(502, "SBS refused the demo's key", f"SBS answered: {exc.message} Check "
                               f"{exc.setting or 'the demo key settings'} (or DEMO_MANIFEST): the key must be one "
                               "SBS issued, of the right kind.")
            hint = f" Check {exc.setting}." if exc.setting else ""
            return _render(502, "SBS refused the request", f"SBS answered {exc.operation} with "
                           f"{exc.code}: {exc.message}{hint}")
        log.exception("unexpected error")
        return _render(500, "Something went wrong", "The demo hit an unexpected error; the details are in its log. "
                       "Go back home and try again.")


def _render(status: int, title: str, message: str) -> tuple[str, int]:
    return render_template("error.html", status=status, title=title, message=message), status
