"""The control plane every service shares (SPEC §2.3): journal, clock, faults, reset under `/__admin/`.

No web page may drive it: a state-changing call (POST, PUT, PATCH, DELETE on any `/__admin/` path, the
service's own ones included) is refused when it carries another origin's `Origin` header, or a body
that is not JSON. An HTML form can send neither JSON nor a same-origin `Origin` from another site;
scripts (curl, requests, the launcher) send no `Origin` and either JSON or no body at all.
"""
from __future__ import annotations

import math
from typing import Any, Callable
from urllib.parse import urlsplit

from flask import Blueprint, Response, jsonify, request

from foundation.clock import OffsetClock, iso
from foundation.faults import FaultInjector
from foundation.journal import Journal
from foundation.json_body import JsonBodyError, request_json

MAX_ADVANCE = 100 * 365 * 24 * 3600
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _bad(message: str, status: int = 400, error: str = "invalid_request") -> tuple[Response, int]:
    response = jsonify({"error": error, "error_description": message})
    response.headers["Cache-Control"] = "no-store"
    return response, status


def _json_object() -> dict[str, Any] | None:
    """The body's JSON object, None for another JSON value; an unusable body raises JsonBodyError."""
    data = request_json()
    return data if isinstance(data, dict) else None


def _origin(url: str) -> tuple[str, str, int | None] | None:
    try:
        parts = urlsplit(url)
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    except ValueError:
        return None
    return (parts.scheme, (parts.hostname or "").lower(), port) if parts.scheme and parts.hostname else None


def control_plane_refusal() -> tuple[Response, int] | None:
    """Why this request may not change the control plane's state, or None when it may (see the module docstring)."""
    if request.method not in STATE_CHANGING or not request.path.startswith("/__admin/"):
        return None
    origin = request.headers.get("Origin")
    if origin is not None and (_origin(origin) is None or _origin(origin) != _origin(request.host_url)):
        return _bad("The control plane takes no calls from web pages of another origin; call it from a script.",
                    403, "forbidden")
    has_body = bool(request.content_length) or "chunked" in request.headers.get("Transfer-Encoding", "")
    if (has_body or request.mimetype) and not request.is_json:
        return _bad("Send a JSON body (Content-Type: application/json), or no body at all.", 415,
                    "unsupported_media_type")
    return None


def create_admin_blueprint(
    journal: Journal,
    clock: OffsetClock,
    reset: Callable[[], None],
    faults: FaultInjector | None = None,
    snapshot: Callable[[], None] | None = None,
) -> Blueprint:
    """A blueprint for `/__admin/*`.

    ``reset`` puts the service's own state back to its seeded baseline; ``snapshot`` (optional) makes
    the current state that baseline, which the launcher calls once seeding is done.
    """
    bp = Blueprint("admin", __name__, url_prefix="/__admin")
    bp.before_app_request(control_plane_refusal)

    @bp.errorhandler(JsonBodyError)
    def unusable_body(exc: JsonBodyError) -> tuple[Response, int]:
        return _bad(exc.message, exc.status)

    @bp.get("/requests")
    def list_requests() -> Response | tuple[Response, int]:
        """The redacted journal, oldest first; `?path=` prefix, `?since=` id, `?limit=`."""
        try:
            since = int(request.args.get("since", "0"))
            limit = int(request.args["limit"]) if "limit" in request.args else None
        except ValueError:
            return _bad("since and limit must be whole numbers")
        return jsonify(journal.entries(path=request.args.get("path"), since=since, limit=limit))

    @bp.delete("/requests")
    def clear_requests() -> tuple[str, int]:
        """Forget the journal."""
        journal.clear()
        return "", 204

    def clock_state() -> dict[str, Any]:
        now = clock.now()
        return {"now": iso(now, "milliseconds"), "epoch": now, "offset": clock.offset}

    @bp.get("/clock")
    def get_clock() -> Response:
        """The service's current time and how far it was moved."""
        return jsonify(clock_state())

    @bp.post("/clock")
    def move_clock() -> Response | tuple[Response, int]:
        """Move the clock forward by `{"advance": seconds}`."""
        data = _json_object()
        if data is None:
            return _bad('send a JSON object like {"advance": 3600}')
        seconds = data.get("advance")
        # JSON lets through NaN, Infinity and 1e300; none of them is a time a token can expire at.
        if (isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not math.isfinite(seconds)
                or not 0 <= seconds <= MAX_ADVANCE):
            return _bad(f"advance must be a number of seconds from 0 to {MAX_ADVANCE} (100 years)")
        clock.advance(float(seconds))
        return jsonify(clock_state())

    if faults is not None:

        @bp.get("/faults")
        def list_faults() -> Response:
            """Faults armed and not yet consumed."""
            return jsonify(faults.pending())

        @bp.post("/faults")
        def arm_fault() -> tuple[Response, int]:
            """Arm `{"endpoint","error","times","seconds"}`: the next N calls fail that way."""
            data = _json_object()
            if data is None:
                return _bad('send a JSON object like {"endpoint": "token", "error": "server_error"}')
            try:
                faults.arm(
                    str(data.get("endpoint", "")),
                    str(data.get("error", "")),
                    times=data.get("times", 1),
                    seconds=data.get("seconds", 0.0),
                )
            except ValueError as exc:
                return _bad(str(exc))
            return jsonify(faults.pending()), 201

        @bp.delete("/faults")
        def clear_faults() -> tuple[str, int]:
            """Disarm every fault."""
            faults.clear()
            return "", 204

    if snapshot is not None:

        @bp.post("/snapshot")
        def take_snapshot() -> Response:
            """Make the current state the one `/__admin/reset` returns to."""
            snapshot()
            return jsonify({"snapshot": True})

    @bp.post("/reset")
    def reset_all() -> Response:
        """Back to the seeded state: service data, clock, faults and journal."""
        reset()
        clock.reset()
        if faults is not None:
            faults.clear()
        journal.clear()
        return jsonify({"reset": True})

    return bp
