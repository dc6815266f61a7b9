"""anafpy 0.13.3, unchanged, against a running sandbox: each call's result, printed as one JSON object.

Run by tests/e2e/thirdparty/test_anafpy_client.py with anafpy's own Python (≥ 3.12, `make anafpy-venv`).
The sandbox comes from the environment: ANAF_SANDBOX_URL (mock ANAF), ANAF_CIF, ANAF_CLIENT_ID and
ANAF_CLIENT_SECRET (an app enrolled in e-Factura and e-Transport), ANAF_ACCESS_TOKEN and
ANAF_REFRESH_TOKEN (one authorization of it), ANAF_EFACTURA_ONLY_TOKEN (an app without e-Transport),
and the documents to send: ETRANSPORT_XML, INVOICE_XML, INVOICE_NOK_XML (paths).

anafpy is pointed at the sandbox the two ways it allows, nothing patched: its clients get an httpx2
client whose `base_url` is the sandbox's service URL, and the absolute URLs anafpy builds itself
(the token endpoint on logincert.anaf.ro, /api/validate/signature on api.anaf.ro) go through an HTTP
transport that sends ANAF's two hosts to the sandbox and refuses every other host. The driver also
uses the sandbox's control plane (/__admin) to end processing when it wants, never anafpy.
"""
from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx2
from anafpy.auth.models import TokenSet
from anafpy.auth.provider import AnafAuth, TokenProvider
from anafpy.auth.store import MemoryTokenStore
from anafpy.efactura.client import EFacturaClient
from anafpy.etransport.client import ETransportClient
from anafpy.etransport.models import FlatDeletion
from anafpy.exceptions import AnafError, AnafResponseError

ANAF_HOSTS = ("logincert.anaf.ro", "api.anaf.ro")
EFACTURA_PATH = "/test/FCTEL/rest"
ETRANSPORT_PATH = "/test/ETRANSPORT/ws/v1"


class ToSandbox(httpx2.AsyncBaseTransport):
    """Sends requests for ANAF's own hosts to the sandbox; any host but those and the sandbox is refused.

    One instance serves every client (a network transport costs ~0.1 s to build); closing a client
    leaves it open, `close()` ends it.
    """

    def __init__(self, sandbox_url: str) -> None:
        self._sandbox = httpx2.URL(sandbox_url)
        self._network = httpx2.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        """Rewrite an ANAF URL to the sandbox's scheme, host and port; keep path and query."""
        if request.url.host in ANAF_HOSTS:
            request.url = request.url.copy_with(scheme=self._sandbox.scheme, host=self._sandbox.host,
                                                port=self._sandbox.port)
            request.headers["Host"] = self._sandbox.netloc.decode("ascii")
        elif (request.url.host, request.url.port) != (self._sandbox.host, self._sandbox.port):
            raise httpx2.ConnectError(f"only ANAF and the sandbox are reachable, not {request.url.host}",
                                      request=request)
        return await self._network.handle_async_request(request)

    async def aclose(self) -> None:
        """Nothing: the clients sharing this transport come and go, `close()` ends it."""

    async def close(self) -> None:
        await self._network.aclose()


class Sandbox:
    """The sandbox as anafpy sees it: token providers and clients bound to it, and its control plane."""

    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")
        self.transport = ToSandbox(self.url)
        self.admin = httpx2.AsyncClient(base_url=self.url, transport=self.transport, timeout=10)

    def provider(self, access_token: str, refresh_token: str) -> TokenProvider:
        """anafpy's token provider over an in-memory store; its refreshes reach the sandbox's token endpoint."""
        return TokenProvider(client_id=os.environ["ANAF_CLIENT_ID"], client_secret=os.environ["ANAF_CLIENT_SECRET"],
                             store=MemoryTokenStore(TokenSet(access_token=access_token, refresh_token=refresh_token)),
                             http=httpx2.AsyncClient(transport=self.transport, timeout=10))

    def http(self, service_path: str, provider: TokenProvider) -> httpx2.AsyncClient:
        """The client anafpy's service clients accept: the sandbox's service URL and anafpy's own auth."""
        return httpx2.AsyncClient(base_url=self.url + service_path, auth=AnafAuth(provider), transport=self.transport,
                                  timeout=10)

    def efactura(self, provider: TokenProvider) -> EFacturaClient:
        return EFacturaClient(provider, http=self.http(EFACTURA_PATH, provider))

    def etransport(self, provider: TokenProvider) -> ETransportClient:
        return ETransportClient(provider, http=self.http(ETRANSPORT_PATH, provider))

    async def finish_processing(self, api: str, index: str) -> None:
        """Control plane: reveal an upload's outcome now (`ready_in: 0`)."""
        path = f"/__admin/efactura/uploads/{index}" if api == "efactura" else f"/__admin/etransport/uploads/{index}"
        (await self.admin.post(path, json={"ready_in": 0})).raise_for_status()

    async def process_instantly(self) -> None:
        """Control plane: from now on an upload's outcome is revealed at once."""
        (await self.admin.put("/__admin/api-settings", json={"processing_seconds": 0})).raise_for_status()


def failure(exc: AnafError) -> dict[str, Any]:
    """An anafpy exception as data: its class, message and, for an HTTP answer, status and body."""
    shown: dict[str, Any] = {"error": type(exc).__name__, "message": str(exc)}
    if isinstance(exc, AnafResponseError):
        shown.update(status_code=exc.status_code, body=exc.body)
    return shown


async def etransport_calls(sandbox: Sandbox, provider: TokenProvider, cif: str) -> dict[str, Any]:
    """Upload a v2 notification, follow its state, list it, look it up, delete it with anafpy's own XML."""
    out: dict[str, Any] = {}
    async with sandbox.etransport(provider) as client:
        out["list_before"] = [n.model_dump() async for n in client.list_notifications(days=1, cif=cif)]
        sent = await client.upload(Path(os.environ["ETRANSPORT_XML"]).read_bytes(), cif=cif)
        out["upload"] = {"upload_id": sent.upload_id, "uit": sent.uit, "accepted": sent.accepted,
                         "errors": sent.errors}
        out["state_at_once"] = (await client.get_status(sent.upload_id)).state.value
        await sandbox.finish_processing("etransport", sent.upload_id)
        out["state_after"] = (await client.get_status(sent.upload_id)).state.value
        out["list"] = [n.model_dump() async for n in client.list_notifications(days=1, cif=cif)]
        found = await client.info(organizer_cui=cif, uit=sent.uit)
        out["info"] = {"items": [item.model_dump() for item in found.items], "error": found.error}
        refused = await client.upload(Path(os.environ["ETRANSPORT_XML"]).read_bytes(), cif="56789016")
        out["upload_without_rights"] = {"accepted": refused.accepted, "errors": refused.errors}
        try:
            await client.get_status("999")
        except AnafResponseError as exc:
            out["status_unknown_index"] = failure(exc)
        deletion = await client.upload_document(FlatDeletion(uit=sent.uit), cif=cif)  # anafpy writes the XML
        await sandbox.finish_processing("etransport", deletion.upload_id)
        deleted = await client.get_status(deletion.upload_id)
        out["deletion"] = {"uit": deletion.uit, "state": deleted.state.value, "errors": deleted.errors}
        out["list_after_deletion"] = [n.model_dump() async for n in client.list_notifications(days=1, cif=cif)]
        after = await client.info(organizer_cui=cif)
        out["info_after_deletion"] = {"items": [item.model_dump() for item in after.items], "error": after.error}
    return out


async def efactura_calls(sandbox: Sandbox, provider: TokenProvider, cif: str) -> dict[str, Any]:
    """Upload, follow, list (a window and the last day, paged), download, check the signature, a `nok`."""
    out: dict[str, Any] = {}
    invoice = Path(os.environ["INVOICE_XML"]).read_bytes()
    async with sandbox.efactura(provider) as client:
        sent = await client.upload(invoice, cif=cif)
        out["upload"] = {"upload_id": sent.upload_id, "accepted": sent.accepted, "errors": sent.errors}
        out["state_at_once"] = (await client.get_status(sent.upload_id)).state.value
        await sandbox.finish_processing("efactura", sent.upload_id)
        status = await client.get_status(sent.upload_id)
        out["state_after"] = {"state": status.state.value, "download_id": status.download_id}
        # anafpy's `days` window ends a minute ago (its clock-skew margin), so a message this fresh is
        # found by an explicit window; the `days` one finds the test's back-dated inbox, over two pages.
        now = datetime.now(timezone.utc)
        window = [m async for m in client.list_messages(cif=cif, start=now - timedelta(hours=1), end=now)]
        out["list_window"] = {"count": len(window),
                              "sent": [m.model_dump() for m in window if m.message_type != "FACTURA PRIMITA"]}
        last_day = [m async for m in client.list_messages(cif=cif, days=1)]
        out["list_last_day"] = {"count": len(last_day), "ids": len({m.id for m in last_day}),
                                "types": sorted({m.message_type or "" for m in last_day}),
                                "senders": sorted({m.sender_cif or "" for m in last_day})}
        downloaded = await client.download(status.download_id)
        out["download"] = {"same_bytes": downloaded.content_xml == invoice,
                           "has_signature": downloaded.signature_xml is not None}
        checked = await client.validate_signature(downloaded.content_xml, downloaded.signature_xml)
        out["signature"] = {"valid": checked.valid, "message": checked.message}
        forged = downloaded.content_xml.replace(b"SBX-2025-0001", b"SBX-2025-0002")
        out["signature_of_changed_invoice"] = (await client.validate_signature(
            forged, downloaded.signature_xml)).valid
        try:
            await client.download("999")
        except AnafResponseError as exc:
            out["download_unknown_id"] = failure(exc)
        await sandbox.process_instantly()
        rejected = await client.upload_and_wait(Path(os.environ["INVOICE_NOK_XML"]).read_bytes(), cif=cif,
                                                timeout=10, initial_wait=0.1, max_wait=0.5)
        out["nok"] = {"state": rejected.state.value, "download_id": rejected.download_id}
        errors = await client.download(rejected.download_id)
        out["nok_download"] = {"error_list": (errors.content_xml or b"").decode("utf-8"),
                               "has_signature": errors.signature_xml is not None}
    return out


async def token_calls(sandbox: Sandbox, cif: str) -> dict[str, Any]:
    """anafpy's token handling: a stale access token refreshed at the sandbox, a bad refresh, a 403."""
    out: dict[str, Any] = {}
    stale = sandbox.provider("not-a-token", os.environ["ANAF_REFRESH_TOKEN"])
    async with sandbox.etransport(stale) as client:
        listed = [n.uit async for n in client.list_notifications(days=1, cif=cif)]
    tokens = stale.tokens
    out["stale_access_token"] = {
        "listed": len(listed), "refreshed": tokens is not None and tokens.access_token != "not-a-token",
        "refresh_token_rotated": tokens is not None and tokens.refresh_token != os.environ["ANAF_REFRESH_TOKEN"]}
    hopeless = sandbox.provider("not-a-token", "not-a-refresh-token")
    try:
        async with sandbox.efactura(hopeless) as client:
            await client.get_status("5000000001")
    except AnafError as exc:
        out["bad_tokens"] = failure(exc)
    not_enrolled = sandbox.provider(os.environ["ANAF_EFACTURA_ONLY_TOKEN"], "unused")
    try:
        async with sandbox.etransport(not_enrolled) as client:
            await client.get_status("4000000001")
    except AnafError as exc:
        out["app_without_etransport"] = failure(exc)
    for provider in (stale, hopeless, not_enrolled):
        await provider.aclose()
    return out


async def main() -> dict[str, Any]:
    """Every flow in turn, each with its wall time in seconds."""
    sandbox = Sandbox(os.environ["ANAF_SANDBOX_URL"])
    cif = os.environ["ANAF_CIF"]
    provider = sandbox.provider(os.environ["ANAF_ACCESS_TOKEN"], os.environ["ANAF_REFRESH_TOKEN"])
    results: dict[str, Any] = {"seconds": {}}
    try:
        for name, flow in (("etransport", etransport_calls(sandbox, provider, cif)),
                           ("efactura", efactura_calls(sandbox, provider, cif)),
                           ("tokens", token_calls(sandbox, cif))):
            started = time.perf_counter()
            results[name] = await flow
            results["seconds"][name] = round(time.perf_counter() - started, 3)
        results["main_provider_refreshed"] = provider.tokens.access_token != os.environ["ANAF_ACCESS_TOKEN"]
    finally:
        await provider.aclose()
        await sandbox.admin.aclose()
        await sandbox.transport.close()
    return results


if __name__ == "__main__":
    json.dump(asyncio.run(main()), sys.stdout, default=str)
