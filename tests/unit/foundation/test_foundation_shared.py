"""Rules of the shared control plane: clock, faults, journal redaction, atomic SQLite steps."""
from __future__ import annotations

import threading

import pytest

from foundation.clock import FixedClock, OffsetClock
from foundation.faults import FaultInjector
from foundation.journal import Journal, strip_query
from foundation.sqlite import Database


def test_offset_clock_moves_forward_only() -> None:
    clock = OffsetClock(FixedClock(1000.0))
    clock.advance(60)
    assert clock.now() == 1060.0
    with pytest.raises(ValueError, match="forward"):
        clock.advance(-1)
    assert clock.now() == 1060.0
    clock.reset()
    assert clock.now() == 1000.0


@pytest.mark.parametrize(
    "url, shown",
    [
        pytest.param("https://app.example/cb?code=abc&state=x", "https://app.example/cb", id="code-in-query"),
        pytest.param("/anaf-oauth2/v1/token?client_secret=s", "/anaf-oauth2/v1/token", id="path-only"),
        pytest.param("http://h/p#access_token=t", "http://h/p", id="fragment"),
    ],
)
def test_strip_query_drops_what_may_carry_secrets(url: str, shown: str) -> None:
    assert strip_query(url) == shown


def test_journal_keeps_only_whitelisted_notes_and_filters() -> None:
    journal = Journal("anaf", FixedClock(0.0))
    journal.record(method="post", path="/anaf-oauth2/v1/token?code=SECRETCODE", status=200,
                   client_id="cid", grant_type="authorization_code", client_secret="s3cret", token="TOKVALUE")
    journal.record(method="GET", path="/portal/", status=200)
    entries = journal.entries(path="/anaf-oauth2")
    assert len(entries) == 1
    entry = entries[0]
    assert entry["method"] == "POST" and entry["path"] == "/anaf-oauth2/v1/token"
    assert entry["client_id"] == "cid" and entry["grant_type"] == "authorization_code"
    assert "SECRETCODE" not in str(entry) and "s3cret" not in str(entry) and "TOKVALUE" not in str(entry)
    assert [e["path"] for e in journal.entries(since=entry["id"])] == ["/portal/"]
    journal.clear()
    assert journal.entries() == [] and journal.last_id() == 0


@pytest.mark.parametrize(
    "kwargs, message",
    [
        pytest.param({"endpoint": "nope", "error": "server_error"}, "endpoint must be", id="unknown-endpoint"),
        pytest.param({"endpoint": "token", "error": "boom"}, "error must be", id="unknown-error"),
        pytest.param({"endpoint": "token", "error": "delay", "times": 0}, "times must be", id="zero-times"),
        pytest.param({"endpoint": "token", "error": "delay", "seconds": 99}, "seconds must be", id="long-delay"),
    ],
)
def test_fault_arming_rejects_bad_input(kwargs: dict, message: str) -> None:
    faults = FaultInjector(("token",))
    with pytest.raises(ValueError, match=message):
        faults.arm(**kwargs)
    assert faults.pending() == []


def test_faults_are_consumed_one_call_each() -> None:
    faults = FaultInjector(("token",))
    faults.arm("token", "server_error", times=2)
    assert faults.take("token").error == "server_error"
    assert faults.take("token") is not None
    assert faults.take("token") is None


def test_compare_and_set_is_atomic_under_threads() -> None:
    db = Database(None, "CREATE TABLE codes (code TEXT PRIMARY KEY, used INTEGER NOT NULL DEFAULT 0);")
    with db.transaction() as conn:
        conn.execute("INSERT INTO codes (code) VALUES ('c')")
    wins: list[int] = []
    barrier = threading.Barrier(20)

    def redeem() -> None:
        barrier.wait()
        with db.transaction() as conn:
            wins.append(conn.execute("UPDATE codes SET used = 1 WHERE code = 'c' AND used = 0").rowcount)

    threads = [threading.Thread(target=redeem) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(wins) == [0] * 19 + [1]


def test_snapshot_and_restore_round_trip(tmp_path) -> None:
    db = Database(tmp_path / "x.db", "CREATE TABLE IF NOT EXISTS t (k TEXT);")
    with db.transaction() as conn:
        conn.execute("INSERT INTO t VALUES ('seeded')")
    db.snapshot(tmp_path / "base.db")
    with db.transaction() as conn:
        conn.execute("INSERT INTO t VALUES ('later')")
    db.restore(tmp_path / "base.db")
    assert [r["k"] for r in db.query("SELECT k FROM t")] == ["seeded"]


LINKED = """CREATE TABLE IF NOT EXISTS parent (id TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS child (id TEXT PRIMARY KEY, parent_id TEXT NOT NULL REFERENCES parent(id));
CREATE TABLE IF NOT EXISTS kept (k TEXT);"""


def fill(db: Database) -> None:
    with db.transaction() as conn:
        conn.execute("INSERT INTO parent VALUES ('p')")
        conn.execute("INSERT INTO child VALUES ('c', 'p')")
        conn.execute("INSERT INTO kept VALUES ('k')")


def counts(db: Database) -> dict[str, int]:
    return {t: db.query_one(f"SELECT COUNT(*) AS n FROM {t}")["n"] for t in db.tables()}


@pytest.mark.parametrize("on_disk", [pytest.param(True, id="file"), pytest.param(False, id="memory")])
def test_a_baseline_covers_every_table_and_restores_it(tmp_path, on_disk: bool) -> None:
    db = Database(tmp_path / "x.db" if on_disk else None, LINKED)
    baseline = tmp_path / "x.baseline.db" if on_disk else None
    assert db.restore_baseline(baseline) is False
    fill(db)
    db.take_baseline(baseline)
    with db.transaction() as conn:
        conn.execute("INSERT INTO kept VALUES ('later')")
        conn.execute("DELETE FROM child")
    assert db.restore_baseline(baseline) is True
    assert counts(db) == {"child": 1, "kept": 1, "parent": 1}
    assert not (tmp_path / "x.baseline.db.tmp").exists()


def test_wipe_empties_every_table_it_finds_whatever_the_foreign_keys() -> None:
    db = Database(None, LINKED)
    fill(db)
    db.wipe(keep=("kept",))
    assert counts(db) == {"child": 0, "kept": 1, "parent": 0}
    db.wipe()
    assert counts(db) == {"child": 0, "kept": 0, "parent": 0}
