"""Minting ANAF tokens: RS512 JWTs (`token_content_type=jwt`) or opaque random strings.

The signing key is loaded (or generated) once when the service starts: re-importing a PEM per
token would cost tens of milliseconds, signing with a loaded key well under one. Time and
randomness are passed in, so the claims are testable with a fixed clock.
"""
from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import secrets
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Literal

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from joserfc.jwk import RSAKey

from foundation.clock import Clock

log = logging.getLogger(__name__)

ALGORITHM = "RS512"
KEY_BITS = 2048
TokenKind = Literal["access", "refresh"]


def token_hash(value: str) -> str:
    """What the store keeps instead of a token or code: its SHA-256, hex."""
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()


def b64url(data: bytes) -> bytes:
    """Base64url without padding (RFC 7515 §2)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def random_token() -> str:
    """256 bits from `secrets`, URL-safe."""
    return secrets.token_urlsafe(32)


class SigningKey:
    """The RSA key that signs JWTs, with its `kid` (the RFC 7638 thumbprint) and public JWK.

    Every token has the same protected header, so it is serialised once here; a token then costs
    one JSON dump of its claims and one RSA signature. The bytes are what joserfc's
    ``jwt.encode`` makes (RS512 PKCS#1 v1.5 signatures are deterministic; a test holds them equal).
    """

    def __init__(self, key: RSAKey) -> None:
        if not key.is_private:
            raise ValueError("the signing key must be a private RSA key")
        self.key = key
        self.kid = key.thumbprint()
        self._jwk = {**key.as_dict(private=False), "kid": self.kid, "use": "sig", "alg": ALGORITHM}
        self._private = key.private_key
        header = {"typ": "JWT", "alg": ALGORITHM, "kid": self.kid}
        self._header = b64url(json.dumps(header, ensure_ascii=True, separators=(",", ":")).encode("ascii")) + b"."

    @classmethod
    def load_or_create(cls, path: Path | None) -> "SigningKey":
        """Read the PEM at ``path``; create it (mode 0600) when missing; None → a key for this process only."""
        if path is None:
            return cls(RSAKey.generate_key(KEY_BITS, private=True))
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            pem = RSAKey.generate_key(KEY_BITS, private=True).as_pem(private=True)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass  # another process created it first: use theirs
            else:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(pem)
                log.info("generated a %d-bit RS512 signing key at %s", KEY_BITS, path)
        try:
            # The file is this service's own (written above, mode 0600). OpenSSL's consistency check
            # of an RSA key costs ~0.1 s per start and protects against keys from untrusted sources.
            native = serialization.load_pem_private_key(path.read_bytes(), None, unsafe_skip_rsa_key_validation=True)
            return cls(RSAKey.import_key(native))  # type: ignore[arg-type]
        except Exception as exc:  # a broken key file must stop the start, naming the file
            raise ValueError(f"cannot read the RSA signing key at {path}: {exc}") from exc

    def public_jwk(self) -> dict[str, Any]:
        """The public key as a JWK with `kid`, `use` and `alg`."""
        return dict(self._jwk)

    def sign(self, claims: dict[str, Any]) -> str:
        """A compact JWS of ``claims`` (RFC 7519 §7.1), RS512, with this key's `kid`."""
        payload = json.dumps(claims, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        signing_input = self._header + b64url(payload)
        signature = self._private.sign(signing_input, padding.PKCS1v15(), hashes.SHA512())
        return (signing_input + b"." + b64url(signature)).decode("ascii")


@dataclass(frozen=True)
class Subject:
    """Who and what a token speaks for: the app, the certificate chosen, and its rights."""

    client_id: str
    serial: str
    cifs: tuple[str, ...]
    services: tuple[str, ...]

    @property
    def scope(self) -> str:
        return " ".join(self.services)


@dataclass(frozen=True)
class Minted:
    """A token as handed to the client, with what the store needs to know about it."""

    value: str
    kind: TokenKind
    issued_at: int
    expires_at: int
    is_jwt: bool


class Occupancy:
    """How many requests an app is answering right now (its WSGI layer counts them in and out)."""

    def __init__(self) -> None:
        self._count = 0
        self._lock = threading.Lock()

    def __enter__(self) -> None:
        with self._lock:
            self._count += 1

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self._count -= 1

    @property
    def count(self) -> int:
        return self._count

    def alone(self) -> bool:
        """Whether at most one request (the caller's own) is being answered."""
        return self._count <= 1


class TokenMinter:
    """Makes access and refresh tokens for a ``Subject``.

    A pair of JWTs is two RSA signatures, most of a sign-in's work. OpenSSL lets go of the GIL while it
    signs, so when ``spare_core()`` says nothing else is being answered, the second signature is made
    on a helper thread beside the first: the caller waits for one signature instead of two. Under load
    both are signed in turn on the caller's thread, where handing over would only add work.
    """

    def __init__(
        self,
        key: SigningKey,
        issuer: str,
        clock: Clock,
        new_token: Callable[[], str] = random_token,
        spare_core: Callable[[], bool] = lambda: False,
    ) -> None:
        self._key = key
        self._issuer = issuer
        self._clock = clock
        self._new_token = new_token
        self._spare_core = spare_core if (os.cpu_count() or 1) > 1 else (lambda: False)
        self._helper: ThreadPoolExecutor | None = None
        self._helper_lock = threading.Lock()

    def claims(self, subject: Subject, kind: TokenKind, lifetime: int) -> dict[str, Any]:
        """The claims of a JWT token.

        `iss`, `iat`, `nbf`, `exp`, `jti`, `clientappid`, `serial` and `scope` as ANAF names them;
        `sub` (= serial), `cifs`, `roles` (the app's enrolled services) and `token_type`
        ("access" / "refresh") are the sandbox's own.
        """
        now = int(self._clock.now())
        return {
            "iss": self._issuer,
            "sub": subject.serial,
            "iat": now,
            "nbf": now,
            "exp": now + lifetime,
            "jti": self._new_token(),
            "clientappid": subject.client_id,
            "serial": subject.serial,
            "cifs": list(subject.cifs),
            "scope": subject.scope,
            "roles": list(subject.services),
            "token_type": kind,
        }

    def pair(self, subject: Subject, access_lifetime: int, refresh_lifetime: int,
             as_jwt: bool) -> tuple[Minted, Minted]:
        """An access and a refresh token; as JWTs signed side by side when a core is spare."""
        if not as_jwt:
            return (self.mint(subject, "access", access_lifetime, False),
                    self.mint(subject, "refresh", refresh_lifetime, False))
        refresh = self.mint_aside(subject, "refresh", refresh_lifetime)
        try:
            access = self.mint(subject, "access", access_lifetime, True)
        finally:
            minted = refresh.result()  # waited for even when the access token failed: nothing left running
        return access, minted

    def mint_aside(self, subject: Subject, kind: TokenKind, lifetime: int) -> Future[Minted]:
        """A JWT signed on the helper thread when a core is spare, else here and now; as a future either way."""
        if self._spare_core():
            return self._helper_pool().submit(self.mint, subject, kind, lifetime, True)
        done: Future[Minted] = Future()
        try:
            done.set_result(self.mint(subject, kind, lifetime, True))
        except Exception as exc:
            done.set_exception(exc)
        return done

    def _helper_pool(self) -> ThreadPoolExecutor:
        with self._helper_lock:
            if self._helper is None:
                self._helper = ThreadPoolExecutor(1, thread_name_prefix="anaf-signing")
            return self._helper

    def mint(self, subject: Subject, kind: TokenKind, lifetime: int, as_jwt: bool) -> Minted:
        """One token; a JWT when ``as_jwt``, else an opaque random string."""
        if as_jwt:
            claims = self.claims(subject, kind, lifetime)
            return Minted(self._key.sign(claims), kind, claims["iat"], claims["exp"], True)
        now = int(self._clock.now())
        return Minted(self._new_token(), kind, now, now + lifetime, False)
