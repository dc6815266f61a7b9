"""The app's ANAF settings per service (SPEC §3.1): reading the editor's form into an `updateApp` input,
masking client secrets for display, and placing SBS's validation errors next to the field they concern.

No Flask here: the form arrives as a plain mapping, SBS's errors as (message, extensions) pairs.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from foundation import anaf

MASK = "********"
MAX_ROWS = 50
SECRET_KEYS = ("clientId", "clientSecret", "oauthCallback")


@dataclass(frozen=True)
class Service:
    """One ANAF service an SBS app holds secrets for, as the demo's pages show it (`efactura` in URLs)."""

    anaf: anaf.Service

    @property
    def slug(self) -> str:
        return self.anaf.name.lower()

    @property
    def scope(self) -> str:
        """SBS's `AnafScope` value."""
        return self.anaf.name

    @property
    def title(self) -> str:
        return self.anaf.title

    @property
    def main_field(self) -> str:
        return self.anaf.sbs_field("ClientSecret")

    @property
    def additional_field(self) -> str:
        return self.anaf.sbs_field("AdditionalClientSecrets")

    @property
    def implicit_field(self) -> str:
        return self.anaf.sbs_field("UseImplicitClientSecret")

    @property
    def test_field(self) -> str:
        return self.anaf.sbs_field("UseTestEnvironment")

    @property
    def fields(self) -> tuple[str, str, str, str]:
        return (self.main_field, self.additional_field, self.implicit_field, self.test_field)


SERVICES = tuple(Service(s) for s in anaf.SERVICES)


def service_named(slug_or_scope: str) -> Service | None:
    """The service whose slug (`efactura`) or scope (`EFACTURA`) this is."""
    return next((s for s in SERVICES if slug_or_scope in (s.slug, s.scope)), None)


@dataclass(frozen=True)
class SecretRow:
    """One client secret as typed in the editor; an empty ``client_secret`` means "keep the stored one"."""

    key: str
    client_id: str = ""
    client_secret: str = ""
    oauth_callback: str = ""
    original: int | None = None
    remove: bool = False

    @property
    def blank(self) -> bool:
        return not (self.client_id or self.client_secret or self.oauth_callback)


@dataclass(frozen=True)
class SettingsForm:
    """The editor's form for one service."""

    main: SecretRow
    additional: tuple[SecretRow, ...]
    implicit: bool
    test_environment: bool


@dataclass(frozen=True)
class Plan:
    """The `updateApp` input for a form, and which form row each sent additional secret came from."""

    changes: dict[str, Any]
    sent_rows: tuple[str, ...]


def form_from_settings(service: Service, app: Mapping[str, Any], extra_rows: int = 1) -> SettingsForm:
    """The editor pre-filled with the stored settings (secrets left blank: they are never shown). While the
    implicit flag is on, the main row starts blank: SBS shows its own client id there and hides the app's secret.
    """
    main = {} if app.get(service.implicit_field) else app.get(service.main_field) or {}
    rows = [
        SecretRow(f"add-{i}", item.get("clientId") or "", "", item.get("oauthCallback") or "", original=i)
        for i, item in enumerate(app.get(service.additional_field) or [])
    ]
    rows += [SecretRow(f"add-{len(rows) + i}") for i in range(max(0, min(extra_rows, MAX_ROWS - len(rows))))]
    return SettingsForm(
        main=SecretRow("main", main.get("clientId") or "", "", main.get("oauthCallback") or ""),
        additional=tuple(rows),
        implicit=bool(app.get(service.implicit_field)),
        test_environment=bool(app.get(service.test_field)),
    )


def whole_number(text: str, max_digits: int = 6) -> int | None:
    """``text`` as a whole number if it is 1 to ``max_digits`` ASCII digits, else None.

    `str.isdigit()` also accepts '²' and '①', which `int()` refuses, and `int()` takes '٣' and refuses
    more than 4,300 digits: a form field or query argument must never get that far.
    """
    return int(text) if 0 < len(text) <= max_digits and text.isascii() and text.isdigit() else None


def read_form(form: Mapping[str, str]) -> SettingsForm:
    """The editor's submitted fields: `main-<key>`, `add-<n>-<key>`, `add-<n>-original`, `add-<n>-remove`."""
    indexes = sorted({int(m.group(1)) for k in form if (m := re.fullmatch(r"add-([0-9]{1,3})-\w+", k))})
    rows = []
    for n in indexes[:MAX_ROWS]:
        original = form.get(f"add-{n}-original", "")
        rows.append(SecretRow(
            key=f"add-{n}",
            client_id=form.get(f"add-{n}-clientId", "").strip(),
            client_secret=form.get(f"add-{n}-clientSecret", "").strip(),
            oauth_callback=form.get(f"add-{n}-oauthCallback", "").strip(),
            original=whole_number(original),
            remove=bool(form.get(f"add-{n}-remove")),
        ))
    return SettingsForm(
        main=SecretRow(
            "main",
            form.get("main-clientId", "").strip(),
            form.get("main-clientSecret", "").strip(),
            form.get("main-oauthCallback", "").strip(),
        ),
        additional=tuple(rows),
        implicit=bool(form.get("implicit")),
        test_environment=bool(form.get("testEnvironment")),
    )


def plan_update(service: Service, form: SettingsForm, app: Mapping[str, Any]) -> Plan:
    """The smallest `updateApp` input that turns ``app``'s settings into the form's (SPEC §3.1: only given
    fields change; a given additional-secrets list replaces the stored one). A blank secret keeps the stored one;
    a main row with every field cleared removes the main secret (`null`).
    """
    changes: dict[str, Any] = {}
    main = form.main
    if app.get(service.implicit_field):
        # SBS shows its own client id and callback here and keeps the app's own main secret hidden (SPEC §3.1):
        # a blank row (or one still showing SBS's values, from an older page) keeps it; a filled one replaces it
        # as typed, and SBS's implicit secret is never sent back.
        shown = app.get(service.main_field) or {}
        still_sbs = not main.client_secret and (main.client_id, main.oauth_callback) == (
            shown.get("clientId") or "", shown.get("oauthCallback") or "")
        if not main.blank and not still_sbs:
            changes[service.main_field] = _secret(main.client_id, main.client_secret, main.oauth_callback)
    else:
        stored_main = app.get(service.main_field) or None
        if main.blank:
            if stored_main is not None:
                changes[service.main_field] = None  # every field cleared: remove the main secret
        elif (main.client_secret or stored_main is None
              or main.client_id != (stored_main.get("clientId") or "")
              or main.oauth_callback != (stored_main.get("oauthCallback") or "")):
            kept = (stored_main or {}).get("clientSecret") or ""
            changes[service.main_field] = _secret(main.client_id, main.client_secret or kept, main.oauth_callback)

    stored_extra = list(app.get(service.additional_field) or [])
    sent, rows = [], []
    for row in form.additional:
        if row.remove or (row.blank and row.original is None):
            continue
        kept = ""
        if row.original is not None and row.original < len(stored_extra):
            kept = stored_extra[row.original].get("clientSecret") or ""
        sent.append(_secret(row.client_id, row.client_secret or kept, row.oauth_callback))
        rows.append(row.key)
    if sent != [_secret(s.get("clientId"), s.get("clientSecret"), s.get("oauthCallback")) for s in stored_extra]:
        changes[service.additional_field] = sent

    if form.implicit != bool(app.get(service.implicit_field)):
        changes[service.implicit_field] = form.implicit
    if form.test_environment != bool(app.get(service.test_field)):
        changes[service.test_field] = form.test_environment
    return Plan(changes, tuple(rows) if service.additional_field in changes else ())


def _secret(client_id: Any, client_secret: Any, oauth_callback: Any) -> dict[str, Any]:
    return {"clientId": client_id, "clientSecret": client_secret, "oauthCallback": oauth_callback}


def mask_secrets(value: Any) -> Any:
    """A copy of ``value`` with every non-null `clientSecret` replaced by a mask: what a page may show."""
    if isinstance(value, dict):
        return {k: (MASK if k == "clientSecret" and v not in (None, "") else mask_secrets(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_secrets(v) for v in value]
    return value


def service_view(service: Service, app: Mapping[str, Any]) -> dict[str, Any]:
    """The service's four settings as the Account API returned them, secrets masked."""
    return {name: mask_secrets(app.get(name)) for name in service.fields}


@dataclass(frozen=True)
class FieldRef:
    """Where in `UpdateAppInput` an error points: a setting, maybe a list index, maybe a secret's key."""

    setting: str
    index: int | None = None
    key: str | None = None


_PATH = re.compile(
    r"((?:" + "|".join(s.sbs_field_prefix for s in anaf.SERVICES) + ")"
    r"(?:AdditionalClientSecrets|ClientSecret|UseImplicitClientSecret|UseTestEnvironment))"
    r"(?:\[([0-9]{1,6})\]|\.([0-9]{1,6}))?(?:\.(clientId|clientSecret|oauthCallback))?"
)
_URL = re.compile(r"https?://[^\s'\"),;]+")


def locate(message: str, extensions: Mapping[str, Any]) -> FieldRef | None:
    """The field an SBS validation error names, from `extensions` (`field`, `fieldPath`, `path`) or its message."""
    for name in ("field", "fieldPath", "path", "argument"):
        value = extensions.get(name)
        if isinstance(value, (list, tuple)):
            value = ".".join(str(part) for part in value)
        if isinstance(value, str) and (ref := _match(value)) is not None:
            return ref
    return _match(message)


def _match(text: str) -> FieldRef | None:
    m = _PATH.search(text)
    if m is None:
        return None
    index = m.group(2) or m.group(3)
    return FieldRef(m.group(1), int(index) if index is not None else None, m.group(4))


def place_errors(
    service: Service, errors: Iterable[tuple[str, Mapping[str, Any]]], plan: Plan, form: SettingsForm
) -> tuple[dict[str, list[str]], list[str]]:
    """SBS's errors keyed by the form field they concern (`main-oauthCallback`, `add-1-clientId`, `implicit`, ...);
    errors that name no field of this form come back in the second list, for the top of the page.
    """
    placed: dict[str, list[str]] = {}
    general: list[str] = []
    for message, extensions in _each_field(errors):
        target = _target(service, locate(message, extensions), message, plan, form)
        if target is None:
            general.append(message)
        else:
            placed.setdefault(target, []).append(message)
    return placed, general


def _each_field(errors: Iterable[tuple[str, Mapping[str, Any]]]) -> Iterable[tuple[str, Mapping[str, Any]]]:
    """One (message, extensions) per invalid field: SBS lists them all in one error's `invalidFields`."""
    for message, extensions in errors:
        listed = extensions.get("invalidFields")
        if not isinstance(listed, list) or not listed:
            yield message, extensions
            continue
        for item in listed:
            if isinstance(item, Mapping) and isinstance(item.get("field"), str):
                yield f"{item['field']}: {item.get('message', 'is invalid')}", {"field": item["field"]}


def _target(service: Service, ref: FieldRef | None, message: str, plan: Plan, form: SettingsForm) -> str | None:
    rows = {row.key: row for row in form.additional}
    named_urls = set(_URL.findall(message))
    if ref is not None and ref.setting == service.implicit_field:
        return "implicit"
    if ref is not None and ref.setting == service.test_field:
        return "testEnvironment"
    if ref is not None and ref.setting == service.additional_field and ref.index is not None:
        if ref.index < len(plan.sent_rows):
            return f"{plan.sent_rows[ref.index]}-{ref.key or 'oauthCallback'}"
    if ref is None or ref.setting in (service.main_field, service.additional_field):
        # A duplicate or unknown callback is named by its URL: point at the row that holds it.
        for key in plan.sent_rows:
            if rows[key].oauth_callback and rows[key].oauth_callback in named_urls:
                return f"{key}-oauthCallback"
    if ref is not None and ref.setting == service.main_field:
        return f"main-{ref.key or 'oauthCallback'}"
    if ref is not None and ref.setting == service.additional_field:
        return "additional"
    return None
