"""SBS uses the tokens it brokered (SPEC §3.4): for each rule, an invoice goes to mock ANAF's e-Factura API with that
rule's client id, and after the access token's life SBS refreshes with the same client id and uploads again.

Mock ANAF's own journal is the witness: its gateway notes the client id of the bearer token of every API call.
"""
from __future__ import annotations

from datetime import date

import pytest

from foundation.samples import sample_declaration, sample_invoice

GENERATE = """mutation($input: GenerateAuthorizationRequestInput!) {
  generateAuthorizationRequest(input: $input) { authorizationUrl state clientId oauthCallback secretSource }
}"""
PROCESS = "mutation($input: ProcessAuthorizationResponseInput!) { processAuthorizationResponse(input: $input) { id } }"
UPLOAD = """mutation($org: ID!, $xml: String!) {
  uploadInvoice(input: {organizationId: $org, xml: $xml}) { id status uploadIndex clientId secretSource environment }
}"""
READ = "query($id: ID!) { invoice(id: $id) { status downloadId clientId } }"
DOWNLOAD = "mutation($id: ID!) { downloadInvoice(id: $id) { fileNames files { name text } } }"
SECRET = "{ clientId }"
UPLOAD_PATH = "/FCTEL/rest/upload"


def anaf_api_calls(stack, suffix: str) -> list[tuple[str, str, int]]:
    """(path, client id, status) of every call mock ANAF's API received on a path ending with ``suffix``."""
    entries = stack.http.get(f"{stack.anaf_url}/__admin/requests", timeout=10).json()
    return [(e["path"], e["client_id"], e["status"]) for e in entries if e["path"].endswith(suffix)]


def efactura(stack, query: str, variables: dict) -> dict:
    return stack.ok("ro-efactura-api", stack.seeded["key"], query, variables)


def organization_with_rights(stack) -> str:
    """An organization whose CIF the first certificate holds rights for at ANAF (12345674)."""
    return stack.ok("organizations-api", stack.seeded["key"], 'mutation { createOrganization(input: '
                    '{name: "Exemplu Soft SRL", tin: "RO12345674"}) { id } }')["createOrganization"]["id"]


def desktop_app(stack) -> str:
    """A desktop program's own ANAF app whose callback is SBS's default one, set as the main e-Factura secret."""
    sbs_callback = stack.sbs_url + "/ro-anaf-oauth-api/oauth-callback"
    own = stack.register_anaf_app("desktop", [sbs_callback])
    stack.ok("account-api", "sbs_acc_e2e-key", "mutation($id: ID!, $input: UpdateAppInput!) { updateApp(id: $id, "
             f"input: $input) {{ roAnafEfacturaClientSecret {SECRET} }} }}", {"id": stack.seeded["app"], "input": {
                 "roAnafEfacturaClientSecret": {"clientId": own["clientId"], "clientSecret": own["clientSecret"],
                                                "oauthCallback": sbs_callback}}})
    return own["clientId"]


def use_implicit(stack) -> None:
    stack.ok("account-api", "sbs_acc_e2e-key", "mutation($id: ID!) { updateApp(id: $id, input: "
             "{roAnafEfacturaUseImplicitClientSecret: true}) { id } }", {"id": stack.seeded["app"]})


def authorize(stack, org: str, callback: str | None) -> dict:
    """Generate, pass ANAF's certificate prompt, and complete on whichever callback ANAF returns to."""
    request_input = {"organizationId": org, "scope": "EFACTURA"}
    if callback:
        request_input["oauthCallback"] = callback
    request = stack.oauth(GENERATE, {"input": request_input})["data"]["generateAuthorizationRequest"]
    hop = stack.authorize(request["authorizationUrl"])
    back = stack.redirect_query(hop)
    if request["oauthCallback"].startswith(stack.sbs_url):
        finished = stack.http.get(hop.headers["Location"], allow_redirects=False, timeout=10)
        assert finished.status_code == 200 and "ANAF authorization complete" in finished.text
    else:
        done = stack.oauth(PROCESS, {"input": {"state": back["state"], "code": back["code"]}})
        assert not done.get("errors"), done
    return request


@pytest.mark.parametrize("rule", ["MAIN", "ADDITIONAL", "IMPLICIT", "MAIN-on-SBS-callback"])
def test_invoice_goes_out_with_the_rule_client_id_and_refreshes_with_it(seeded, rule: str) -> None:
    s = seeded.seeded
    settings = seeded.http.put(f"{seeded.anaf_url}/__admin/api-settings", json={"processing_seconds": 0}, timeout=10)
    assert settings.status_code == 200, settings.text
    org = organization_with_rights(seeded)
    callback, expected = {"MAIN": (None, s["main"]["clientId"]),
                          "ADDITIONAL": (s["branch_callback"], s["branch"]["clientId"])}.get(rule, (None, None))
    if rule == "IMPLICIT":
        use_implicit(seeded)
    if rule == "MAIN-on-SBS-callback":
        expected = desktop_app(seeded)
    request = authorize(seeded, org, callback)
    expected = expected or request["clientId"]
    assert request["clientId"] == expected and request["secretSource"] == rule.split("-")[0]

    first = efactura(seeded, UPLOAD, {"org": org, "xml": sample_invoice("12345674", "E2E-1", date(2025, 3, 10))})[
        "uploadInvoice"]
    assert (first["status"], first["clientId"], first["secretSource"]) == ("PENDING", expected, rule.split("-")[0])
    assert anaf_api_calls(seeded, UPLOAD_PATH) == [("/prod/FCTEL/rest/upload", expected, 200)]
    read = efactura(seeded, READ, {"id": first["id"]})["invoice"]
    assert read["status"] == "OK" and read["downloadId"]
    assert anaf_api_calls(seeded, "/stareMesaj") == [("/prod/FCTEL/rest/stareMesaj", expected, 200)]
    got = efactura(seeded, DOWNLOAD, {"id": first["id"]})["downloadInvoice"]
    index = first["uploadIndex"]
    assert got["fileNames"] == [f"{index}.xml", f"semnatura_{index}.xml"]
    assert "<cbc:ID>E2E-1</cbc:ID>" in got["files"][0]["text"]

    seeded.advance(seeded.access_lifetime + 60)
    second = efactura(seeded, UPLOAD, {"org": org, "xml": sample_invoice("12345674", "E2E-2", date(2025, 3, 10))})[
        "uploadInvoice"]
    assert second["clientId"] == expected
    assert seeded.token_calls() == [(expected, "authorization_code"), (expected, "refresh_token")]
    assert [c[1:] for c in anaf_api_calls(seeded, UPLOAD_PATH)] == [(expected, 200), (expected, 200)], \
        "the second upload carried the refreshed token of the same client"
    journal = seeded.http.get(f"{seeded.sbs_url}/__admin/requests", timeout=10).json()
    outgoing = [(e["path"].split("/rest/")[-1], e["client_id"]) for e in journal
                if e["direction"] == "out" and "/FCTEL/" in e["path"]]
    assert outgoing == [("upload", expected), ("stareMesaj", expected), ("descarcare", expected),
                        ("upload", expected)]


def test_declaration_goes_out_with_the_implicit_client(seeded) -> None:
    s = seeded.seeded
    seeded.http.put(f"{seeded.anaf_url}/__admin/api-settings", json={"processing_seconds": 0},
                    timeout=10).raise_for_status()
    org = organization_with_rights(seeded)
    request = seeded.oauth(GENERATE, {"input": {"organizationId": org, "scope": "ETRANSPORT"}})["data"][
        "generateAuthorizationRequest"]
    hop = seeded.authorize(request["authorizationUrl"])
    assert seeded.http.get(hop.headers["Location"], allow_redirects=False, timeout=10).status_code == 200
    sent = seeded.graphql("ro-etransport-api", s["key"], "mutation($org: ID!, $xml: String!) { uploadDeclaration("
                          "input: {organizationId: $org, xml: $xml}) { status uploadIndex uit clientId } }",
                          {"org": org, "xml": sample_declaration("12345674", "E2E-TR", date(2025, 3, 10))})
    assert not sent.get("errors"), sent
    done = sent["data"]["uploadDeclaration"]
    assert (done["status"], done["clientId"]) == ("PENDING", request["clientId"]) and done["uit"]
    assert anaf_api_calls(seeded, "/ETRANSPORT/ws/v1/upload/ETRANSP/12345674/2") == [
        ("/prod/ETRANSPORT/ws/v1/upload/ETRANSP/12345674/2", request["clientId"], 200)]
    read = seeded.ok("ro-etransport-api", s["key"], "query($id: ID!) { declarations(organizationId: $id) { status uit "
                     "clientId errors } }", {"id": org})["declarations"]
    assert read == [{"status": "OK", "uit": done["uit"], "clientId": request["clientId"], "errors": []}]
    assert [c[1] for c in anaf_api_calls(seeded, f"/stareMesaj/{done['uploadIndex']}")] == [request["clientId"]]


def test_anaf_gateway_refusals_reach_the_caller_in_anaf_words(seeded) -> None:
    """A token of an app not enrolled in e-Factura gets the gateway's 403; past the per-minute limit, its 429."""
    org = organization_with_rights(seeded)
    callback = seeded.seeded["main_callback"]
    transport_only = seeded.register_anaf_app("transport-only", [callback])
    seeded.http.patch(f"{seeded.anaf_url}/portal/api/apps/{transport_only['clientId']}",
                      json={"services": ["ETRANSPORT"]}, timeout=10).raise_for_status()
    seeded.ok("account-api", "sbs_acc_e2e-key", "mutation($id: ID!, $input: UpdateAppInput!) { updateApp(id: $id, "
              "input: $input) { id } }", {"id": seeded.seeded["app"], "input": {"roAnafEfacturaClientSecret": {
                  "clientId": transport_only["clientId"], "clientSecret": transport_only["clientSecret"],
                  "oauthCallback": callback}}})
    authorize(seeded, org, None)
    xml = sample_invoice("12345674", "E2E-403", date(2025, 3, 10))
    refused = seeded.graphql("ro-efactura-api", seeded.seeded["key"], UPLOAD, {"org": org, "xml": xml})["errors"][0]
    assert refused["extensions"]["code"] == "ANAF_ERROR"
    assert (refused["extensions"]["anaf"], refused["extensions"]["anafStatus"]) == ("Forbidden", 403)
    assert "not enrolled" in refused["extensions"]["sandboxReason"]

    seeded.ok("account-api", "sbs_acc_e2e-key", "mutation($id: ID!, $input: UpdateAppInput!) { updateApp(id: $id, "
              "input: $input) { id } }", {"id": seeded.seeded["app"], "input": {"roAnafEfacturaClientSecret": {
                  "clientId": seeded.seeded["main"]["clientId"], "clientSecret": seeded.seeded["main"]["clientSecret"],
                  "oauthCallback": callback}}})
    authorize(seeded, org, None)
    seeded.http.put(f"{seeded.anaf_url}/__admin/api-settings", json={"per_minute": 1}, timeout=10).raise_for_status()
    assert efactura(seeded, UPLOAD, {"org": org, "xml": xml})["uploadInvoice"]["status"] == "PENDING"
    limited = seeded.graphql("ro-efactura-api", seeded.seeded["key"], UPLOAD, {"org": org, "xml": xml})["errors"][0]
    assert (limited["extensions"]["code"], limited["extensions"]["anaf"], limited["extensions"]["anafStatus"]) == (
        "ANAF_ERROR", "Too Many Requests", 429)
