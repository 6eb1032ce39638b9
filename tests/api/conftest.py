"""API tests: every test runs on SQLite and PostgreSQL through the ``client`` fixture."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from argon2.profiles import CHEAPEST

from slotkeeper.kit import security

_CHEAP = PasswordHasher.from_parameters(CHEAPEST)
_CHEAP_DUMMY = _CHEAP.hash("slotkeeper-dummy-password")


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Still argon2, with the cheapest parameters: the API tests register many users, and
    the production cost (~0.2 s per hash or check) would dominate their run time."""
    monkeypatch.setattr(security, "_hasher", _CHEAP)
    monkeypatch.setattr(security, "_DUMMY_HASH", _CHEAP_DUMMY)
