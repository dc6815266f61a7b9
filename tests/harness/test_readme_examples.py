"""The README's copyable interception examples, run as they are printed there (a test keeps the two identical)."""
from __future__ import annotations

import inspect
from pathlib import Path

import httpx
import requests

from sandbox.interception import intercept_anaf

README = Path(__file__).resolve().parents[2] / "README.md"


def test_my_erp_gets_a_token_from_anaf():
    with intercept_anaf() as anaf:  # logincert.anaf.ro and api.anaf.ro, answered in-process
        app = anaf.register_app(["https://my-erp.example/anaf/callback"])
        code = anaf.authorize(app).code  # the certificate prompt, answered "allow"
        token = requests.post("https://logincert.anaf.ro/anaf-oauth2/v1/token",
                              auth=(app.client_id, app.client_secret),
                              data={"grant_type": "authorization_code", "code": code,
                                    "redirect_uri": "https://my-erp.example/anaf/callback"}).json()
        hello = requests.get("https://api.anaf.ro/TestOauth/jaxrs/hello", params={"name": "erp"},
                             headers={"Authorization": f"Bearer {token['access_token']}"})
        assert hello.text == 'Hello, "erp"'


def test_my_httpx_client_gets_a_token_from_anaf():
    with intercept_anaf() as anaf:
        app = anaf.register_app(["https://my-erp.example/anaf/callback"])
        code = anaf.authorize(app).code
        with httpx.Client(transport=anaf.httpx_transport()) as http:  # hand your client this transport
            token = http.post("https://logincert.anaf.ro/anaf-oauth2/v1/token",
                              auth=(app.client_id, app.client_secret),
                              data={"grant_type": "authorization_code", "code": code,
                                    "redirect_uri": "https://my-erp.example/anaf/callback"}).json()
            hello = http.get("https://api.anaf.ro/TestOauth/jaxrs/hello", params={"name": "erp"},
                             headers={"Authorization": f"Bearer {token['access_token']}"})
        assert hello.text == 'Hello, "erp"'


def test_the_readme_prints_these_examples_verbatim() -> None:
    readme = README.read_text(encoding="utf-8")
    for example in (test_my_erp_gets_a_token_from_anaf, test_my_httpx_client_gets_a_token_from_anaf):
        assert inspect.getsource(example) in readme, f"README.md lost or changed {example.__name__}"
