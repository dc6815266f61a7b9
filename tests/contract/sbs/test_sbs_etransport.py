"""The RO e-Transport service through the test client, with an in-memory ANAF answering in ANAF's JSON (SPEC §3.4)."""
from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).parents[2] / "fixtures" / "anaf_api"
DECLARATION = (FIXTURES / "etransport_notificare_v2.xml").read_text(encoding="utf-8")
GENERATE = """mutation($input: GenerateAuthorizationRequestInput!) {
  generateAuthorizationRequest(input: $input) { state clientId oauthCallback }
}"""
FIELDS = """id organizationId status uploadIndex uit errors environment authorizationId clientId secretSource
  statusChecksToday lastStatusError createdAt updatedAt"""
UPLOAD = f"""mutation($input: UploadDeclarationInput!) {{ uploadDeclaration(input: $input) {{ {FIELDS} }} }}"""
READ = f"""query($id: ID!) {{ declaration(id: $id) {{ {FIELDS} }} }}"""
LIST = f"""query($org: ID!) {{ declarations(organizationId: $org) {{ {FIELDS} }} }}"""
REFRESH = f"""mutation($id: ID!) {{ refreshDeclarationStatus(id: $id) {{ {FIELDS} }} }}"""


def authorize_implicit(sbs, brokered) -> None:
    """e-Transport runs on SBS's implicit secret: ANAF returns to SBS's own callback, which completes the flow."""
    request = sbs.ok("ro-anaf-oauth-api", brokered["key"], GENERATE, {"input": {
        "organizationId": brokered["org"], "scope": "ETRANSPORT"}})["generateAuthorizationRequest"]
    code = sbs.anaf.authorize(request["clientId"], request["oauthCallback"])
    assert sbs.client.get(f"/ro-anaf-oauth-api/oauth-callback?state={request['state']}&code={code}").status_code == 200


def etransport(sbs, brokered, query: str, variables: dict) -> dict:
    return sbs.ok("ro-etransport-api", brokered["key"], query, variables)


def test_declaration_goes_out_with_the_implicit_client_and_becomes_ok(sbs, brokered) -> None:
    authorize_implicit(sbs, brokered)
    sent = etransport(sbs, brokered, UPLOAD, {"input": {"organizationId": brokered["org"], "xml": DECLARATION}})[
        "uploadDeclaration"]
    assert (sent["status"], sent["uploadIndex"], sent["uit"]) == ("PENDING", "4000000001", "7KQ3MXR9TCHD4N15")
    assert (sent["clientId"], sent["secretSource"], sent["environment"]) == ("implicit-id", "IMPLICIT", "PROD")
    read = etransport(sbs, brokered, READ, {"id": sent["id"]})["declaration"]
    assert (read["status"], read["errors"], read["statusChecksToday"]) == ("OK", [], 1)
    assert sbs.api.calls == [("upload", "implicit-id", "prod"), ("stareMesaj", "implicit-id", "prod")]
    listed = etransport(sbs, brokered, LIST, {"org": brokered["org"]})["declarations"]
    assert [d["id"] for d in listed] == [sent["id"]]


def test_nok_declaration_carries_anaf_errors(sbs, brokered) -> None:
    authorize_implicit(sbs, brokered)
    sbs.api.outcomes.append(("nok", ("UIT-ul nu poate fi identificat.",)))
    sbs.api.processing_reads = 1
    sent = etransport(sbs, brokered, UPLOAD, {"input": {"organizationId": brokered["org"], "xml": DECLARATION}})[
        "uploadDeclaration"]
    assert etransport(sbs, brokered, READ, {"id": sent["id"]})["declaration"]["status"] == "PENDING"
    done = etransport(sbs, brokered, REFRESH, {"id": sent["id"]})["refreshDeclarationStatus"]
    assert (done["status"], done["errors"]) == ("NOK", ["UIT-ul nu poate fi identificat."])


def test_refused_declaration_and_missing_authorization(sbs, brokered) -> None:
    error = sbs.error("ro-etransport-api", brokered["key"], UPLOAD, {"input": {
        "organizationId": brokered["org"], "xml": DECLARATION}})
    assert error["extensions"]["code"] == "AUTHORIZATION_REQUIRED" and "ETRANSPORT" in error["message"]
    authorize_implicit(sbs, brokered)
    error = sbs.error("ro-etransport-api", brokered["key"], UPLOAD, {"input": {
        "organizationId": brokered["org"], "xml": "<eTransport"}})
    assert error["extensions"]["code"] == "ANAF_ERROR"
    assert error["extensions"]["anaf"] == "Fisierul transmis nu este valid."
    failed = etransport(sbs, brokered, READ, {"id": error["extensions"]["declarationId"]})["declaration"]
    assert (failed["status"], failed["errors"], failed["uploadIndex"]) == ("FAILED", ["Fisierul transmis nu este valid."],
                                                                           None)


def test_another_tenant_sees_no_declaration(sbs, brokered) -> None:
    authorize_implicit(sbs, brokered)
    sent = etransport(sbs, brokered, UPLOAD, {"input": {"organizationId": brokered["org"], "xml": DECLARATION}})[
        "uploadDeclaration"]
    _, other_key = sbs.tenant_with_key(brokered["app"], "other")
    assert sbs.error("ro-etransport-api", other_key, READ, {"id": sent["id"]})["extensions"]["code"] == "NOT_FOUND"
    assert sbs.error("ro-etransport-api", other_key, LIST, {"org": brokered["org"]})["extensions"]["code"] == \
        "NOT_FOUND"


def test_every_field_of_the_two_schemas_says_what_it_is() -> None:
    from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLObjectType

    from mock_sbs.api_resolvers import build_api_schemas

    missing = []
    for endpoint, schema in build_api_schemas().items():
        for name, kind in schema.type_map.items():
            if name.startswith("__"):
                continue
            if isinstance(kind, (GraphQLObjectType, GraphQLInputObjectType)):
                missing += [f"{endpoint} {name}.{f}" for f, field in kind.fields.items() if not field.description]
            if isinstance(kind, GraphQLEnumType):
                missing += [f"{endpoint} {name}.{v}" for v, value in kind.values.items() if not value.description]
    assert missing == []
    for schema in build_api_schemas().values():
        assert "ANAF allows 100 `stareMesaj` calls per upload and calendar day" in (schema.description or "")
