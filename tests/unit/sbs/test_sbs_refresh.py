"""When SBS refreshes ANAF tokens, and with which secret (mock_sbs.authorizations), on a fixed clock."""
from __future__ import annotations

import itertools

import pytest

from mock_sbs.access import Caller
from mock_sbs.authorization_rules import refresh_due, shown_status
from mock_sbs.authorizations import Brokering
from mock_sbs.errors import NeedsReauthorization
from tests.support.fake_anaf import ACCESS_LIFETIME, REFRESH_LIFETIME, FakeAnaf
from mock_sbs.implicit import ImplicitSecrets
from mock_sbs.model import AnafScope, AppRecord, ClientSecret, Organization, ServiceSettings, Tenant
from mock_sbs.model import ACTIVE, NEEDS_REAUTHORIZATION
from mock_sbs.store import Store
from foundation.clock import FixedClock

MARGIN = 300.0
MAIN = ClientSecret("main-id", "main-secret", "https://app.example/main")
BRANCH = ClientSecret("branch-id", "branch-secret", "https://app.example/branch")
SBS_CALLBACK = "https://sbs.example/ro-anaf-oauth-api/oauth-callback"


def save_app(store: Store, app: AppRecord, now: float) -> None:
    """Write the app and both services' settings at once, as a validated updateApp does."""
    store.update_app(app.id, app.account_id, lambda _: app, now)


@pytest.mark.parametrize(
    ("seconds_left", "due"),
    [
        pytest.param(3600, False, id="an-hour-left"),
        pytest.param(MARGIN + 1, False, id="just-outside-margin"),
        pytest.param(MARGIN, True, id="at-margin"),
        pytest.param(1, True, id="about-to-expire"),
        pytest.param(0, True, id="expiring-now"),
        pytest.param(-86400, True, id="expired-yesterday"),
    ],
)
def test_refresh_is_due_within_the_margin(seconds_left: float, due: bool) -> None:
    clock = FixedClock(1_000_000.0)
    assert refresh_due(clock.now() + seconds_left, clock.now(), MARGIN) is due


@pytest.fixture()
def world():
    clock = FixedClock(1_700_000_000.0)
    store = Store(None)
    anaf = FakeAnaf(clock)
    for secret in (MAIN, BRANCH):
        anaf.register(secret.client_id, secret.client_secret, secret.oauth_callback)
    store.ensure_account_key("hash", "acc_1", "pk_1", clock.now())
    store.add_app(AppRecord("app_1", "acc_1", "demo", True, clock.now()))
    save_app(store, AppRecord("app_1", "acc_1", "demo", True, clock.now(), {
        AnafScope.EFACTURA: ServiceSettings(main=MAIN, additional=(BRANCH,))}), clock.now())
    store.add_tenant(Tenant("ten_1", "acc_1", "t", clock.now()))
    store.add_organization(Organization("org_1", "ten_1", "Org", "RO123", clock.now()))
    counter = itertools.count(1)
    brokering = Brokering(store, anaf, ImplicitSecrets(store, anaf, SBS_CALLBACK, None), clock,
                          new_id=lambda p: f"{p}{next(counter)}", new_state=lambda: f"state-{next(counter)}",
                          anaf_url="https://anaf.example", sbs_callback=SBS_CALLBACK, refresh_margin=MARGIN)
    caller = Caller("SERVICE", "acc_1", "app_1", "ten_1")
    return clock, store, anaf, brokering, caller


def authorize(world, callback: str | None):
    clock, store, anaf, brokering, caller = world
    new = brokering.generate_request(caller, "org_1", AnafScope.EFACTURA, callback, None)
    code = anaf.authorize(new.request.client_id, new.request.oauth_callback)
    return brokering.finish(brokering.claim(new.state, "ten_1"), code, None)


def test_sweep_refreshes_only_what_is_due_with_the_secret_that_authorized(world) -> None:
    clock, store, anaf, brokering, caller = world
    auth = authorize(world, BRANCH.oauth_callback)
    assert brokering.sweep() == {"refreshed": 0, "failed": 0}
    clock.advance(ACCESS_LIFETIME - MARGIN - 1)
    assert brokering.sweep() == {"refreshed": 0, "failed": 0}
    clock.advance(1)
    assert brokering.sweep() == {"refreshed": 1, "failed": 0}
    assert anaf.token_calls() == [("branch-id", "authorization_code"), ("branch-id", "refresh_token")]
    refreshed = store.authorizations.get_authorization(auth.id, "ten_1")
    assert refreshed.access_expires_at == clock.now() + ACCESS_LIFETIME
    assert refreshed.refresh_token != auth.refresh_token
    assert brokering.sweep() == {"refreshed": 0, "failed": 0}


def test_use_refreshes_when_due_and_not_before(world) -> None:
    clock, store, anaf, brokering, caller = world
    auth = authorize(world, None)
    first = brokering.test(caller, auth.id, "x")
    assert (first.answer.status, first.refreshed) == (200, False)
    clock.advance(ACCESS_LIFETIME + 10)
    second = brokering.test(caller, auth.id, "x")
    assert (second.answer.status, second.refreshed, second.answer.body) == (200, True, 'Hello, "x"')
    assert anaf.token_calls()[-1] == ("main-id", "refresh_token")


def test_removed_callback_marks_needs_reauthorization_and_keeps_the_rest(world) -> None:
    clock, store, anaf, brokering, caller = world
    auth = authorize(world, BRANCH.oauth_callback)
    app = store.get_app("app_1")
    save_app(store, AppRecord("app_1", "acc_1", "demo", True, app.created_at, {
        AnafScope.EFACTURA: ServiceSettings(main=MAIN)}), clock.now())
    clock.advance(ACCESS_LIFETIME)
    assert brokering.sweep() == {"refreshed": 0, "failed": 1}
    after = store.authorizations.get_authorization(auth.id, "ten_1")
    assert after.status == NEEDS_REAUTHORIZATION
    assert BRANCH.oauth_callback in (after.status_message or "")
    assert (after.access_token, after.refresh_token, after.client_id) == (auth.access_token, auth.refresh_token,
                                                                          "branch-id")
    with pytest.raises(NeedsReauthorization):
        brokering.refresh(caller, auth.id)
    assert anaf.token_calls() == [("branch-id", "authorization_code")]


@pytest.mark.parametrize(
    ("advance", "status"),
    [
        pytest.param(0, ACTIVE, id="fresh"),
        pytest.param(ACCESS_LIFETIME + 1, ACTIVE, id="access-expired-refresh-still-valid"),
        pytest.param(REFRESH_LIFETIME, NEEDS_REAUTHORIZATION, id="refresh-token-expired"),
    ],
)
def test_shown_status_follows_the_refresh_token(world, advance: float, status: str) -> None:
    clock, *_ = world
    auth = authorize(world, None)
    clock.advance(advance)
    assert shown_status(auth, clock.now())[0] == status
