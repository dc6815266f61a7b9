"""The seed's GraphQL documents, verbatim, against mock SBS's Account API (SPEC §3.1)."""
from __future__ import annotations

IMPLICIT_DOCUMENT = """mutation updateApp ($id:ID!,$input:UpdateAppInput!) {
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

CUSTOM_DOCUMENT = """mutation update_app($id: ID!, $input: UpdateAppInput!) {
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

ADDITIONAL_DOCUMENT = """mutation updateApp($id:ID!,$input:UpdateAppInput!) {
        updateApp(id:$id, input:$input) {
          id
          name          
          roAnafEfacturaAdditionalClientSecrets { clientId clientSecret oauthCallback }
          roAnafEtransportAdditionalClientSecrets { clientId clientSecret oauthCallback }
        }
      }"""

CUSTOM_SECRET = {"clientId": "YOUR_ANAF_CLIENT_ID", "clientSecret": "YOUR_ANAF_CLIENT_SECRET",
                 "oauthCallback": "https://app.example/anaf/callback"}


def test_seed_implicit_document_shows_sbs_managed_ids_without_secret(sbs) -> None:
    app_id = sbs.create_app("demo-app")
    variables = {"id": app_id, "input": {"roAnafEfacturaUseImplicitClientSecret": True,
                                         "roAnafEtransportUseImplicitClientSecret": True}}
    got = sbs.ok("account-api", "sbs_acc_contract-test-key", IMPLICIT_DOCUMENT, variables)["updateApp"]
    implicit = {"clientId": "implicit-id", "clientSecret": None,
                "oauthCallback": "http://sbs.test/ro-anaf-oauth-api/oauth-callback"}
    assert got == {
        "id": app_id, "name": "demo-app", "active": True, "createdAt": "2025-06-15T15:06:40Z",
        "roAnafEfacturaClientSecret": implicit, "roAnafEfacturaUseTestEnvironment": False,
        "roAnafEfacturaUseImplicitClientSecret": True,
        "roAnafEtransportClientSecret": implicit, "roAnafEtransportUseTestEnvironment": False,
        "roAnafEtransportUseImplicitClientSecret": True,
    }


def test_seed_custom_credentials_document_stores_and_returns_them(sbs) -> None:
    app_id = sbs.create_app()
    variables = {"id": app_id, "input": {"roAnafEfacturaClientSecret": CUSTOM_SECRET,
                                         "roAnafEtransportClientSecret": CUSTOM_SECRET}}
    got = sbs.ok("account-api", "sbs_acc_contract-test-key", CUSTOM_DOCUMENT, variables)
    assert got == {"updateApp": {"roAnafEfacturaClientSecret": CUSTOM_SECRET,
                                 "roAnafEtransportClientSecret": CUSTOM_SECRET}}
    assert sbs.app_settings(app_id)["roAnafEtransportClientSecret"] == CUSTOM_SECRET


def test_seed_additional_secrets_document_stores_the_lists(sbs) -> None:
    app_id = sbs.create_app("demo-app")
    efactura = {"clientId": "EF_ID", "clientSecret": "EF_SECRET", "oauthCallback": "https://app.example/ef"}
    etransport = {"clientId": "ET_ID", "clientSecret": "ET_SECRET", "oauthCallback": "https://app.example/et"}
    variables = {"id": app_id, "input": {"roAnafEfacturaAdditionalClientSecrets": [efactura],
                                         "roAnafEtransportAdditionalClientSecrets": [etransport]}}
    got = sbs.ok("account-api", "sbs_acc_contract-test-key", ADDITIONAL_DOCUMENT, variables)
    assert got == {"updateApp": {"id": app_id, "name": "demo-app",
                                 "roAnafEfacturaAdditionalClientSecrets": [efactura],
                                 "roAnafEtransportAdditionalClientSecrets": [etransport]}}
    settings = sbs.app_settings(app_id)
    assert settings["roAnafEfacturaClientSecret"] is None, "additional secrets do not create a main one"


def test_seed_documents_in_order_keep_each_others_settings(sbs) -> None:
    """Custom main, then additional, then implicit: each document changes only its own fields."""
    app_id = sbs.create_app()
    key = "sbs_acc_contract-test-key"
    sbs.ok("account-api", key, CUSTOM_DOCUMENT, {"id": app_id, "input": {"roAnafEfacturaClientSecret": CUSTOM_SECRET}})
    extra = {"clientId": "X", "clientSecret": "Y", "oauthCallback": "https://app.example/extra"}
    sbs.ok("account-api", key, ADDITIONAL_DOCUMENT,
           {"id": app_id, "input": {"roAnafEfacturaAdditionalClientSecrets": [extra]}})
    got = sbs.ok("account-api", key, IMPLICIT_DOCUMENT,
                 {"id": app_id, "input": {"roAnafEfacturaUseImplicitClientSecret": True}})["updateApp"]
    assert got["roAnafEfacturaClientSecret"]["clientSecret"] is None
    assert got["roAnafEtransportClientSecret"] is None
    settings = sbs.app_settings(app_id)
    assert settings["roAnafEfacturaAdditionalClientSecrets"] == [extra]
    off = sbs.ok("account-api", key, IMPLICIT_DOCUMENT,
                 {"id": app_id, "input": {"roAnafEfacturaUseImplicitClientSecret": False}})["updateApp"]
    assert off["roAnafEfacturaClientSecret"] == CUSTOM_SECRET, "the app's own secret comes back"
