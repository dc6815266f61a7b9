"""§6.1 for e-Transport (role ETRANSPORT) and §7.0's paths: 401/403/429 before any parameter, Spring 404/405."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.contract.etransport.conftest import EtApi, fixture

OPS = [("get", "stareMesaj/1"), ("get", "lista/1/12345674"), ("get", "info?cui_op=12345674"),
       ("post", "upload/ETRANSP/12345674/2"), ("post", "upload/ETRANSP/12345674")]
UNAUTHORIZED = (Path(__file__).resolve().parents[2] / "fixtures" / "anaf_api" / "responses" / "efactura" /
                "api_401_body.json").read_text().strip()


def call(et: EtApi, method: str, op: str, headers: dict[str, str], env: str = "test"):
    return getattr(et.client, method)(f"/{env}/ETRANSPORT/ws/v1/{op}", headers=headers,
                                      data=fixture("etransport_notificare_v2.xml"))


@pytest.mark.parametrize(("method", "op"), OPS)
@pytest.mark.parametrize("env", ["test", "prod"])
def test_no_authorization_header(et: EtApi, method: str, op: str, env: str) -> None:
    answer = call(et, method, op, {}, env)
    assert answer.status_code == 401 and answer.get_data(as_text=True) == UNAUTHORIZED
    assert answer.headers["WWW-Authenticate"] == 'Bearer realm="api.anaf.ro"'
    assert answer.headers["X-Sandbox-Reason"] == "send Authorization: Bearer <access token>"
    assert et.admin("get", "etransport/uploads").get_json() == []


@pytest.mark.parametrize(("method", "op"), OPS)
def test_a_bad_token_is_anafs_401(et: EtApi, method: str, op: str) -> None:
    answer = call(et, method, op, {"Authorization": "Bearer not-a-token"})
    assert answer.status_code == 401 and answer.get_data(as_text=True) == UNAUTHORIZED
    assert answer.headers["WWW-Authenticate"] == 'Bearer realm="api.anaf.ro", error="invalid_token"'


def test_an_opaque_token_is_refused(et: EtApi) -> None:
    token = et.login(jwt=False)["access_token"]
    answer = call(et, "get", "stareMesaj/1", {"Authorization": f"Bearer {token}"})
    assert answer.status_code == 401 and "opaque" in answer.headers["X-Sandbox-Reason"]


@pytest.mark.parametrize(("method", "op"), OPS)
def test_an_app_not_enrolled_for_etransport_gets_403(et: EtApi, method: str, op: str) -> None:
    only_invoices = et.register(["EFACTURA"])
    token = et.login(app=only_invoices)["access_token"]
    answer = call(et, method, op, {"Authorization": f"Bearer {token}"})
    assert answer.status_code == 403 and answer.get_json() == {"message": "Forbidden", "status": "403"}
    assert "not enrolled for ETRANSPORT" in answer.headers["X-Sandbox-Reason"]


def test_an_etransport_only_app_may_not_call_efactura(et: EtApi) -> None:
    token = et.login(app=et.register(["ETRANSPORT"]))["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert call(et, "get", "stareMesaj/1", headers).status_code == 200
    assert et.client.get("/test/FCTEL/rest/stareMesaj?id_incarcare=1", headers=headers).status_code == 403


def test_one_token_works_on_both_environments(et: EtApi) -> None:
    for env in ("test", "prod"):
        assert call(et, "get", "stareMesaj/1", et.bearer(), env).get_json()["ExecutionStatus"] == 1


def test_per_minute_limit_counts_both_apis_on_one_token(et: EtApi) -> None:
    et.settings(per_minute=3)
    headers = et.bearer()
    assert call(et, "get", "stareMesaj/1", headers).status_code == 200
    assert et.client.get("/test/FCTEL/rest/stareMesaj?id_incarcare=1", headers=headers).status_code == 200
    assert call(et, "get", "lista/1/12345674", headers).status_code == 200
    refused = call(et, "get", "stareMesaj/1", headers)
    assert refused.status_code == 429 and refused.get_json() == {"message": "Too Many Requests", "status": "429"}
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    et.advance(61)
    assert call(et, "get", "stareMesaj/1", headers).status_code == 200


@pytest.mark.parametrize("path", [
    "/test/ETRANSPORT/ws/v1/descarcare?id=1", "/prod/ETRANSPORT/ws/v1/descarcare/1", "/test/ETRANSPORT/ws/v1/upload/",
    "/test/ETRANSPORT/ws/v1/upload/ETRANSP", "/test/ETRANSPORT/ws/v1/upload/ETRANSP/12345674/2/x",
    "/test/ETRANSPORT/ws/v1/lista/", "/test/ETRANSPORT/ws/v1/lista/1", "/test/ETRANSPORT/ws/v1/stareMesaj",
    "/test/ETRANSPORT/ws/v1/stareMesaj/", "/test/ETRANSPORT/ws/v1/", "/prod/ETRANSPORT/ws/v1/nope",
])
def test_unknown_or_incomplete_paths_are_springs_404(et: EtApi, path: str) -> None:
    answer = et.client.get(path, headers=et.bearer())
    body = answer.get_json()
    assert answer.status_code == 404 and list(body) == ["timestamp", "status", "error", "path"]
    assert (body["status"], body["error"], body["path"]) == (404, "Not Found", path.split("?")[0])
    assert body["timestamp"][10] == "T" and body["timestamp"].endswith("+00:00")


@pytest.mark.parametrize(("method", "op"), [("get", "upload/ETRANSP/12345674/2"), ("post", "stareMesaj/1"),
                                            ("post", "lista/1/12345674"), ("delete", "info")])
def test_a_wrong_method_is_springs_405(et: EtApi, method: str, op: str) -> None:
    answer = getattr(et.client, method)(f"/test/ETRANSPORT/ws/v1/{op}", headers=et.bearer())
    assert answer.status_code == 405 and answer.get_json()["error"] == "Method Not Allowed"
    assert answer.get_json()["path"] == f"/test/ETRANSPORT/ws/v1/{op}"


def test_the_gateway_comes_before_the_parameters(et: EtApi) -> None:
    assert et.client.get("/test/ETRANSPORT/ws/v1/info").status_code == 401
    assert et.client.post("/test/ETRANSPORT/ws/v1/upload/X/abc/9").status_code == 401
