"""Fixtures for the e-Factura unit tests: the sample invoices of tests/fixtures/anaf_api/."""
from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "anaf_api"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.fixture()
def sample():
    """Read one fixture file's bytes by name."""
    return fixture_bytes
