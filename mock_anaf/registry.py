"""The developer portal's records: OAuth apps ("Editare profil OAuth") and simulated certificates.

Shared by the HTML pages and the JSON API, so both apply the same rules. No Flask here.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any, Callable

from foundation.clock import Clock
from mock_anaf import validation
from mock_anaf.errors import Conflict, NotFound, PortalError
from mock_anaf.records import AppRecord, Identity
from mock_anaf.store import Store
from mock_anaf.taxpayers import Taxpayer, Taxpayers, plain_cif

# Seeded on a fresh database: a company representative acting for two companies, and a person.
# The CIFs carry valid check digits, so tools that validate CIFs accept them.
SEED_IDENTITIES = (
    Identity("4F1A9C2E7B3D5A60", "Ion Popescu - administrator, Exemplu Soft SRL", ("12345674", "RO23456783")),
    Identity("7C0D2B4E6F8A1357", "Maria Ionescu - persoana fizica autorizata", ("34567892",)),
    # A certificate with no SPV rights at all (SPEC-ANAF-API §6.0), for "Nu exista niciun CIF ...".
    Identity("0B5E3D7A9C1F2468", "Andrei Marin - fara drepturi in SPV", ()),
)


def secret_hash(secret: str) -> str:
    """Client secrets are 192 random bits, so one SHA-256 is enough; only this hash is stored."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def new_client_id() -> str:
    return secrets.token_hex(16)


def new_client_secret() -> str:
    return secrets.token_hex(24)


def app_json(app: AppRecord) -> dict[str, Any]:
    """An app as the JSON API shows it: never its secret."""
    return {
        "clientId": app.client_id,
        "name": app.name,
        "callbacks": list(app.callbacks),
        "services": list(app.services),
        "developer": app.developer,
    }


def identity_json(identity: Identity) -> dict[str, Any]:
    return {"serial": identity.serial, "name": identity.name, "cifs": list(identity.cifs)}


class Registry:
    """Registers, changes and removes OAuth apps; keeps the simulated certificates."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        strict_https: bool,
        taxpayers: Taxpayers | None = None,
        new_id: Callable[[], str] = new_client_id,
        new_secret: Callable[[], str] = new_client_secret,
    ) -> None:
        self.store = store
        self.clock = clock
        self.strict_https = strict_https
        self.taxpayers = taxpayers
        self._new_id = new_id
        self._new_secret = new_secret

    def create_app(self, name: object, callbacks: object, services: object, developer: object) -> tuple[AppRecord, str]:
        """"Generare Client ID": validate, store, and return the app with its secret (shown once).

        An unknown developer e-mail creates that developer account (sandbox contract).
        """
        clean_name = validation.app_name(name)
        clean_callbacks = validation.callbacks(callbacks, self.strict_https)
        clean_services = validation.services(services)
        email = validation.email(developer)
        secret = self._new_secret()
        now = self.clock.now()
        app = AppRecord(self._new_id(), secret_hash(secret), clean_name, email, tuple(clean_callbacks),
                        tuple(clean_services), now, now)
        self.store.add_app(app)
        return app, secret

    def get_app(self, client_id: str) -> AppRecord:
        app = self.store.get_app(client_id)
        if app is None:
            raise NotFound(f"no OAuth app with client id {client_id[:64]}")
        return app

    def update_app(self, client_id: str, changes: dict[str, Any]) -> AppRecord:
        """Change only the given fields (name, callbacks, services); all validated before anything changes."""
        validation.only_fields(changes, {"name", "callbacks", "services"})
        self.get_app(client_id)
        name = validation.app_name(changes["name"]) if "name" in changes else None
        callbacks = validation.callbacks(changes["callbacks"], self.strict_https) if "callbacks" in changes else None
        services = validation.services(changes["services"]) if "services" in changes else None
        updated = self.store.update_app(client_id, self.clock.now(), name, callbacks, services)
        if updated is None:
            raise NotFound(f"no OAuth app with client id {client_id[:64]}")
        return updated

    def delete_app(self, client_id: str) -> None:
        """"Renunțare OAuth": the app, its codes and its tokens are gone."""
        if not self.store.delete_app(client_id):
            raise NotFound(f"no OAuth app with client id {client_id[:64]}")

    def authenticate(self, client_id: str, secret: str) -> AppRecord | None:
        """The app when ``secret`` is its client secret (constant-time), else None."""
        app = self.store.get_app(client_id)
        expected = app.secret_hash if app is not None else "0" * 64
        ok = hmac.compare_digest(secret_hash(secret), expected)
        return app if ok and app is not None else None

    def ensure_developer(self, email: object) -> str:
        clean = validation.email(email, field="email")
        self.store.ensure_developer(clean, self.clock.now())
        return clean

    def identities(self) -> list[Identity]:
        return self.store.list_identities()

    def add_identity(self, data: object) -> Identity:
        """Add a simulated certificate; the serial is generated when not given."""
        if not isinstance(data, dict):
            raise PortalError(None, 'send a JSON object like {"name": "...", "cifs": ["12345678"]}')
        validation.only_fields(data, {"serial", "name", "cifs"})
        serial, name, cifs = validation.identity(data, secrets.token_hex(8).upper())
        identity = Identity(serial, name, tuple(cifs))
        if not self.store.add_identity(identity, self.clock.now()):
            raise Conflict("serial", f"an identity with serial {serial} already exists")
        self._register_taxpayers(identity)
        return identity

    def update_identity(self, serial: str, data: object) -> Identity:
        """Change a certificate's name and/or CIFs (`cifs` may be empty); rights follow at the next API call."""
        if not isinstance(data, dict):
            raise PortalError(None, 'send a JSON object like {"cifs": ["12345678"]}')
        validation.only_fields(data, {"name", "cifs"})
        name = validation.identity_name(data["name"]) if "name" in data else None
        cifs = validation.identity_cifs(data["cifs"]) if "cifs" in data else None
        updated = self.store.update_identity(serial.upper(), name, cifs)
        if updated is None:
            raise NotFound(f"no identity with serial {serial[:64]}")
        self._register_taxpayers(updated)
        return updated

    def _register_taxpayers(self, identity: Identity) -> None:
        """A certificate's companies exist: they join the taxpayer registry (known ones stay as they are)."""
        if self.taxpayers is not None:
            self.taxpayers.add_missing(Taxpayer(plain_cif(c), identity.name) for c in identity.cifs)

    def seed_identities(self) -> None:
        """Give a fresh database its simulated certificates and its taxpayer registry."""
        if self.store.identity_count() == 0:
            for identity in SEED_IDENTITIES:
                self.store.add_identity(identity, self.clock.now())
        if self.taxpayers is not None:
            self.taxpayers.seed()
