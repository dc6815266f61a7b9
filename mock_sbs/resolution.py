"""Which ANAF client secret an authorization uses: the seed's "Additional callback URLs and client secrets" rules.

This is the heart of SBS's brokering and the one place the rule lives (SPEC §3.2). It is pure: no
Flask, no database, no clock; give it an app's settings for one service and get back the secret set
and a sentence saying why.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from mock_sbs.model import AnafScope, ClientSecret, SecretSource, ServiceSettings


@dataclass(frozen=True)
class ResolvedSecret:
    """The secret set to authorize (and later refresh) with, and which rule chose it."""

    client_id: str
    client_secret: str = field(repr=False)
    oauth_callback: str
    source: SecretSource
    reason: str


class ResolutionError(Exception):
    """No secret set fits the request; the message says what to change and never shows a secret."""

    def __init__(self, message: str, *, missing_field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.missing_field = missing_field


def resolve_secret(
    service: AnafScope,
    settings: ServiceSettings,
    implicit: ClientSecret | None,
    oauth_callback: str | None,
) -> ResolvedSecret:
    """Pick the client secret for an ANAF authorization of ``service``.

    The seed ("Additional callback URLs and client secrets work as follows") says:

    1. "If you set this parameter [oauthCallback] to any of the callback URLs that are present in
       roAnafEfacturaAdditionalClientSecrets or roAnafEtransportAdditionalClientSecrets, then the
       respective callback URL and its associated client secrets will be used."
    2. "SBS will also check if the oauthCallback supplied as parameter is present in the "main"
       setting ... If it is, then the "main" client secret and callback URL ... will be used."
    3. "If you don't supply the oauthCallback parameter at all, then the "main" client secret and
       callback URL ... will be used."

    "Main" is the SBS-managed implicit secret while `roAnafXUseImplicitClientSecret` is true
    (sandbox contract), otherwise `roAnafXClientSecret`. Callbacks match by exact string equality.
    Anything else is a ResolutionError naming the callback and the callbacks that are configured.
    """
    main, main_source, main_field = _main_secret(service, settings, implicit)

    if oauth_callback is not None:
        for position, extra in enumerate(settings.additional):
            if extra.oauth_callback == oauth_callback:
                return _resolved(extra, SecretSource.ADDITIONAL, (
                    f"oauthCallback {oauth_callback} is the callback of additional secret "
                    f"{service.field('AdditionalClientSecrets')}[{position}], so its client id "
                    f"{extra.client_id} is used (seed rule 1)."
                ))
        if main is not None and main.oauth_callback == oauth_callback:
            return _resolved(main, main_source, (
                f"oauthCallback {oauth_callback} is the main callback in {main_field}, "
                f"so the main client id {main.client_id} is used (seed rule 2)."
            ))
        raise ResolutionError(_unknown_callback_message(service, settings, main, oauth_callback))

    if main is None:
        missing = service.field("UseImplicitClientSecret" if settings.use_implicit else "ClientSecret")
        raise ResolutionError(_missing_main_message(service, settings, implicit), missing_field=missing)
    return _resolved(main, main_source, (
        f"No oauthCallback was given, so the main secret in {main_field} is used: "
        f"client id {main.client_id}, callback {main.oauth_callback} (seed rule 3)."
    ))


def _main_secret(
    service: AnafScope, settings: ServiceSettings, implicit: ClientSecret | None
) -> tuple[ClientSecret | None, SecretSource, str]:
    """The "main" secret of the seed, where it comes from, and the field a person would look at."""
    if settings.use_implicit:
        return implicit, SecretSource.IMPLICIT, f"the SBS-managed secret ({service.field('UseImplicitClientSecret')})"
    return settings.main, SecretSource.MAIN, service.field("ClientSecret")


def _resolved(secret: ClientSecret, source: SecretSource, reason: str) -> ResolvedSecret:
    return ResolvedSecret(secret.client_id, secret.client_secret, secret.oauth_callback, source, reason)


def _unknown_callback_message(
    service: AnafScope, settings: ServiceSettings, main: ClientSecret | None, oauth_callback: str
) -> str:
    configured = [s.oauth_callback for s in settings.additional]
    if main is not None:
        configured.insert(0, main.oauth_callback)
    listed = ", ".join(configured) if configured else "none"
    return (
        f"oauthCallback {oauth_callback} is not configured for {service.label}: it must equal the main "
        f"callback or one in {service.field('AdditionalClientSecrets')} (exact match). "
        f"Configured callbacks: {listed}."
    )


def _missing_main_message(service: AnafScope, settings: ServiceSettings, implicit: ClientSecret | None) -> str:
    if settings.use_implicit and implicit is None:
        return (
            f"{service.field('UseImplicitClientSecret')} is true but this SBS has no SBS-managed ANAF app "
            f"available; set {service.field('ClientSecret')} with updateApp and turn the flag off, "
            f"or pass an oauthCallback from {service.field('AdditionalClientSecrets')}."
        )
    return (
        f"{service.label} has no main client secret: set {service.field('ClientSecret')} with updateApp "
        f"(or set {service.field('UseImplicitClientSecret')} to true), or pass an oauthCallback "
        f"from {service.field('AdditionalClientSecrets')}."
    )
