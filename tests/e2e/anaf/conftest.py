"""Fixtures for mock ANAF's end-to-end tests: real HTTP servers on 127.0.0.1, port 0."""
from __future__ import annotations

from tests.support.anaf_server import anaf, anaf_key_file, start_anaf  # noqa: F401 - fixtures
