"""A restart on the same data dir keeps apps, identities, tokens and the signing key; reset keeps its baseline."""
from __future__ import annotations

import requests
from joserfc import jwt
from joserfc.jwk import KeySet


def test_restart_keeps_apps_tokens_and_key(start_anaf, tmp_path) -> None:
    data_dir = str(tmp_path / "state")
    first = start_anaf(data_dir=data_dir, signing_key_file=None)
    first.register()
    first.admin("snapshot")
    tokens = first.exchange(first.code()).json()
    kid = requests.get(f"{first.url}/anaf-oauth2/v1/jwks", timeout=10).json()["keys"][0]["kid"]
    assert (tmp_path / "state" / "anaf-signing-key.pem").exists() and (tmp_path / "state" / "anaf.db").exists()

    second = start_anaf(data_dir=data_dir, signing_key_file=None)
    second.client_id, second.client_secret = first.client_id, first.client_secret
    assert requests.get(f"{second.url}/portal/api/apps/{first.client_id}", timeout=10).status_code == 200
    keys = KeySet.import_key_set(requests.get(f"{second.url}/anaf-oauth2/v1/jwks", timeout=10).json())
    assert keys.keys[0].kid == kid
    assert jwt.decode(tokens["access_token"], keys, algorithms=["RS512"]).claims["clientappid"] == first.client_id
    assert second.hello(tokens["access_token"]).status_code == 200
    assert second.token({"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}).status_code == 200

    # The snapshot taken before the restart is still the state reset returns to.
    second.register(name="after-restart")
    second.admin("reset")
    apps = requests.get(f"{second.url}/portal/api/apps", timeout=10).json()
    assert [a["clientId"] for a in apps] == [first.client_id]
    assert second.hello(tokens["access_token"]).status_code == 403  # tokens came after the snapshot
