"""The SBS-managed ("implicit") ANAF app: the client id and secret SBS uses for apps that opt in.

Configured (`SBS_IMPLICIT_CLIENT_ID`/`SBS_IMPLICIT_CLIENT_SECRET`, as the launcher does), or else
registered by SBS itself at mock ANAF's portal API the first time it is needed, with SBS's own
callback, and kept in SBS's database so a restart reuses it.
"""
from __future__ import annotations

import json
import threading

from foundation.anaf import SBS_IMPLICIT_APP_NAME, SERVICE_NAMES
from mock_sbs.anaf_client import AnafGateway
from mock_sbs.model import ClientSecret
from mock_sbs.store import Store

SETTING = "implicit_app"
DEVELOPER = "sbs@sandbox.invalid"


class ImplicitSecrets:
    """Hands out the implicit secret set, registering it at ANAF once when it was not configured."""

    def __init__(self, store: Store, anaf: AnafGateway, callback_url: str, configured: ClientSecret | None) -> None:
        self.store = store
        self.anaf = anaf
        self.callback_url = callback_url
        self.configured = configured
        self._lock = threading.Lock()

    def get(self) -> ClientSecret:
        """The implicit secret set; may call ANAF's portal once (raises AnafError if that fails)."""
        if self.configured is not None:
            return self.configured
        known = self._stored()
        if known is not None:
            return known
        with self._lock:
            known = self._stored()
            if known is not None:
                return known
            secret = self.anaf.register_app(SBS_IMPLICIT_APP_NAME, [self.callback_url], list(SERVICE_NAMES), DEVELOPER)
            self.store.set_setting(SETTING, json.dumps({
                "clientId": secret.client_id, "clientSecret": secret.client_secret, "oauthCallback": self.callback_url,
            }))
            return ClientSecret(secret.client_id, secret.client_secret, self.callback_url)

    def _stored(self) -> ClientSecret | None:
        raw = self.store.get_setting(SETTING)
        if raw is None:
            return None
        data = json.loads(raw)
        if data.get("oauthCallback") != self.callback_url:
            return None  # SBS moved to another address: its callback changed, so it needs a new ANAF app
        return ClientSecret(data["clientId"], data["clientSecret"], data["oauthCallback"])
