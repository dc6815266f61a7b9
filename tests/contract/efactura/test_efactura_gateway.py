"""§6.1: the gateway answers before any parameter is read: 401, 403, 429, and paths that are no operation."""
from __future__ import annotations

import pytest

from tests.contract.efactura.conftest import BASE, GOLDENS, NOBODY, Api

OPS = [("get", "stareMesaj?id_incarcare=1"), ("get", "listaMesajeFactura?zile=1&cif=12345674"),
       ("get", "listaMesajePaginatieFactura?startTime=1&endTime=2&cif=1&pagina=1"), ("get", "descarcare?id=1"),
       ("post", "upload?standard=UBL&cif=12345674"), ("post", "uploadb2c?standard=UBL&cif=12345674")]
UNAUTHORIZED = (GOLDENS / "api_401_body.json").read_text().strip()


def call(api: Api, method: str, op: str, headers: dict[str, str], env: str = "test"):
    return getattr(api.client, method)(f"/{env}/FCTEL/rest/{op}", headers=headers, data=b"<x/>")


@pytest.mark.parametrize(("method", "op"), OPS)
@pytest.mark.parametrize("env", ["test", "prod"])
def test_no_authorization_header(api: Api, method: str, op: str, env: str) -> None:
    answer = call(api, method, op, {}, env)
    assert answer.status_code == 401
    assert answer.get_data(as_text=True) == UNAUTHORIZED
    assert answer.headers["WWW-Authenticate"] == 'Bearer realm="api.anaf.ro"'
    assert answer.headers["X-Sandbox-Reason"] == "send Authorization: Bearer <access token>"


def _revoked(api: Api) -> str:
    token = api.login()["access_token"]
    api.client.post("/anaf-oauth2/v1/revoke", data={"token": token}, auth=(api.client_id, api.client_secret))
    return token


@pytest.mark.parametrize(("make", "reason"), [
    pytest.param(lambda api: ("Basic abc", None), "the Authorization header is not 'Bearer <access token>'",
                 id="not-bearer"),
    pytest.param(lambda api: ("Bearer", None), "the Authorization header is not 'Bearer <access token>'",
                 id="bearer-without-token"),
    pytest.param(lambda api: (None, "unknown-token"), "unknown token", id="unknown"),
    pytest.param(lambda api: (None, api.login()["refresh_token"]), "a refresh token is not an access token",
                 id="refresh-token"),
    pytest.param(lambda api: (None, _revoked(api)), "the token was revoked", id="revoked"),
    pytest.param(lambda api: (None, api.login(jwt=False)["access_token"]),
                 "an opaque access token: the API accepts JWT access tokens only (ask for token_content_type=jwt)",
                 id="opaque"),
])
def test_bad_tokens_get_anafs_401(api: Api, make, reason: str) -> None:
    header, token = make(api)
    answer = call(api, "get", "stareMesaj?id_incarcare=1", {"Authorization": header or f"Bearer {token}"})
    assert answer.status_code == 401 and answer.get_data(as_text=True) == UNAUTHORIZED
    assert answer.headers["WWW-Authenticate"] == 'Bearer realm="api.anaf.ro", error="invalid_token"'
    assert answer.headers["X-Sandbox-Reason"] == reason


def test_expired_token(api: Api) -> None:
    headers = api.bearer()
    api.advance(90 * 86400)
    answer = call(api, "get", "stareMesaj?id_incarcare=1", headers)
    assert answer.status_code == 401 and answer.headers["X-Sandbox-Reason"] == "the token has expired"


def test_opaque_tokens_work_when_jwt_is_not_required(api: Api) -> None:
    api.settings(require_jwt=False)
    token = api.login(jwt=False)["access_token"]
    answer = call(api, "get", "stareMesaj?id_incarcare=1", {"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200 and "Nu exista factura" in answer.get_data(as_text=True)


def test_app_not_enrolled_for_efactura_gets_403(api: Api) -> None:
    only_transport = api.register(["ETRANSPORT"])
    token = api.login(app=only_transport)["access_token"]
    answer = call(api, "get", "stareMesaj?id_incarcare=1", {"Authorization": f"Bearer {token}"})
    assert answer.status_code == 403 and answer.get_json() == {"message": "Forbidden", "status": "403"}
    assert "not enrolled for EFACTURA" in answer.headers["X-Sandbox-Reason"]


def test_roles_are_those_of_issue_time(api: Api) -> None:
    headers = api.bearer()
    api.client.patch(f"/portal/api/apps/{api.client_id}", json={"services": ["ETRANSPORT"]})
    assert call(api, "get", "stareMesaj?id_incarcare=1", headers).status_code == 200
    fresh = api.login()["access_token"]
    assert call(api, "get", "stareMesaj?id_incarcare=1", {"Authorization": f"Bearer {fresh}"}).status_code == 403


def test_one_token_works_on_both_environments(api: Api) -> None:
    for env in ("test", "prod"):
        assert call(api, "get", "stareMesaj?id_incarcare=1", api.bearer(), env).status_code == 200


def test_per_minute_limit_is_per_token_and_sliding(api: Api) -> None:
    api.settings(per_minute=3)
    headers = api.bearer()
    for _ in range(3):
        assert call(api, "get", "stareMesaj?id_incarcare=1", headers).status_code == 200
    refused = call(api, "get", "stareMesaj?id_incarcare=1", headers)
    assert refused.status_code == 429
    assert refused.get_json() == {"message": "Too Many Requests", "status": "429"}
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert "more than 3 calls" in refused.headers["X-Sandbox-Reason"]
    other = api.login()["access_token"]
    assert call(api, "get", "stareMesaj?id_incarcare=1", {"Authorization": f"Bearer {other}"}).status_code == 200
    api.advance(61)
    assert call(api, "get", "stareMesaj?id_incarcare=1", headers).status_code == 200


def test_gateway_comes_before_parameters(api: Api) -> None:
    answer = api.client.get(f"{BASE}/stareMesaj")
    assert answer.status_code == 401


@pytest.mark.parametrize("path", ["/upload", "/stareMesaj", "/listaMesajeFactura", "/listaMesajePaginatieFactura",
                                  "/descarcare", "/FCTEL/rest/descarcare"])
def test_prefixless_paths_get_403(api: Api, path: str) -> None:
    answer = api.client.get(f"{path}?id=1", headers=api.bearer())
    assert answer.status_code == 403 and answer.get_json() == {"message": "Forbidden", "status": "403"}
    assert answer.headers["X-Sandbox-Reason"] == "missing /{test|prod}/FCTEL/rest prefix"


@pytest.mark.parametrize("path", ["/test/FCTEL/rest/nope", "/prod/FCTEL/rest/upload/", "/test/FCTEL/rest/",
                                  "/prod/FCTEL/rest/validare/"])
def test_unknown_operation_under_the_prefix_is_springs_404(api: Api, path: str) -> None:
    answer = api.client.post(path, headers=api.bearer())
    body = answer.get_json()
    assert answer.status_code == 404
    assert list(body) == ["timestamp", "status", "error", "path"]
    assert body["status"] == 404 and body["error"] == "Not Found" and body["path"] == path
    assert body["timestamp"].endswith("+00:00") and body["timestamp"][10] == "T"


@pytest.mark.parametrize(("method", "op"), [("post", "stareMesaj"), ("get", "upload"), ("delete", "descarcare")])
def test_wrong_method_is_springs_405(api: Api, method: str, op: str) -> None:
    answer = getattr(api.client, method)(f"{BASE}/{op}", headers=api.bearer())
    assert answer.status_code == 405
    assert answer.get_json()["error"] == "Method Not Allowed" and answer.get_json()["path"] == f"{BASE}/{op}"


def test_refusals_are_journaled_with_the_reason_never_the_token(api: Api) -> None:
    token = api.login(jwt=False)["access_token"]
    call(api, "get", "stareMesaj?id_incarcare=1", {"Authorization": f"Bearer {token}"})
    entry = [e for e in api.journal() if e["path"] == f"{BASE}/stareMesaj"][-1]
    assert entry["status"] == 401 and entry["client_id"] == api.client_id
    assert entry["reason"].startswith("an opaque access token")
    assert token not in str(api.journal())


def test_identity_without_cifs_passes_the_gateway(api: Api) -> None:
    answer = api.get("stareMesaj", "id_incarcare=5000000001", serial=NOBODY)
    assert answer.status_code == 200 and "Nu exista niciun CIF petru care sa aveti drept" in answer.get_data(as_text=True)
