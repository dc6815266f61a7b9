"""The portal's JSON API: apps (create, read, change, delete) and identities, with every error path."""
from __future__ import annotations

from typing import Any

import pytest


GOOD = {"name": "erp-ro", "callbacks": ["https://erp.example.ro/cb"], "services": ["EFACTURA"],
        "developer": "New.Dev@Example.ro"}


def test_create_returns_secret_once_and_creates_the_developer(anaf) -> None:
    before = anaf.counts()
    answer = anaf.client.post("/portal/api/apps", json=GOOD)
    assert answer.status_code == 201
    body = answer.get_json()
    assert set(body) == {"clientId", "clientSecret", "name", "callbacks", "services", "developer"}
    assert (body["name"], body["callbacks"], body["services"], body["developer"]) == (
        "erp-ro", ["https://erp.example.ro/cb"], ["EFACTURA"], "new.dev@example.ro")
    assert len(body["clientId"]) == 32 and len(body["clientSecret"]) == 48
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.headers["Location"] == f"/portal/api/apps/{body['clientId']}"
    assert anaf.counts() == {**before, "apps": before["apps"] + 1, "developers": before["developers"] + 1}

    shown = anaf.client.get(f"/portal/api/apps/{body['clientId']}")
    assert shown.status_code == 200
    assert shown.get_json() == {k: v for k, v in body.items() if k != "clientSecret"}
    assert body["clientSecret"] not in shown.get_data(as_text=True)
    listed = anaf.client.get("/portal/api/apps?developer=new.dev@example.ro").get_json()
    assert [a["clientId"] for a in listed] == [body["clientId"]]
    assert body["clientSecret"] not in anaf.client.get("/portal/api/apps").get_data(as_text=True)


def test_secret_is_stored_hashed(anaf) -> None:
    row = anaf.services.store.db.query_one("SELECT * FROM apps WHERE client_id = ?", (anaf.client_id,))
    assert anaf.client_secret not in [str(v) for v in tuple(row)]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        pytest.param({"name": "erp ro"}, "name", "must not contain spaces", id="name-with-space"),
        pytest.param({"name": "erp-ro\n"}, "name", "must not contain spaces", id="name-with-trailing-newline"),
        pytest.param({"callbacks": "https://a.ro/1"}, "callbacks", "as a JSON list", id="callbacks-not-a-list"),
        pytest.param({"name": None}, "name", "is required", id="name-missing"),
        pytest.param({"callbacks": []}, "callbacks", "at least one", id="no-callbacks"),
        pytest.param({"callbacks": ["https://a.ro/1", "http://a.ro/2"]}, "callbacks[1]", "https://", id="http-public"),
        pytest.param({"callbacks": ["https://a.ro/#x"]}, "callbacks[0]", "fragment", id="fragment"),
        pytest.param({"services": ["SPV"]}, "services[0]", "EFACTURA or ETRANSPORT", id="bad-service"),
        pytest.param({"services": []}, "services", "at least one", id="no-service"),
        pytest.param({"developer": "not-an-email"}, "developer", "e-mail", id="bad-developer"),
        pytest.param({"clientSecret": "mine"}, "clientSecret", "unknown field", id="unknown-field"),
    ],
)
def test_create_refused_naming_the_field(anaf, change: dict[str, Any], field: str, message: str) -> None:
    before = anaf.counts()
    answer = anaf.client.post("/portal/api/apps", json={**GOOD, **change})
    assert answer.status_code == 400
    body = answer.get_json()
    assert body["error"] == "invalid_request" and body["field"] == field and message in body["error_description"]
    assert anaf.counts() == before


def test_strict_https_refuses_localhost(anaf_with) -> None:
    client = anaf_with(callbacks=["https://erp.example.ro/cb"], strict_https=True).client
    answer = client.post("/portal/api/apps", json={**GOOD, "callbacks": ["http://localhost:8000/cb"]})
    assert answer.status_code == 400 and answer.get_json()["field"] == "callbacks[0]"
    assert "strict https" in answer.get_json()["error_description"]


@pytest.mark.parametrize(
    ("kwargs", "status", "message"),
    [
        pytest.param({"data": "name=x", "content_type": "application/x-www-form-urlencoded"}, 415,
                     "application/json", id="form"),
        pytest.param({"data": "{not json", "content_type": "application/json"}, 400, "not valid JSON", id="broken-json"),
        pytest.param({"json": ["a list"]}, 400, "JSON object", id="not-an-object"),
        pytest.param({"data": b'{"name": "\xff"}', "content_type": "application/json"}, 400, "not UTF-8",
                     id="not-utf8"),
        pytest.param({"data": "[" * 1000 + "]" * 1000, "content_type": "application/json"}, 400,
                     "more than 64 levels deep", id="nested-1000-deep"),
        pytest.param({"data": '{"name": "x\\ud800"}', "content_type": "application/json"}, 400, "not valid Unicode",
                     id="lone-surrogate"),
    ],
)
def test_create_needs_a_json_object(anaf, kwargs: dict[str, Any], status: int, message: str) -> None:
    before = anaf.counts()
    answer = anaf.client.post("/portal/api/apps", **kwargs)
    assert answer.status_code == status and message in answer.get_json()["error_description"]
    assert anaf.counts() == before


def test_patch_changes_only_given_fields(anaf) -> None:
    url = f"/portal/api/apps/{anaf.client_id}"
    original = anaf.client.get(url).get_json()
    answer = anaf.client.patch(url, json={"callbacks": ["https://new.example.ro/cb"]})
    assert answer.status_code == 200
    assert answer.get_json() == {**original, "callbacks": ["https://new.example.ro/cb"]}
    answer = anaf.client.patch(url, json={"name": "renamed", "services": ["ETRANSPORT"]})
    assert answer.get_json() == {**original, "name": "renamed", "callbacks": ["https://new.example.ro/cb"],
                                 "services": ["ETRANSPORT"]}
    assert anaf.client.get(url).get_json() == answer.get_json()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        pytest.param({"name": "a b", "callbacks": ["https://ok.ro/cb"]}, "name", id="bad-name-nothing-applied"),
        pytest.param({"callbacks": ["https://ok.ro/cb", "ftp://x"]}, "callbacks[1]", id="bad-callback"),
        pytest.param({"services": "EFACTURA"}, "services", id="services-not-a-list"),
        pytest.param({"clientId": "x"}, "clientId", id="read-only-field"),
    ],
)
def test_patch_refused_changes_nothing(anaf, change: dict[str, Any], field: str) -> None:
    url = f"/portal/api/apps/{anaf.client_id}"
    original = anaf.client.get(url).get_json()
    answer = anaf.client.patch(url, json=change)
    assert answer.status_code == 400 and answer.get_json()["field"] == field
    assert anaf.client.get(url).get_json() == original


def test_delete_removes_app_codes_and_tokens(anaf) -> None:
    tokens = anaf.tokens()
    code = anaf.code()
    answer = anaf.client.delete(f"/portal/api/apps/{anaf.client_id}")
    assert answer.status_code == 204
    assert anaf.client.get(f"/portal/api/apps/{anaf.client_id}").status_code == 404
    assert anaf.hello(tokens["access_token"]).status_code == 403
    assert anaf.counts()["tokens"] == 0 and anaf.counts()["codes"] == 0
    exchange = anaf.token({"grant_type": "authorization_code", "code": code, "redirect_uri": "x"})
    assert exchange.status_code == 401 and exchange.get_json()["error"] == "invalid_client"


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_unknown_app_is_404(anaf, method: str) -> None:
    kwargs = {"json": {"name": "x"}} if method == "patch" else {}
    answer = getattr(anaf.client, method)("/portal/api/apps/nope", **kwargs)
    assert answer.status_code == 404
    assert answer.get_json() == {"error": "not_found", "error_description": "no OAuth app with client id nope"}


def test_seeded_identities(anaf) -> None:
    identities = anaf.client.get("/portal/api/identities").get_json()
    assert len(identities) >= 3
    assert all(set(i) == {"serial", "name", "cifs"} for i in identities)
    # One certificate per situation: two companies, one company, and no SPV rights at all.
    assert sorted(len(i["cifs"]) for i in identities)[:3] == [0, 1, 2]


def test_add_identity(anaf) -> None:
    answer = anaf.client.post("/portal/api/identities", json={"name": "Test SRL", "cifs": ["ro12345674"]})
    assert answer.status_code == 201
    added = answer.get_json()
    assert added["name"] == "Test SRL" and added["cifs"] == ["RO12345674"] and len(added["serial"]) == 16
    assert added in anaf.client.get("/portal/api/identities").get_json()
    again = anaf.client.post("/portal/api/identities", json={"serial": added["serial"], "name": "X", "cifs": ["1234"]})
    assert again.status_code == 409 and again.get_json()["field"] == "serial"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        pytest.param({"name": "X", "cifs": "12345674"}, "cifs", id="cifs-not-a-list"),
        pytest.param({"name": "X", "cifs": ["abc"]}, "cifs[0]", id="bad-cif"),
        pytest.param({"cifs": ["1234"]}, "name", id="no-name"),
        pytest.param({"name": "X", "cifs": ["1234"], "role": "admin"}, "role", id="unknown-field"),
        pytest.param({"name": "X", "cifs": ["1234"], "serial": "ABCDEF01\n"}, "serial", id="serial-trailing-newline"),
    ],
)
def test_add_identity_refused(anaf, body: dict[str, Any], field: str) -> None:
    before = anaf.counts()
    answer = anaf.client.post("/portal/api/identities", json=body)
    assert answer.status_code == 400 and answer.get_json()["field"] == field
    assert anaf.counts() == before
