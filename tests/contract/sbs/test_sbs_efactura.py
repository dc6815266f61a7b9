"""The RO e-Factura service through the test client, with an in-memory ANAF answering in ANAF's own bytes (SPEC §3.4)."""
from __future__ import annotations

import base64
import json
import io
import zipfile
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parents[2] / "fixtures" / "anaf_api"
OK_XML = (FIXTURES / "ubl_invoice_ok.xml").read_text(encoding="utf-8")
MALFORMED_XML = (FIXTURES / "ubl_invoice_malformed.xml").read_text(encoding="utf-8")
GENERATE = """mutation($input: GenerateAuthorizationRequestInput!) {
  generateAuthorizationRequest(input: $input) { state clientId oauthCallback }
}"""
PROCESS = """mutation($input: ProcessAuthorizationResponseInput!) {
  processAuthorizationResponse(input: $input) { id clientId }
}"""
FIELDS = """id organizationId direction status uploadIndex downloadId sellerTin buyerTin number issueDate errors
  environment authorizationId clientId secretSource standard statusChecksToday nextStatusCheckAt lastStatusError"""
UPLOAD = f"""mutation($input: UploadInvoiceInput!) {{ uploadInvoice(input: $input) {{ {FIELDS} }} }}"""
READ = f"""query($id: ID!) {{ invoice(id: $id) {{ {FIELDS} }} }}"""
LIST = f"""query($org: ID!, $filter: InvoiceFilter) {{ invoices(organizationId: $org, filter: $filter) {{ {FIELDS} }} }}"""
REFRESH = f"""mutation($id: ID!) {{ refreshInvoiceStatus(id: $id) {{ {FIELDS} }} }}"""
DOWNLOAD = """mutation($id: ID!) { downloadInvoice(id: $id) {
  invoiceId downloadId fileName zipBase64 fileNames files { name size text } errors fromCache } }"""
SYNC = f"""mutation($org: ID!, $days: Int) {{ syncInvoices(organizationId: $org, days: $days) {{
  organizationId environment days pages messages added {{ {FIELDS} }} updated {{ {FIELDS} }} }} }}"""
BRANCH_CALLBACK = "http://localhost:8000/anaf/callback/branch"


def authorize(sbs, brokered, scope: str = "EFACTURA", **fields) -> dict:
    request = sbs.ok("ro-anaf-oauth-api", brokered["key"], GENERATE, {"input": {
        "organizationId": brokered["org"], "scope": scope, **fields}})["generateAuthorizationRequest"]
    code = sbs.anaf.authorize(request["clientId"], request["oauthCallback"])
    return sbs.ok("ro-anaf-oauth-api", brokered["key"], PROCESS, {"input": {"state": request["state"], "code": code}})[
        "processAuthorizationResponse"]


def efactura(sbs, brokered, query: str, variables: dict) -> dict:
    return sbs.ok("ro-efactura-api", brokered["key"], query, variables)


def upload(sbs, brokered, xml: str = OK_XML, **fields) -> dict:
    return efactura(sbs, brokered, UPLOAD, {"input": {"organizationId": brokered["org"], "xml": xml, **fields}})[
        "uploadInvoice"]


@pytest.fixture()
def authorized(sbs, brokered) -> dict:
    brokered["authorization"] = authorize(sbs, brokered)
    return brokered


def test_upload_goes_out_with_the_main_client_and_reads_its_status(sbs, authorized) -> None:
    sent = upload(sbs, authorized)
    assert sent["status"] == "PENDING" and sent["uploadIndex"] == "5000000001" and sent["downloadId"] is None
    assert (sent["clientId"], sent["secretSource"], sent["authorizationId"]) == (
        "main-id", "MAIN", authorized["authorization"]["id"])
    assert (sent["sellerTin"], sent["buyerTin"], sent["number"], sent["issueDate"]) == (
        "12345674", "56789016", "SBX-2025-0001", "2025-03-10")
    assert (sent["environment"], sent["standard"], sent["direction"]) == ("PROD", "UBL", "OUTBOUND")
    assert sbs.api.calls == [("upload", "main-id", "prod")]

    read = efactura(sbs, authorized, READ, {"id": sent["id"]})["invoice"]
    assert (read["status"], read["downloadId"], read["statusChecksToday"]) == ("OK", "3000000001", 1)
    assert sbs.api.calls[-1] == ("stareMesaj", "main-id", "prod")
    again = efactura(sbs, authorized, READ, {"id": sent["id"]})["invoice"]
    assert again["status"] == "OK" and len(sbs.api.calls) == 2, "a finished invoice is not checked again"


def test_test_environment_setting_picks_the_test_paths(sbs, authorized) -> None:
    sbs.update_app(authorized["app"], {"roAnafEfacturaUseTestEnvironment": True})
    sent = upload(sbs, authorized, b2c=True, extern=True)
    assert sent["environment"] == "TEST"
    assert sbs.api.calls == [("uploadb2c", "main-id", "test")]


def test_additional_secret_carries_the_upload_and_its_refresh(sbs, brokered) -> None:
    authorize(sbs, brokered, oauthCallback=BRANCH_CALLBACK)
    first = upload(sbs, brokered)
    assert (first["clientId"], first["secretSource"]) == ("branch-id", "ADDITIONAL")
    sbs.clock.advance(7_776_000)  # the access token's life
    second = upload(sbs, brokered)
    assert second["clientId"] == "branch-id"
    assert sbs.anaf.token_calls() == [("branch-id", "authorization_code"), ("branch-id", "refresh_token")]
    assert [c[1] for c in sbs.api.calls] == ["branch-id", "branch-id"], "both uploads carried a live branch token"


def test_reads_keep_under_the_stare_quota_with_growing_intervals(sbs, authorized) -> None:
    sbs.api.processing_reads = 10
    sent = upload(sbs, authorized)
    stare = lambda: sbs.api.operations().count("stareMesaj")  # noqa: E731
    efactura(sbs, authorized, READ, {"id": sent["id"]})
    assert stare() == 1, "the first read asks at once"
    read = efactura(sbs, authorized, READ, {"id": sent["id"]})["invoice"]
    assert stare() == 1 and read["status"] == "PENDING" and read["statusChecksToday"] == 1
    assert read["nextStatusCheckAt"] == "2025-06-15T15:06:41Z", "one second after the first check"
    sbs.clock.advance(1)
    efactura(sbs, authorized, READ, {"id": sent["id"]})
    assert stare() == 2
    sbs.clock.advance(1)
    efactura(sbs, authorized, READ, {"id": sent["id"]})
    assert stare() == 2, "the third check waits two seconds"
    forced = efactura(sbs, authorized, REFRESH, {"id": sent["id"]})["refreshInvoiceStatus"]
    assert stare() == 3 and forced["statusChecksToday"] == 3


def test_forced_checks_stop_at_sbs_quota_without_calling_anaf(sbs, authorized) -> None:
    sbs.api.processing_reads = 200
    sent = upload(sbs, authorized)
    object.__setattr__(sbs.app.extensions["mock_sbs"].domain.api_calls, "stare_quota", 2)
    for _ in range(2):
        efactura(sbs, authorized, REFRESH, {"id": sent["id"]})
    error = sbs.error("ro-efactura-api", authorized["key"], REFRESH, {"id": sent["id"]})
    assert error["extensions"]["code"] == "QUOTA_EXCEEDED" and "after midnight in Bucharest" in error["message"]
    assert sbs.api.operations().count("stareMesaj") == 2


def test_anaf_quota_sentence_is_passed_on_and_stops_reads_for_the_day(sbs, authorized) -> None:
    sbs.api.processing_reads, sbs.api.stare_quota = 200, 1
    sent = upload(sbs, authorized)
    efactura(sbs, authorized, REFRESH, {"id": sent["id"]})
    error = sbs.error("ro-efactura-api", authorized["key"], REFRESH, {"id": sent["id"]})
    assert error["extensions"]["code"] == "ANAF_ERROR"
    assert error["extensions"]["anaf"] == "S-au facut deja 1 descarcari de mesaj in cursul zilei"
    read = efactura(sbs, authorized, READ, {"id": sent["id"]})["invoice"]
    assert read["statusChecksToday"] == 100 and read["nextStatusCheckAt"] is None
    assert read["lastStatusError"].startswith("ANAF_ERROR: S-au facut deja 1")
    assert sbs.api.operations().count("stareMesaj") == 2


def test_nok_invoice_shows_anaf_errors_and_downloads_the_error_list(sbs, authorized) -> None:
    rule = "E: validari globale\n eroare regula: R6.1: CIF-ul vanzatorului nu figureaza in baza de date:98765438"
    sbs.api.outcomes.append(("nok", (rule,)))
    sent = upload(sbs, authorized)
    read = efactura(sbs, authorized, READ, {"id": sent["id"]})["invoice"]
    assert (read["status"], read["errors"]) == ("NOK", [rule])
    got = efactura(sbs, authorized, DOWNLOAD, {"id": sent["id"]})["downloadInvoice"]
    assert got["errors"] == [rule] and got["fromCache"] is True, "the NOK's ZIP was fetched once, with its errors"
    assert got["fileNames"] == ["5000000001.xml", "semnatura_5000000001.xml"]
    assert sbs.api.operations() == ["upload", "stareMesaj", "descarcare"]


def test_download_returns_the_zip_and_is_kept(sbs, authorized) -> None:
    sent = upload(sbs, authorized)
    efactura(sbs, authorized, READ, {"id": sent["id"]})
    got = efactura(sbs, authorized, DOWNLOAD, {"id": sent["id"]})["downloadInvoice"]
    assert (got["fileName"], got["downloadId"], got["fromCache"]) == ("3000000001.zip", "3000000001", False)
    with zipfile.ZipFile(io.BytesIO(base64.b64decode(got["zipBase64"]))) as archive:
        assert archive.namelist() == got["fileNames"] == ["5000000001.xml", "semnatura_5000000001.xml"]
        assert archive.read("5000000001.xml").decode() == OK_XML
    assert got["files"][0]["text"] == OK_XML and got["errors"] == []
    again = efactura(sbs, authorized, DOWNLOAD, {"id": sent["id"]})["downloadInvoice"]
    assert again["fromCache"] is True and again["zipBase64"] == got["zipBase64"]
    assert sbs.api.operations().count("descarcare") == 1


def test_refused_upload_is_anaf_error_with_anaf_text_and_a_failed_invoice(sbs, authorized) -> None:
    error = sbs.error("ro-efactura-api", authorized["key"], UPLOAD, {"input": {
        "organizationId": authorized["org"], "xml": MALFORMED_XML}})
    assert error["extensions"]["code"] == "ANAF_ERROR" and error["extensions"]["anafStatus"] == 200
    assert error["extensions"]["anaf"].startswith("Fisierul transmis nu este valid. org.xml.sax.SAXParseException")
    listed = efactura(sbs, authorized, LIST, {"org": authorized["org"]})["invoices"]
    assert [(i["id"], i["status"], i["uploadIndex"]) for i in listed] == [
        (error["extensions"]["invoiceId"], "FAILED", None)]
    assert listed[0]["errors"] == [error["extensions"]["anaf"]]


def test_anaf_401_is_anaf_error_with_its_own_text(sbs, authorized) -> None:
    for token in list(sbs.anaf._tokens.values()):
        token.revoked = True
    error = sbs.error("ro-efactura-api", authorized["key"], UPLOAD, {"input": {
        "organizationId": authorized["org"], "xml": OK_XML}})
    assert error["extensions"]["code"] == "ANAF_ERROR"
    assert (error["extensions"]["anaf"], error["extensions"]["anafStatus"]) == ("Unauthorized", 401)
    assert error["extensions"]["sandboxReason"] == "the token has expired"


def test_no_authorization_or_one_that_needs_reauthorization_is_authorization_required(sbs, brokered) -> None:
    error = sbs.error("ro-efactura-api", brokered["key"], UPLOAD, {"input": {
        "organizationId": brokered["org"], "xml": OK_XML}})
    assert error["extensions"]["code"] == "AUTHORIZATION_REQUIRED"
    assert brokered["org"] in error["message"] and "EFACTURA" in error["message"]
    authorize(sbs, brokered, oauthCallback=BRANCH_CALLBACK)
    sbs.update_app(brokered["app"], {"roAnafEfacturaAdditionalClientSecrets": []})
    sbs.clock.advance(7_776_000)
    error = sbs.error("ro-efactura-api", brokered["key"], UPLOAD, {"input": {
        "organizationId": brokered["org"], "xml": OK_XML}})
    assert error["extensions"]["code"] == "AUTHORIZATION_REQUIRED" and "no longer configured" in error["message"]
    assert sbs.api.calls == [], "nothing reached ANAF's API"


def test_sync_records_inbound_invoices_once_and_finishes_pending_uploads(sbs, authorized) -> None:
    sent = upload(sbs, authorized)
    efactura(sbs, authorized, REFRESH, {"id": sent["id"]})
    pending = upload(sbs, authorized)  # ANAF finished it, but SBS has not asked yet
    sbs.api.add_inbound("prod", "56789016", "12345678")  # the organization's TIN, RO12345678
    first = efactura(sbs, authorized, SYNC, {"org": authorized["org"], "days": 60})["syncInvoices"]
    assert (first["messages"], first["pages"], first["environment"]) == (3, 1, "PROD")
    assert [(i["direction"], i["status"], i["sellerTin"], i["buyerTin"]) for i in first["added"]] == [
        ("INBOUND", "OK", "56789016", "12345678")]
    assert [(i["id"], i["status"]) for i in first["updated"]] == [(pending["id"], "OK")]
    second = efactura(sbs, authorized, SYNC, {"org": authorized["org"], "days": None})["syncInvoices"]
    assert second["days"] == 60, "days: null is the default"
    assert (second["added"], second["updated"]) == ([], [])
    inbound = efactura(sbs, authorized, LIST, {"org": authorized["org"], "filter": {"direction": "INBOUND"}})["invoices"]
    assert len(inbound) == 1 and inbound[0]["downloadId"] == first["added"][0]["downloadId"]


@pytest.mark.parametrize(
    ("query", "variables", "code"),
    [
        pytest.param(UPLOAD, {"input": {"organizationId": "ORG", "xml": "  "}}, "BAD_USER_INPUT", id="empty-xml"),
        pytest.param(SYNC, {"org": "ORG", "days": 61}, "BAD_USER_INPUT", id="days-over-60"),
        pytest.param(SYNC, {"org": "ORG", "days": 0}, "BAD_USER_INPUT", id="days-zero"),
        pytest.param(READ, {"id": "inv_unknown"}, "NOT_FOUND", id="unknown-invoice"),
        pytest.param(UPLOAD, {"input": {"organizationId": "org_unknown", "xml": OK_XML}}, "NOT_FOUND", id="unknown-org"),
    ],
)
def test_bad_input_is_refused_before_anaf(sbs, authorized, query, variables, code) -> None:
    filled = {k: ({**v, "organizationId": authorized["org"]} if isinstance(v, dict) and v.get("organizationId") == "ORG"
                  else authorized["org"] if v == "ORG" else v) for k, v in variables.items()}
    error = sbs.error("ro-efactura-api", authorized["key"], query, filled)
    assert error["extensions"]["code"] == code, error
    assert sbs.api.calls == []


def test_another_tenant_sees_nothing(sbs, authorized) -> None:
    sent = upload(sbs, authorized)
    _, other_key = sbs.tenant_with_key(authorized["app"], "other")
    for query, variables in ((READ, {"id": sent["id"]}), (DOWNLOAD, {"id": sent["id"]}),
                             (LIST, {"org": authorized["org"]}), (SYNC, {"org": authorized["org"]})):
        error = sbs.error("ro-efactura-api", other_key, query, variables)
        assert error["extensions"]["code"] == "NOT_FOUND", query


def test_key_scope_and_missing_key(sbs, authorized) -> None:
    _, scoped = sbs.tenant_with_key(authorized["app"], "scoped", scope="organizations-api")
    assert sbs.error("ro-efactura-api", scoped, LIST, {"org": authorized["org"]}, status=403)["extensions"][
        "code"] == "FORBIDDEN"
    assert sbs.error("ro-efactura-api", None, LIST, {"org": authorized["org"]}, status=401)["extensions"][
        "code"] == "UNAUTHENTICATED"
    _, allowed = sbs.tenant_with_key(authorized["app"], "allowed", scope="ro-efactura-api ro-etransport-api")
    assert sbs.post("ro-efactura-api", allowed, LIST, {"org": "org_x"}).status_code == 200


def test_nothing_answered_or_journaled_holds_a_token(sbs, authorized) -> None:
    sent = upload(sbs, authorized)
    efactura(sbs, authorized, READ, {"id": sent["id"]})
    text = sbs.client.get("/__admin/requests").get_data(as_text=True)
    text += str(efactura(sbs, authorized, DOWNLOAD, {"id": sent["id"]}))
    for token in sbs.anaf._tokens:
        assert token not in text
    entry = sbs.journal("/ro-efactura-api/graphql")[0]
    assert (entry["client_id"], entry["scope"], entry["secret_source"]) == ("main-id", "EFACTURA", "MAIN")



def test_console_examples_fit_the_schemas_and_run(sbs, authorized) -> None:
    from mock_sbs.api_console import api_examples

    page = sbs.client.get("/console").get_data(as_text=True)
    assert "RO e-Factura: upload an invoice" in page and 'value="ro-etransport-api"' in page
    for example in api_examples():
        text = json.dumps(example["variables"]).replace("YOUR_ORGANIZATION_ID", authorized["org"])
        answer = sbs.post(example["endpoint"], authorized["key"], example["query"], json.loads(text))
        codes = [e["extensions"]["code"] for e in answer.get_json().get("errors", [])]
        assert codes in ([], ["NOT_FOUND"], ["AUTHORIZATION_REQUIRED"]), (example["title"], answer.get_json())
    assert sbs.client.get("/ro-efactura-api/graphql").status_code == 200
