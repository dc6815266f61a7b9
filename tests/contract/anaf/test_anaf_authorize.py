"""The authorization endpoint: the certificate page, the decision POST, and every refusal."""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

AUTHORIZE = "/anaf-oauth2/v1/authorize"


def query(anaf, **overrides: Any) -> dict[str, Any]:
    params = {"response_type": "code", "client_id": anaf.client_id, "redirect_uri": anaf.callback,
              "state": "st-1", "token_content_type": "jwt", **overrides}
    return {k: v for k, v in params.items() if v is not None}


def location_params(answer) -> dict[str, list[str]]:
    return parse_qs(urlsplit(answer.headers["Location"]).query)


def test_page_imitates_the_certificate_prompt(anaf) -> None:
    answer = anaf.client.get(AUTHORIZE, query_string=query(anaf))
    assert answer.status_code == 200 and answer.mimetype == "text/html"
    assert answer.headers["Cache-Control"] == "no-store"
    page = answer.get_data(as_text=True)
    assert "Selectați un certificat" in page and "facturare-test" in page and "E-Factura, E-Transport" in page
    for identity in anaf.client.get("/portal/api/identities").get_json():
        assert identity["serial"] in page and identity["name"] in page
    assert 'value="deny"' in page and "Nu am token USB / Anulare" in page
    assert re.search(r'name="csrf_token" value="[^"]+"', page)
    assert f'name="redirect_uri" value="{anaf.callback}"' in page and 'name="state" value="st-1"' in page


def test_page_escapes_what_it_echoes(anaf) -> None:
    page = anaf.client.get(AUTHORIZE, query_string=query(anaf, state='"><script>x</script>')).get_data(as_text=True)
    assert "<script>x</script>" not in page and "&lt;script&gt;" in page


@pytest.mark.parametrize(
    ("overrides", "error", "description"),
    [
        pytest.param({"client_id": None}, "invalid_request", "Required parameter (client_id) is missing", id="no-client"),
        pytest.param({"client_id": "nope"}, "invalid_client", "Invalid client_id (nope)", id="unknown-client"),
        pytest.param({"redirect_uri": None}, "invalid_request", "Required parameter (redirect_uri) is missing",
                     id="no-redirect"),
        pytest.param({"redirect_uri": "https://evil.example/cb"}, "invalid_request",
                     "Redirect-URI (https://evil.example/cb) does not match with client app configuration.",
                     id="unregistered-redirect"),
        pytest.param({"redirect_uri": "https://erp.example.ro/anaf/callback/"}, "invalid_request",
                     "Redirect-URI (https://erp.example.ro/anaf/callback/) does not match with client app "
                     "configuration.", id="trailing-slash-is-another-uri"),
        pytest.param({"redirect_uri": "https://erp.example.ro/" + "a" * 1900}, "invalid_request",
                     "Redirect-URI (https://erp.example.ro/" + "a" * 1900 + ") does not match with client app "
                     "configuration.", id="long-unregistered-redirect-quoted-whole"),
    ],
)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_bad_client_or_redirect_never_redirects(anaf, method: str, overrides: dict[str, Any], error: str,
                                                description: str) -> None:
    before = anaf.counts()
    if method == "GET":
        answer = anaf.client.get(AUTHORIZE, query_string=query(anaf, **overrides))
    else:
        answer = anaf.authorize(**overrides)
    assert answer.status_code == 400 and "Location" not in answer.headers
    assert answer.get_json() == {"error": error, "error_description": description}
    assert answer.headers["Cache-Control"] == "no-store"
    assert anaf.counts() == before


def test_duplicate_client_id_is_not_redirected(anaf) -> None:
    answer = anaf.client.get(f"{AUTHORIZE}?client_id={anaf.client_id}&client_id={anaf.client_id}"
                             f"&redirect_uri={anaf.callback}&response_type=code")
    assert answer.status_code == 400 and "Location" not in answer.headers
    assert answer.get_json()["error_description"] == "Parameter (client_id) is included more than once"


@pytest.mark.parametrize(
    ("overrides", "error", "description"),
    [
        pytest.param({"response_type": None}, "invalid_request", "Required parameter (response_type) is missing",
                     id="no-response-type"),
        pytest.param({"response_type": "token"}, "unsupported_response_type",
                     "Unsupported value for response_type (token)", id="token-response-type"),
        pytest.param({"token_content_type": "xml"}, "invalid_request",
                     "Unsupported value for token_content_type (xml); use jwt or omit it", id="bad-content-type"),
    ],
)
def test_other_errors_go_back_to_the_client(anaf, overrides: dict[str, Any], error: str, description: str) -> None:
    before = anaf.counts()
    answer = anaf.client.get(AUTHORIZE, query_string=query(anaf, **overrides))
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith(anaf.callback + "?")
    assert location_params(answer) == {"error": [error], "error_description": [description], "state": ["st-1"]}
    assert anaf.counts() == before


def test_repeated_state_is_redirected_without_state(anaf) -> None:
    answer = anaf.client.get(f"{AUTHORIZE}?client_id={anaf.client_id}&redirect_uri={anaf.callback}"
                             "&response_type=code&state=a&state=b")
    assert answer.status_code == 302
    assert location_params(answer) == {"error": ["invalid_request"],
                                       "error_description": ["Parameter (state) is included more than once"]}


def test_allow_redirects_with_code_and_state(anaf) -> None:
    answer = anaf.authorize()
    assert answer.status_code == 302 and answer.headers["Cache-Control"] == "no-store"
    params = location_params(answer)
    assert set(params) == {"code", "state"} and params["state"] == ["st-1"] and len(params["code"][0]) >= 40
    assert anaf.counts()["codes"] == 1


def test_existing_query_of_the_redirect_uri_is_kept(anaf) -> None:
    answer = anaf.authorize(redirect_uri=anaf.second_callback, state=None)
    assert answer.headers["Location"].startswith("http://localhost:8000/anaf/callback?branch=2&code=")
    assert set(location_params(answer)) == {"branch", "code"}


def test_deny_redirects_with_access_denied(anaf) -> None:
    before = anaf.counts()
    answer = anaf.authorize(decision="deny", identity=None)
    assert answer.status_code == 302
    assert answer.headers["Location"] == f"{anaf.callback}?error=access_denied&state=st-1"
    assert anaf.counts() == before


@pytest.mark.parametrize(
    ("overrides", "description"),
    [
        pytest.param({"decision": None}, "Parameter (decision) must be allow or deny", id="no-decision"),
        pytest.param({"decision": "yes"}, "Parameter (decision) must be allow or deny", id="bad-decision"),
        pytest.param({"identity": None}, "Required parameter (identity) is missing: the serial of a certificate",
                     id="no-identity"),
        pytest.param({"identity": "DEADBEEF"}, "Unknown identity (DEADBEEF): see GET /portal/api/identities",
                     id="unknown-identity"),
    ],
)
def test_bad_decision_is_shown_not_redirected(anaf, overrides: dict[str, Any], description: str) -> None:
    before = anaf.counts()
    answer = anaf.authorize(**overrides)
    assert answer.status_code == 400 and "Location" not in answer.headers
    assert answer.get_json() == {"error": "invalid_request", "error_description": description}
    assert anaf.counts() == before


def browser_form(anaf) -> dict[str, str]:
    page = anaf.client.get(AUTHORIZE, query_string=query(anaf)).get_data(as_text=True)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    return {**fields, "identity": anaf.serial, "decision": "allow"}


def test_browser_post_with_its_csrf_token(anaf) -> None:
    answer = anaf.client.post(AUTHORIZE, data=browser_form(anaf), headers={"Origin": "http://localhost"})
    assert answer.status_code == 302 and "code" in location_params(answer)


@pytest.mark.parametrize(
    ("change", "origin"),
    [
        pytest.param({"csrf_token": "forged"}, "http://localhost", id="wrong-token"),
        pytest.param({"csrf_token": None}, "http://localhost", id="browser-without-token"),
        pytest.param({}, "https://evil.example", id="other-site"),
        pytest.param({}, "null", id="opaque-origin"),
    ],
)
def test_browser_post_refused_without_csrf_proof(anaf, change: dict[str, Any], origin: str) -> None:
    form = {k: v for k, v in {**browser_form(anaf), **change}.items() if v is not None}
    before = anaf.counts()
    answer = anaf.client.post(AUTHORIZE, data=form, headers={"Origin": origin})
    assert answer.status_code == 403 and "Location" not in answer.headers
    assert answer.get_json()["error"] == "csrf"
    assert anaf.counts() == before


@pytest.mark.parametrize(
    ("overrides", "ending"),
    [
        pytest.param({"redirect_uri": "https://evil.example/" + "a" * 5000}, ") does not match with client app "
                     "configuration.", id="huge-redirect-uri"),
        pytest.param({"client_id": "x" * 5000}, ")", id="huge-client-id"),
    ],
)
def test_huge_input_is_shortened_inside_the_message(anaf, overrides: dict[str, Any], ending: str) -> None:
    answer = anaf.client.get(AUTHORIZE, query_string=query(anaf, **overrides))
    description = answer.get_json()["error_description"]
    assert answer.status_code == 400 and description.endswith(ending) and "..." in description
    assert len(description) < 2100
