"""A token that mock SBS obtained through a brokered flow sends an invoice at mock ANAF over HTTP.

MAIN rule flow hop by hop (SBS's authorization request → the certificate prompt → the tenant's callback →
processAuthorizationResponse → SBS exchanges the code). The access token SBS stored then uploads, polls
(`in prelucrare` until the service clock passes the processing delay), lists and downloads, and the
download's signature verifies with the PEM from `/__admin/efactura/signing-cert`.
"""
from __future__ import annotations

from pathlib import Path

from mock_anaf.efactura import archive
from sandbox.harness.efactura import Efactura

INVOICE = (Path(__file__).resolve().parents[2] / "fixtures" / "anaf_api" / "ubl_invoice_ok.xml").read_bytes()
GENERATE = """mutation($input: GenerateAuthorizationRequestInput!) {
  generateAuthorizationRequest(input: $input) { authorizationUrl secretSource clientId } }"""
PROCESS = """mutation($input: ProcessAuthorizationResponseInput!) {
  processAuthorizationResponse(input: $input) { id clientId secretSource status } }"""


def test_brokered_token_uploads_polls_lists_and_downloads(seeded) -> None:
    s = seeded.seeded
    request = seeded.oauth(GENERATE, {"input": {"organizationId": s["org"], "scope": "EFACTURA"}})["data"][
        "generateAuthorizationRequest"]
    assert request["secretSource"] == "MAIN"
    back = seeded.redirect_query(seeded.authorize(request["authorizationUrl"]))  # as 4F1A9C2E7B3D5A60 (12345674)
    done = seeded.oauth(PROCESS, {"input": {"state": back["state"], "code": back["code"]}})["data"][
        "processAuthorizationResponse"]
    assert done["status"] == "ACTIVE" and done["clientId"] == s["main"]["clientId"]
    token = seeded.sbs_runtime.store.authorizations.get_authorization(done["id"], None).access_token  # what SBS keeps, unseen

    efactura = Efactura(seeded.http, seeded.anaf_url, seeded.anaf_url, token, env="test")
    sent = efactura.upload(INVOICE, cif="12345674")
    assert sent.error is None and sent.index == "5000000001"
    assert efactura.status(sent.index).state == "in prelucrare"
    seeded.advance(2)  # the configured processing delay, on the service clock
    status = efactura.status(sent.index)
    assert (status.state, status.download_id) == ("ok", "3000000001")

    listed = efactura.messages("12345674")["mesaje"]
    assert [(m["tip"], m["id"], m["id_solicitare"]) for m in listed] == [("FACTURA TRIMISA", "3000000001",
                                                                          "5000000001")]
    zipped = efactura.download(status.download_id)
    assert zipped.names == ("5000000001.xml", "semnatura_5000000001.xml") and zipped.content == INVOICE
    pem = seeded.http.get(f"{seeded.anaf_url}/__admin/efactura/signing-cert", timeout=10).text
    archive.verify(zipped.content, zipped.signature, pem)

    calls = seeded.http.get(f"{seeded.anaf_url}/__admin/requests", params={"path": "/test/FCTEL/rest/"},
                            timeout=10).json()
    assert {c["client_id"] for c in calls} == {s["main"]["clientId"]}  # the token's app, journaled
    assert [c["operation"] for c in calls] == ["upload", "stare_mesaj", "stare_mesaj", "lista_mesaje", "descarcare"]
    assert token not in str(calls)
