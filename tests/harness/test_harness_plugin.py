"""The pytest plugin: registered by installing the package, light to load, and each test starts from the seed."""
from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from sandbox.harness import AnafError

HEAVY = ("flask", "requests", "responses", "mock_anaf", "mock_sbs", "demo_app", "sandbox.launcher")


def run_pytest(tmp_path: Path, files: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run a separate pytest session on ``files``, as another project's suite would."""
    for name, text in files.items():
        (tmp_path / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )


def test_the_plugin_is_registered_through_the_pytest11_entry_point() -> None:
    found = [ep for ep in importlib.metadata.entry_points(group="pytest11") if ep.name == "anaf_sandbox"]
    assert [ep.value for ep in found] == ["sandbox.pytest_plugin"]


def test_another_suite_gets_the_plugin_light_and_configurable(tmp_path: Path) -> None:
    """One separate pytest session: a test that never asks for the fixtures runs first, then one that does."""
    result = run_pytest(tmp_path, {
        "conftest.py": """
            import pytest

            @pytest.fixture(scope="session")
            def anaf_sandbox_options():
                from sandbox.launcher import Options
                return Options(anaf_port=0, sbs_port=0, demo_port=0, data_dir=None, strict_client_auth=True)
            """,
        "test_a_unrelated.py": f"""
            import sys

            def test_unrelated(pytestconfig):
                assert pytestconfig.pluginmanager.has_plugin("anaf_sandbox")
                loaded = [m for m in {HEAVY!r} if m in sys.modules]
                assert loaded == [], loaded
            """,
        "test_b_strict.py": """
            def test_body_credentials_refused(anaf_sandbox):
                import requests  # here, not at the top: collection must not load it for the check above
                app = anaf_sandbox.anaf.register_app(["https://erp.example/cb"])
                code = anaf_sandbox.anaf.authorize(app).code
                refused = requests.post(anaf_sandbox.manifest["anaf"]["url"] + "/anaf-oauth2/v1/token", data={
                    "grant_type": "authorization_code", "code": code, "redirect_uri": "https://erp.example/cb",
                    "client_id": app.client_id, "client_secret": app.client_secret})
                assert refused.status_code == 401
                assert "access_token" in anaf_sandbox.anaf.exchange_code(app, code)
            """,
    })
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout


def test_reset_returns_every_service_to_the_seed(anaf_sandbox) -> None:
    """What the fixture does before each test, done mid-test so the effect can be seen."""
    anaf, sbs = anaf_sandbox.anaf, anaf_sandbox.sbs
    seeded_app = sbs.app()
    app = anaf.register_app(["https://erp.example/cb"])
    sbs.authorize("EFACTURA")
    sbs.update_app({"roAnafEtransportUseImplicitClientSecret": False})
    anaf_sandbox.advance_clock(3600)
    anaf.inject_fault("token", "server_error", times=3)
    assert sbs.authorizations() and anaf.journal()

    anaf_sandbox.reset()

    assert anaf.journal() == [] and sbs.journal() == []  # read first: every later call is journaled
    assert sbs.authorizations() == []
    assert sbs.app() == seeded_app
    assert anaf.clock()["offset"] == 0 and sbs.clock()["offset"] == 0
    gone = anaf.authorize(app)
    assert (gone.status, gone.error) == (400, "invalid_client")
    fresh = anaf.register_app(["https://erp.example/cb"])
    tokens = anaf.login(fresh)  # no fault left armed
    assert anaf.hello(tokens["access_token"]).status_code == 200


def test_a_helper_names_what_anaf_refused(anaf_sandbox) -> None:
    app = anaf_sandbox.anaf.register_app(["https://erp.example/cb"])
    with pytest.raises(AnafError, match="invalid_grant") as refused:
        anaf_sandbox.anaf.exchange_code(app, "not-a-code")
    assert refused.value.status == 400


@pytest.mark.parametrize("scope", [
    pytest.param("EFACTURA", id="custom-callback-processAuthorizationResponse"),
    pytest.param("ETRANSPORT", id="implicit-sbs-own-callback"),
])
def test_a_denied_brokered_flow_reports_sbs_error_and_stores_nothing(anaf_sandbox, scope: str) -> None:
    flow = anaf_sandbox.sbs.authorize(scope, decision="deny")
    assert (flow.anaf.error, flow.authorization, flow.error) == ("access_denied", None, "ACCESS_DENIED")
    assert flow.error_message
    assert anaf_sandbox.sbs.authorizations() == []
