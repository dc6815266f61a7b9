"""Token minting: RS512 JWT claims with a fixed clock and fixed randomness, opaque tokens, the key file."""
from __future__ import annotations

import itertools
import os
import stat
from pathlib import Path

import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from mock_anaf.tokens import SigningKey, Subject, TokenMinter, token_hash
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
