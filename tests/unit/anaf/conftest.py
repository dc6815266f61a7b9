"""Fixtures for mock ANAF's unit tests: one signing key per session (generating one costs ~0.1 s)."""
from __future__ import annotations

import pytest

from mock_anaf.tokens import SigningKey


@pytest.fixture(scope="session")
def signing_key() -> SigningKey:
    return SigningKey.load_or_create(None)
