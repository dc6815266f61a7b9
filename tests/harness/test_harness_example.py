"""Testing an ANAF/SBS integration against the sandbox: a complete example to copy into your own suite.

`pip install anaf-oauth-sandbox` registers the pytest plugin; no conftest.py is needed. Two fixtures:

- ``anaf_sandbox``: mock ANAF, mock SBS and the demo app on free ports, seeded (SPEC §5) and reset
  to that seeded state before every test. ``.manifest`` is `sandbox.json`; ``.anaf`` and ``.sbs``
  drive the services without a browser.
- ``anaf_intercept``: ANAF's real URLs (logincert.anaf.ro, api.anaf.ro) answered in-process, for
  code that has them hard-wired; other URLs raise.
"""
from __future__ import annotations

import pytest
import requests

from sandbox.harness import AnafError, GraphQLError

MY_CALLBACK = "https://my-erp.example/anaf/callback"
DAY = 24 * 3600


def test_authorization_code_flow_and_token_expiry(anaf_sandbox) -> None:
    anaf = anaf_sandbox.anaf
    app = anaf.register_app(callbacks=[MY_CALLBACK])  # the portal's "Generare Client ID"

    serial = anaf_sandbox.identities[0]["serial"]
    answer = anaf.authorize(app, identity=serial, state="xyz")  # the certificate prompt, answered "allow"
    assert (answer.redirect_base, answer.state) == (MY_CALLBACK, "xyz")

    tokens = anaf.exchange_code(app, answer.code)
    assert anaf.hello(tokens["access_token"], "ci").text == 'Hello, "ci"'

    anaf_sandbox.advance_clock(91 * DAY)  # access tokens live 90 days
    assert anaf.hello(tokens["access_token"]).status_code == 403
    renewed = anaf.refresh(app, tokens["refresh_token"])
    assert anaf.hello(renewed["access_token"]).status_code == 200


def test_refusals_faults_and_the_journal(anaf_sandbox) -> None:
    anaf = anaf_sandbox.anaf
    app = anaf.register_app(callbacks=[MY_CALLBACK])

    denied = anaf.authorize(app, decision="deny")  # "No USB token / cancel"
    assert (denied.code, denied.error) == (None, "access_denied")
    wrong = anaf.authorize(app, redirect_uri="https://evil.example/cb")  # never redirects
    assert (wrong.status, wrong.location, wrong.error) == (400, None, "invalid_request")

    code = anaf.authorize(app).code
    anaf.inject_fault("token", "server_error")  # the next token call fails once
    with pytest.raises(AnafError) as failed:
        anaf.exchange_code(app, code)
    assert (failed.value.status, failed.value.error) == (500, "server_error")
    tokens = anaf.exchange_code(app, code)
    with pytest.raises(AnafError) as replayed:  # single-use code
        anaf.exchange_code(app, code)
    assert replayed.value.error == "invalid_grant"

    calls = anaf.journal(path="/anaf-oauth2/v1/token")
    assert [(c["status"], c["grant_type"], c["client_id"]) for c in calls] == [
        (500, "authorization_code", app.client_id),
        (200, "authorization_code", app.client_id),
        (400, "authorization_code", app.client_id),
    ]
    assert tokens["access_token"] not in str(calls) and app.client_secret not in str(calls)


def test_sbs_brokers_each_secret_rule(anaf_sandbox) -> None:
    sbs, callbacks = anaf_sandbox.sbs, anaf_sandbox.callbacks

    main = sbs.authorize("EFACTURA")  # no oauthCallback: the main secret
    additional = sbs.authorize("EFACTURA", oauth_callback=callbacks["additional"][0])
    implicit = sbs.authorize("ETRANSPORT")  # seeded with the SBS-managed secret and SBS's own callback

    assert [f.authorization["secretSource"] for f in (main, additional, implicit)] == [
        "MAIN", "ADDITIONAL", "IMPLICIT"]
    assert main.authorization["clientId"] != additional.authorization["clientId"]
    assert implicit.anaf.redirect_base == callbacks["implicit"]
    assert sbs.test_authorization(implicit.authorization["id"])["answer"] == 'Hello, "SBS"'
    assert {a["scope"] for a in sbs.authorizations()} == {"EFACTURA", "ETRANSPORT"}


def test_update_app_with_your_own_anaf_secret(anaf_sandbox) -> None:
    anaf, sbs = anaf_sandbox.anaf, anaf_sandbox.sbs
    mine = anaf.register_app(callbacks=[MY_CALLBACK], name="my-erp")
    secret = {"clientId": mine.client_id, "clientSecret": mine.client_secret, "oauthCallback": MY_CALLBACK}

    app = sbs.update_app({"roAnafEfacturaAdditionalClientSecrets": [secret]})  # the seed's mutation
    assert app["roAnafEfacturaAdditionalClientSecrets"] == [secret]
    flow = sbs.authorize("EFACTURA", oauth_callback=MY_CALLBACK)
    assert (flow.authorization["secretSource"], flow.authorization["clientId"]) == ("ADDITIONAL", mine.client_id)

    with pytest.raises(GraphQLError) as unknown:
        sbs.authorize("EFACTURA", oauth_callback="https://not-configured.example/cb")
    assert unknown.value.code == "BAD_USER_INPUT" and MY_CALLBACK in str(unknown.value)


def test_code_with_anafs_real_urls_hard_wired(anaf_intercept) -> None:
    app = anaf_intercept.register_app(callbacks=[MY_CALLBACK])
    code = anaf_intercept.authorize(app).code

    # Your production code, unchanged: it calls logincert.anaf.ro and api.anaf.ro with requests.
    token = requests.post("https://logincert.anaf.ro/anaf-oauth2/v1/token", auth=(app.client_id, app.client_secret),
                          data={"grant_type": "authorization_code", "code": code, "redirect_uri": MY_CALLBACK})
    hello = requests.get("https://api.anaf.ro/TestOauth/jaxrs/hello", params={"name": "prod-code"},
                         headers={"Authorization": f"Bearer {token.json()['access_token']}"})
    assert (token.status_code, hello.text) == (200, 'Hello, "prod-code"')
