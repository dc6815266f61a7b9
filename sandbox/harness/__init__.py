"""Test helpers over HTTP: drive mock ANAF and mock SBS the way a test needs, without a browser.

The same clients serve the pytest fixtures (real servers on free ports) and the in-process
interception of ANAF's real URLs (`sandbox.interception`), because both speak plain `requests`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests

from foundation.graphql_client import GraphQLError
from sandbox.harness.anaf import AnafApp, AnafClient, AnafError, AuthorizeResult, ControlPlane, HarnessError
from sandbox.harness.efactura import Download, Efactura, Status, Uploaded
from sandbox.harness.etransport import DeclarationStatus, Declared, Etransport
from sandbox.harness.sbs import BrokeredAuthorization, SbsClient

__all__ = [
    "AnafApp", "AnafClient", "AnafError", "AuthorizeResult", "BrokeredAuthorization", "ControlPlane",
    "DeclarationStatus", "Declared", "Download", "Efactura", "Etransport", "GraphQLError", "HarnessError",
    "SandboxHandle", "SbsClient", "Status", "Uploaded",
]


@dataclass
class SandboxHandle:
    """What the `anaf_sandbox` fixture gives a test: the manifest (SPEC §5) and a client per service."""

    manifest: dict[str, Any]
    anaf: AnafClient
    sbs: SbsClient
    demo: ControlPlane
    session: requests.Session

    @classmethod
    def from_manifest(cls, manifest: dict[str, Any], session: requests.Session | None = None) -> "SandboxHandle":
        session = session or requests.Session()
        anaf = AnafClient(session, manifest["anaf"]["url"])
        s = manifest["sbs"]
        sbs = SbsClient(session, s["url"], s["accountKey"], s["serviceKey"], s["appId"], s["tenantId"],
                        s["organizationId"], anaf=anaf)
        return cls(manifest, anaf, sbs, ControlPlane(session, manifest["demo"]["url"]), session)

    @property
    def identities(self) -> list[dict[str, Any]]:
        return self.manifest["anaf"]["identities"]

    @property
    def callbacks(self) -> dict[str, Any]:
        """The demo's callbacks by rule: `main`, `additional` (a list) and `implicit` (SBS's own)."""
        return self.manifest["demo"]["callbacks"]

    def advance_clock(self, seconds: float) -> None:
        """Move every service's clock forward together, as real time would."""
        for service in (self.anaf, self.sbs, self.demo):
            service.advance_clock(seconds)

    def reset(self) -> None:
        """Every service back to its seeded state."""
        for service in (self.anaf, self.sbs, self.demo):
            service.reset()
        self.session.cookies.clear()
