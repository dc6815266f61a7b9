"""A token that mock SBS obtained through its implicit (SBS-managed) flow declares a transport at mock ANAF.

The seeded SBS app uses the implicit secret for e-Transport: SBS registers its own ANAF app, ANAF returns
the code to SBS's callback and SBS exchanges it. The access token SBS stored then uploads a notification
over HTTP (a UIT at once, `in prelucrare` until the service clock passes the processing delay), lists it,
finds it as the transport organiser, deletes it, and the journal names SBS's app, never the token.
"""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from mock_anaf import anaf_time
from sandbox.harness.etransport import Etransport

NOTIFICATION = (Path(__file__).resolve().parents[2] / "fixtures" / "anaf_api" / "etransport_notificare_v2.xml"
                ).read_bytes()
GENERATE = """mutation($input: GenerateAuthorizationRequestInput!) {
  generateAuthorizationRequest(input: $input) { id authorizationUrl clientId secretSource } }"""


def test_brokered_token_declares_lists_looks_up_and_deletes(seeded) -> None:
    s = seeded.seeded
    request = seeded.oauth(GENERATE, {"input": {"organizationId": s["org"], "scope": "ETRANSPORT",
                                                "returnUrl": "http://127.0.0.1:9/done"}})["data"][
        "generateAuthorizationRequest"]
    assert request["secretSource"] == "IMPLICIT"
    hop = seeded.authorize(request["authorizationUrl"])  # as 4F1A9C2E7B3D5A60 (12345674), back to SBS's callback
    back = seeded.redirect_query(seeded.http.get(hop.headers["Location"], allow_redirects=False, timeout=10))
    token = seeded.sbs_runtime.store.authorizations.get_authorization(back["authorizationId"], None).access_token

    now = seeded.http.get(f"{seeded.anaf_url}/__admin/clock", timeout=10).json()["epoch"]  # the service clock
    transport_date = (anaf_time.local(now) + timedelta(days=1)).strftime("%Y-%m-%d")
    etransport = Etransport(seeded.http, seeded.anaf_url, seeded.anaf_url, token, env="test")
    sent = etransport.upload(NOTIFICATION.replace(b"2025-03-12", transport_date.encode()), cif="12345674")
    assert sent.error is None and sent.index == 4000000001 and len(sent.uit or "") == 16
    assert etransport.status(sent.index).state == "in prelucrare"
    seeded.advance(2)  # the configured processing delay, on the service clock
    assert etransport.status(sent.index).state == "ok"

    (record,) = etransport.declarations("12345674")["mesaje"]
    assert (record["uit"], record["tip"], record["stare"], record["id_incarcare"]) == (sent.uit, "NOT", "OK", 4000000001)
    (carried,) = etransport.info(cui_op="12345674", uit=sent.uit)
    assert carried["data_transp"] == f"{transport_date}T00:00:00"

    deletion = (b'<eTransport xmlns="mfp:anaf:dgti:eTransport:declaratie:v2" codDeclarant="12345674">'
                b'<stergere uit="' + sent.uit.encode() + b'"/></eTransport>')
    deleted = etransport.upload(deletion, cif="12345674")
    assert deleted.uit == sent.uit
    seeded.advance(2)
    assert etransport.status(deleted.index).state == "ok"
    assert [(r["uit"], r["tip"]) for r in etransport.declarations("12345674")["mesaje"]] == [(sent.uit, "DEL")]
    assert etransport.info(cui_op="12345674")["error"] == "Nu exista informatii pentru aceasta solicitare"

    calls = seeded.http.get(f"{seeded.anaf_url}/__admin/requests", params={"path": "/test/ETRANSPORT/ws/v1/"},
                            timeout=10).json()
    assert {c["client_id"] for c in calls} == {request["clientId"]}  # SBS's implicit app, journaled
    assert [c["operation"] for c in calls][:3] == ["upload", "stare_mesaj", "stare_mesaj"]
    assert token not in str(calls) and sent.uit not in str(calls)
