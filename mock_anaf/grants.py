"""The authorization-code and refresh-token grants (RFC 6749 §4.1, §6), as ANAF runs them.

Rules are small pure functions of a stored record and the time; ``Grants`` strings them together
with the store and the token minter. No Flask here: time and randomness come in as parameters.
"""
from __future__ import annotations

import hmac
import logging
import threading
from collections import OrderedDict
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Callable

from mock_anaf.errors import InvalidGrant
from mock_anaf.records import AppRecord, CodeRecord, Identity, TokenRecord
from mock_anaf.store import Store
from mock_anaf.tokens import Minted, Subject, TokenMinter, random_token, token_hash
from foundation.clock import Clock

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Lifetimes:
    """Seconds each artefact lives (config: code 60 s, access 90 days, refresh 365 days)."""

    code: int
    access: int
    refresh: int


# Prepared token pairs waiting for their code's exchange; the oldest go first past this many.
PREPARED_LIMIT = 64


@dataclass(frozen=True)
class Prepared:
    """The JWT pair a code's exchange would mint, signed ahead while the client was busy elsewhere
    (the refresh JWT possibly still being signed on the minter's helper thread)."""

    subject: Subject
    lifetimes: Lifetimes
    access: Minted
    refresh: Future[Minted]


@dataclass(frozen=True)
class TokenPair:
    """What the token endpoint answers with."""

    access: Minted
    refresh: Minted
    expires_in: int


def code_problem(code: CodeRecord | None, client_id: str, redirect_uri: str | None, now: float) -> str | None:
    """Why ``code`` cannot be exchanged by this client (RFC 6749 §4.1.3), or None; reuse is checked apart.

    The code must exist, belong to the client that authenticated, be younger than its lifetime and be
    presented with the very redirect_uri it was issued for.
    """
    if code is None:
        return "Invalid authorization code"
    if not hmac.compare_digest(code.client_id, client_id):
        return "The authorization code was issued to another client"
    if code.used_at is None and now >= code.expires_at:
        return "The authorization code has expired"
    if redirect_uri is None:
        return "Required parameter (redirect_uri) is missing"
    if code.redirect_uri != redirect_uri:
        return "redirect_uri does not match the one used in the authorization request"
    return None


def is_replay(code: CodeRecord | None, client_id: str) -> bool:
    """True when the client that received ``code`` presents it again (RFC 6749 §4.1.2: deny, revoke).

    Checked before the redirect_uri, so a replay is caught whatever redirect_uri comes with it.
    """
    return code is not None and code.used_at is not None and hmac.compare_digest(code.client_id, client_id)


def refresh_problem(token: TokenRecord | None, client_id: str, now: float) -> str | None:
    """Why ``token`` cannot be used as a refresh token by this client (RFC 6749 §6), or None."""
    if token is None or token.kind != "refresh":
        return "Invalid refresh token"
    if not hmac.compare_digest(token.client_id, client_id):
        return "The refresh token was issued to another client"
    if token.revoked_at is not None:
        return "The refresh token was already used or revoked"
    if now >= token.expires_at:
        return "The refresh token has expired"
    return None


def access_problem(token: TokenRecord | None, now: float) -> str | None:
    """Why ``token`` does not open ANAF's APIs, or None: unknown, not an access token, revoked, expired."""
    if token is None:
        return "unknown token"
    if token.kind != "access":
        return "a refresh token is not an access token"
    if token.revoked_at is not None:
        return "the token was revoked"
    if now >= token.expires_at:
        return "the token has expired"
    return None


class Grants:
    """Issues codes, exchanges them, rotates refresh tokens and revokes, over a ``Store``."""

    def __init__(
        self,
        store: Store,
        minter: TokenMinter,
        clock: Clock,
        lifetimes: Lifetimes,
        new_secret: Callable[[], str] = random_token,
    ) -> None:
        self.store = store
        self.minter = minter
        self.clock = clock
        self.lifetimes = lifetimes
        self._new_secret = new_secret
        self._prepared: OrderedDict[str, Prepared] = OrderedDict()  # code hash → its pair, not issued yet
        self._prepared_lock = threading.Lock()

    def issue_code(self, app: AppRecord, redirect_uri: str, identity: Identity, want_jwt: bool) -> str:
        """A fresh single-use code bound to the app, the redirect_uri and the chosen certificate."""
        now = self.clock.now()
        code = self._new_secret()
        self.store.add_code(
            CodeRecord(
                hash=token_hash(code), client_id=app.client_id, redirect_uri=redirect_uri, serial=identity.serial,
                cifs=identity.cifs, want_jwt=want_jwt, grant_id=self._new_secret(),
                expires_at=now + self.lifetimes.code, used_at=None,
            ),
            now,
        )
        return code

    def prepare_tokens(self, code: str, app: AppRecord, identity: Identity) -> None:
        """Sign now the JWT pair that exchanging ``code`` would mint; called once the code is out.

        Over HTTP the client needs a moment to read the redirect and come back with the code; the two
        signatures, most of the exchange's work, are made meanwhile. The access JWT is signed here; the
        refresh JWT beside it on the minter's helper thread when a core is spare, and this returns without
        waiting for it, so the connection is free for the exchange, which collects it. ``exchange_code``
        uses the pair only when it is exactly what it would mint itself (same subject, lifetimes and
        second), else signs anew. Nothing prepared is stored, or valid anywhere, until the exchange issues it.
        """
        subject = Subject(app.client_id, identity.serial, identity.cifs, app.services)
        lifetimes = self.lifetimes
        refresh = self.minter.mint_aside(subject, "refresh", lifetimes.refresh)
        access = self.minter.mint(subject, "access", lifetimes.access, True)
        with self._prepared_lock:
            self._prepared[token_hash(code)] = Prepared(subject, lifetimes, access, refresh)
            while len(self._prepared) > PREPARED_LIMIT:
                self._prepared.popitem(last=False)

    def _take_prepared(self, code_hash: str, subject: Subject) -> TokenPair | None:
        """The pair prepared for a code if it is exactly what minting now would give; dropped either way."""
        with self._prepared_lock:
            prepared = self._prepared.pop(code_hash, None)
        if prepared is None or prepared.subject != subject or prepared.lifetimes != self.lifetimes:
            return None
        try:
            refresh = prepared.refresh.result()
        except Exception:  # a bug in the helper: the exchange signs anew
            log.exception("a refresh token signed ahead failed")
            return None
        if {prepared.access.issued_at, refresh.issued_at} != {int(self.clock.now())}:
            return None
        return TokenPair(prepared.access, refresh, self.lifetimes.access)

    def exchange_code(self, app: AppRecord, code: str, redirect_uri: str | None, want_jwt: bool) -> TokenPair:
        """Tokens for a code, once (RFC 6749 §4.1.3); reuse revokes what the code gave (§4.1.2)."""
        now = self.clock.now()
        record = self.store.find_code(token_hash(code))
        if is_replay(record, app.client_id):
            assert record is not None
            self._refuse_replay(record, now)
        problem = code_problem(record, app.client_id, redirect_uri, now)
        if problem is not None:
            raise InvalidGrant(problem)
        assert record is not None
        subject = Subject(app.client_id, record.serial, record.cifs, app.services)
        as_jwt = want_jwt or record.want_jwt
        prepared = self._take_prepared(record.hash, subject) if as_jwt else None
        if prepared is not None:
            pair, rows = prepared, self._rows(prepared, subject, record.grant_id)
        else:
            pair, rows = self._mint(subject, record.grant_id, as_jwt)
        # Signing happens above, outside the lock; only the compare-and-set is serialized.
        if not self.store.redeem_code(record.hash, now, rows):
            self._refuse_replay(record, now)
        return pair

    def refresh(self, app: AppRecord, refresh_token: str, want_jwt: bool) -> TokenPair:
        """A new access AND refresh token; the presented refresh token stops working (rotation)."""
        now = self.clock.now()
        record = self.store.find_token(token_hash(refresh_token))
        problem = refresh_problem(record, app.client_id, now)
        if problem is not None:
            raise InvalidGrant(problem)
        assert record is not None
        subject = Subject(app.client_id, record.serial, record.cifs, app.services)
        pair, rows = self._mint(subject, record.grant_id, want_jwt or record.is_jwt)
        if not self.store.rotate_refresh(record.hash, now, rows):
            raise InvalidGrant("The refresh token was already used or revoked")
        return pair

    def revoke(self, app: AppRecord, token: str) -> bool:
        """RFC 7009: revoke the client's own token; a refresh token takes its whole grant with it.

        Unknown tokens and tokens of other clients change nothing (the endpoint still answers 200).
        """
        now = self.clock.now()
        record = self.store.find_token(token_hash(token))
        if record is None or not hmac.compare_digest(record.client_id, app.client_id):
            return False
        if record.kind == "refresh":
            return self.store.revoke_grant(record.grant_id, now) > 0
        return self.store.revoke_token(record.hash, now) > 0

    def access_token(self, token: str) -> tuple[TokenRecord | None, str | None]:
        """The stored access token and why it is refused (None when it is good), by the service clock."""
        record = self.store.find_token(token_hash(token))
        return record, access_problem(record, self.clock.now())

    def _refuse_replay(self, record: CodeRecord, now: float) -> None:
        revoked = self.store.revoke_grant(record.grant_id, now)
        log.warning("authorization code reused by client %s; %d token(s) revoked", record.client_id, revoked)
        raise InvalidGrant("The authorization code was already used; the tokens issued from it are revoked")

    def _mint(self, subject: Subject, grant_id: str, as_jwt: bool) -> tuple[TokenPair, list[TokenRecord]]:
        access, refresh = self.minter.pair(subject, self.lifetimes.access, self.lifetimes.refresh, as_jwt)
        pair = TokenPair(access, refresh, self.lifetimes.access)
        return pair, self._rows(pair, subject, grant_id)

    @staticmethod
    def _rows(pair: TokenPair, subject: Subject, grant_id: str) -> list[TokenRecord]:
        return [
            TokenRecord(token_hash(m.value), m.kind, subject.client_id, grant_id, subject.serial, subject.cifs,
                        m.is_jwt, m.issued_at, m.expires_at, None, roles=subject.services)
            for m in (pair.access, pair.refresh)
        ]
