"""What all three services share at the HTTP edge, checked on each: the control plane refuses web pages,
foreign Host headers are refused (DNS rebinding), every response carries nosniff and a no-framing policy,
the favicon is answered, and a JSON body nested a thousand deep is a 400 that changes nothing."""
from __future__ import annotations

from typing import Any, Iterator

import pytest

from demo_app import create_app as create_demo
from demo_app.config import Config as DemoConfig
from foundation.clock import FixedClock
from mock_anaf import create_app as create_anaf
from mock_anaf.config import Config as AnafConfig
from mock_sbs import create_app as create_sbs
from mock_sbs.config import Config as SbsConfig
from tests.support.fake_anaf import FakeAnaf

SERVICES = ["anaf", "sbs", "demo"]
PUBLIC = {"anaf": "http://anaf.sandbox.test:8001", "sbs": "http://sbs.sandbox.test:8002",
          "demo": "http://demo.sandbox.test:8000"}
DEEP = "[" * 1000 + "]" * 1000


@pytest.fixture(scope="module")
def apps() -> Iterator[dict[str, Any]]:
    clock = FixedClock(1_750_000_000.0)
    built = {
        "anaf": create_anaf(AnafConfig(public_url=PUBLIC["anaf"])),
        "sbs": create_sbs(SbsConfig(public_url=PUBLIC["sbs"], bootstrap_account_key="sbs_acc_web-guard",
                                    refresh_sweep_interval=0), anaf_client=FakeAnaf(clock), base_clock=clock),
        "demo": create_demo(DemoConfig(public_url=PUBLIC["demo"])),
    }
    try:
        yield built
    finally:
        for app in built.values():
            app.extensions["sandbox.shutdown"]()


def offset(client: Any) -> float:
    return client.get("/__admin/clock").get_json()["offset"]


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("path", ["/__admin/reset", "/__admin/clock", "/__admin/requests"])
def test_a_cross_site_form_post_to_the_control_plane_is_refused(apps, service, path) -> None:
    client = apps[service].test_client()
    client.post("/__admin/reset")
    client.post("/__admin/clock", json={"advance": 60})
    client.get("/nowhere")  # one journal entry
    method = client.delete if path == "/__admin/requests" else client.post
    answer = method(path, data="advance=999", content_type="application/x-www-form-urlencoded",
                    headers={"Origin": "https://evil.example"})
    assert answer.status_code == 403
    assert answer.get_json()["error"] == "forbidden"
    # The same form without an Origin header (an old browser, a privacy extension) fails on its body.
    answer = method(path, data="advance=999", content_type="application/x-www-form-urlencoded")
    assert (answer.status_code, answer.get_json()["error"]) == (415, "unsupported_media_type")
    for content_type in ("text/plain", "multipart/form-data; boundary=x"):
        assert method(path, data="x", content_type=content_type).status_code == 415
    assert offset(client) == 60, "nothing was reset or moved"
    assert len(client.get("/__admin/requests").get_json()) == 1, "the journal was not cleared"


@pytest.mark.parametrize("service", ["anaf", "sbs"])
def test_a_cross_site_snapshot_is_refused(apps, service) -> None:
    client = apps[service].test_client()
    answer = client.post("/__admin/snapshot", data="", content_type="application/x-www-form-urlencoded",
                         headers={"Origin": "null"})
    assert answer.status_code == 403


def test_sbs_own_admin_route_is_guarded_too(apps) -> None:
    client = apps["sbs"].test_client()
    assert client.post("/__admin/refresh-sweep", headers={"Origin": "https://evil.example"}).status_code == 403
    assert client.post("/__admin/refresh-sweep").get_json() == {"refreshed": 0, "failed": 0}


@pytest.mark.parametrize("service", SERVICES)
def test_scripts_and_the_service_own_pages_still_drive_the_control_plane(apps, service) -> None:
    client = apps[service].test_client()
    assert client.post("/__admin/reset").status_code == 200
    assert offset(client) == 0  # no body, no Origin: curl, requests
    assert client.post("/__admin/clock", json={"advance": 5}).status_code == 200
    same_origin = {"Origin": "http://localhost"}  # the test client's own origin
    assert client.post("/__admin/clock", json={"advance": 5}, headers=same_origin).status_code == 200
    foreign_json = client.post("/__admin/clock", json={"advance": 5}, headers={"Origin": "http://localhost:9999"})
    assert foreign_json.status_code == 403
    assert offset(client) == 10
    assert client.get("/__admin/requests", headers={"Origin": "https://evil.example"}).status_code == 200
    client.post("/__admin/reset")


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("host", ["attacker.example", "attacker.example:8001", "127.0.0.1.attacker.example",
                                  "localhost.evil", "[::2]:8000"])
def test_a_foreign_host_header_is_refused_everywhere(apps, service, host) -> None:
    client = apps[service].test_client()
    for path in ("/__admin/requests", "/healthz", "/"):
        answer = client.get(path, headers={"Host": host})
        assert answer.status_code == 421, (path, answer.status_code)
        assert "does not answer to that host name" in answer.get_data(as_text=True)
    assert client.post("/__admin/reset", headers={"Host": host}).status_code == 421


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.1:8001", "localhost:8002", "[::1]:8000", "public"])
def test_own_host_names_are_answered(apps, service, host) -> None:
    host = PUBLIC[service].split("//")[1] if host == "public" else host
    assert apps[service].test_client().get("/healthz", headers={"Host": host}).status_code == 200


def test_mock_anaf_answers_to_anafs_own_host_names(apps) -> None:
    """In-process interception hands it calls for logincert.anaf.ro and api.anaf.ro."""
    client = apps["anaf"].test_client()
    for host in ("logincert.anaf.ro", "api.anaf.ro"):
        assert client.get("/healthz", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("path", ["/", "/healthz", "/__admin/requests", "/nowhere", "/favicon.ico"])
def test_every_response_has_nosniff_and_a_frame_policy(apps, service, path) -> None:
    answer = apps[service].test_client().get(path)
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in answer.headers["Content-Security-Policy"]


@pytest.mark.parametrize("service", SERVICES)
def test_refusals_carry_the_headers_too(apps, service) -> None:
    client = apps[service].test_client()
    for answer in (client.get("/healthz", headers={"Host": "attacker.example"}),
                   client.post("/__admin/reset", data="x", content_type="text/plain")):
        assert answer.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("service", SERVICES)
def test_the_favicon_is_answered(apps, service) -> None:
    for path in ("/favicon.ico", "/favicon.svg"):
        answer = apps[service].test_client().get(path)
        assert answer.status_code == 200 and answer.mimetype == "image/svg+xml"
        assert answer.get_data(as_text=True).startswith("<svg")


@pytest.mark.parametrize(
    ("service", "method", "path"),
    [
        pytest.param("anaf", "post", "/__admin/clock", id="anaf-clock"),
        pytest.param("anaf", "post", "/__admin/faults", id="anaf-faults"),
        pytest.param("anaf", "post", "/portal/api/apps", id="anaf-create-app"),
        pytest.param("anaf", "patch", "/portal/api/apps/some-client", id="anaf-update-app"),
        pytest.param("anaf", "post", "/portal/api/identities", id="anaf-identities"),
        pytest.param("sbs", "post", "/__admin/clock", id="sbs-clock"),
        pytest.param("demo", "post", "/__admin/clock", id="demo-clock"),
    ],
)
@pytest.mark.parametrize("body", [DEEP, '{"a":' * 1000 + "1" + "}" * 1000], ids=["arrays", "objects"])
def test_json_nested_a_thousand_deep_is_a_400_and_changes_nothing(apps, service, method, path, body) -> None:
    client = apps[service].test_client()
    before = offset(client)
    answer = getattr(client, method)(path, data=body, content_type="application/json")
    assert answer.status_code == 400, answer.get_data(as_text=True)[:300]
    assert "more than 64 levels deep" in answer.get_data(as_text=True)
    assert offset(client) == before
    if service == "anaf":
        assert client.get("/__admin/faults").get_json() == []
