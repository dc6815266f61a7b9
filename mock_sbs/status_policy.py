"""When SBS may ask ANAF's `stareMesaj` about a pending upload: pure, time as a parameter.

ANAF allows 100 `stareMesaj` calls per upload index and calendar day in Europe/Bucharest (SPEC-ANAF-API
§6.2, LIM; e-Transport's example text says the same number, §7.3). SBS counts its own calls per upload
in its database and keeps under that quota:

- a read (`invoice`, `invoices`, `declaration`, ...) checks a pending upload only when the last check is
  old enough: the first check at once, then after 1, 2, 4, ... seconds, at most every 15 minutes, and
  only while fewer than 90 % of the day's quota are used;
- a forced check (`refreshInvoiceStatus`) may use the rest of the day's quota, never more;
- when ANAF answers with its quota sentence anyway (its quota may be set lower), the day counts as used up.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

BUCHAREST = ZoneInfo("Europe/Bucharest")
DAILY_QUOTA = 100
MAX_INTERVAL = 900.0
FORCED_SHARE = 0.1


@dataclass(frozen=True)
class CheckLedger:
    """The status checks SBS made for one upload: on which Bucharest day, how many that day, the last one's time."""

    day: str | None = None
    count: int = 0
    last_at: float | None = None


@dataclass(frozen=True)
class CheckDecision:
    """Whether a check may be made now, why not if not, and from when the next one is allowed (None: tomorrow)."""

    allowed: bool
    reason: str
    next_at: float | None


def bucharest_day(now: float) -> str:
    """The calendar day in Europe/Bucharest that ANAF's daily quotas count by (SPEC-ANAF-API §6.2)."""
    return datetime.fromtimestamp(now, tz=BUCHAREST).date().isoformat()


def checks_today(ledger: CheckLedger, now: float) -> int:
    """How many checks of the ledger fall on today's Bucharest day."""
    return ledger.count if ledger.day == bucharest_day(now) else 0


def interval_after(count: int) -> float:
    """How long a read waits after the ``count``-th check of the day before the next one: 0, 1, 2, 4, ... 900 s."""
    if count <= 0:
        return 0.0
    return min(2.0 ** (count - 1), MAX_INTERVAL)


def automatic_limit(daily_quota: int) -> int:
    """Checks a day that reads may make; the rest is kept for forced checks."""
    return max(0, daily_quota - max(1, int(daily_quota * FORCED_SHARE)))


def decide(ledger: CheckLedger, now: float, daily_quota: int = DAILY_QUOTA, forced: bool = False) -> CheckDecision:
    """May SBS call `stareMesaj` for this upload now? (see the module docstring)."""
    used = checks_today(ledger, now)
    if used >= daily_quota:
        return CheckDecision(False, f"ANAF's daily quota of {daily_quota} status checks for this upload is used "
                                    "up; SBS checks again after midnight in Bucharest.", None)
    if forced:
        return CheckDecision(True, "forced", now)
    if used >= automatic_limit(daily_quota):
        return CheckDecision(False, f"{used} of {daily_quota} status checks used today; the rest is kept for "
                                    "refreshInvoiceStatus.", None)
    due = (ledger.last_at or now) + interval_after(used) if used else now
    if now < due:
        return CheckDecision(False, f"checked {used} times today; the next check is allowed from then.", due)
    return CheckDecision(True, "due", now)


def after_check(ledger: CheckLedger, now: float) -> CheckLedger:
    """The ledger once a check was made at ``now``."""
    return CheckLedger(bucharest_day(now), checks_today(ledger, now) + 1, now)


def used_up(now: float, daily_quota: int = DAILY_QUOTA) -> CheckLedger:
    """The ledger after ANAF said the day's quota is used up."""
    return CheckLedger(bucharest_day(now), daily_quota, now)


def next_check_at(ledger: CheckLedger, now: float, daily_quota: int = DAILY_QUOTA) -> float | None:
    """When a read will next ask ANAF (None: not today)."""
    decision = decide(ledger, now, daily_quota)
    return decision.next_at
