"""Nothing secret in logs or the journal: client secret, codes, access and refresh tokens never appear."""
from __future__ import annotations

import json
import logging

import requests


def test_full_flow_leaves_no_secret_in_logs_or_journal(anaf, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    secrets = [anaf.client_secret, anaf.basic["Authorization"].split()[1]]
    code = anaf.code()
    tokens = anaf.exchange(code).json()
    refreshed = anaf.token({"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}).json()
    anaf.hello(refreshed["access_token"])
    requests.post(f"{anaf.url}/anaf-oauth2/v1/revoke", data={"token": refreshed["refresh_token"]},
                  headers=anaf.basic, timeout=10)
    anaf.token({"grant_type": "refresh_token", "refresh_token": refreshed["refresh_token"]})
    anaf.exchange(code)  # a replay, logged as a warning
    secrets += [code, tokens["access_token"], tokens["refresh_token"], refreshed["access_token"],
                refreshed["refresh_token"]]

    journal = json.dumps(requests.get(f"{anaf.url}/__admin/requests", timeout=10).json())
    assert "/anaf-oauth2/v1/token" in journal and anaf.client_id in journal
    assert "authorization code reused" in caplog.text  # the logs did capture the server's records
    for secret in secrets:
        assert secret not in caplog.text
        assert secret not in journal
