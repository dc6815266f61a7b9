"""The rules an app's ANAF secrets and callbacks must follow (SPEC §3.1), checked before anything is saved.

Pure functions: they take the app as stored and the `updateApp` input and return the app as it would
be, or raise ValidationFailed listing every problem with the input field it is about. Nothing is
saved unless everything is valid, so a rejected update changes nothing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any, Mapping
from urllib.parse import urlsplit

from mock_sbs.model import AnafScope, AppRecord, ClientSecret, ServiceSettings
from foundation.callbacks import callback_problem

MAX_NAME = 100
MAX_VALUE = 512
MAX_URL = 2048
SECRET_FIELDS = ("clientId", "clientSecret", "oauthCallback")
TIN_PATTERN = re.compile(r"^(RO)?[0-9]{2,13}$", re.IGNORECASE)


@dataclass(frozen=True)
class FieldProblem:
    """One thing wrong with the input, and the input field it is about (e.g. `input.name`)."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class ValidationFailed(Exception):
    """The input breaks one or more rules; nothing was changed."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def return_url_problem(url: str) -> str | None:
    """Why ``url`` cannot be where SBS sends the browser after its own callback, or None."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "must be an absolute http:// or https:// URL"
    if parts.scheme not in ("https", "http") or not parts.netloc or any(ch.isspace() for ch in url):
        return "must be an absolute http:// or https:// URL"
    if parts.fragment or "#" in url:
        return "must not contain a fragment (#...)"
    if len(url) > MAX_URL:
        return f"must be at most {MAX_URL} characters"
    return None


def name_problem(name: Any) -> str | None:
    """Why ``name`` cannot name an app, tenant or organization, or None."""
    if not isinstance(name, str) or not name.strip():
        return "must not be empty"
    if len(name) > MAX_NAME:
        return f"must be at most {MAX_NAME} characters"
    return None


def tin_problem(tin: Any) -> str | None:
    """Why ``tin`` is not a Romanian fiscal code (CIF/CUI, optional RO prefix, or a CNP), or None."""
    if not isinstance(tin, str) or not TIN_PATTERN.match(tin):
        return "must be a Romanian fiscal code: 2 to 13 digits, optionally prefixed with RO"
    return None


def apply_update(app: AppRecord, changes: Mapping[str, Any], implicit_callback: str | None = None) -> AppRecord:
    """The app after an `updateApp`: only the fields given change; a given additional list replaces the old one.

    ``implicit_callback`` is the SBS-managed secret's callback: while `roAnafXUseImplicitClientSecret` is true
    it is the main callback, so no additional secret may repeat it. Raises ValidationFailed with every
    problem found; then nothing may be saved.
    """
    problems: list[FieldProblem] = []
    name = app.name
    if "name" in changes:
        problem = name_problem(changes["name"])
        if problem:
            problems.append(FieldProblem("input.name", problem))
        else:
            name = changes["name"]
    active = app.active
    if "active" in changes:
        if changes["active"] is None:
            problems.append(FieldProblem("input.active", "must be true or false"))
        else:
            active = bool(changes["active"])
    services = {service: _apply_service(service, app.settings(service), changes, problems, implicit_callback)
                for service in AnafScope}
    if problems:
        raise ValidationFailed(problems)
    return replace(app, name=name, active=active, services=services)


def _apply_service(
    service: AnafScope, current: ServiceSettings, changes: Mapping[str, Any], problems: list[FieldProblem],
    implicit_callback: str | None,
) -> ServiceSettings:
    main_field = service.field("ClientSecret")
    list_field = service.field("AdditionalClientSecrets")
    main, additional = current.main, current.additional
    # Each callback of the new settings with where it comes from, and whether that place is in the input.
    origins: list[tuple[str, bool, ClientSecret]] = []
    extra_origins: list[tuple[str, bool, ClientSecret]] = []

    if main_field in changes:
        main = None if changes[main_field] is None else _secret(changes[main_field], f"input.{main_field}", problems)
        if main is not None:
            origins.append((f"input.{main_field}", True, main))
    elif main is not None:
        origins.append((f"the stored {main_field}", False, main))

    if list_field in changes:
        given = changes[list_field] or []
        parsed = [_secret(item, f"input.{list_field}[{i}]", problems) for i, item in enumerate(given)]
        additional = tuple(s for s in parsed if s is not None)
        extra_origins.extend((f"input.{list_field}[{i}]", True, s) for i, s in enumerate(parsed) if s is not None)
    else:
        extra_origins.extend((f"the stored {list_field}[{i}]", False, s) for i, s in enumerate(additional))

    _check_unique_callbacks(origins + extra_origins, problems)
    test_field, implicit_field = service.field("UseTestEnvironment"), service.field("UseImplicitClientSecret")
    for name in (test_field, implicit_field):
        if name in changes and changes[name] is None:
            problems.append(FieldProblem(f"input.{name}", "must be true or false"))
    use_implicit = bool(changes.get(implicit_field, current.use_implicit))
    if use_implicit and implicit_callback is not None:
        _check_implicit_callback(implicit_callback, implicit_field, implicit_field in changes, extra_origins, problems)
    return ServiceSettings(
        main=main,
        additional=additional,
        use_test_environment=bool(changes.get(test_field, current.use_test_environment)),
        use_implicit=use_implicit,
    )


def _check_implicit_callback(callback: str, implicit_field: str, flag_given: bool,
                             extra_origins: list[tuple[str, bool, ClientSecret]], problems: list[FieldProblem]) -> None:
    """While implicit is on, SBS's own callback is the main callback: no additional secret may use it as well.

    Otherwise a request without `oauthCallback` (seed rule 3, the implicit secret) and one naming SBS's
    callback (rule 1, the additional secret) would land on the same callback with different clients.
    Stored settings that an update does not touch are left alone.
    """
    for where, from_input, secret in extra_origins:
        if secret.oauth_callback != callback or not (from_input or flag_given):
            continue
        once = "each callback may appear only once per service (main and additional together)"
        if from_input:
            problems.append(FieldProblem(f"{where}.oauthCallback", (
                f"{callback} is SBS's own callback, which is the main callback while {implicit_field} is true; {once}")))
        else:
            problems.append(FieldProblem(f"input.{implicit_field}", (
                f"cannot be true while {where} has SBS's own callback {callback}, which would then be the main "
                f"callback too; {once}")))


def _secret(raw: Any, path: str, problems: list[FieldProblem]) -> ClientSecret | None:
    """A ClientSecret from one `RoAnafClientSecretInput`, or None after recording what is wrong with it."""
    if not isinstance(raw, Mapping):
        problems.append(FieldProblem(path, "must be an object with clientId, clientSecret and oauthCallback"))
        return None
    found = len(problems)
    for key in SECRET_FIELDS:
        value = raw.get(key)
        if not isinstance(value, str) or not value.strip():
            problems.append(FieldProblem(f"{path}.{key}", "is required"))
        elif key != "oauthCallback" and (value != value.strip() or len(value) > MAX_VALUE):
            problems.append(FieldProblem(f"{path}.{key}",
                                         f"must have no spaces at either end and at most {MAX_VALUE} characters"))
    callback = raw.get("oauthCallback")
    if isinstance(callback, str) and callback.strip():
        problem = callback_problem(callback)
        if problem:
            problems.append(FieldProblem(f"{path}.oauthCallback", problem))
    if len(problems) > found:
        return None
    return ClientSecret(raw["clientId"], raw["clientSecret"], raw["oauthCallback"])


def _check_unique_callbacks(origins: list[tuple[str, bool, ClientSecret]], problems: list[FieldProblem]) -> None:
    """No callback twice within one service (main and additional together): rules 1 and 2 would be ambiguous.

    The problem is reported on the input field, whichever of the two places came from the input.
    """
    first_seen: dict[str, tuple[str, bool]] = {}
    for where, from_input, secret in origins:
        earlier = first_seen.setdefault(secret.oauth_callback, (where, from_input))
        if earlier[0] == where:
            continue
        field, other = (where, earlier[0]) if from_input else (earlier[0], where)
        problems.append(FieldProblem(
            f"{field}.oauthCallback",
            f"{secret.oauth_callback} is already used by {other}; each callback may appear only once "
            "per service (main and additional together)",
        ))
