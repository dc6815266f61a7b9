"""An existing ANAF e-Factura client from PyPI, unchanged, against the sandbox: Encorsa_e_Factura 0.5.9.

The client has `https://logincert.anaf.ro` and `https://api.anaf.ro` written into its code and calls them
with `requests`; `intercept_anaf()` answers those URLs in-process, so nothing in the client is patched. It
refreshes a token before every call (and keeps no rotated refresh token), so each call gets its own grant.
It builds the invoice from a template whose values are GUIDs and a GUID → value map: the test turns a
sample invoice into that form. Upload, status, paginated list and download on `prod` (where its list
function is hard-wired), then its own error for a bad token.
"""
from __future__ import annotations

import json
import time
import uuid
from pathlib import Path

import pytest
from lxml import etree

from sandbox.interception import intercept_anaf

encorsa = pytest.importorskip("Encorsa_e_Factura")
from Encorsa_e_Factura import AnafUtils  # noqa: E402
from Encorsa_e_Factura.descarcaRaspunsIncarcareFactura import download_invoice_response_anaf  # noqa: E402
from Encorsa_e_Factura.sendInvoiceANAF import send_invoice_anaf  # noqa: E402
from Encorsa_e_Factura.verificareStatusFacturaTrimisa import check_invoice_status_anaf  # noqa: E402

INVOICE = Path(__file__).resolve().parents[2] / "fixtures" / "anaf_api" / "ubl_invoice_b2c.xml"
CALLBACK = "https://erp.example.ro/anaf/callback"


def as_template(source: Path, target: Path) -> dict[str, str]:
    """The client's input: every text and attribute value replaced by a GUID; returns GUID → value."""
    root = etree.fromstring(source.read_bytes())
    values: dict[str, str] = {}
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if len(element) == 0 and element.text and element.text.strip():
            key = str(uuid.uuid4())
            values[key], element.text = element.text.strip(), key
        for name, value in list(element.attrib.items()):
            key = str(uuid.uuid4())
            values[key] = value
            element.attrib[name] = key
    target.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    return values


def test_encorsa_client_uploads_polls_lists_downloads_and_sees_a_bad_token(tmp_path: Path) -> None:
    template = tmp_path / "template.xml"
    values = as_template(INVOICE, template)
    with intercept_anaf(api_processing_seconds=0) as anaf:
        app = anaf.register_app(callbacks=[CALLBACK], services=["EFACTURA"])

        def extras() -> str:
            grant = anaf.login(app)  # a fresh grant per call: the client refreshes every time
            return json.dumps({"env": "prod", "standard": "UBL", "cif": "12345674", "oauth": {
                "client_id": app.client_id, "client_secret": app.client_secret,
                "refresh_token": grant["refresh_token"]}})

        status, answer = send_invoice_anaf(json.dumps(values), str(template), extras())
        assert status == 200 and 'ExecutionStatus="0"' in answer["text"]
        index = answer["text"].split('index_incarcare="')[1].split('"')[0]

        status, state = check_invoice_status_anaf(index, extras())
        assert status == 200 and 'stare="ok"' in state["xml"]
        download_id = state["xml"].split('id_descarcare="')[1].split('"')[0]

        token = anaf.login(app)["access_token"]
        now_ms = int(time.time() * 1000)
        messages = AnafUtils.get_all_messages(token, now_ms - 3_600_000, now_ms, "12345674")
        assert [(m["tip"], m["id"], m["id_solicitare"]) for m in messages] == [
            ("FACTURA TRIMISA", download_id, index)]

        status, downloaded = download_invoice_response_anaf(download_id, extras())
        assert status == 200 and downloaded["upload_id"] == index
        stored = anaf.app.extensions["mock_anaf"].efactura.store.upload("prod", index, with_body=True)
        assert downloaded["xml_content"].encode() == stored.body
        assert "<cbc:ID>SBX-B2C-000042</cbc:ID>" in downloaded["xml_content"]

        with pytest.raises(Exception, match="401 Client Error: Unauthorized"):
            AnafUtils.get_all_messages("not-a-token", now_ms - 3_600_000, now_ms, "12345674")
        with pytest.raises(Exception, match="400 Client Error"):  # an unknown refresh token: invalid_grant
            AnafUtils.get_token_with_refresh("not-a-refresh-token", app.client_id, app.client_secret, {})
