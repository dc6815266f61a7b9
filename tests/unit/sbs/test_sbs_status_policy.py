"""When SBS may call `stareMesaj`: the first read at once, growing intervals, 90 % for reads, the rest when forced."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from mock_sbs.status_policy import (
    CheckLedger,
    after_check,
    automatic_limit,
    bucharest_day,
    checks_today,
    decide,
    interval_after,
    used_up,
)

NOON = datetime(2025, 3, 10, 12, 0, tzinfo=ZoneInfo("Europe/Bucharest")).timestamp()


@pytest.mark.parametrize(("count", "seconds"), [
    pytest.param(0, 0, id="first-at-once"), pytest.param(1, 1, id="then-1s"), pytest.param(2, 2, id="2s"),
    pytest.param(5, 16, id="16s"), pytest.param(11, 900, id="capped-at-15-min"), pytest.param(80, 900, id="stays"),
])
def test_interval_grows_and_is_capped(count: int, seconds: float) -> None:
    assert interval_after(count) == seconds


def test_reads_wait_for_the_interval() -> None:
    ledger = after_check(CheckLedger(), NOON)
    assert not decide(ledger, NOON + 0.5).allowed
    assert decide(ledger, NOON + 0.5).next_at == NOON + 1
    assert decide(ledger, NOON + 1).allowed
    ledger = after_check(ledger, NOON + 1)
    assert decide(ledger, NOON + 2.9).allowed is False and decide(ledger, NOON + 3).allowed


def test_reads_stop_at_90_percent_and_forced_at_the_quota() -> None:
    assert automatic_limit(100) == 90 and automatic_limit(10) == 9 and automatic_limit(1) == 0
    ledger = CheckLedger(bucharest_day(NOON), 90, NOON - 3600)
    assert not decide(ledger, NOON).allowed and decide(ledger, NOON).next_at is None
    assert decide(ledger, NOON, forced=True).allowed
    full = CheckLedger(bucharest_day(NOON), 100, NOON - 3600)
    refused = decide(full, NOON, forced=True)
    assert not refused.allowed and "after midnight in Bucharest" in refused.reason


def test_the_count_starts_again_on_the_next_bucharest_day() -> None:
    late = datetime(2025, 3, 10, 23, 59, tzinfo=ZoneInfo("Europe/Bucharest")).timestamp()
    ledger = used_up(late)
    assert checks_today(ledger, late) == 100 and not decide(ledger, late, forced=True).allowed
    after_midnight = late + 120  # 22:01 UTC: still March 10 in UTC, already March 11 in Bucharest
    assert bucharest_day(after_midnight) == "2025-03-11"
    assert checks_today(ledger, after_midnight) == 0 and decide(ledger, after_midnight).allowed
    assert after_check(ledger, after_midnight) == CheckLedger("2025-03-11", 1, after_midnight)
