"""Input rules of the developer portal (seed: "Registering an OAuth application with ANAF").

Pure functions: each returns the cleaned value or raises PortalError naming the field, so the JSON
API and the HTML form give the same messages.
"""
from __future__ import annotations

import json
import re
from typing import Any

from foundation import anaf
from mock_anaf.errors import PortalError
from foundation.callbacks import callback_problem

SERVICES = anaf.SERVICE_NAMES
SERVICE_LABELS = {s.name: s.label for s in anaf.SERVICES}
MAX_CALLBACKS = 10
_EMAIL = re.compile(r"^[^@\s]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})\.[A-Za-z]{2,63}$")
_APP_NAME = re.compile(r"^[^\s]{1,100}$")
_SERIAL = re.compile(r"^[0-9A-F]{8,64}$")
_CIF = re.compile(r"^(?:RO)?[0-9]{2,10}$")


def app_name(value: object, field: str = "name") -> str:
    """Denumire aplicatie: required, no spaces (as on ANAF's form), at most 100 characters.

    The whole value must match: a trailing newline is a space too.
    """
    if not isinstance(value, str):
        raise PortalError(field, "Denumire aplicatie is required, as a text (a JSON string)")
    if not value.strip():
        raise PortalError(field, "Denumire aplicatie is required")
    if not _APP_NAME.fullmatch(value):
        if len(value) > 100:
            raise PortalError(field, "Denumire aplicatie must be at most 100 characters")
        raise PortalError(field, "Denumire aplicatie must not contain spaces (e.g. my-invoicing-app)")
    if not value.isprintable():
        raise PortalError(field, "Denumire aplicatie must not contain control characters")
    return value


def callbacks(value: object, strict_https: bool = False, field: str = "callbacks") -> list[str]:
    """One to ten distinct callback URLs, each valid under ``callback_problem``."""
    if not isinstance(value, list):
        raise PortalError(field, 'at least one callback URL is required, as a JSON list like ["https://..."]')
    if not value:
        raise PortalError(field, "at least one callback URL is required (Callback URL 1)")
    if len(value) > MAX_CALLBACKS:
        raise PortalError(field, f"at most {MAX_CALLBACKS} callback URLs are allowed")
    seen: set[str] = set()
    for i, url in enumerate(value):
        problem = callback_problem(url, strict_https)
        if problem is not None:
            raise PortalError(f"{field}[{i}]", f"Callback URL {i + 1} {problem}")
        if url in seen:
            raise PortalError(f"{field}[{i}]", f"Callback URL {i + 1} is listed twice")
        seen.add(url)
    return list(value)


def services(value: object, field: str = "services") -> list[str]:
    """Serviciu: E-Factura, E-Transport or both, as `EFACTURA` / `ETRANSPORT`, in that order."""
    if not isinstance(value, list):
        raise PortalError(field, f'choose at least one service, as a JSON list like {json.dumps(list(SERVICES))}')
    if not value:
        raise PortalError(field, f"choose at least one service: {', '.join(SERVICES)}")
    for i, item in enumerate(value):
        if item not in SERVICES:
            raise PortalError(f"{field}[{i}]", f"each service must be {' or '.join(SERVICES)}")
    if len(set(value)) != len(value):
        raise PortalError(field, "a service is listed twice")
    return [s for s in SERVICES if s in value]


def email(value: object, field: str = "developer") -> str:
    """A developer account's e-mail address, lower-cased."""
    if not isinstance(value, str) or not _EMAIL.fullmatch(value.strip()):
        raise PortalError(field, "must be an e-mail address like developer@example.com")
    return value.strip().lower()


def identity(data: dict[str, Any], new_serial: str) -> tuple[str, str, list[str]]:
    """A simulated certificate: (serial, name, cifs); ``new_serial`` is used when none is given."""
    serial = data.get("serial", new_serial)
    if not isinstance(serial, str) or not _SERIAL.fullmatch(serial.upper()):
        raise PortalError("serial", "must be 8 to 64 hexadecimal characters")
    name = identity_name(data.get("name"))
    return serial.upper(), name, identity_cifs(data.get("cifs"))


def identity_name(name: object) -> str:
    """A certificate holder's name: non-empty, printable, at most 200 characters."""
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        raise PortalError("name", "must be a non-empty name of at most 200 characters")
    if not name.strip().isprintable():
        raise PortalError("name", "must not contain control characters (a line break, a tab, ...)")
    return name.strip()


def identity_cifs(cifs: object) -> list[str]:
    """0 to 20 distinct CIFs; none is allowed, so a certificate without SPV rights can be simulated."""
    if not isinstance(cifs, list) or len(cifs) > 20:
        raise PortalError("cifs", "must be a list of 0 to 20 CIFs (tax ids) like 12345678 or RO12345678")
    for i, cif in enumerate(cifs):
        if not isinstance(cif, str) or not _CIF.fullmatch(cif.strip().upper()):
            raise PortalError(f"cifs[{i}]", "must be a CIF of 2 to 10 digits, optionally prefixed by RO")
    cleaned = [c.strip().upper() for c in cifs]
    if len({c.removeprefix("RO") for c in cleaned}) != len(cleaned):
        raise PortalError("cifs", "a CIF is listed twice (RO12345678 and 12345678 are the same company)")
    return cleaned


def only_fields(data: dict[str, Any], allowed: set[str]) -> None:
    """Refuse fields the API does not know, naming the first one."""
    for key in data:
        if key not in allowed:
            raise PortalError(key, f"unknown field; allowed: {', '.join(sorted(allowed))}")
