"""State in a data dir: `sbs.db` survives a restart, and `/__admin/reset` returns to the snapshot after one."""
from __future__ import annotations

from pathlib import Path

from mock_sbs import create_app
from mock_sbs.config import Config
from tests.support.fake_anaf import FakeAnaf
from foundation.clock import FixedClock

KEY = "sbs_acc_persistence"


def start(data_dir: Path):
    config = Config(data_dir=str(data_dir), bootstrap_account_key=KEY, refresh_sweep_interval=0,
                    implicit_client_id="imp", implicit_client_secret="imp-secret")
    return create_app(config, anaf_client=FakeAnaf(FixedClock()))


def names(app) -> list[str]:
    body = app.test_client().post("/account-api/graphql", json={"query": "{ apps { name } }"},
                                  headers={"x-api-key": KEY}).get_json()
    return [a["name"] for a in body["data"]["apps"]]


def create(app, name: str) -> None:
    body = app.test_client().post("/account-api/graphql", headers={"x-api-key": KEY}, json={
        "query": "mutation($n: String!) { createApp(input: {name: $n}) { id } }", "variables": {"n": name}}).get_json()
    assert not body.get("errors"), body


def test_state_and_baseline_survive_a_restart(tmp_path: Path) -> None:
    first = start(tmp_path)
    try:
        create(first, "seeded")
        assert first.test_client().post("/__admin/snapshot").status_code == 200
        create(first, "later")
    finally:
        first.extensions["sandbox.shutdown"]()
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".db") == ["sbs.baseline.db", "sbs.db"]

    second = start(tmp_path)
    try:
        assert names(second) == ["seeded", "later"]
        assert second.test_client().post("/__admin/reset").status_code == 200
        assert names(second) == ["seeded"]
    finally:
        second.extensions["sandbox.shutdown"]()
