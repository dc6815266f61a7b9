"""What e-Factura and e-Transport share: settings, reveal-on-read states, sequences, daily quotas, the per-token window."""
from __future__ import annotations

import pytest

from foundation.clock import FixedClock
from foundation.sqlite import Database
from mock_anaf import processing
from mock_anaf.gateway import SlidingWindow, bearer_value

# 2025-03-10 23:59:30 in Bucharest (EET, UTC+2).
BEFORE_MIDNIGHT = 1741643970.0


@pytest.mark.parametrize(("header", "expected"), [
    pytest.param("Bearer abc", "abc", id="bearer"), pytest.param("bearer abc", "abc", id="lower-case"),
    pytest.param("  Bearer   abc  ", "abc", id="spaces"), pytest.param("Basic abc", None, id="basic"),
    pytest.param("Bearer", None, id="no-token"), pytest.param("Bearer a b", None, id="two-words"),
    pytest.param(None, None, id="none"),
])
def test_bearer_value(header: str | None, expected: str | None) -> None:
    assert bearer_value(header) == expected


@pytest.mark.parametrize(("ready_at", "now", "shown"), [
    (100.0, 99.9, "in prelucrare"), (100.0, 100.0, "nok"), (100.0, 500.0, "nok"),
])
def test_state_is_revealed_at_ready_at(ready_at: float, now: float, shown: str) -> None:
    assert processing.revealed_state("nok", ready_at, now) == shown
    assert processing.is_terminal(ready_at, now) is (shown != "in prelucrare")


@pytest.mark.parametrize(("change", "problem"), [
    pytest.param({"per_minute": -1}, "per_minute must be a whole number", id="negative"),
    pytest.param({"per_minute": True}, "per_minute must be a whole number", id="bool-is-not-a-number"),
    pytest.param({"processing_seconds": float("nan")}, "processing_seconds must be a number", id="nan"),
    pytest.param({"require_jwt": 1}, "require_jwt must be true or false", id="jwt-not-bool"),
    pytest.param({"quotas": {"stare": "5"}}, "quotas.stare must be a whole number", id="quota-text"),
    pytest.param({"quotas": {"unknown": 5}}, "unknown quota 'unknown'", id="unknown-quota"),
    pytest.param({"quotas": []}, "quotas must be an object", id="quotas-list"),
    pytest.param({"speed": 1}, "unknown setting 'speed'", id="unknown-setting"),
])
def test_settings_refuse_bad_values(change: dict, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        processing.ApiSettings().changed(change)


def test_settings_change_only_what_is_given_and_reset() -> None:
    runtime = processing.RuntimeSettings(processing.ApiSettings(processing_seconds=0))
    runtime.update({"quotas": {"stare": 3}, "list_lag_seconds": 900})
    current = runtime.current()
    assert (current.processing_seconds, current.list_lag_seconds, current.quotas["stare"],
            current.quotas["descarcare"]) == (0, 900, 3, 10)
    with pytest.raises(ValueError):
        runtime.update({"per_minute": 5, "quotas": {"x": 1}})  # all or nothing
    assert runtime.current().per_minute == 1000
    runtime.reset()
    assert runtime.current() == processing.ApiSettings(processing_seconds=0)


def test_sequences_start_apart_and_count_up() -> None:
    db = Database(None, processing.SCHEMA)
    sequences = processing.Sequences(db)
    assert [sequences.next("efactura_upload") for _ in range(2)] == ["5000000001", "5000000002"]
    assert sequences.next("efactura_download") == "3000000001"
    assert sequences.next("etransport_upload") == "4000000001"


def test_quota_counts_by_bucharest_day() -> None:
    quotas = processing.Quotas(Database(None, processing.SCHEMA))
    now = BEFORE_MIDNIGHT
    assert [quotas.take("test", "stare", "5000000001", now, 2) for _ in range(3)] == [True, True, False]
    assert quotas.used("test", "stare", "5000000001", now) == 2
    assert quotas.take("prod", "stare", "5000000001", now, 2)  # per environment
    assert quotas.take("test", "stare", "5000000002", now, 2)  # per key
    assert quotas.take("test", "stare", "5000000001", now + 31, 2)  # 00:00:01 in Bucharest: a new day
    quotas.forget()
    assert quotas.used("test", "stare", "5000000001", now) == 0


def test_a_zero_quota_refuses_everything() -> None:
    quotas = processing.Quotas(Database(None, processing.SCHEMA))
    assert not quotas.take("test", "descarcare", "1", BEFORE_MIDNIGHT, 0)


def test_sliding_window_per_token() -> None:
    clock = FixedClock(1000.0)
    window = SlidingWindow(clock)
    assert [window.admit("a", 2) for _ in range(2)] == [None, None]
    assert window.admit("a", 2) == 60  # the oldest call leaves the window in 60 s
    assert window.admit("b", 2) is None
    clock.advance(30)
    assert window.admit("a", 2) == 30
    clock.advance(30)
    assert window.admit("a", 2) is None
