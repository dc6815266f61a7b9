"""Token minting: RS512 JWT claims with a fixed clock and fixed randomness, opaque tokens, the key file."""
from __future__ import annotations

import itertools
import os
import stat
import threading
from pathlib import Path

import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from mock_anaf.tokens import Occupancy, SigningKey, Subject, TokenMinter, token_hash
from foundation.clock import FixedClock

SUBJECT = Subject("client-1", "4F1A9C2E", ("12345674", "RO23456783"), ("EFACTURA", "ETRANSPORT"))


def minter(key: SigningKey, clock: FixedClock) -> TokenMinter:
    counter = itertools.count(1)
    return TokenMinter(key, "https://logincert.anaf.ro", clock, new_token=lambda: f"rnd-{next(counter)}")


@pytest.mark.parametrize(
    ("kind", "lifetime"),
    [pytest.param("access", 7_776_000, id="access-90-days"), pytest.param("refresh", 31_536_000, id="refresh-365-days")],
)
def test_jwt_claims(signing_key: SigningKey, kind: str, lifetime: int) -> None:
    clock = FixedClock(1_700_000_000.5)
    minted = minter(signing_key, clock).mint(SUBJECT, kind, lifetime, as_jwt=True)  # type: ignore[arg-type]
    public = RSAKey.import_key(signing_key.public_jwk())
    token = jwt.decode(minted.value, public, algorithms=["RS512"])
    assert token.header == {"alg": "RS512", "typ": "JWT", "kid": signing_key.kid}
    assert token.claims == {
        "iss": "https://logincert.anaf.ro",
        "sub": "4F1A9C2E",
        "iat": 1_700_000_000,
        "nbf": 1_700_000_000,
        "exp": 1_700_000_000 + lifetime,
        "jti": "rnd-1",
        "clientappid": "client-1",
        "serial": "4F1A9C2E",
        "cifs": ["12345674", "RO23456783"],
        "scope": "EFACTURA ETRANSPORT",
        "roles": ["EFACTURA", "ETRANSPORT"],
        "token_type": kind,
    }
    assert (minted.issued_at, minted.expires_at, minted.is_jwt) == (1_700_000_000, 1_700_000_000 + lifetime, True)


def test_jwt_is_byte_for_byte_what_joserfc_makes(signing_key: SigningKey) -> None:
    # The signing path serialises the header once and signs with the loaded key; RS512 (PKCS#1 v1.5)
    # is deterministic, so the generic library must produce the very same token from the same claims.
    claims = minter(signing_key, FixedClock(1_700_000_000.0)).claims(SUBJECT, "access", 60)
    claims["name"] = "Ionuț Popescu"  # non-ASCII stays UTF-8 in the payload, as joserfc writes it
    header = {"alg": "RS512", "typ": "JWT", "kid": signing_key.kid}
    assert signing_key.sign(claims) == jwt.encode(header, claims, signing_key.key, algorithms=["RS512"])


def test_roles_follow_the_enrolled_services(signing_key: SigningKey) -> None:
    only_transport = Subject("c", "AA", ("1",), ("ETRANSPORT",))
    claims = minter(signing_key, FixedClock()).claims(only_transport, "access", 60)
    assert (claims["roles"], claims["scope"]) == (["ETRANSPORT"], "ETRANSPORT")


class RecordingKey:
    """A SigningKey stand-in that notes which thread signed which token."""

    def __init__(self, key: SigningKey, fail_on: str | None = None) -> None:
        self.key, self.fail_on = key, fail_on
        self.threads: dict[str, str] = {}

    def sign(self, claims: dict) -> str:
        self.threads[claims["token_type"]] = threading.current_thread().name
        if claims["token_type"] == self.fail_on:
            raise RuntimeError(f"cannot sign the {self.fail_on} token")
        return self.key.sign(claims)


@pytest.mark.parametrize("spare", [True, False], ids=["side-by-side", "in-turn"])
def test_a_pair_is_signed_side_by_side_only_when_a_core_is_spare(signing_key: SigningKey, spare: bool) -> None:
    key = RecordingKey(signing_key)
    pair = TokenMinter(key, "https://logincert.anaf.ro", FixedClock(5000.0),  # type: ignore[arg-type]
                       spare_core=lambda: spare).pair(SUBJECT, 60, 3600, as_jwt=True)
    public = RSAKey.import_key(signing_key.public_jwk())
    decoded = [jwt.decode(m.value, public, algorithms=["RS512"]).claims for m in pair]
    assert [(c["token_type"], c["exp"]) for c in decoded] == [("access", 5060), ("refresh", 8600)]
    assert key.threads["access"] == threading.current_thread().name
    assert (key.threads["refresh"] != threading.current_thread().name) == spare
    assert key.threads["refresh"].startswith("anaf-signing") == spare


@pytest.mark.parametrize("failing", ["access", "refresh"])
def test_a_failed_signature_on_either_thread_reaches_the_caller(signing_key: SigningKey, failing: str) -> None:
    minter = TokenMinter(RecordingKey(signing_key, fail_on=failing), "iss", FixedClock(),  # type: ignore[arg-type]
                         spare_core=lambda: True)
    with pytest.raises(RuntimeError, match=f"cannot sign the {failing} token"):
        minter.pair(SUBJECT, 60, 3600, as_jwt=True)


@pytest.mark.parametrize("spare", [True, False], ids=["on-the-helper", "here-and-now"])
def test_a_token_minted_aside_uses_the_helper_only_when_a_core_is_spare(signing_key: SigningKey, spare: bool) -> None:
    key = RecordingKey(signing_key)
    future = TokenMinter(key, "iss", FixedClock(5000.0),  # type: ignore[arg-type]
                         spare_core=lambda: spare).mint_aside(SUBJECT, "refresh", 3600)
    assert future.done() or spare
    minted = future.result(timeout=10)
    assert (minted.kind, minted.issued_at, minted.expires_at, minted.is_jwt) == ("refresh", 5000, 8600, True)
    assert key.threads["refresh"].startswith("anaf-signing") == spare


@pytest.mark.parametrize("spare", [True, False], ids=["on-the-helper", "here-and-now"])
def test_a_token_that_failed_to_mint_aside_raises_from_its_future(signing_key: SigningKey, spare: bool) -> None:
    minter = TokenMinter(RecordingKey(signing_key, fail_on="refresh"), "iss", FixedClock(),  # type: ignore[arg-type]
                         spare_core=lambda: spare)
    with pytest.raises(RuntimeError, match="cannot sign the refresh token"):
        minter.mint_aside(SUBJECT, "refresh", 3600).result(timeout=10)


def test_opaque_pairs_never_use_the_helper(signing_key: SigningKey) -> None:
    asked: list[bool] = []
    minter = TokenMinter(signing_key, "iss", FixedClock(100.0), spare_core=lambda: asked.append(True) or True)
    access, refresh = minter.pair(SUBJECT, 60, 3600, as_jwt=False)
    assert (access.is_jwt, refresh.is_jwt, asked) == (False, False, [])


def test_occupancy_counts_requests_in_and_out() -> None:
    occupancy = Occupancy()
    assert occupancy.alone()
    with occupancy:
        assert occupancy.alone()  # the caller's own request
        with occupancy:
            assert not occupancy.alone()
        assert occupancy.alone()
    with pytest.raises(ValueError):
        with occupancy:
            raise ValueError("a request that failed still leaves")
    with occupancy:
        assert occupancy.alone()


def test_opaque_token_is_the_random_value(signing_key: SigningKey) -> None:
    minted = minter(signing_key, FixedClock(100.0)).mint(SUBJECT, "access", 60, as_jwt=False)
    assert (minted.value, minted.issued_at, minted.expires_at, minted.is_jwt) == ("rnd-1", 100, 160, False)


def test_token_hash_is_sha256_hex() -> None:
    assert token_hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_key_file_created_private_and_reused(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "anaf-signing-key.pem"
    first = SigningKey.load_or_create(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    again = SigningKey.load_or_create(path)
    assert again.kid == first.kid and again.public_jwk() == first.public_jwk()
    assert first.public_jwk()["alg"] == "RS512" and "d" not in first.public_jwk()


def test_broken_key_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "anaf-signing-key.pem"
    path.write_text("not a key")
    with pytest.raises(ValueError, match="anaf-signing-key.pem"):
        SigningKey.load_or_create(path)
