"""The settings editor (`updateApp`) and the authorizations page, through the test client."""
from __future__ import annotations

import copy
import html
import re

import pytest

BRANCH_CB = "http://demo.test/anaf/callback/branch"


def text(response):
    return html.unescape(response.get_data(as_text=True))


def form_of(page: str) -> dict[str, str]:
    """The editor's fields as the browser would send them untouched (checkboxes only when checked)."""
    fields = {}
    for tag in re.findall(r"<input [^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        if name is None:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        if 'type="checkbox"' in tag and "checked" not in tag:
            continue
        fields[name.group(1)] = html.unescape(value.group(1)) if value else ""
    return fields


def editor(client, slug="efactura"):
    page = client.get(f"/settings/{slug}").get_data(as_text=True)
    return form_of(page.split('class="panel editor"', 1)[1].split("</form>", 1)[0])


def test_editor_shows_settings_without_secrets(client, seeded_secrets):
    response = client.get("/settings/efactura")
    page = text(response)
    assert response.status_code == 200
    fields = editor(client)
    assert fields["main-clientId"] == "client-main"
    assert fields["main-clientSecret"] == ""
    assert fields["add-0-oauthCallback"] == "http://demo.test/anaf/callback/branch"
    assert fields["add-1-clientId"] == ""  # an empty row to add a secret
    assert fields["testEnvironment"] == "1" and "implicit" not in fields
    for value in seeded_secrets:
        assert value not in page


def test_adding_an_additional_secret_sends_only_that_list_and_shows_the_exchange(client, fake_sbs, seeded_secrets):
    fields = editor(client)
    fields.update({"add-1-clientId": "client-new", "add-1-clientSecret": "brand-new-secret",
                   "add-1-oauthCallback": "http://demo.test/anaf/callback/shop"})
    response = client.post("/settings/efactura", data=fields)
    assert response.status_code == 302
    page = text(client.get(response.headers["Location"]))
    stored = fake_sbs.stored["roAnafEfacturaAdditionalClientSecrets"]
    assert [s["clientId"] for s in stored] == ["client-branch", "client-new"]
    assert stored[0]["clientSecret"] == seeded_secrets[1]  # kept: the blank field means "unchanged"
    assert stored[1]["clientSecret"] == "brand-new-secret"
    assert "Sent, and SBS accepted it" in page
    assert "mutation updateApp" in page
    sent = page.split('data-testid="sent-variables">', 1)[1].split("</pre>", 1)[0]
    assert '"roAnafEfacturaAdditionalClientSecrets"' in sent and '"roAnafEfacturaClientSecret"' not in sent
    assert '"clientSecret": "********"' in sent
    for value in (*seeded_secrets, "brand-new-secret"):
        assert value not in page


def test_invalid_callback_is_shown_next_to_its_field_and_nothing_changes(client, fake_sbs):
    before = copy.deepcopy(fake_sbs.stored)
    fields = editor(client)
    fields.update({"add-1-clientId": "client-new", "add-1-clientSecret": "s3",
                   "add-1-oauthCallback": "http://shop.example.com/cb"})
    response = client.post("/settings/efactura", data=fields)
    page = text(response)
    assert response.status_code == 422
    error = re.search(r'data-testid="error-add-1-oauthCallback">([^<]+)<', page)
    assert error and "must be an https:// URL" in error.group(1)
    assert 'id="add-1-oauthCallback"' in page and 'value="http://shop.example.com/cb"' in page  # kept as typed
    assert "Nothing was changed" in page and "Sent, and SBS refused it" in page
    assert fake_sbs.stored == before
    assert "s3" not in re.sub(r'"[^"]*s3[^"]*"', "", page.split('data-testid="sent-variables">')[1].split("</pre>")[0])


def test_missing_client_id_on_main_is_shown_next_to_it(client, fake_sbs):
    before = copy.deepcopy(fake_sbs.stored)
    fields = editor(client)
    fields["main-clientId"] = ""
    response = client.post("/settings/efactura", data=fields)
    page = text(response)
    assert response.status_code == 422
    assert re.search(r'data-testid="error-main-clientId">input\.roAnafEfacturaClientSecret\.clientId: is required<',
                     page)
    assert fake_sbs.stored == before


def test_removing_an_additional_secret_and_turning_implicit_on(client, fake_sbs):
    fields = editor(client)
    fields["add-0-remove"] = "1"
    fields["implicit"] = "1"
    response = client.post("/settings/efactura", data=fields)
    assert response.status_code == 302
    assert fake_sbs.stored["roAnafEfacturaAdditionalClientSecrets"] == []
    assert fake_sbs.stored["roAnafEfacturaUseImplicitClientSecret"] is True
    home = text(client.get("/"))
    assert 'data-testid="card-efactura-implicit"' in home
    assert 'data-testid="card-efactura-additional-0"' not in home


def test_editor_under_implicit_leaves_the_main_row_blank_and_says_why(client, fake_sbs):
    page = text(client.get("/settings/etransport"))
    fields = editor(client, "etransport")
    assert (fields["main-clientId"], fields["main-oauthCallback"]) == ("", "")
    note = re.search(r'data-testid="implicit-main">(.*?)</p>', page, re.DOTALL).group(1)
    assert "client-implicit" in note and "Leave these fields blank to keep the app's secret" in note
    assert "leave blank to keep the stored secret" not in page.split('id="main-clientSecret"')[1].split(">")[0]

    fields.pop("implicit")  # untick the flag only: the app's own main secret comes back
    response = client.post("/settings/etransport", data=fields)
    assert response.status_code == 302
    sent = text(client.get(response.headers["Location"])).split('data-testid="sent-variables">', 1)[1]
    assert '"roAnafEtransportUseImplicitClientSecret": false' in sent.split("</pre>", 1)[0]
    assert '"roAnafEtransportClientSecret"' not in sent.split("</pre>", 1)[0]
    assert fake_sbs.stored["roAnafEtransportClientSecret"]["clientId"] == "client-main"


def test_two_secrets_are_added_at_once_without_reloading_the_form(client, fake_sbs):
    page = text(client.get("/settings/efactura"))
    folded = page.split('data-testid="more-rows"', 1)[1].split("</details>", 1)[0]
    assert 'id="add-2-clientId"' in folded and 'id="add-3-clientId"' in folded
    assert "extra=" not in page  # no link that reloads the editor and drops what was typed
    fields = editor(client)
    for n in (1, 2):
        fields.update({f"add-{n}-clientId": f"client-{n}", f"add-{n}-clientSecret": f"secret-{n}",
                       f"add-{n}-oauthCallback": f"http://demo.test/anaf/callback/shop-{n}"})
    assert client.post("/settings/efactura", data=fields).status_code == 302
    assert [s["clientId"] for s in fake_sbs.stored["roAnafEfacturaAdditionalClientSecrets"]] == [
        "client-branch", "client-1", "client-2"]


def test_clearing_the_main_row_removes_the_main_secret(client, fake_sbs):
    fields = editor(client)
    fields.update({"main-clientId": "", "main-oauthCallback": ""})
    response = client.post("/settings/efactura", data=fields)
    assert response.status_code == 302
    assert fake_sbs.stored["roAnafEfacturaClientSecret"] is None


def test_a_refused_update_asks_to_type_the_secrets_again(client):
    fields = editor(client)
    fields.update({"add-1-clientId": "c", "add-1-clientSecret": "typed-secret", "add-1-oauthCallback": "ftp://x"})
    page = text(client.post("/settings/efactura", data=fields))
    summary = re.search(r'data-testid="refused-summary">(.*?)</p>', page, re.DOTALL).group(1)
    assert "Client secrets you typed are not shown again" in summary


def test_submitting_an_unchanged_form_sends_nothing(client, fake_sbs):
    response = client.post("/settings/etransport", data=editor(client, "etransport"))
    assert response.status_code == 302
    assert "updateApp" not in fake_sbs.calls
    assert "Nothing to send" in text(client.get(response.headers["Location"]))


def _authorize(client, csrf, query):
    token = csrf(client)
    started = client.post("/connect", data={"csrf_token": token, "service": "efactura", "card": "omitted",
                                            "callback": ""})
    state = query(started.headers["Location"])["state"]
    client.get("/anaf/callback/main", query_string={"code": "c", "state": state})
    return token


def test_authorizations_list_refresh_test_and_delete(client, csrf, query, fake_sbs):
    assert "None yet" in text(client.get("/authorizations"))
    token = _authorize(client, csrf, query)
    page = text(client.get("/authorizations"))
    assert 'data-testid="status">ACTIVE<' in page and "2025-04-01T00:00:00Z" in page

    refreshed = client.post("/authorizations/auth-efactura/refresh", data={"csrf_token": token})
    assert refreshed.status_code == 303
    assert "the access token now expires at 2025-07-01T00:00:00Z" in text(client.get("/authorizations"))

    client.post("/authorizations/auth-efactura/test", data={"csrf_token": token})
    assert 'ANAF answered HTTP 200: Hello, "demo"' in text(client.get("/authorizations"))

    client.post("/authorizations/auth-efactura/delete", data={"csrf_token": token})
    page = text(client.get("/authorizations"))
    assert "SBS revoked its tokens at ANAF" in page
    assert fake_sbs.held == {}


def test_needs_reauthorization_shows_its_message(client, csrf, query, fake_sbs):
    _authorize(client, csrf, query)
    fake_sbs.held["auth-efactura"].update(
        status="NEEDS_REAUTHORIZATION", statusMessage="The callback that authorized it is no longer configured.")
    page = text(client.get("/authorizations"))
    assert 'data-testid="status">NEEDS_REAUTHORIZATION<' in page
    assert "no longer configured" in page
    assert re.search(r'<a href="/#efactura" data-testid="reconnect">Connect again', page)


GONE = ("The callback http://demo.test/anaf/callback/branch that authorized this is no longer configured, so it "
        "cannot be refreshed with the same secrets; authorize again.")


def test_refresh_that_needs_reauthorization_says_so_once(client, csrf, query, fake_sbs):
    """SBS's long status message is under the authorization's status already; the outcome does not repeat it."""
    token = _authorize(client, csrf, query)
    fake_sbs.held["auth-efactura"].update(status="NEEDS_REAUTHORIZATION", statusMessage=GONE)
    client.post("/authorizations/auth-efactura/refresh", data={"csrf_token": token})
    page = text(client.get("/authorizations"))
    article = page.split('id="auth-auth-efactura"', 1)[1].split("</article>", 1)[0]
    assert ("SBS could not refresh it: it needs a new authorization (NEEDS_REAUTHORIZATION). The reason is under "
            "Status.") in article
    assert page.count(GONE) == 1


def test_testing_a_token_that_cannot_be_refreshed_shows_anafs_answer_and_the_deadline(client, csrf, query,
                                                                                     fake_sbs):
    token = _authorize(client, csrf, query)
    fake_sbs.held["auth-efactura"].update(status="NEEDS_REAUTHORIZATION", statusMessage=GONE)
    client.post("/authorizations/auth-efactura/test", data={"csrf_token": token})
    page = text(client.get("/authorizations"))
    assert 'ANAF answered HTTP 200: Hello, "demo"' in page
    assert ("The access token works until 2025-04-01T00:00:00Z, but SBS can no longer refresh it: connect again "
            "before then.") in page
    assert "did not work" not in page and page.count(GONE) == 1


def test_testing_a_token_that_expired_too_says_it_needs_a_new_authorization_once(client, csrf, query, fake_sbs):
    token = _authorize(client, csrf, query)
    fake_sbs.held["auth-efactura"].update(status="NEEDS_REAUTHORIZATION", statusMessage=GONE, expired=True)
    client.post("/authorizations/auth-efactura/test", data={"csrf_token": token})
    page = text(client.get("/authorizations"))
    assert "The token could not be tested: it needs a new authorization (NEEDS_REAUTHORIZATION)" in page
    assert page.count(GONE) == 1


def test_an_outcome_for_an_authorization_no_longer_listed_keeps_the_reason(client, csrf, query, fake_sbs):
    token = _authorize(client, csrf, query)
    fake_sbs.held["auth-efactura"].update(status="NEEDS_REAUTHORIZATION", statusMessage=GONE)
    client.post("/authorizations/auth-efactura/refresh", data={"csrf_token": token})
    del fake_sbs.held["auth-efactura"]  # replaced meanwhile by a new authorization elsewhere
    page = text(client.get("/authorizations"))
    assert f"SBS could not refresh it: it needs a new authorization (NEEDS_REAUTHORIZATION). {GONE}" in page


def test_outcome_of_a_button_is_shown_inside_the_authorization_it_concerns(client, csrf, query, fake_sbs):
    token = _authorize(client, csrf, query)
    response = client.post("/authorizations/auth-efactura/test", data={"csrf_token": token})
    assert response.headers["Location"].endswith("/authorizations#auth-auth-efactura")
    page = text(client.get("/authorizations"))
    article = page.split('id="auth-auth-efactura"', 1)[1].split("</article>", 1)[0]
    assert re.search(r'class="flash ok" role="status" data-testid="outcome">ANAF answered HTTP 200', article)
    assert page.count('data-testid="outcome"') == 1
    assert 'data-testid="outcome"' not in text(client.get("/authorizations"))  # shown once


def test_refresh_of_unknown_authorization_shows_sbs_error(client, csrf):
    response = client.post("/authorizations/nope/refresh", data={"csrf_token": csrf(client)})
    assert response.status_code == 303
    assert "SBS did not refresh it: no authorization nope (NOT_FOUND)" in text(client.get("/authorizations"))


@pytest.mark.parametrize("extra", ["%C2%B2", "%E2%91%A0", "%D9%A3", "9" * 5000, "-1", "", "1.5"])
def test_a_row_count_that_is_not_plain_digits_shows_the_usual_editor(client, extra):
    response = client.get(f"/settings/efactura?extra={extra}")
    assert response.status_code == 200
    fields = editor(client)
    page_fields = form_of(response.get_data(as_text=True).split('class="panel editor"', 1)[1].split("</form>", 1)[0])
    assert page_fields.keys() == fields.keys()  # the default number of empty rows


def test_a_row_count_in_range_is_honoured_and_clamped(client):
    def rows(extra: str) -> int:
        page = client.get(f"/settings/efactura?extra={extra}").get_data(as_text=True)
        return len(set(re.findall(r'name="add-(\d+)-clientId"', page)))

    assert rows("") < rows("3") < rows("10") == rows("99")


@pytest.mark.parametrize("original", ["²", "①", "٣", "9" * 5000, "-0"])
def test_an_original_index_that_is_not_plain_digits_is_a_new_row(client, fake_sbs, original):
    fields = editor(client)
    fields.update({"add-0-original": original, "add-0-clientSecret": "another-secret"})
    response = client.post("/settings/efactura", data=fields)
    assert response.status_code == 302
    assert fake_sbs.stored["roAnafEfacturaAdditionalClientSecrets"] == [
        {"clientId": "client-branch", "clientSecret": "another-secret", "oauthCallback": BRANCH_CB}]
