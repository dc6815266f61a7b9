"""The seed's secret-resolution rules, one row per sentence plus every edge (mock_sbs.resolution)."""
from __future__ import annotations

import pytest

from mock_sbs.model import AnafScope, ClientSecret, SecretSource, ServiceSettings
from mock_sbs.resolution import ResolutionError, resolve_secret

EF, ET = AnafScope.EFACTURA, AnafScope.ETRANSPORT
MAIN = ClientSecret("main-id", "main-SECRET", "https://app.example/anaf/main")
BRANCH = ClientSecret("branch-id", "branch-SECRET", "https://app.example/anaf/branch")
SHOP = ClientSecret("shop-id", "shop-SECRET", "https://shop.example/anaf")
IMPLICIT = ClientSecret("sbs-id", "sbs-SECRET", "https://sbs.example/ro-anaf-oauth-api/oauth-callback")

CUSTOM = ServiceSettings(main=MAIN, additional=(BRANCH, SHOP))
IMPLICIT_ON = ServiceSettings(main=MAIN, additional=(BRANCH,), use_implicit=True)
ONLY_ADDITIONAL = ServiceSettings(additional=(BRANCH,))
NOTHING = ServiceSettings()


@pytest.mark.parametrize(
    ("service", "settings", "callback", "client_id", "redirect", "source", "reason_has"),
    [
        pytest.param(EF, CUSTOM, BRANCH.oauth_callback, "branch-id", BRANCH.oauth_callback, SecretSource.ADDITIONAL,
                     "roAnafEfacturaAdditionalClientSecrets[0]", id="rule1-callback-of-additional-picks-it"),
        pytest.param(EF, CUSTOM, SHOP.oauth_callback, "shop-id", SHOP.oauth_callback, SecretSource.ADDITIONAL,
                     "roAnafEfacturaAdditionalClientSecrets[1]", id="rule1-second-additional-picks-the-second"),
        pytest.param(ET, CUSTOM, BRANCH.oauth_callback, "branch-id", BRANCH.oauth_callback, SecretSource.ADDITIONAL,
                     "roAnafEtransportAdditionalClientSecrets[0]", id="rule1-etransport-additional"),
        pytest.param(EF, CUSTOM, MAIN.oauth_callback, "main-id", MAIN.oauth_callback, SecretSource.MAIN,
                     "main callback in roAnafEfacturaClientSecret", id="rule2-main-callback-given-picks-main"),
        pytest.param(EF, CUSTOM, None, "main-id", MAIN.oauth_callback, SecretSource.MAIN,
                     "No oauthCallback was given", id="rule3-no-callback-picks-main"),
        pytest.param(EF, IMPLICIT_ON, None, "sbs-id", IMPLICIT.oauth_callback, SecretSource.IMPLICIT,
                     "SBS-managed", id="implicit-no-callback-picks-sbs-managed"),
        pytest.param(EF, IMPLICIT_ON, IMPLICIT.oauth_callback, "sbs-id", IMPLICIT.oauth_callback,
                     SecretSource.IMPLICIT, "seed rule 2", id="implicit-sbs-callback-given-picks-sbs-managed"),
        pytest.param(EF, IMPLICIT_ON, BRANCH.oauth_callback, "branch-id", BRANCH.oauth_callback,
                     SecretSource.ADDITIONAL, "seed rule 1", id="implicit-plus-additional-picks-additional"),
        pytest.param(ET, ONLY_ADDITIONAL, BRANCH.oauth_callback, "branch-id", BRANCH.oauth_callback,
                     SecretSource.ADDITIONAL, "seed rule 1", id="additional-without-any-main"),
    ],
)
def test_rule_picks_secret(service, settings, callback, client_id, redirect, source, reason_has) -> None:
    got = resolve_secret(service, settings, IMPLICIT, callback)
    assert (got.client_id, got.oauth_callback, got.source) == (client_id, redirect, source)
    assert reason_has in got.reason
    expected_secret = {"main-id": MAIN, "branch-id": BRANCH, "shop-id": SHOP, "sbs-id": IMPLICIT}[client_id]
    assert got.client_secret == expected_secret.client_secret
    assert "SECRET" not in got.reason


def test_efactura_and_etransport_resolve_independently() -> None:
    """The same request resolves per service: each service has its own settings."""
    efactura = ServiceSettings(main=MAIN)
    etransport = ServiceSettings(main=MAIN, use_implicit=True)
    assert resolve_secret(EF, efactura, IMPLICIT, None).client_id == "main-id"
    assert resolve_secret(ET, etransport, IMPLICIT, None).client_id == "sbs-id"
    with pytest.raises(ResolutionError, match="not configured for e-Transport"):
        resolve_secret(ET, ServiceSettings(main=SHOP), IMPLICIT, MAIN.oauth_callback)


@pytest.mark.parametrize(
    ("service", "settings", "callback", "implicit", "message_has", "missing_field"),
    [
        pytest.param(EF, CUSTOM, "https://evil.example/cb", IMPLICIT,
                     ["https://evil.example/cb is not configured for e-Factura", MAIN.oauth_callback,
                      BRANCH.oauth_callback, SHOP.oauth_callback], None, id="unknown-callback-lists-configured"),
        pytest.param(EF, CUSTOM, MAIN.oauth_callback + "/", IMPLICIT, ["exact match"], None,
                     id="trailing-slash-is-another-callback"),
        pytest.param(EF, CUSTOM, MAIN.oauth_callback.upper(), IMPLICIT, ["exact match"], None,
                     id="upper-cased-main-callback-is-another-callback"),
        pytest.param(EF, CUSTOM, "https://app.example/anaf/BRANCH", IMPLICIT, ["exact match"], None,
                     id="additional-callback-in-another-case-is-another-callback"),
        pytest.param(EF, CUSTOM, "HTTPS://APP.EXAMPLE/anaf/branch", IMPLICIT, ["exact match"], None,
                     id="additional-callback-with-upper-cased-host-is-another-callback"),
        pytest.param(EF, CUSTOM, BRANCH.oauth_callback + "/", IMPLICIT, ["exact match"], None,
                     id="additional-callback-with-a-trailing-slash-is-another-callback"),
        pytest.param(EF, ServiceSettings(main=MAIN, additional=(ClientSecret("b", "b-SECRET",
                                                                                BRANCH.oauth_callback + "/"),)),
                     BRANCH.oauth_callback, IMPLICIT, ["exact match"], None,
                     id="additional-stored-with-a-trailing-slash-is-not-matched-without-it"),
        pytest.param(EF, IMPLICIT_ON, MAIN.oauth_callback, IMPLICIT, ["not configured", IMPLICIT.oauth_callback],
                     None, id="own-main-callback-unused-while-implicit"),
        pytest.param(EF, NOTHING, None, IMPLICIT,
                     ["e-Factura has no main client secret", "set roAnafEfacturaClientSecret with updateApp"],
                     "roAnafEfacturaClientSecret", id="nothing-configured-names-the-field"),
        pytest.param(ET, ONLY_ADDITIONAL, None, IMPLICIT, ["set roAnafEtransportClientSecret"],
                     "roAnafEtransportClientSecret", id="only-additional-and-no-callback"),
        pytest.param(EF, NOTHING, "https://app.example/cb", IMPLICIT, ["Configured callbacks: none"], None,
                     id="callback-given-but-nothing-configured"),
        pytest.param(EF, IMPLICIT_ON, None, None, ["roAnafEfacturaUseImplicitClientSecret is true"],
                     "roAnafEfacturaUseImplicitClientSecret", id="implicit-unavailable"),
    ],
)
def test_unresolvable_request_explains_itself(service, settings, callback, implicit, message_has,
                                              missing_field) -> None:
    with pytest.raises(ResolutionError) as caught:
        resolve_secret(service, settings, implicit, callback)
    for part in message_has:
        assert part in caught.value.message
    assert "SECRET" not in caught.value.message
    assert caught.value.missing_field == missing_field


@pytest.mark.parametrize("use_implicit", [pytest.param(True, id="implicit-main"), pytest.param(False, id="own-main")])
def test_rule_1_wins_when_a_callback_is_both_main_and_additional(use_implicit) -> None:
    """The seed checks the additional secrets first. The same URL can be both when SBS moved address and its
    implicit callback, derived again, now equals an additional secret's; the additional secret is used."""
    main = IMPLICIT if use_implicit else MAIN
    moved = ClientSecret("moved-id", "moved-SECRET", main.oauth_callback)
    settings = ServiceSettings(main=MAIN, additional=(BRANCH, moved), use_implicit=use_implicit)
    got = resolve_secret(EF, settings, IMPLICIT, main.oauth_callback)
    assert (got.client_id, got.client_secret, got.source) == ("moved-id", "moved-SECRET", SecretSource.ADDITIONAL)
    assert "roAnafEfacturaAdditionalClientSecrets[1]" in got.reason and "seed rule 1" in got.reason
    # Without a callback the same settings still take the main secret (rule 3).
    assert resolve_secret(EF, settings, IMPLICIT, None).client_id == main.client_id


def test_resolved_secret_repr_hides_the_secret() -> None:
    assert "SECRET" not in repr(resolve_secret(EF, CUSTOM, IMPLICIT, None))
