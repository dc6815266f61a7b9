"""The developer portal's pages, walked as a person would: account, login with the access code, apps."""
from __future__ import annotations

import re

import pytest


def csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "the form carries a CSRF token"
    return found.group(1)


def page_of(anaf, path: str) -> str:
    answer = anaf.client.get(path)
    assert answer.status_code == 200 and answer.mimetype == "text/html"
    return answer.get_data(as_text=True)


def log_in(anaf, email: str = "ana@firma.ro") -> None:
    token = csrf(page_of(anaf, "/portal/inregistrare"))
    created = anaf.client.post("/portal/inregistrare", data={"email": email, "csrf_token": token})
    assert created.status_code == 302 and created.headers["Location"].startswith("/portal/autentificare")
    login_page = page_of(anaf, created.headers["Location"])
    assert "este activ" in login_page
    step = anaf.client.post("/portal/autentificare", data={"email": email, "csrf_token": csrf(login_page)})
    assert step.status_code == 302 and step.headers["Location"] == "/portal/autentificare/cod"
    code_page = page_of(anaf, "/portal/autentificare/cod")
    code = re.search(r'id="access-code">(\d{6})<', code_page).group(1)
    done = anaf.client.post("/portal/autentificare/cod", data={"code": code, "csrf_token": csrf(code_page)})
    assert done.status_code == 302 and done.headers["Location"] == "/portal/profil-oauth"


def profile_form(anaf, **fields) -> dict:
    page = page_of(anaf, "/portal/profil-oauth")
    return {"csrf_token": csrf(page), **fields}


def test_start_page_in_romanian(anaf) -> None:
    page = page_of(anaf, "/portal/")
    for label in ("Înregistrare pentru API-uri", "Autentificare utilizator", "Editare profil OAuth",
                  "Generare Client ID", 'name="viewport"'):
        assert label in page


def test_profile_needs_login(anaf) -> None:
    answer = anaf.client.get("/portal/profil-oauth")
    assert answer.status_code == 302 and answer.headers["Location"] == "/portal/autentificare"


def test_wrong_access_code(anaf) -> None:
    anaf.client.post("/portal/inregistrare", data={"email": "x@firma.ro", "csrf_token": csrf(page_of(anaf, "/portal/inregistrare"))})
    page = page_of(anaf, "/portal/autentificare")
    anaf.client.post("/portal/autentificare", data={"email": "x@firma.ro", "csrf_token": csrf(page)})
    code_page = page_of(anaf, "/portal/autentificare/cod")
    answer = anaf.client.post("/portal/autentificare/cod", data={"code": "000000x", "csrf_token": csrf(code_page)})
    assert answer.status_code == 400 and "Cod de acces greșit" in answer.get_data(as_text=True)
    assert anaf.client.get("/portal/profil-oauth").status_code == 302


def test_login_of_unknown_account(anaf) -> None:
    page = page_of(anaf, "/portal/autentificare")
    answer = anaf.client.post("/portal/autentificare", data={"email": "nobody@firma.ro", "csrf_token": csrf(page)})
    assert answer.status_code == 400 and "Nu există un cont" in answer.get_data(as_text=True)


def test_register_app_shows_id_and_secret_once(anaf) -> None:
    log_in(anaf)
    form = profile_form(anaf, name="facturare-ana", callback=["https://ana.ro/cb", "http://localhost:8000/cb"],
                        service=["EFACTURA", "ETRANSPORT"])
    answer = anaf.client.post("/portal/profil-oauth", data=form)
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    page = answer.get_data(as_text=True)
    client_id = re.search(r'id="client-id">([0-9a-f]{32})<', page).group(1)
    secret = re.search(r'id="client-secret">([0-9a-f]{48})<', page).group(1)
    shown = anaf.client.get(f"/portal/api/apps/{client_id}").get_json()
    assert shown["callbacks"] == ["https://ana.ro/cb", "http://localhost:8000/cb"]
    assert shown["services"] == ["EFACTURA", "ETRANSPORT"] and shown["developer"] == "ana@firma.ro"
    assert anaf.services.registry.authenticate(client_id, secret) is not None
    listing = page_of(anaf, "/portal/profil-oauth")
    assert client_id in listing and secret not in listing and "Renunțare Oauth" in listing


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        pytest.param({"name": "facturare ana", "callback": ["https://ana.ro/cb"], "service": ["EFACTURA"]},
                     "must not contain spaces", id="name-with-spaces"),
        pytest.param({"name": "x", "callback": ["http://ana.ro/cb"], "service": ["EFACTURA"]},
                     "Callback URL 1 must be an https:// URL", id="http-callback"),
        pytest.param({"name": "x", "callback": ["https://ana.ro/cb"]}, "choose at least one service", id="no-service"),
        pytest.param({"name": "x", "callback": ["", ""], "service": ["EFACTURA"]}, "at least one callback URL",
                     id="no-callback"),
    ],
)
def test_register_errors_are_shown_on_the_form(anaf, fields: dict, message: str) -> None:
    log_in(anaf)
    before = anaf.counts()
    answer = anaf.client.post("/portal/profil-oauth", data=profile_form(anaf, **fields))
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    assert message in page and 'role="alert"' in page and "Generare Client ID" in page
    assert anaf.counts() == before


def test_plus_adds_a_callback_field(anaf) -> None:
    log_in(anaf)
    form = profile_form(anaf, name="x", callback=["https://a.ro/1", "https://a.ro/2"], service=["EFACTURA"],
                        action="add_callback")
    page = anaf.client.post("/portal/profil-oauth", data=form).get_data(as_text=True)
    assert "Callback URL 3" in page and 'value="https://a.ro/2"' in page and anaf.counts()["apps"] == 1


def test_edit_and_renuntare(anaf) -> None:
    log_in(anaf)
    anaf.client.post("/portal/profil-oauth", data=profile_form(
        anaf, name="edit-me", callback=["https://a.ro/1"], service=["EFACTURA"]))
    client_id = anaf.client.get("/portal/api/apps?developer=ana@firma.ro").get_json()[0]["clientId"]
    edit_page = page_of(anaf, f"/portal/profil-oauth/{client_id}")
    answer = anaf.client.post(f"/portal/profil-oauth/{client_id}", data={
        "csrf_token": csrf(edit_page), "name": "edited", "callback": ["https://a.ro/1", "https://a.ro/2", ""],
        "service": ["ETRANSPORT"]})
    assert answer.status_code == 302
    assert anaf.client.get(f"/portal/api/apps/{client_id}").get_json() == {
        "clientId": client_id, "name": "edited", "callbacks": ["https://a.ro/1", "https://a.ro/2"],
        "services": ["ETRANSPORT"], "developer": "ana@firma.ro"}
    listing = page_of(anaf, "/portal/profil-oauth")
    gone = anaf.client.post(f"/portal/profil-oauth/{client_id}/renuntare", data={"csrf_token": csrf(listing)})
    assert gone.status_code == 302
    assert anaf.client.get(f"/portal/api/apps/{client_id}").status_code == 404


def test_other_developers_apps_are_out_of_reach(anaf) -> None:
    log_in(anaf)
    listing = page_of(anaf, "/portal/profil-oauth")
    foreign = anaf.client_id  # registered by dev@example.ro
    assert anaf.client.get(f"/portal/profil-oauth/{foreign}").status_code == 404
    answer = anaf.client.post(f"/portal/profil-oauth/{foreign}/renuntare", data={"csrf_token": csrf(listing)})
    assert answer.status_code == 404
    assert anaf.client.get(f"/portal/api/apps/{foreign}").status_code == 200


@pytest.mark.parametrize(
    ("path", "data"),
    [
        pytest.param("/portal/inregistrare", {"email": "x@firma.ro"}, id="register"),
        pytest.param("/portal/autentificare", {"email": "dev@example.ro"}, id="login"),
        pytest.param("/portal/iesire", {}, id="logout"),
        pytest.param("/portal/identitati", {"name": "X", "cifs": "1234"}, id="identities"),
    ],
)
def test_forms_need_the_csrf_token(anaf, path: str, data: dict) -> None:
    before = anaf.counts()
    for token in (None, "forged"):
        sent = data if token is None else {**data, "csrf_token": token}
        answer = anaf.client.post(path, data=sent)
        assert answer.status_code == 403 and answer.mimetype == "text/html"
        assert "open the page again" in answer.get_data(as_text=True)
    assert anaf.counts() == before


def test_delete_needs_the_csrf_token(anaf) -> None:
    log_in(anaf)
    anaf.client.post("/portal/profil-oauth", data=profile_form(
        anaf, name="keep-me", callback=["https://a.ro/1"], service=["EFACTURA"]))
    client_id = anaf.client.get("/portal/api/apps?developer=ana@firma.ro").get_json()[0]["clientId"]
    answer = anaf.client.post(f"/portal/profil-oauth/{client_id}/renuntare", data={"csrf_token": "forged"})
    assert answer.status_code == 403
    assert anaf.client.get(f"/portal/api/apps/{client_id}").status_code == 200


def test_identities_page_lists_and_adds(anaf) -> None:
    page = page_of(anaf, "/portal/identitati")
    for identity in anaf.client.get("/portal/api/identities").get_json():
        assert identity["serial"] in page
    answer = anaf.client.post("/portal/identitati", data={"csrf_token": csrf(page), "name": "Nou SRL",
                                                          "cifs": "12345674, RO34567892"})
    assert answer.status_code == 302
    assert {"name": "Nou SRL", "cifs": ["12345674", "RO34567892"]}.items() <= \
        anaf.client.get("/portal/api/identities").get_json()[-1].items()
    bad = anaf.client.post("/portal/identitati", data={"csrf_token": csrf(page), "name": "X", "cifs": "abc"})
    assert bad.status_code == 400 and "cifs[0]" in bad.get_data(as_text=True)


def test_logout(anaf) -> None:
    log_in(anaf)
    listing = page_of(anaf, "/portal/profil-oauth")
    assert anaf.client.post("/portal/iesire", data={"csrf_token": csrf(listing)}).status_code == 302
    assert anaf.client.get("/portal/profil-oauth").status_code == 302
