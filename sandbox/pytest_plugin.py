"""pytest plugin of the sandbox: fixtures that start mock ANAF and mock SBS for a test.

Installed with the package (entry point `pytest11`), so any test can ask for:

- ``anaf_sandbox`` — the seeded sandbox (mock ANAF, mock SBS, demo app on free ports), reset to its
  seeded state before each test; a `sandbox.harness.SandboxHandle` (``.manifest``, ``.anaf``,
  ``.sbs``, ``.advance_clock()``, ...). The servers start once per session: a reset costs
  milliseconds, a start about a second.
- ``anaf_sandbox_options`` — override it (session scope) to return other `sandbox.launcher.Options`.
- ``anaf_intercept`` — ANAF's real URLs answered in-process for this test (`sandbox.interception`).

Only pytest is imported here; the services load the first time a fixture is used, so a suite that
never asks for these fixtures pays nothing.
"""
# The imports inside the fixtures are that cost choice (tests/harness/test_harness_plugin.py checks that
# importing this module loads no service), not a way around an import cycle: there is none.
from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

import pytest

if TYPE_CHECKING:
    from sandbox.harness import SandboxHandle
    from sandbox.interception import AnafInterception
    from sandbox.launcher import Options, Sandbox


@pytest.fixture(scope="session")
def anaf_sandbox_options() -> "Options":
    """How the session's sandbox starts: loopback, free ports, state in memory."""
    from sandbox.launcher import Options

    return Options(host="127.0.0.1", anaf_port=0, sbs_port=0, demo_port=0, data_dir=None)


@pytest.fixture(scope="session")
def anaf_sandbox_servers(anaf_sandbox_options: "Options") -> Iterator["Sandbox"]:
    """The three services, started and seeded once per test session, stopped at its end."""
    from sandbox.launcher import Sandbox

    sandbox = Sandbox.start(anaf_sandbox_options)
    try:
        yield sandbox
    finally:
        sandbox.stop()


@pytest.fixture()
def anaf_sandbox(anaf_sandbox_servers: "Sandbox") -> Iterator["SandboxHandle"]:
    """The seeded sandbox, back in its seeded state (data, clocks, faults, journals) for this test."""
    from sandbox.harness import SandboxHandle

    handle = SandboxHandle.from_manifest(anaf_sandbox_servers.manifest)
    try:
        handle.reset()
        yield handle
    finally:
        handle.session.close()


@pytest.fixture()
def anaf_intercept() -> Iterator["AnafInterception"]:
    """ANAF's real URLs (logincert.anaf.ro, api.anaf.ro) answered by a fresh in-process mock ANAF."""
    from sandbox.interception import intercept_anaf

    with intercept_anaf() as handle:
        yield handle

