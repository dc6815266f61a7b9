"""The GraphQL documents the demo sends to SBS (SPEC §3), written as a learner would paste them in the console.

Inputs are spelled inline (`input: {organizationId: $organizationId, ...}`) so the documents depend only
on the field names SPEC fixes, not on how SBS names its input types.
"""
from __future__ import annotations

SECRET_FIELDS = "{ clientId clientSecret oauthCallback }"


def _service_fields(service: str) -> str:
    return (
        f"    roAnaf{service}ClientSecret {SECRET_FIELDS}\n"
        f"    roAnaf{service}AdditionalClientSecrets {SECRET_FIELDS}\n"
        f"    roAnaf{service}UseImplicitClientSecret\n"
        f"    roAnaf{service}UseTestEnvironment\n"
    )


APP_FIELDS = "    id\n    name\n    active\n    createdAt\n" + _service_fields("Efactura") + _service_fields("Etransport")

APP = "query app($id: ID!) {\n  app(id: $id) {\n" + APP_FIELDS + "  }\n}\n"

UPDATE_APP = (
    "mutation updateApp($id: ID!, $input: UpdateAppInput!) {\n  updateApp(id: $id, input: $input) {\n"
    + APP_FIELDS
    + "  }\n}\n"
)

ORGANIZATIONS = "query organizations {\n  organizations { id name tin }\n}\n"

REQUEST_FIELDS = "id authorizationUrl state oauthCallback clientId secretSource reason expiresAt"

GENERATE_AUTHORIZATION_REQUEST = (
    "mutation generateAuthorizationRequest($organizationId: ID!, $scope: AnafScope!, $oauthCallback: String,"
    " $returnUrl: String) {\n"
    "  generateAuthorizationRequest(input: {organizationId: $organizationId, scope: $scope,"
    " oauthCallback: $oauthCallback, returnUrl: $returnUrl}) {\n"
    f"    {REQUEST_FIELDS}\n  }}\n}}\n"
)

AUTHORIZATION_FIELDS = (
    "id organizationId scope createdAt updatedAt secretSource clientId oauthCallback reason"
    " accessTokenExpiresAt refreshTokenExpiresAt status statusMessage"
)

PROCESS_AUTHORIZATION_RESPONSE = (
    "mutation processAuthorizationResponse($state: String!, $code: String, $error: String) {\n"
    "  processAuthorizationResponse(input: {state: $state, code: $code, error: $error}) {\n"
    f"    {AUTHORIZATION_FIELDS}\n  }}\n}}\n"
)

AUTHORIZATIONS = (
    "query authorizations($organizationId: ID!, $scope: AnafScope) {\n"
    "  authorizations(organizationId: $organizationId, filter: {scope: $scope}) {\n"
    f"    {AUTHORIZATION_FIELDS}\n  }}\n}}\n"
)

REFRESH_AUTHORIZATION = (
    "mutation refreshAuthorization($id: ID!) {\n  refreshAuthorization(id: $id) {\n"
    f"    {AUTHORIZATION_FIELDS}\n  }}\n}}\n"
)

AUTHORIZATION = (
    "query authorization($id: ID!) {\n  authorization(id: $id) {\n"
    f"    {AUTHORIZATION_FIELDS}\n  }}\n}}\n"
)

TEST_AUTHORIZATION = (
    "mutation testAuthorization($id: ID!, $name: String) {\n  testAuthorization(id: $id, name: $name) {\n"
    "    answer httpStatus endpoint refreshed environment apiBaseUrl\n"
    "    authorization { status accessTokenExpiresAt }\n  }\n}\n"
)

DELETE_AUTHORIZATION = (
    "mutation deleteAuthorization($id: ID!) {\n  deleteAuthorization(id: $id) { id revoked revokeError }\n}\n"
)
