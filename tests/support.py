"""Builders shared by the API, server and benchmark tests.

Each works with any client that has httpx's ``post/put/get`` (FastAPI's TestClient or an
``httpx.Client`` pointed at a real server). Every builder makes fresh, uniquely named
data, so tests never depend on one another's leftovers.
"""

from __future__ import annotations

import os
import uuid
from typing import Any

import pytest

API = "/api/v1"
PG_ADMIN_URL = os.environ.get("SLOTKEEPER_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
REQUIRE_ALL = os.environ.get("SLOTKEEPER_REQUIRE_ALL") == "1"
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def missing(what: str) -> None:
    """Skip for a missing dependency, or fail when CI requires everything."""
    if REQUIRE_ALL:
        pytest.fail(f"{what} is required (SLOTKEEPER_REQUIRE_ALL=1)")
    pytest.skip(f"{what} is not available")


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, (response.status_code, response.text)
    return response.json()


def register(client: Any, email: str | None = None, password: str = "correct-horse-1") -> dict:
    """A new user and its bearer headers: ``{"id", "email", "headers"}``."""
    email = email or f"{unique('user')}@example.com"
    user = ok(client.post(f"{API}/auth/register",
                          json={"email": email, "password": password, "name": "Test User"}), 201)
    token = ok(client.post(f"{API}/auth/token", json={"email": email, "password": password}))
    return {**user, "headers": {"Authorization": f"Bearer {token['access_token']}"}}


def make_org(client: Any, owner: dict, **fields: Any) -> dict:
    body = {"name": unique("Org"), "timezone": "Europe/London", "currency": "EUR", **fields}
    return ok(client.post(f"{API}/organizations", json=body, headers=owner["headers"]), 201)


def make_location(client: Any, owner: dict, org: dict, **fields: Any) -> dict:
    body = {"name": unique("Branch"), "city": "London", **fields}
    return ok(client.post(f"{API}/organizations/{org['id']}/locations", json=body,
                          headers=owner["headers"]), 201)


def make_provider(client: Any, owner: dict, org: dict, **fields: Any) -> dict:
    body = {"name": unique("Provider"), "timezone": org["timezone"], **fields}
    return ok(client.post(f"{API}/organizations/{org['id']}/providers", json=body,
                          headers=owner["headers"]), 201)


def make_service(client: Any, owner: dict, org: dict, providers: list[dict], **fields: Any
                 ) -> dict:
    body = {"name": unique("Service"), "duration_minutes": 60, "price": "50.00",
            "provider_ids": [p["id"] for p in providers], **fields}
    return ok(client.post(f"{API}/organizations/{org['id']}/services", json=body,
                          headers=owner["headers"]), 201)


def set_hours(client: Any, owner: dict, provider: dict, start: str = "09:00", end: str = "17:00",
              days: list[str] | None = None) -> list[dict]:
    windows = [{"day": d, "start": start, "end": end} for d in (days or WEEKDAYS)]
    return ok(client.put(f"{API}/providers/{provider['id']}/weekly-hours", json=windows,
                         headers=owner["headers"]))


def make_world(client: Any, *, timezone: str = "Europe/London", hours: tuple[str, str] =
               ("09:00", "17:00"), days: list[str] | None = None, **service_fields: Any) -> dict:
    """Owner, organization, one provider with weekly hours, one service."""
    owner = register(client)
    org = make_org(client, owner, timezone=timezone)
    provider = make_provider(client, owner, org, timezone=timezone)
    set_hours(client, owner, provider, *hours, days=days)
    service = make_service(client, owner, org, [provider], **service_fields)
    return {"owner": owner, "org": org, "provider": provider, "service": service}


def booking_body(world: dict, start: str, **fields: Any) -> dict:
    return {"service_id": world["service"]["id"], "provider_id": world["provider"]["id"],
            "start": start, "customer": {"name": "Guest", "email": "guest@example.com"}, **fields}


def slots(client: Any, world: dict, start_date: str, end_date: str | None = None,
          timezone: str | None = None, **params: Any) -> list[dict]:
    query = {"start_date": start_date, "end_date": end_date or start_date,
             "timezone": timezone or world["org"]["timezone"], **params}
    return ok(client.get(f"{API}/services/{world['service']['id']}/slots", params=query))["slots"]
