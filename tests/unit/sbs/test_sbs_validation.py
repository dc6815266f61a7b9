"""The rules for an app's ANAF secrets and callbacks (mock_sbs.validation), table-driven."""
from __future__ import annotations

import pytest

from mock_sbs.model import AnafScope, AppRecord, ClientSecret, ServiceSettings
from mock_sbs.validation import ValidationFailed, apply_update, callback_problem, return_url_problem, tin_problem

MAIN = ClientSecret("main-id", "main-secret", "https://app.example/anaf/main")
BRANCH = ClientSecret("branch-id", "branch-secret", "https://app.example/anaf/branch")
STORED = AppRecord("app_1", "acc_1", "demo", True, 1.0, {
    AnafScope.EFACTURA: ServiceSettings(main=MAIN, additional=(BRANCH,), use_test_environment=True),
    AnafScope.ETRANSPORT: ServiceSettings(main=MAIN, use_implicit=True),
})


def secret(callback: str, client_id: str = "cid", client_secret: str = "csecret") -> dict[str, str]:
    return {"clientId": client_id, "clientSecret": client_secret, "oauthCallback": callback}


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        pytest.param("https://app.example/cb", None, id="https"),
        pytest.param("https://app.example:8443/cb?x=1", None, id="https-port-query"),
        pytest.param("http://localhost:8000/cb", None, id="http-localhost"),
        pytest.param("http://127.0.0.1:8000/cb", None, id="http-loopback"),
        pytest.param("http://app.example/cb", "must be an https:// URL", id="http-elsewhere"),
        pytest.param("/anaf/callback", "absolute https:// URL", id="relative"),
        pytest.param("ftp://app.example/cb", "absolute https:// URL", id="other-scheme"),
        pytest.param("https:///cb", "absolute https:// URL", id="no-host"),
        pytest.param("https://app.example/cb#x", "fragment", id="fragment"),
        pytest.param("https://app.example/c b", "spaces", id="space"),
        pytest.param(" https://app.example/cb", "spaces", id="leading-space"),
        pytest.param("https://app.example/" + "a" * 2100, "at most", id="too-long"),
        pytest.param("https://[::1/cb", "absolute https:// URL", id="unparsable"),
    ],
)
def test_callback_rule(url: str, problem: str | None) -> None:
    got = callback_problem(url)
    assert (got is None) if problem is None else (problem in (got or ""))


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        pytest.param("http://demo.example/done?x=1", True, id="http-anywhere"),
        pytest.param("https://demo.example/done", True, id="https"),
        pytest.param("javascript:alert(1)", False, id="javascript"),
        pytest.param("//demo.example/done", False, id="scheme-relative"),
        pytest.param("https://demo.example/done#frag", False, id="fragment"),
    ],
)
def test_return_url_rule(url: str, ok: bool) -> None:
    assert (return_url_problem(url) is None) is ok


@pytest.mark.parametrize(("tin", "ok"), [
    pytest.param("RO12345678", True, id="ro-prefix"), pytest.param("12345678", True, id="digits"),
    pytest.param("1960101123456", True, id="cnp"), pytest.param("RO1", False, id="too-short"),
    pytest.param("RO12A45", False, id="letters"), pytest.param("", False, id="empty"),
])
def test_tin_rule(tin: str, ok: bool) -> None:
    assert (tin_problem(tin) is None) is ok


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param({}, STORED, id="empty-input-changes-nothing"),
        pytest.param({"roAnafEfacturaUseImplicitClientSecret": True},
                     {"EFACTURA": ServiceSettings(MAIN, (BRANCH,), True, True)}, id="flag-only"),
        pytest.param({"roAnafEfacturaClientSecret": secret("https://new.example/cb", "new-id")},
                     {"EFACTURA": ServiceSettings(ClientSecret("new-id", "csecret", "https://new.example/cb"),
                                                  (BRANCH,), True, False)}, id="main-replaced-additional-kept"),
        pytest.param({"roAnafEfacturaAdditionalClientSecrets": []},
                     {"EFACTURA": ServiceSettings(MAIN, (), True, False)}, id="empty-list-clears"),
        pytest.param({"roAnafEfacturaAdditionalClientSecrets": None},
                     {"EFACTURA": ServiceSettings(MAIN, (), True, False)}, id="null-list-clears"),
        pytest.param({"roAnafEfacturaClientSecret": None},
                     {"EFACTURA": ServiceSettings(None, (BRANCH,), True, False)}, id="null-main-removes"),
        pytest.param({"roAnafEfacturaAdditionalClientSecrets": [secret("https://a.example/1"),
                                                                secret("https://a.example/2")]},
                     {"EFACTURA": ServiceSettings(MAIN, (ClientSecret("cid", "csecret", "https://a.example/1"),
                                                         ClientSecret("cid", "csecret", "https://a.example/2")),
                                                  True, False)}, id="given-list-replaces"),
        pytest.param({"roAnafEfacturaClientSecret": secret(BRANCH.oauth_callback),
                      "roAnafEfacturaAdditionalClientSecrets": [secret(MAIN.oauth_callback)]},
                     {"EFACTURA": ServiceSettings(ClientSecret("cid", "csecret", BRANCH.oauth_callback),
                                                  (ClientSecret("cid", "csecret", MAIN.oauth_callback),),
                                                  True, False)}, id="swap-main-and-additional-callbacks"),
        pytest.param({"roAnafEtransportAdditionalClientSecrets": [secret(MAIN.oauth_callback)]}, "problem",
                     id="same-callback-twice-in-etransport"),
        pytest.param({"roAnafEtransportAdditionalClientSecrets": [secret(BRANCH.oauth_callback)]},
                     {"ETRANSPORT": ServiceSettings(MAIN, (ClientSecret("cid", "csecret", BRANCH.oauth_callback),),
                                                    False, True)}, id="same-callback-in-other-service-is-fine"),
        pytest.param({"name": "renamed", "active": False}, "renamed", id="name-and-active"),
    ],
)
def test_update_applies_only_given_fields(changes, expected) -> None:
    if expected == "problem":
        with pytest.raises(ValidationFailed):
            apply_update(STORED, changes)
        return
    got = apply_update(STORED, changes)
    if expected is STORED:
        assert got == STORED
    elif expected == "renamed":
        assert (got.name, got.active, got.services) == ("renamed", False, STORED.services)
    else:
        for name, settings in expected.items():
            assert got.settings(AnafScope(name)) == settings
        untouched = [s for s in AnafScope if s.value not in expected]
        for service in untouched:
            assert got.settings(service) == STORED.settings(service)


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        pytest.param({"roAnafEfacturaClientSecret": {"clientId": "a", "clientSecret": "b"}},
                     ["input.roAnafEfacturaClientSecret.oauthCallback: is required"], id="missing-callback"),
        pytest.param({"roAnafEfacturaClientSecret": secret("https://x.example/cb", client_id="")},
                     ["input.roAnafEfacturaClientSecret.clientId: is required"], id="empty-client-id"),
        pytest.param({"roAnafEfacturaClientSecret": secret("https://x.example/cb", client_secret="  ")},
                     ["input.roAnafEfacturaClientSecret.clientSecret: is required"], id="blank-secret"),
        pytest.param({"roAnafEfacturaClientSecret": secret("https://x.example/cb", client_id=" id")},
                     ["input.roAnafEfacturaClientSecret.clientId: must have no spaces"], id="padded-client-id"),
        pytest.param({"roAnafEfacturaAdditionalClientSecrets": [secret("https://x.example/1"),
                                                                secret("http://x.example/2")]},
                     ["input.roAnafEfacturaAdditionalClientSecrets[1].oauthCallback: must be an https:// URL"],
                     id="http-additional-names-index"),
        pytest.param({"roAnafEfacturaAdditionalClientSecrets": [secret("https://x.example/1"),
                                                                secret("https://x.example/1")]},
                     ["input.roAnafEfacturaAdditionalClientSecrets[1].oauthCallback: https://x.example/1 is "
                      "already used by input.roAnafEfacturaAdditionalClientSecrets[0]"], id="duplicate-in-list"),
        pytest.param({"roAnafEfacturaAdditionalClientSecrets": [secret(MAIN.oauth_callback)]},
                     ["input.roAnafEfacturaAdditionalClientSecrets[0].oauthCallback: "
                      "https://app.example/anaf/main is already used by the stored roAnafEfacturaClientSecret"],
                     id="additional-repeats-stored-main"),
        pytest.param({"roAnafEfacturaClientSecret": secret(BRANCH.oauth_callback)},
                     ["input.roAnafEfacturaClientSecret.oauthCallback: https://app.example/anaf/branch is already "
                      "used by the stored roAnafEfacturaAdditionalClientSecrets[0]"], id="main-repeats-stored-additional"),
        pytest.param({"roAnafEtransportUseImplicitClientSecret": None},
                     ["input.roAnafEtransportUseImplicitClientSecret: must be true or false"], id="null-flag"),
        pytest.param({"name": " "}, ["input.name: must not be empty"], id="blank-name"),
        pytest.param({"roAnafEfacturaClientSecret": {"clientId": "a"},
                      "roAnafEtransportAdditionalClientSecrets": [secret("ftp://x")]},
                     ["input.roAnafEfacturaClientSecret.clientSecret: is required",
                      "input.roAnafEfacturaClientSecret.oauthCallback: is required",
                      "input.roAnafEtransportAdditionalClientSecrets[0].oauthCallback: must be an absolute"],
                     id="every-problem-listed"),
    ],
)
def test_invalid_update_names_every_field(changes, fields) -> None:
    with pytest.raises(ValidationFailed) as caught:
        apply_update(STORED, changes)
    messages = [str(p) for p in caught.value.problems]
    assert len(messages) == len(fields), messages
    for message, expected in zip(messages, fields):
        assert message.startswith(expected), message
    assert "csecret" not in str(caught.value)


SBS_CALLBACK = "https://sbs.example/ro-anaf-oauth-api/oauth-callback"


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        pytest.param({"roAnafEtransportAdditionalClientSecrets": [secret(SBS_CALLBACK)]},
                     f"input.roAnafEtransportAdditionalClientSecrets[0].oauthCallback: {SBS_CALLBACK} is SBS's own "
                     "callback, which is the main callback while roAnafEtransportUseImplicitClientSecret is true",
                     id="additional-repeats-implicit-callback"),
        pytest.param({"roAnafEfacturaAdditionalClientSecrets": [secret(SBS_CALLBACK)],
                      "roAnafEfacturaUseImplicitClientSecret": True},
                     "input.roAnafEfacturaAdditionalClientSecrets[0].oauthCallback: ", id="flag-and-list-together"),
        pytest.param({"roAnafEtransportAdditionalClientSecrets": [secret(SBS_CALLBACK)],
                      "roAnafEtransportUseImplicitClientSecret": False}, None, id="fine-once-implicit-is-off"),
        pytest.param({"roAnafEfacturaAdditionalClientSecrets": [secret(SBS_CALLBACK)]}, None,
                     id="fine-while-implicit-is-off"),
        pytest.param({"roAnafEtransportClientSecret": secret(SBS_CALLBACK)}, None,
                     id="own-hidden-main-may-use-it"),
    ],
)
def test_implicit_callback_counts_as_the_main_one(changes, problem) -> None:
    if problem is None:
        apply_update(STORED, changes, implicit_callback=SBS_CALLBACK)
        return
    with pytest.raises(ValidationFailed) as caught:
        apply_update(STORED, changes, implicit_callback=SBS_CALLBACK)
    assert [str(p)[:len(problem)] for p in caught.value.problems] == [problem]


def test_turning_implicit_on_over_an_additional_with_sbs_callback_names_the_flag() -> None:
    stored = AppRecord("app_1", "acc_1", "demo", True, 1.0, {
        AnafScope.EFACTURA: ServiceSettings(main=MAIN, additional=(ClientSecret("x", "y", SBS_CALLBACK),))})
    apply_update(stored, {"name": "renamed"}, implicit_callback=SBS_CALLBACK)
    with pytest.raises(ValidationFailed) as caught:
        apply_update(stored, {"roAnafEfacturaUseImplicitClientSecret": True}, implicit_callback=SBS_CALLBACK)
    expected = (f"input.roAnafEfacturaUseImplicitClientSecret: cannot be true while the stored "
                f"roAnafEfacturaAdditionalClientSecrets[0] has SBS's own callback {SBS_CALLBACK}, which would then "
                "be the main callback too; each callback may appear only once per service (main and additional "
                "together)")
    assert [str(p) for p in caught.value.problems] == [expected]
