"""The gateway in front of api.anaf.ro's APIs (SPEC-ANAF-API §6.1): bearer token → caller, or 401/403/429.

On the real side an F5 gateway checks the token before ANAF's application sees the request, so these
answers come before any parameter is looked at. Every refusal carries `X-Sandbox-Reason` (why, for a
learner) and a journal note; the bodies stay ANAF's. The caller's rights are the CIFs of the
certificate the token was issued for, read by serial at call time; the roles are those stored with
the token when it was issued. Shared by e-Factura (role EFACTURA) and e-Transport (role ETRANSPORT).
"""
from __future__ import annotations

import json
import math
import threading
from collections import deque
from dataclasses import dataclass
from typing import Callable

from flask import Response

from foundation import journal
from foundation.clock import Clock
from mock_anaf.grants import access_problem
from mock_anaf.processing import RuntimeSettings
from mock_anaf.store import Store
from mock_anaf.tokens import token_hash

WINDOW_SECONDS = 60.0
REALM = 'Bearer realm="api.anaf.ro"'  # [P: realm]
INVALID_TOKEN = 'Bearer realm="api.anaf.ro", error="invalid_token"'  # [V: 3P-401]
UNAUTHORIZED = {"message": "Unauthorized", "status": "401"}  # [V: 3P-401; `status` is a string]
FORBIDDEN = {"message": "Forbidden", "status": "403"}  # [P]
TOO_MANY = {"message": "Too Many Requests", "status": "429"}  # [P]


@dataclass(frozen=True)
class Caller:
    """Who is calling: the certificate's serial and CIFs (`RO` stripped), and the app's client id."""

    serial: str
    cifs: frozenset[str]
    client_id: str

    def may_act_for(self, cif: str) -> bool:
        return cif in self.cifs


class ApiRefusal(Exception):
    """A refusal that is already ANAF's answer: status, JSON body, headers and the sandbox's reason."""

    def __init__(self, status: int, body: dict[str, str], reason: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(reason)
        self.status = status
        self.body = body
        self.reason = reason
        self.headers = headers or {}

    def response(self) -> Response:
        """The answer, with `X-Sandbox-Reason`; the journal gets the reason too."""
        journal.note(error=f"api_{self.status}", reason=self.reason)
        answer = Response(json.dumps(self.body, separators=(",", ":")), status=self.status, mimetype="application/json")
        for name, value in self.headers.items():
            answer.headers[name] = value
        answer.headers["X-Sandbox-Reason"] = self.reason
        return answer


def unauthorized(reason: str, token_sent: bool = True) -> ApiRefusal:
    return ApiRefusal(401, UNAUTHORIZED, reason, {"WWW-Authenticate": INVALID_TOKEN if token_sent else REALM})


def forbidden(reason: str) -> ApiRefusal:
    return ApiRefusal(403, FORBIDDEN, reason)


def too_many(retry_after: int, reason: str) -> ApiRefusal:
    return ApiRefusal(429, TOO_MANY, reason, {"Retry-After": str(retry_after)})


def bearer_value(header: str | None) -> str | None:
    """The token of `Authorization: Bearer <token>`, or None when the header has another shape."""
    scheme, _, value = (header or "").strip().partition(" ")
    value = value.strip()
    if scheme.lower() != "bearer" or not value or " " in value:
        return None
    return value


class SlidingWindow:
    """At most ``limit`` calls per access token in any 60 s (per token, sliding: §6.1 [P])."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._calls: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def admit(self, key: str, limit: int) -> int | None:
        """Count a call and return None, or refuse it: the seconds until one more call would be admitted."""
        now = self.clock.now()
        with self._lock:
            calls = self._calls.setdefault(key, deque())
            while calls and calls[0] <= now - WINDOW_SECONDS:
                calls.popleft()
            if len(calls) >= limit:
                oldest = calls[-limit] if limit else now
                return max(1, math.ceil(oldest + WINDOW_SECONDS - now))
            calls.append(now)
            return None

    def clear(self) -> None:
        with self._lock:
            self._calls.clear()


class Gateway:
    """Turns an `Authorization` header into a ``Caller`` for one service role, or raises ApiRefusal."""

    def __init__(self, store: Store, clock: Clock, settings: RuntimeSettings,
                 app_services: Callable[[str], tuple[str, ...]] | None = None) -> None:
        self.store = store
        self.clock = clock
        self.settings = settings
        self.window = SlidingWindow(clock)
        # Roles of tokens issued before roles were stored on the token row: the app's services now.
        self._app_services = app_services or (lambda client_id: ())

    def admit(self, authorization: str | None, role: str) -> Caller:
        """401 (no/bad/expired/revoked/refresh/opaque token), 403 (app not enrolled for ``role``), 429, else the caller."""
        if authorization is None or not authorization.strip():
            raise unauthorized("send Authorization: Bearer <access token>", token_sent=False)
        value = bearer_value(authorization)
        if value is None:
            raise unauthorized("the Authorization header is not 'Bearer <access token>'")
        key = token_hash(value)
        record = self.store.find_token(key)
        if record is not None:
            journal.note(client_id=record.client_id)
        problem = access_problem(record, self.clock.now())
        if problem is not None:
            raise unauthorized(problem)
        assert record is not None
        settings = self.settings.current()
        if settings.require_jwt and not record.is_jwt:
            raise unauthorized("an opaque access token: the API accepts JWT access tokens only "
                               "(ask for token_content_type=jwt)")
        roles = record.roles if record.roles is not None else self._app_services(record.client_id)
        if role not in roles:
            raise forbidden(f"the app {record.client_id} is not enrolled for {role} (its token has roles: "
                            f"{', '.join(roles) or 'none'})")
        wait = self.window.admit(key, settings.per_minute)
        if wait is not None:
            raise too_many(wait, f"more than {settings.per_minute} calls in the last 60 s with this access token")
        identity = self.store.get_identity(record.serial)
        cifs = frozenset(c.upper().removeprefix("RO") for c in (identity.cifs if identity else ()))
        return Caller(record.serial, cifs, record.client_id)

    def reset(self) -> None:
        """Forget the per-minute windows (`/__admin/reset`)."""
        self.window.clear()
