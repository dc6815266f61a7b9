"""The GraphQL documents the console offers: the seed's four verbatim, then the rest of a whole flow."""
from __future__ import annotations

from typing import Any

from mock_sbs.access import ACCOUNT_API, ORGANIZATIONS_API, RO_ANAF_OAUTH_API
from mock_sbs.api_console import api_examples

# The seed's documents, character for character ("Configure ANAF OAuth 2.0 secrets").
SEED_IMPLICIT = """mutation updateApp ($id:ID!,$input:UpdateAppInput!) {
  updateApp(id:$id, input:$input) {
    id
    name
    active
    createdAt
    roAnafEfacturaClientSecret { clientId clientSecret oauthCallback }
    roAnafEfacturaUseTestEnvironment
    roAnafEfacturaUseImplicitClientSecret
    roAnafEtransportClientSecret { clientId clientSecret oauthCallback }
    roAnafEtransportUseTestEnvironment
    roAnafEtransportUseImplicitClientSecret
  }
}"""

SEED_CUSTOM = """mutation update_app($id: ID!, $input: UpdateAppInput!) {
  updateApp(id: $id, input: $input) {
    roAnafEfacturaClientSecret{
      clientId
      clientSecret
      oauthCallback
    },
    roAnafEtransportClientSecret{
      clientId
      clientSecret
      oauthCallback
    }
  }
}"""

SEED_ADDITIONAL = """mutation updateApp($id:ID!,$input:UpdateAppInput!) {
        updateApp(id:$id, input:$input) {
          id
          name          
          roAnafEfacturaAdditionalClientSecrets { clientId clientSecret oauthCallback }
          roAnafEtransportAdditionalClientSecrets { clientId clientSecret oauthCallback }
        }
      }"""

SECRET = {"clientId": "YOUR_ANAF_CLIENT_ID", "clientSecret": "YOUR_ANAF_CLIENT_SECRET",
          "oauthCallback": "YOUR_CALLBACK_URL"}


def examples() -> list[dict[str, Any]]:
    """Title, endpoint, document and variables of each console example."""
    return [
        {"title": "Seed: use SBS-managed (implicit) ANAF secrets", "endpoint": ACCOUNT_API, "query": SEED_IMPLICIT,
         "variables": {"id": "YOUR_APPLICATION_ID", "input": {"roAnafEfacturaUseImplicitClientSecret": True,
                                                              "roAnafEtransportUseImplicitClientSecret": True}}},
        {"title": "Seed: set custom ANAF credentials", "endpoint": ACCOUNT_API, "query": SEED_CUSTOM,
         "variables": {"id": "YOUR_APPLICATION_ID", "input": {"roAnafEfacturaClientSecret": SECRET,
                                                              "roAnafEtransportClientSecret": SECRET}}},
        {"title": "Seed: additional ANAF secrets", "endpoint": ACCOUNT_API, "query": SEED_ADDITIONAL,
         "variables": {"id": "YOUR_APPLICATION_ID", "input": {
             "roAnafEfacturaAdditionalClientSecrets": [{**SECRET, "oauthCallback": "YOUR_OAUTH_CALLBACK_URL"}],
             "roAnafEtransportAdditionalClientSecrets": [{**SECRET, "oauthCallback": "YOUR_OAUTH_CALLBACK_URL"}]}}},
        {"title": "Account: list apps with all ANAF settings", "endpoint": ACCOUNT_API, "query": """query apps {
  apps {
    id name active createdAt
    roAnafEfacturaClientSecret { clientId clientSecret oauthCallback }
    roAnafEfacturaUseTestEnvironment roAnafEfacturaUseImplicitClientSecret
    roAnafEfacturaAdditionalClientSecrets { clientId clientSecret oauthCallback }
    roAnafEtransportClientSecret { clientId clientSecret oauthCallback }
    roAnafEtransportUseTestEnvironment roAnafEtransportUseImplicitClientSecret
    roAnafEtransportAdditionalClientSecrets { clientId clientSecret oauthCallback }
  }
}""", "variables": {}},
        {"title": "Account: create an app", "endpoint": ACCOUNT_API,
         "query": "mutation createApp($input: CreateAppInput!) {\n  createApp(input: $input) { id name createdAt }\n}",
         "variables": {"input": {"name": "my-app"}}},
        {"title": "Account: tenants", "endpoint": ACCOUNT_API, "query": "query tenants {\n  tenants { id name }\n}",
         "variables": {}},
        {"title": "Account: create a tenant", "endpoint": ACCOUNT_API,
         "query": "mutation createTenant($input: CreateTenantInput!) {\n  createTenant(input: $input) { id name }\n}",
         "variables": {"input": {"name": "my-tenant"}}},
        {"title": "Account: service access key for a tenant", "endpoint": ACCOUNT_API,
         "query": "mutation generateServiceAccessKey($input: GenerateServiceAccessKeyInput!) {\n"
                  "  generateServiceAccessKey(input: $input) { publicKey privateKey scope description }\n}",
         "variables": {"input": {"appId": "YOUR_APPLICATION_ID", "tenantId": "YOUR_TENANT_ID", "scope": "",
                                 "description": "console"}}},
        {"title": "Organizations: list", "endpoint": ORGANIZATIONS_API,
         "query": "query organizations {\n  organizations { id name tin createdAt }\n}", "variables": {}},
        {"title": "Organizations: create", "endpoint": ORGANIZATIONS_API,
         "query": "mutation createOrganization($input: CreateOrganizationInput!) {\n"
                  "  createOrganization(input: $input) { id name tin }\n}",
         "variables": {"input": {"name": "Example SRL", "tin": "RO12345678"}}},
        {"title": "RO ANAF OAuth: generate an authorization request", "endpoint": RO_ANAF_OAUTH_API,
         "query": """mutation generateAuthorizationRequest($input: GenerateAuthorizationRequestInput!) {
  generateAuthorizationRequest(input: $input) {
    id authorizationUrl state oauthCallback clientId secretSource reason expiresAt
  }
}""", "variables": {"input": {"organizationId": "YOUR_ORGANIZATION_ID", "scope": "EFACTURA"}}},
        {"title": "RO ANAF OAuth: process the response on a custom callback", "endpoint": RO_ANAF_OAUTH_API,
         "query": """mutation processAuthorizationResponse($input: ProcessAuthorizationResponseInput!) {
  processAuthorizationResponse(input: $input) {
    id scope secretSource clientId oauthCallback accessTokenExpiresAt status
  }
}""", "variables": {"input": {"state": "STATE_FROM_CALLBACK", "code": "CODE_FROM_CALLBACK"}}},
        {"title": "RO ANAF OAuth: authorizations of an organization", "endpoint": RO_ANAF_OAUTH_API,
         "query": """query authorizations($organizationId: ID!) {
  authorizations(organizationId: $organizationId) {
    id scope secretSource clientId oauthCallback createdAt updatedAt
    accessTokenExpiresAt refreshTokenExpiresAt status statusMessage
  }
}""", "variables": {"organizationId": "YOUR_ORGANIZATION_ID"}},
        {"title": "RO ANAF OAuth: test a token (TestOauth hello)", "endpoint": RO_ANAF_OAUTH_API,
         "query": "mutation testAuthorization($id: ID!) {\n  testAuthorization(id: $id) {\n"
                  "    answer httpStatus endpoint refreshed environment apiBaseUrl\n  }\n}",
         "variables": {"id": "YOUR_AUTHORIZATION_ID"}},
        {"title": "RO ANAF OAuth: refresh now", "endpoint": RO_ANAF_OAUTH_API,
         "query": "mutation refreshAuthorization($id: ID!) {\n"
                  "  refreshAuthorization(id: $id) { id clientId accessTokenExpiresAt status statusMessage }\n}",
         "variables": {"id": "YOUR_AUTHORIZATION_ID"}},
        {"title": "RO ANAF OAuth: revoke and delete", "endpoint": RO_ANAF_OAUTH_API,
         "query": "mutation deleteAuthorization($id: ID!) {\n  deleteAuthorization(id: $id) { id revoked revokeError }\n}",
         "variables": {"id": "YOUR_AUTHORIZATION_ID"}},
    ] + api_examples()
