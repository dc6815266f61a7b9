"""The Account API's work (SPEC §3.1): apps and their ANAF secrets, tenants, service access keys.

No Flask here: callers pass who is calling, and the clock and random sources come in at construction.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping, NoReturn

from foundation.clock import Clock

from mock_sbs.access import SERVICE_APIS, Caller, hash_key, new_key, parse_scope
from mock_sbs.errors import BadUserInput, NotFound
from mock_sbs.implicit import ImplicitSecrets
from mock_sbs.model import AccessKey, AnafScope, AppRecord, ClientSecret, ServiceSettings, Tenant
from mock_sbs.store import Store
from mock_sbs.validation import FieldProblem, ValidationFailed, apply_update, name_problem

MAX_DESCRIPTION = 200


@dataclass(frozen=True)
class ShownSecret:
    """A `RoAnafClientSecret` as the API returns it; ``client_secret`` is None for the implicit one."""

    client_id: str
    client_secret: str | None
    oauth_callback: str


@dataclass(frozen=True)
class NewServiceKey:
    """A service access key right after it was made: the only time ``private_key`` is known."""

    public_key: str
    private_key: str
    scope: str
    description: str | None
    app_id: str
    tenant_id: str


def shown_main_secret(settings: ServiceSettings, implicit: ClientSecret | None) -> ShownSecret | None:
    """What `roAnafXClientSecret` shows: the SBS-managed id and callback without its secret while implicit is on.

    Seed: "as long as the ANAF secrets are implicit, the field clientSecret ... will always return the
    value null". The app's own secret stays stored and shows again when the flag is turned off.
    """
    if settings.use_implicit:
        return None if implicit is None else ShownSecret(implicit.client_id, None, implicit.oauth_callback)
    main = settings.main
    return None if main is None else ShownSecret(main.client_id, main.client_secret, main.oauth_callback)


def raise_invalid(problems: list[FieldProblem]) -> NoReturn:
    """Raise BAD_USER_INPUT listing every problem, each with the input field it is about."""
    raise BadUserInput("; ".join(str(p) for p in problems),
                       invalidFields=[{"field": p.field, "message": p.message} for p in problems])


class Accounts:
    """Apps, tenants and keys of the calling account."""

    def __init__(self, store: Store, clock: Clock, implicit: ImplicitSecrets, new_id: Callable[[str], str],
                 token: Callable[[], str]) -> None:
        self.store = store
        self.clock = clock
        self.implicit = implicit
        self.new_id = new_id
        self.token = token

    def app(self, caller: Caller, app_id: str) -> AppRecord:
        """One app of the caller's account, or NOT_FOUND."""
        app = self.store.get_app(app_id, caller.account_id)
        if app is None:
            raise NotFound(f"No app with id {app_id} in this account.")
        return app

    def apps(self, caller: Caller) -> list[AppRecord]:
        """The caller's apps, oldest first."""
        return self.store.list_apps(caller.account_id)

    def create_app(self, caller: Caller, name: Any) -> AppRecord:
        """A new app without ANAF secrets."""
        problem = name_problem(name)
        if problem:
            raise_invalid([FieldProblem("input.name", problem)])
        app = AppRecord(self.new_id("app_"), caller.account_id, name, True, self.clock.now())
        self.store.add_app(app)
        return app

    def update_app(self, caller: Caller, app_id: str, changes: Mapping[str, Any]) -> AppRecord:
        """Apply a partial update, all or nothing (see validation.apply_update)."""
        def change(app: AppRecord) -> AppRecord:
            return apply_update(app, changes, implicit_callback=self.implicit.callback_url)

        try:
            updated = self.store.update_app(app_id, caller.account_id, change, self.clock.now())
        except ValidationFailed as failed:
            raise_invalid(failed.problems)
        if updated is None:
            raise NotFound(f"No app with id {app_id} in this account.")
        return self.app(caller, app_id)

    def shown_secret(self, app: AppRecord, service: AnafScope) -> ShownSecret | None:
        """What `roAnafXClientSecret` shows for ``service`` (see shown_main_secret)."""
        settings = app.settings(service)
        return shown_main_secret(settings, self.implicit.get() if settings.use_implicit else None)

    def tenants(self, caller: Caller) -> list[Tenant]:
        """The caller's tenants, oldest first."""
        return self.store.list_tenants(caller.account_id)

    def create_tenant(self, caller: Caller, name: Any) -> Tenant:
        """A new tenant of the caller's account."""
        problem = name_problem(name)
        if problem:
            raise_invalid([FieldProblem("input.name", problem)])
        tenant = Tenant(self.new_id("ten_"), caller.account_id, name, self.clock.now())
        self.store.add_tenant(tenant)
        return tenant

    def generate_service_key(self, caller: Caller, app_id: str, tenant_id: str, scope: str | None,
                             description: str | None) -> NewServiceKey:
        """A key for one (tenant, app); an empty scope means every service."""
        problems = []
        names = parse_scope(scope)
        if names is None:
            problems.append(FieldProblem("input.scope", "must list services among "
                                                        f"{', '.join(SERVICE_APIS)} (empty means all)"))
        if description is not None and len(description) > MAX_DESCRIPTION:
            problems.append(FieldProblem("input.description", f"must be at most {MAX_DESCRIPTION} characters"))
        if problems:
            raise_invalid(problems)
        self.app(caller, app_id)
        if self.store.get_tenant(tenant_id, caller.account_id) is None:
            raise NotFound(f"No tenant with id {tenant_id} in this account.")
        private_key = new_key("sbs_svc_", self.token)
        normalized = " ".join(names or ())
        key = AccessKey(new_key("pk_", self.token)[:24], "SERVICE", caller.account_id, app_id, tenant_id,
                        normalized, description)
        self.store.add_service_key(hash_key(private_key), key, self.clock.now())
        return NewServiceKey(key.public_key, private_key, normalized, description, app_id, tenant_id)
