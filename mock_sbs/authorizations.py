"""Brokering ANAF tokens (SPEC §3.3): authorization requests, completing them, refresh, test and delete.

No Flask: the GraphQL resolvers and the callback route call in with who is calling. The clock is
SBS's service clock, so `/__admin/clock` moves request expiry and the refresh decision.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Callable

from foundation.clock import Clock, iso

from mock_sbs.access import Caller
from mock_sbs.anaf_client import AnafGateway, HelloAnswer
from mock_sbs.authorization_rules import authorization_url, refresh_due, shown_status, state_hash
from mock_sbs.errors import (
    AccessDenied,
    AnafError,
    AuthorizationRequired,
    BadUserInput,
    NeedsReauthorization,
    NotFound,
    RequestAlreadyUsed,
    RequestExpired,
    SbsError,
)
from mock_sbs.implicit import ImplicitSecrets
from mock_sbs.model import (ACTIVE, NEEDS_REAUTHORIZATION, AnafScope, AppRecord, Authorization, ClientSecret,
                            PendingRequest)
from mock_sbs.resolution import ResolutionError, ResolvedSecret, resolve_secret
from mock_sbs.store import Store
from mock_sbs.validation import return_url_problem

LOCK_STRIPES = 64


@dataclass(frozen=True)
class NewRequest:
    """A pending request and what the caller needs to send the user to ANAF."""

    request: PendingRequest
    state: str
    authorization_url: str


@dataclass(frozen=True)
class TestResult:
    """TestOauth's answer with the stored token, and whether the token had to be refreshed first."""

    answer: HelloAnswer
    authorization: Authorization
    refreshed: bool


class Brokering:
    """The RO ANAF OAuth service's flows for the caller's tenant."""

    def __init__(self, store: Store, anaf: AnafGateway, implicit: ImplicitSecrets, clock: Clock, *,
                 new_id: Callable[[str], str], new_state: Callable[[], str], anaf_url: str, sbs_callback: str,
                 refresh_margin: float, pending_ttl: float = 600.0) -> None:
        self.store = store
        self.authorizations = store.authorizations  # pending requests and what they gave
        self.anaf = anaf
        self.implicit = implicit
        self.clock = clock
        self.new_id = new_id
        self.new_state = new_state
        self.anaf_url = anaf_url
        self.sbs_callback = sbs_callback
        self.refresh_margin = refresh_margin
        self.pending_ttl = pending_ttl
        self._locks = [threading.Lock() for _ in range(LOCK_STRIPES)]

    # --- starting and completing a flow ---------------------------------------------------------------------

    def generate_request(self, caller: Caller, organization_id: str, scope: AnafScope,
                         oauth_callback: str | None, return_url: str | None) -> NewRequest:
        """Resolve the secret set (seed rules), and open a pending request with a fresh unguessable state."""
        org = self.store.get_organization(organization_id, caller.tenant_id or "")
        if org is None:
            raise NotFound(f"No organization with id {organization_id} for this tenant.")
        if return_url is not None and (problem := return_url_problem(return_url)):
            raise BadUserInput(f"input.returnUrl: {problem}", field="input.returnUrl")
        # An empty oauthCallback (a blank form field) counts as not given: seed rule 3, the main secret.
        secret = self._resolve(self._app(caller.app_id), scope, oauth_callback or None)
        state = self.new_state()
        now = self.clock.now()
        request = PendingRequest(
            self.new_id("areq_"), caller.tenant_id or "", caller.app_id or "", org.id, scope, secret.client_id,
            secret.oauth_callback, secret.source, secret.reason, return_url, now, now + self.pending_ttl)
        self.authorizations.add_request(request, state_hash(state))
        return NewRequest(request, state, authorization_url(self.anaf_url, secret.client_id, secret.oauth_callback,
                                                            state))

    def claim(self, state: str, tenant_id: str | None, landed_on: str | None = None) -> PendingRequest:
        """Use up the pending request of ``state`` (single use, unexpired, this tenant's, and for this callback)."""
        if not state:
            raise BadUserInput("input.state: is required (the state ANAF sent back to the callback)", field="input.state")
        hashed = state_hash(state)
        now = self.clock.now()
        claimed = self.authorizations.claim_request(hashed, tenant_id, now, landed_on)
        if claimed is not None:
            return claimed
        found = self.authorizations.find_request(hashed, tenant_id)
        if found is None:
            raise NotFound("No authorization request has this state" + ("" if tenant_id is None else " for this tenant") + ".")
        if landed_on is not None and found.oauth_callback != landed_on:
            raise BadUserInput(f"This authorization request uses the callback {found.oauth_callback}; the tenant app "
                               "completes it there with processAuthorizationResponse.")
        if found.used_at is not None:
            raise RequestAlreadyUsed("This authorization request was already used; generate a new one.")
        raise RequestExpired(f"This authorization request expired at {iso(found.expires_at)}; generate a new one.")

    def finish(self, pending: PendingRequest, code: str | None, error: str | None) -> Authorization:
        """Exchange ANAF's code with the resolved secret set and store the tokens for (organization, scope)."""
        if error:
            if error == "access_denied":
                raise AccessDenied("The user declined at ANAF (access_denied); nothing was authorized.")
            raise AnafError(f"ANAF answered the authorization with error {error}.", anafError=error,
                            anafErrorDescription=None)
        if not code:
            raise BadUserInput("input.code: is required when there is no error", field="input.code")
        app = self._app(pending.app_id)
        try:
            secret = resolve_secret(pending.scope, app.settings(pending.scope), self._implicit_for(app, pending.scope),
                                    pending.oauth_callback)
        except ResolutionError as exc:
            raise BadUserInput(f"The app's settings changed since this request was generated: {exc.message}") from None
        if secret.client_id != pending.client_id:
            raise BadUserInput(f"The client id for {pending.oauth_callback} changed since this request was generated; "
                               "generate a new request.")
        grant = self.anaf.exchange_code(_client(secret), code, secret.oauth_callback)
        now = self.clock.now()
        auth = Authorization(
            self.new_id("auth_"), pending.tenant_id, pending.app_id, pending.organization_id, pending.scope,
            pending.secret_source, secret.client_id, secret.oauth_callback, pending.reason, grant.access_token,
            grant.refresh_token, now + grant.expires_in, now + grant.refresh_expires_in, ACTIVE, None, now, now)
        self.authorizations.replace_authorization(auth)
        return auth

    # --- using an authorization ----------------------------------------------------------------------------

    def get(self, caller: Caller, auth_id: str) -> Authorization:
        """One authorization of the caller's tenant, or NOT_FOUND."""
        auth = self.authorizations.get_authorization(auth_id, caller.tenant_id or "")
        if auth is None:
            raise NotFound(f"No authorization with id {auth_id} for this tenant.")
        return auth

    def list(self, caller: Caller, organization_id: str, scope: AnafScope | None) -> list[Authorization]:
        """The authorizations of one of the caller's organizations, optionally of one service."""
        if self.store.get_organization(organization_id, caller.tenant_id or "") is None:
            raise NotFound(f"No organization with id {organization_id} for this tenant.")
        return self.authorizations.list_authorizations(caller.tenant_id or "", organization_id, scope)

    def refresh(self, caller: Caller, auth_id: str) -> Authorization:
        """Refresh now, with the same secret set that authorized (seed rule 1: "the respective set of secrets")."""
        return self._refresh(self.get(caller, auth_id))

    def test(self, caller: Caller, auth_id: str, name: str) -> TestResult:
        """Call TestOauth hello with the stored token, refreshing it first when it is due."""
        auth = self.get(caller, auth_id)
        due = refresh_due(auth.access_expires_at, self.clock.now(), self.refresh_margin)
        refreshed = False
        if due or auth.status != ACTIVE:
            # A stored NEEDS_REAUTHORIZATION is tried again: the callback may have been configured back since.
            try:
                auth, refreshed = self._refresh(auth), True
            except (NeedsReauthorization, AnafError):
                if due:
                    raise
                # It cannot be refreshed, but the access token ANAF issued still works until it expires.
                auth = self.get(caller, auth_id)
        answer = self.anaf.hello(auth.access_token, name)
        if answer.status != 200:
            raise AnafError(f"mock ANAF's TestOauth answered {answer.status}: {answer.body[:200]}",
                            anafError=f"http_{answer.status}", anafErrorDescription=answer.body[:200])
        return TestResult(answer, auth, refreshed)

    def delete(self, caller: Caller, auth_id: str) -> tuple[Authorization, str | None]:
        """Revoke the tokens at ANAF and forget them; the error of a failed revocation is returned, not raised."""
        auth = self.authorizations.delete_authorization(auth_id, caller.tenant_id or "")
        if auth is None:
            raise NotFound(f"No authorization with id {auth_id} for this tenant.")
        client = None
        try:
            client = _client(self._resolve(self._app(auth.app_id), auth.scope, auth.oauth_callback))
        except SbsError:
            pass  # the callback is gone; revoke without client authentication
        try:
            self.anaf.revoke(client, auth.refresh_token, "refresh_token")
            self.anaf.revoke(client, auth.access_token, "access_token")
        except AnafError as exc:
            return auth, exc.message
        return auth, None

    def sweep(self) -> dict[str, int]:
        """Refresh every active authorization that is due; the background sweeper calls this periodically."""
        now = self.clock.now()
        done = {"refreshed": 0, "failed": 0}
        for auth_id in self.authorizations.due_for_refresh(now + self.refresh_margin, now):
            auth = self.authorizations.get_authorization(auth_id, None)
            if auth is None:
                continue
            try:
                self._refresh(auth, only_if_due=True)
                done["refreshed"] += 1
            except SbsError:
                done["failed"] += 1
        return done

    def usable(self, tenant_id: str, organization_id: str, scope: AnafScope) -> Authorization:
        """The authorization of (organization, scope) with a live access token, refreshed first when it is due
        (with the same secret set, SPEC §3.4); AUTHORIZATION_REQUIRED when there is none or it needs a new one."""
        found = self.authorizations.list_authorizations(tenant_id, organization_id, scope)
        where = f"organization {organization_id} and scope {scope.value}"
        if not found:
            raise AuthorizationRequired(f"There is no ANAF authorization for {where}: run an authorization "
                                        "(generateAuthorizationRequest) first.", organizationId=organization_id,
                                        scope=scope.value)
        auth = found[0]
        status, message = shown_status(auth, self.clock.now())
        if status != ACTIVE:
            raise AuthorizationRequired(f"The ANAF authorization for {where} needs a new authorization: {message}",
                                        organizationId=organization_id, scope=scope.value, authorizationId=auth.id)
        if not refresh_due(auth.access_expires_at, self.clock.now(), self.refresh_margin):
            return auth
        try:
            return self._refresh(auth)
        except NeedsReauthorization as exc:
            raise AuthorizationRequired(f"The ANAF authorization for {where} needs a new authorization: "
                                        f"{exc.message}", organizationId=organization_id, scope=scope.value,
                                        authorizationId=auth.id) from None
        except AnafError as exc:
            after = self.authorizations.get_authorization(auth.id, None)
            if after is not None and after.status == NEEDS_REAUTHORIZATION:  # ANAF refused the refresh itself
                raise AuthorizationRequired(f"The ANAF authorization for {where} needs a new authorization: "
                                            f"{exc.message}", organizationId=organization_id, scope=scope.value,
                                            authorizationId=auth.id, **exc.extensions) from None
            raise

    def uses_test_environment(self, auth: Authorization) -> bool:
        """Whether the app's `roAnafXUseTestEnvironment` is on for this authorization's service."""
        app = self.store.get_app(auth.app_id)
        return bool(app and app.settings(auth.scope).use_test_environment)

    # --- internals ---------------------------------------------------------------------------------------------

    def _refresh(self, auth: Authorization, only_if_due: bool = False) -> Authorization:
        with self._locks[hash(auth.id) % LOCK_STRIPES]:
            current = self.authorizations.get_authorization(auth.id, None)
            if current is None:
                raise NotFound(f"No authorization with id {auth.id}.")
            if current.refresh_token != auth.refresh_token:
                return current  # refreshed by someone else while we waited
            now = self.clock.now()
            if only_if_due and not refresh_due(current.access_expires_at, now, self.refresh_margin):
                return current
            if now >= current.refresh_expires_at:
                _, message = shown_status(current, now)
                self.authorizations.set_status(current.id, NEEDS_REAUTHORIZATION, message, now)
                raise NeedsReauthorization(message or "The refresh token expired; authorize again.")
            app = self.store.get_app(current.app_id)
            try:
                if app is None:
                    raise ResolutionError("The app that authorized this no longer exists.")
                secret = resolve_secret(current.scope, app.settings(current.scope),
                                        self._implicit_for(app, current.scope), current.oauth_callback)
            except ResolutionError as exc:
                message = (f"The callback {current.oauth_callback} that authorized this is no longer configured, "
                           f"so it cannot be refreshed with the same secrets; authorize again. {exc.message}")
                self.authorizations.set_status(current.id, NEEDS_REAUTHORIZATION, message, now)
                raise NeedsReauthorization(message) from None
            try:
                grant = self.anaf.refresh(_client(secret), current.refresh_token)
            except AnafError as exc:
                if exc.extensions.get("anafError") in ("invalid_grant", "invalid_client"):
                    self.authorizations.set_status(current.id, NEEDS_REAUTHORIZATION,
                                                   f"ANAF refused the refresh: {exc.message}", now)
                raise
            now = self.clock.now()
            self.authorizations.rotate_tokens(current.id, current.refresh_token, grant.access_token,
                                              grant.refresh_token, now + grant.expires_in,
                                              now + grant.refresh_expires_in, now)
            return self.authorizations.get_authorization(current.id, None) or current

    def _app(self, app_id: str | None) -> AppRecord:
        app = self.store.get_app(app_id or "")
        if app is None:
            raise NotFound("The app of this key no longer exists.")
        return app

    def _implicit_for(self, app: AppRecord, scope: AnafScope) -> ClientSecret | None:
        return self.implicit.get() if app.settings(scope).use_implicit else None

    def _resolve(self, app: AppRecord, scope: AnafScope, oauth_callback: str | None) -> ResolvedSecret:
        try:
            return resolve_secret(scope, app.settings(scope), self._implicit_for(app, scope), oauth_callback)
        except ResolutionError as exc:
            raise BadUserInput(exc.message, field=exc.missing_field or "input.oauthCallback") from None


def _client(secret: ResolvedSecret) -> ClientSecret:
    return ClientSecret(secret.client_id, secret.client_secret, secret.oauth_callback)
