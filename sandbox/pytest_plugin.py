"""pytest plugin of the sandbox: fixtures that start mock ANAF and mock SBS for a test."""
from __future__ import annotations
