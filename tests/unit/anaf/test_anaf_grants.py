"""Code and refresh-token rules (RFC 6749 §4.1.2, §4.1.3, §6) with a fixed clock."""
from __future__ import annotations

import base64
import json
from dataclasses import replace
from typing import Any, Callable

import pytest

from mock_anaf.errors import InvalidGrant
from mock_anaf.grants import (PREPARED_LIMIT, Grants, Lifetimes, access_problem, code_problem, is_replay,
                              refresh_problem)
from mock_anaf.records import AppRecord, CodeRecord, Identity, TokenRecord
from mock_anaf.store import Store
from mock_anaf.tokens import Minted, SigningKey, Subject, TokenMinter
from foundation.clock import FixedClock

CB = "https://erp.example.ro/cb"
CODE = CodeRecord("h", "client-a", CB, "SER", ("1",), False, "g", expires_at=1060.0, used_at=None)


@pytest.mark.parametrize(
    ("code", "client_id", "redirect_uri", "now", "problem"),
    [
        pytest.param(CODE, "client-a", CB, 1000.0, None, id="fresh"),
        pytest.param(CODE, "client-a", CB, 1059.9, None, id="last-moment"),
        pytest.param(CODE, "client-a", CB, 1060.0, "expired", id="at-60-seconds"),
        pytest.param(None, "client-a", CB, 1000.0, "Invalid authorization code", id="unknown"),
        pytest.param(CODE, "client-b", CB, 1000.0, "another client", id="other-client"),
        pytest.param(CODE, "client-a", CB + "/", 1000.0, "does not match", id="other-redirect"),
        pytest.param(CODE, "client-a", None, 1000.0, "(redirect_uri) is missing", id="no-redirect"),
    ],
)
def test_code_problem(code: CodeRecord | None, client_id: str, redirect_uri: str | None, now: float,
                      problem: str | None) -> None:
    found = code_problem(code, client_id, redirect_uri, now)
    assert found == problem if problem is None else problem in (found or "")


@pytest.mark.parametrize(
    ("code", "client_id", "replay"),
    [
        pytest.param(CODE, "client-a", False, id="unused"),
        pytest.param(replace(CODE, used_at=1001.0), "client-a", True, id="used"),
        pytest.param(replace(CODE, used_at=1001.0), "client-b", False, id="used-other-client"),
        pytest.param(None, "client-a", False, id="unknown"),
    ],
)
def test_is_replay(code: CodeRecord | None, client_id: str, replay: bool) -> None:
    assert is_replay(code, client_id) is replay


def _token(kind: str = "refresh", client: str = "client-a", revoked: float | None = None) -> TokenRecord:
    return TokenRecord("h", kind, client, "g", "SER", ("1",), True, 0.0, 2000.0, revoked)


@pytest.mark.parametrize(
    ("token", "now", "problem"),
    [
        pytest.param(_token(), 1000.0, None, id="live"),
        pytest.param(None, 1000.0, "Invalid refresh token", id="unknown"),
        pytest.param(_token(kind="access"), 1000.0, "Invalid refresh token", id="access-token-given"),
        pytest.param(_token(client="client-b"), 1000.0, "another client", id="other-client"),
        pytest.param(_token(revoked=500.0), 1000.0, "already used or revoked", id="rotated"),
        pytest.param(_token(), 2000.0, "expired", id="expired"),
    ],
)
def test_refresh_problem(token: TokenRecord | None, now: float, problem: str | None) -> None:
    found = refresh_problem(token, "client-a", now)
    assert found == problem if problem is None else problem in (found or "")


@pytest.mark.parametrize(
    ("token", "now", "problem"),
    [
        pytest.param(_token(kind="access"), 1999.0, None, id="live"),
        pytest.param(None, 1000.0, "unknown token", id="unknown"),
        pytest.param(_token(kind="refresh"), 1000.0, "refresh token is not an access token", id="refresh-token"),
        pytest.param(_token(kind="access", revoked=1.0), 1000.0, "revoked", id="revoked"),
        pytest.param(_token(kind="access"), 2000.0, "expired", id="expired"),
    ],
)
def test_access_problem(token: TokenRecord | None, now: float, problem: str | None) -> None:
    assert access_problem(token, now) == problem if problem is None else problem in (access_problem(token, now) or "")


@pytest.fixture()
def world(signing_key: SigningKey):
    clock = FixedClock(1_000_000.0)
    store = Store(None)
    app = AppRecord("client-a", "x" * 64, "app", "dev@x.ro", (CB,), ("EFACTURA",), 0.0, 0.0)
    other = AppRecord("client-b", "y" * 64, "other", "dev@x.ro", (CB,), ("EFACTURA",), 0.0, 0.0)
    store.add_app(app)
    store.add_app(other)
    grants = Grants(store, TokenMinter(signing_key, "iss", clock), clock, Lifetimes(60, 3600, 7200))
    identity = Identity("SER", "Ana", ("12345674",))
    yield grants, clock, app, other, identity
    store.close()


def test_code_is_single_use_and_replay_revokes_its_tokens(world) -> None:
    grants, clock, app, _, identity = world
    code = grants.issue_code(app, CB, identity, want_jwt=False)
    pair = grants.exchange_code(app, code, CB, want_jwt=False)
    assert grants.access_token(pair.access.value)[1] is None
    with pytest.raises(InvalidGrant, match="already used"):
        grants.exchange_code(app, code, CB, want_jwt=False)
    assert grants.access_token(pair.access.value)[1] == "the token was revoked"
    with pytest.raises(InvalidGrant, match="already used or revoked"):
        grants.refresh(app, pair.refresh.value, want_jwt=False)


@pytest.mark.parametrize("redirect_uri", [pytest.param(CB + "/other", id="other-redirect"),
                                          pytest.param(None, id="no-redirect")])
def test_replay_with_another_redirect_uri_still_revokes(world, redirect_uri: str | None) -> None:
    grants, _, app, _, identity = world
    code = grants.issue_code(app, CB, identity, want_jwt=False)
    pair = grants.exchange_code(app, code, CB, want_jwt=False)
    with pytest.raises(InvalidGrant, match="already used"):
        grants.exchange_code(app, code, redirect_uri, want_jwt=False)
    assert grants.access_token(pair.access.value)[1] == "the token was revoked"


def test_code_lives_60_seconds(world) -> None:
    grants, clock, app, _, identity = world
    code = grants.issue_code(app, CB, identity, want_jwt=False)
    clock.advance(60)
    with pytest.raises(InvalidGrant, match="expired"):
        grants.exchange_code(app, code, CB, want_jwt=False)


def test_wrong_client_or_redirect_leaves_the_code_usable(world) -> None:
    grants, _, app, other, identity = world
    code = grants.issue_code(app, CB, identity, want_jwt=False)
    with pytest.raises(InvalidGrant, match="another client"):
        grants.exchange_code(other, code, CB, want_jwt=False)
    with pytest.raises(InvalidGrant, match="does not match"):
        grants.exchange_code(app, code, CB + "?x=1", want_jwt=False)
    assert grants.exchange_code(app, code, CB, want_jwt=False).expires_in == 3600


def test_refresh_rotates_both_tokens(world) -> None:
    grants, clock, app, _, identity = world
    first = grants.exchange_code(app, grants.issue_code(app, CB, identity, False), CB, want_jwt=False)
    clock.advance(10)
    second = grants.refresh(app, first.refresh.value, want_jwt=False)
    assert second.access.value != first.access.value and second.refresh.value != first.refresh.value
    assert second.access.expires_at == first.access.expires_at + 10
    with pytest.raises(InvalidGrant, match="already used or revoked"):
        grants.refresh(app, first.refresh.value, want_jwt=False)
    assert grants.refresh(app, second.refresh.value, want_jwt=False).access.value


def test_refresh_keeps_the_jwt_format_of_the_grant(world) -> None:
    grants, _, app, _, identity = world
    first = grants.exchange_code(app, grants.issue_code(app, CB, identity, want_jwt=True), CB, want_jwt=False)
    assert first.access.is_jwt and first.refresh.is_jwt
    assert grants.refresh(app, first.refresh.value, want_jwt=False).access.is_jwt


def test_refresh_token_expires(world) -> None:
    grants, clock, app, _, identity = world
    pair = grants.exchange_code(app, grants.issue_code(app, CB, identity, False), CB, want_jwt=False)
    clock.advance(3600)
    assert grants.access_token(pair.access.value)[1] == "the token has expired"
    clock.advance(3600)
    with pytest.raises(InvalidGrant, match="expired"):
        grants.refresh(app, pair.refresh.value, want_jwt=False)


def test_revoke_rules(world) -> None:
    grants, _, app, other, identity = world
    pair = grants.exchange_code(app, grants.issue_code(app, CB, identity, False), CB, want_jwt=False)
    assert grants.revoke(other, pair.access.value) is False
    assert grants.revoke(app, "unknown") is False
    assert grants.access_token(pair.access.value)[1] is None
    assert grants.revoke(app, pair.refresh.value) is True  # a refresh token takes its grant with it
    assert grants.access_token(pair.access.value)[1] == "the token was revoked"


# -- a code's JWT pair signed ahead, once the code is out (Grants.prepare_tokens) --


@pytest.fixture()
def signed(world, monkeypatch) -> list[Minted]:
    """Every token the grants' minter makes while the test runs, in order."""
    minter, made = world[0].minter, []
    mint = minter.mint

    def noting_mint(*args: Any) -> Minted:
        made.append(mint(*args))
        return made[-1]

    monkeypatch.setattr(minter, "mint", noting_mint)
    return made


def _claims(jwt: str) -> dict[str, Any]:
    payload = jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_a_pair_prepared_once_the_code_is_out_is_the_one_issued(world, signed: list[Minted]) -> None:
    grants, clock, app, _, identity = world
    code = grants.issue_code(app, CB, identity, want_jwt=True)
    grants.prepare_tokens(code, app, identity)
    prepared = [m.value for m in signed]
    pair = grants.exchange_code(app, code, CB, want_jwt=False)
    assert {pair.access.value, pair.refresh.value} == set(prepared) and len(signed) == 2  # nothing signed again
    # Exactly what minting at the exchange would have given, but for the random jti.
    subject = Subject(app.client_id, identity.serial, identity.cifs, app.services)
    for minted, lifetime in ((pair.access, 3600), (pair.refresh, 7200)):
        expected = grants.minter.claims(subject, minted.kind, lifetime)
        assert {**_claims(minted.value), "jti": None} == {**expected, "jti": None}
    assert grants.access_token(pair.access.value)[1] is None
    with pytest.raises(InvalidGrant, match="already used"):
        grants.exchange_code(app, code, CB, want_jwt=True)


@pytest.mark.parametrize("change", [
    pytest.param(lambda grants, clock, app: (clock.advance(1), app)[1], id="the-second-changed"),
    pytest.param(lambda grants, clock, app: replace(app, services=("EFACTURA", "ETRANSPORT")),
                 id="the-app-enrolled-in-another-service"),
    pytest.param(lambda grants, clock, app: (setattr(grants, "lifetimes", Lifetimes(60, 1800, 7200)), app)[1],
                 id="other-lifetimes"),
])
def test_a_prepared_pair_that_minting_now_would_not_give_is_never_issued(
        world, signed: list[Minted], change: Callable[..., AppRecord]) -> None:
    grants, clock, app, _, identity = world
    code = grants.issue_code(app, CB, identity, want_jwt=True)
    grants.prepare_tokens(code, app, identity)
    prepared = list(signed)
    pair = grants.exchange_code(change(grants, clock, app), code, CB, want_jwt=True)
    assert len(signed) == 4 and pair.access.value not in {m.value for m in prepared}
    assert pair.access.issued_at == int(clock.now())
    assert _claims(pair.access.value)["exp"] == int(clock.now()) + grants.lifetimes.access
    for minted in prepared:  # never stored, so never valid
        assert grants.access_token(minted.value)[1] == "unknown token"


def test_prepared_pairs_are_bounded_and_dropped_oldest_first(world, signed: list[Minted]) -> None:
    grants, _, app, _, identity = world
    codes = [grants.issue_code(app, CB, identity, want_jwt=True) for _ in range(PREPARED_LIMIT + 1)]
    for code in codes:
        grants.prepare_tokens(code, app, identity)
    assert len(signed) == 2 * (PREPARED_LIMIT + 1)
    grants.exchange_code(app, codes[-1], CB, want_jwt=True)
    assert len(signed) == 2 * (PREPARED_LIMIT + 1)
    grants.exchange_code(app, codes[0], CB, want_jwt=True)  # dropped: signed at the exchange
    assert len(signed) == 2 * (PREPARED_LIMIT + 2)


def test_a_refresh_token_that_failed_to_sign_ahead_is_signed_at_the_exchange(world, signed: list[Minted],
                                                                            monkeypatch, caplog) -> None:
    grants, _, app, _, identity = world
    code = grants.issue_code(app, CB, identity, want_jwt=True)
    mint = grants.minter.mint

    def failing_refresh(subject: Subject, kind: str, *args: Any) -> Minted:
        if kind == "refresh":
            raise RuntimeError("no entropy")
        return mint(subject, kind, *args)

    monkeypatch.setattr(grants.minter, "mint", failing_refresh)
    grants.prepare_tokens(code, app, identity)
    monkeypatch.setattr(grants.minter, "mint", mint)
    pair = grants.exchange_code(app, code, CB, want_jwt=True)
    assert "a refresh token signed ahead failed" in caplog.text
    assert pair.refresh.kind == "refresh" and grants.access_token(pair.access.value)[1] is None
