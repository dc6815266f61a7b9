"""Thin Ariadne bindings: each resolver names the caller and hands over to accounts, organizations or brokering."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from ariadne import (
    EnumType,
    MutationType,
    ObjectType,
    QueryType,
    ScalarType,
    load_schema_from_path,
    make_executable_schema,
)
from graphql import GraphQLInputObjectType, GraphQLResolveInfo, GraphQLSchema

from foundation.clock import iso
from mock_sbs.access import ACCOUNT_API, ORGANIZATIONS_API, RO_ANAF_OAUTH_API, Caller
from mock_sbs.accounts import Accounts
from mock_sbs.authorization_rules import anaf_api_base, shown_status
from mock_sbs.authorizations import Brokering
from mock_sbs.errors import BadUserInput
from mock_sbs.model import AnafScope, AppRecord, Authorization, SecretSource
from mock_sbs.organizations import Organizations

SCHEMA_DIR = Path(__file__).parent / "schema"
SCHEMA_FILES = {ACCOUNT_API: "account.graphql", ORGANIZATIONS_API: "organizations.graphql",
                RO_ANAF_OAUTH_API: "ro_anaf_oauth.graphql"}


@dataclass(frozen=True)
class Domain:
    """The domain objects resolvers hand work to."""

    accounts: Accounts
    organizations: Organizations
    brokering: Brokering
    api_url: str
    now: Callable[[], float]
    invoices: Any = None
    declarations: Any = None
    api_calls: Any = None


@dataclass(frozen=True)
class Context:
    """What every resolver gets as `info.context`: who calls, the services, and a way to journal facts."""

    caller: Caller
    domain: Domain
    note: Callable[..., None]


def _ctx(info: GraphQLResolveInfo) -> Context:
    return info.context  # type: ignore[no-any-return]


datetime_scalar = ScalarType("DateTime", serializer=iso)


def _snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in name)


def _python_names(name: str, schema: GraphQLSchema, path: tuple[str, ...]) -> str:
    """camelCase fields and arguments read snake_case attributes; input objects keep GraphQL's names as dict keys,
    so validation messages can name the field exactly as the caller wrote it."""
    if isinstance(schema.type_map.get(path[0]), GraphQLInputObjectType):
        return name
    return _snake(name)


# --- Account API ---------------------------------------------------------------------------------------------

account_query = QueryType()
account_mutation = MutationType()
app_type = ObjectType("App")


@account_query.field("app")
def resolve_app(_: Any, info: GraphQLResolveInfo, id: str) -> AppRecord:
    """`app(id)`."""
    c = _ctx(info)
    return c.domain.accounts.app(c.caller, id)


@account_query.field("apps")
def resolve_apps(_: Any, info: GraphQLResolveInfo) -> list[AppRecord]:
    """`apps`."""
    c = _ctx(info)
    return c.domain.accounts.apps(c.caller)


@account_query.field("tenants")
def resolve_tenants(_: Any, info: GraphQLResolveInfo) -> list[Any]:
    """`tenants`."""
    c = _ctx(info)
    return c.domain.accounts.tenants(c.caller)


@account_mutation.field("createApp")
def resolve_create_app(_: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> AppRecord:
    """`createApp(input)`."""
    c = _ctx(info)
    return c.domain.accounts.create_app(c.caller, input.get("name"))


@account_mutation.field("updateApp")
def resolve_update_app(_: Any, info: GraphQLResolveInfo, id: str, input: dict[str, Any]) -> AppRecord:
    """`updateApp(id, input)`: the input keeps GraphQL's field names for validation messages."""
    c = _ctx(info)
    return c.domain.accounts.update_app(c.caller, id, input)


@account_mutation.field("createTenant")
def resolve_create_tenant(_: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> Any:
    """`createTenant(input)`."""
    c = _ctx(info)
    return c.domain.accounts.create_tenant(c.caller, input.get("name"))


@account_mutation.field("generateServiceAccessKey")
def resolve_generate_key(_: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> Any:
    """`generateServiceAccessKey(input)`."""
    c = _ctx(info)
    return c.domain.accounts.generate_service_key(c.caller, input["appId"], input["tenantId"], input.get("scope"),
                                                    input.get("description"))


def _bind_service_fields(service: AnafScope) -> None:
    def main(app: AppRecord, info: GraphQLResolveInfo) -> Any:
        """`roAnafXClientSecret`, hidden behind the SBS-managed one while implicit."""
        return _ctx(info).domain.accounts.shown_secret(app, service)

    app_type.set_field(service.field("ClientSecret"), main)
    app_type.set_field(service.field("UseTestEnvironment"), lambda app, *_: app.settings(service).use_test_environment)
    app_type.set_field(service.field("UseImplicitClientSecret"), lambda app, *_: app.settings(service).use_implicit)
    app_type.set_field(service.field("AdditionalClientSecrets"), lambda app, *_: app.settings(service).additional)


for _service in AnafScope:
    _bind_service_fields(_service)

# --- Organizations ------------------------------------------------------------------------------------------

organizations_query = QueryType()
organizations_mutation = MutationType()


@organizations_query.field("organizations")
def resolve_organizations(_: Any, info: GraphQLResolveInfo) -> list[Any]:
    """`organizations`."""
    c = _ctx(info)
    return c.domain.organizations.list(c.caller)


@organizations_query.field("organization")
def resolve_organization(_: Any, info: GraphQLResolveInfo, id: str) -> Any:
    """`organization(id)`."""
    c = _ctx(info)
    return c.domain.organizations.get(c.caller, id)


@organizations_mutation.field("createOrganization")
def resolve_create_organization(_: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> Any:
    """`createOrganization(input)`."""
    c = _ctx(info)
    return c.domain.organizations.create(c.caller, input.get("name"), input.get("tin"))


# --- RO ANAF OAuth ------------------------------------------------------------------------------------------

oauth_query = QueryType()
oauth_mutation = MutationType()
scope_enum = EnumType("AnafScope", AnafScope)
source_enum = EnumType("SecretSource", SecretSource)
request_type = ObjectType("AuthorizationRequest")
authorization_type = ObjectType("Authorization")


@oauth_query.field("authorizations")
def resolve_authorizations(_: Any, info: GraphQLResolveInfo, organization_id: str,
                           filter: dict[str, Any] | None = None) -> list[Authorization]:
    """`authorizations(organizationId, filter)`."""
    c = _ctx(info)
    return c.domain.brokering.list(c.caller, organization_id, (filter or {}).get("scope"))


@oauth_query.field("authorization")
def resolve_authorization(_: Any, info: GraphQLResolveInfo, id: str) -> Authorization:
    """`authorization(id)`."""
    c = _ctx(info)
    return c.domain.brokering.get(c.caller, id)


@oauth_mutation.field("generateAuthorizationRequest")
def resolve_generate_request(_: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> Any:
    """`generateAuthorizationRequest(input)`; journals the rule that applied."""
    c = _ctx(info)
    new = c.domain.brokering.generate_request(c.caller, input["organizationId"], input["scope"],
                                                input.get("oauthCallback"), input.get("returnUrl"))
    r = new.request
    c.note(client_id=r.client_id, scope=r.scope.value, secret_source=r.secret_source.value, rule=r.secret_source.value)
    return new


@oauth_mutation.field("processAuthorizationResponse")
def resolve_process_response(_: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> Authorization:
    """`processAuthorizationResponse(input)` from a custom callback."""
    c = _ctx(info)
    brokering = c.domain.brokering
    if not input.get("code") and not input.get("error"):
        # Checked before the state is claimed, so a malformed call does not use the request up.
        raise BadUserInput("Give the code (or the error) that ANAF sent to the callback with this state.",
                           field="input.code")
    pending = brokering.claim(input["state"], c.caller.tenant_id)
    c.note(client_id=pending.client_id, scope=pending.scope.value, secret_source=pending.secret_source.value,
           rule=pending.secret_source.value)
    return brokering.finish(pending, input.get("code"), input.get("error"))


@oauth_mutation.field("refreshAuthorization")
def resolve_refresh(_: Any, info: GraphQLResolveInfo, id: str) -> Authorization:
    """`refreshAuthorization(id)`."""
    c = _ctx(info)
    auth = c.domain.brokering.refresh(c.caller, id)
    c.note(client_id=auth.client_id, scope=auth.scope.value, secret_source=auth.secret_source.value)
    return auth


@oauth_mutation.field("testAuthorization")
def resolve_test(_: Any, info: GraphQLResolveInfo, id: str, name: str = "SBS") -> dict[str, Any]:
    """`testAuthorization(id, name)`."""
    c = _ctx(info)
    result = c.domain.brokering.test(c.caller, id, name)
    auth = result.authorization
    use_test = c.domain.brokering.uses_test_environment(auth)
    c.note(client_id=auth.client_id, scope=auth.scope.value, secret_source=auth.secret_source.value)
    return {"answer": result.answer.body, "http_status": result.answer.status, "endpoint": result.answer.url,
            "refreshed": result.refreshed, "environment": "TEST" if use_test else "PROD",
            "api_base_url": anaf_api_base(c.domain.api_url, auth.scope, use_test), "authorization": auth}


@oauth_mutation.field("deleteAuthorization")
def resolve_delete(_: Any, info: GraphQLResolveInfo, id: str) -> dict[str, Any]:
    """`deleteAuthorization(id)`."""
    c = _ctx(info)
    auth, revoke_error = c.domain.brokering.delete(c.caller, id)
    return {"id": auth.id, "revoked": revoke_error is None, "revoke_error": revoke_error}


request_type.set_field("id", lambda new, *_: new.request.id)
request_type.set_field("state", lambda new, *_: new.state)
request_type.set_field("authorizationUrl", lambda new, *_: new.authorization_url)
for _name in ("organizationId", "scope", "oauthCallback", "clientId", "secretSource", "reason", "returnUrl",
              "expiresAt"):
    request_type.set_field(_name, (lambda attr: lambda new, *_: getattr(new.request, attr))(_snake(_name)))

authorization_type.set_field("accessTokenExpiresAt", lambda a, *_: a.access_expires_at)
authorization_type.set_field("refreshTokenExpiresAt", lambda a, *_: a.refresh_expires_at)
authorization_type.set_field("status", lambda a, info: shown_status(a, _ctx(info).domain.now())[0])
authorization_type.set_field("statusMessage", lambda a, info: shown_status(a, _ctx(info).domain.now())[1])

BINDABLES: dict[str, list[Any]] = {
    ACCOUNT_API: [account_query, account_mutation, app_type, datetime_scalar],
    ORGANIZATIONS_API: [organizations_query, organizations_mutation, datetime_scalar],
    RO_ANAF_OAUTH_API: [oauth_query, oauth_mutation, scope_enum, source_enum, request_type, authorization_type,
                        datetime_scalar],
}


def build_schemas() -> dict[str, GraphQLSchema]:
    """One executable schema per SBS service, from `schema/*.graphql`."""
    return {
        endpoint: make_executable_schema(load_schema_from_path(SCHEMA_DIR / SCHEMA_FILES[endpoint]),
                                         *BINDABLES[endpoint], convert_names_case=_python_names)
        for endpoint in SCHEMA_FILES
    }

