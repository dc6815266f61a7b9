"""Expiry driven by `/__admin/clock`, and faults armed through `/__admin/faults`, over HTTP."""
from __future__ import annotations

import requests


def test_access_token_expires_when_the_clock_moves(anaf) -> None:
    tokens = anaf.exchange(anaf.code()).json()
    assert anaf.hello(tokens["access_token"]).status_code == 200
    anaf.admin("clock", {"advance": 7_776_000})
    expired = anaf.hello(tokens["access_token"])
    assert expired.status_code == 403 and expired.json()["message"] == "Access denied: the token has expired"
    refreshed = anaf.token({"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 200
    assert anaf.hello(refreshed.json()["access_token"]).status_code == 200


def test_code_expires_after_a_minute(anaf) -> None:
    code = anaf.code()
    anaf.admin("clock", {"advance": 61})
    answer = anaf.exchange(code)
    assert answer.status_code == 400 and answer.json() == {
        "error": "invalid_grant", "error_description": "The authorization code has expired"}


def test_faults_then_recovery(anaf) -> None:
    code = anaf.code()
    anaf.admin("faults", {"endpoint": "token", "error": "server_error", "times": 2})
    for _ in range(2):
        failed = anaf.exchange(code)
        assert failed.status_code == 500 and failed.json()["error"] == "server_error"
    anaf.admin("faults", {"endpoint": "token", "error": "delay", "seconds": 0.05})
    assert anaf.exchange(code).status_code == 200


def test_journal_over_http(anaf) -> None:
    anaf.exchange(anaf.code())
    entries = requests.get(f"{anaf.url}/__admin/requests", params={"path": "/anaf-oauth2/v1/token"}, timeout=10).json()
    assert [(e["method"], e["status"], e["client_id"], e["grant_type"]) for e in entries] == [
        ("POST", 200, anaf.client_id, "authorization_code")]
