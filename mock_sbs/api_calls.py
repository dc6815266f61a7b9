"""What the RO e-Factura and RO e-Transport services share (SPEC §3.4): the organization, the token that carries a
call, the environment, and status checks that keep under ANAF's `stareMesaj` quota.

No Flask. The token comes from `Brokering.usable`, which refreshes it first when due with the secret set
that authorized, so there is one refresh path in SBS.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable, TypeVar

from foundation.clock import Clock

from mock_sbs.access import Caller
from mock_sbs.anaf_answers import StatusAnswer, is_quota_text
from mock_sbs.anaf_api import AnafApi, Bearer
from mock_sbs.api_records import PENDING, Declaration, Invoice, Records
from mock_sbs.authorization_rules import anaf_api_base
from mock_sbs.authorizations import Brokering
from mock_sbs.errors import BadUserInput, NotFound, QuotaExceeded, SbsError
from mock_sbs.model import AnafScope, Authorization, Organization
from mock_sbs.status_policy import CheckLedger, after_check, decide, used_up
from mock_sbs.store import Store

Record = TypeVar("Record", Invoice, Declaration)
ENVIRONMENTS = {True: "TEST", False: "PROD"}
MAX_XML_CHARS = 10 * 1024 * 1024


@dataclass(frozen=True)
class Carrier:
    """The authorization whose token carries a call, the token as a Bearer, and the environment it goes to."""

    authorization: Authorization
    bearer: Bearer
    environment: str


@dataclass(frozen=True)
class ApiServices:
    """The collaborators both services use."""

    store: Store
    records: Records
    brokering: Brokering
    api: AnafApi
    clock: Clock
    api_url: str
    new_id: Callable[[str], str]
    stare_quota: int = 100

    def organization(self, caller: Caller, organization_id: str) -> Organization:
        """One organization of the caller's tenant, or NOT_FOUND."""
        org = self.store.get_organization(organization_id, caller.tenant_id or "")
        if org is None:
            raise NotFound(f"No organization with id {organization_id} for this tenant.")
        return org

    def carrier(self, caller: Caller, organization_id: str, scope: AnafScope,
                environment: str | None = None) -> Carrier:
        """The token for (organization, scope), refreshed first when due; the environment is the app's setting
        (`roAnafXUseTestEnvironment`) unless a record's own is given (a status check goes where the upload went)."""
        auth = self.brokering.usable(caller.tenant_id or "", organization_id, scope)
        if environment is None:
            environment = ENVIRONMENTS[self.brokering.uses_test_environment(auth)]
        base = anaf_api_base(self.api_url, scope, environment == "TEST")
        return Carrier(auth, Bearer(auth.access_token, auth.client_id, scope.value, base), environment)

    def check_status(self, caller: Caller, record: Record, scope: AnafScope, forced: bool,
                     ask: Callable[[Bearer, str], StatusAnswer],
                     apply: Callable[[Record, StatusAnswer, Carrier], Record]) -> Record:
        """Ask ANAF for a pending record's state if the quota policy allows it now (always when ``forced``, while
        the day's quota lasts); a forced check raises what went wrong, a read keeps it in `check_error`."""
        if record.status != PENDING or record.upload_index is None:
            if forced:
                raise BadUserInput(f"This upload is {record.status}; only a PENDING upload has a status to check.")
            return record
        now = self.clock.now()
        decision = decide(record.ledger, now, self.stare_quota, forced)
        if not decision.allowed:
            if forced:
                raise QuotaExceeded(f"SBS did not ask ANAF: {decision.reason}")
            return record
        ledger = after_check(record.ledger, now)
        if not self.records.claim_check(record, ledger):
            if forced:
                raise BadUserInput("Another request is checking this upload's status right now; read it again.")
            return record
        record = replace(record, ledger=ledger)
        try:
            carrier = self.carrier(caller, record.organization_id, scope, record.environment)
            answer = ask(carrier.bearer, record.upload_index)
        except SbsError as exc:
            text = exc.extensions.get("anaf") or exc.message
            if isinstance(text, str) and is_quota_text(text):
                record = replace(record, ledger=used_up(now, self.stare_quota))
            record = replace(record, check_error=f"{exc.code}: {text}"[:1000], updated_at=now)
            self.records.save(record)
            if forced:
                raise
            return record
        record = apply(replace(record, check_error=None), answer, carrier)
        self.records.save(replace(record, updated_at=self.clock.now()))
        return replace(record, updated_at=self.clock.now())

    def next_check(self, record: Invoice | Declaration) -> float | None:
        """When a read will next ask ANAF about this record (None: not pending, or not today)."""
        if record.status != PENDING:
            return None
        return decide(record.ledger, self.clock.now(), self.stare_quota).next_at


def xml_input(value: object, field: str = "input.xml") -> bytes:
    """The XML a caller gave, as UTF-8 bytes; BAD_USER_INPUT when it is empty or too large."""
    if not isinstance(value, str) or not value.strip():
        raise BadUserInput(f"{field}: give the XML document as a string.", field=field)
    if len(value) > MAX_XML_CHARS:
        raise BadUserInput(f"{field}: the document is larger than ANAF accepts (10 MB).", field=field)
    return value.encode("utf-8")


def empty_ledger() -> CheckLedger:
    """A record that was never checked."""
    return CheckLedger()
